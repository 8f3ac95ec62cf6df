import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { PDFDocument } from 'pdf-lib';
import { mutated } from '../../test-fixtures/fuzz';
import { readRevocationInfoArchival } from '../revocation/embedded';
import { der, seq, TAG } from '../asn1';
import { PdfDocument } from './document';
import { appendDss, readDss, vriKey } from './dss';

/** The Document Security Store (ETSI EN 319 142-1 5.4.2): written by incremental update, read back as evidence. */
describe('DSS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kyso-dss-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const bytes = (s: string) => new Uint8Array(Buffer.from(s));
  const file = (name: string, data: Uint8Array) => (writeFileSync(join(dir, name), data), join(dir, name));
  let pdf: Uint8Array;

  beforeAll(async () => {
    const doc = await PDFDocument.create();
    doc.addPage();
    pdf = await doc.save({ useObjectStreams: false });
  });

  it('appends a DSS that qpdf accepts, keeps the original bytes, and reads back every item once', () => {
    const once = appendDss(pdf, { certs: [bytes('cert-1')], crls: [bytes('crl-1')], ocsps: [] });
    expect(Buffer.from(once.subarray(0, pdf.length)).equals(Buffer.from(pdf))).toBe(true);
    const twice = appendDss(once, {
      certs: [bytes('cert-1')],
      crls: [bytes('crl-2')],
      ocsps: [bytes('ocsp-1')],
      vriFor: [bytes('signature contents')],
    });
    execFileSync('qpdf', ['--check', file('twice.pdf', twice)], { stdio: 'pipe' });
    expect(readDss(twice)).toEqual({
      certs: [bytes('cert-1')],
      crls: [bytes('crl-1'), bytes('crl-2')],
      ocsps: [bytes('ocsp-1')],
    });
    const doc = PdfDocument.open(twice);
    const dss = doc.resolveDict(doc.catalog().dict.get('DSS'))!;
    const vri = doc.resolveDict(dss.get('VRI'))!;
    expect([...vri.map.keys()]).toEqual([vriKey(bytes('signature contents'))]);
    expect(vriKey(bytes('abc'))).toBe('A9993E364706816ABA3E25717850C26C9CD0D89D');
  });

  it('gives no evidence, never an error, for a PDF without DSS or with a broken one', () => {
    expect(readDss(pdf)).toEqual({ certs: [], crls: [], ocsps: [] });
    expect(readDss(bytes('not a pdf'))).toEqual({ certs: [], crls: [], ocsps: [] });
    const withDss = appendDss(pdf, { certs: [bytes('c')], crls: [bytes('r')], ocsps: [bytes('o')] });
    fc.assert(
      fc.property(mutated(withDss.subarray(pdf.length)), (tail) => {
        const out = readDss(Buffer.concat([withDss.subarray(0, pdf.length), tail]));
        expect(Array.isArray(out.crls)).toBe(true);
      }),
      { numRuns: 200, seed: 319142 },
    );
  });

  it('reads the CRLs and OCSP responses of an adbe-revocationInfoArchival value, and nothing from a malformed one', () => {
    const crl = seq(bytes('crl'));
    const ocsp = seq(bytes('ocsp'));
    const value = seq(der(TAG.context(0), seq(crl)), der(TAG.context(1), seq(ocsp)));
    expect(readRevocationInfoArchival(value)).toEqual({ certs: [], crls: [crl], ocsps: [ocsp] });
    expect(readRevocationInfoArchival(value.subarray(0, value.length - 3))).toEqual({ certs: [], crls: [], ocsps: [] });
  });
});
