import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makePdf } from '../../test-fixtures/pdf/make-pdfs';
import { issuePerson } from '../../test-fixtures/signers';
import { DevCa } from '../devca';
import { DocumentReport } from '../report';
import { signPdf } from './sign-pdf';
import { verifyPdf } from './verify-pdf';

/**
 * A document signed in Kyso, then countersigned by poppler's pdfsig (NSS): another tool's
 * incremental update with its own appearance fonts, a widget that only the page's /Annots lists,
 * orphan objects, and a BER-encoded CMS.
 */
describe('a Kyso signature followed by a pdfsig (NSS) signature', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kyso-pdfsig-'));
  const nss = `sql:${join(dir, 'nss')}`;
  let countersigned: Uint8Array;
  let report: DocumentReport;

  const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', stdio: 'pipe' });

  beforeAll(async () => {
    const root = await DevCa.createRoot({ commonName: 'Interop Root', keyAlgorithm: 'RSA-2048' });
    const kyso = await issuePerson(root, { CN: 'Kyso Signer', C: 'VN' });
    const other = await issuePerson(root, { CN: 'NSS Signer', C: 'VN' }, { algorithm: 'RSASSA-PKCS1-v1_5-SHA256' });
    const signingTime = new Date(Math.floor(Date.now() / 1000) * 1000);
    const signed = await signPdf(await makePdf(), {
      signer: kyso.key.signer,
      certificate: kyso.cert,
      chain: [],
      signingTime,
    });

    const file = (name: string, data: string | Uint8Array) => {
      writeFileSync(join(dir, name), data);
      return join(dir, name);
    };
    file('key.pem', other.key.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    file('cert.pem', other.cert.toPem());
    file('root.pem', root.certificate.toPem());
    run('openssl', [
      'pkcs12',
      '-export',
      '-inkey',
      join(dir, 'key.pem'),
      '-in',
      join(dir, 'cert.pem'),
      '-name',
      'nss-signer',
      '-out',
      join(dir, 'signer.p12'),
      '-passout',
      'pass:',
    ]);
    mkdirSync(join(dir, 'nss'));
    run('certutil', ['-N', '-d', nss, '--empty-password']);
    run('pk12util', ['-i', join(dir, 'signer.p12'), '-d', nss, '-W', '']);
    run('certutil', ['-A', '-d', nss, '-n', 'root', '-t', 'CT,C,C', '-i', join(dir, 'root.pem')]);
    run('pdfsig', [
      '-nssdir',
      nss,
      '-add-signature',
      '-nick',
      'nss-signer',
      file('in.pdf', signed),
      join(dir, 'out.pdf'),
    ]);
    countersigned = new Uint8Array(readFileSync(join(dir, 'out.pdf')));
    report = await verifyPdf(countersigned, { trustAnchors: [root.certificate] });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is a file that pdfsig itself finds two valid signatures in', () => {
    const out = run('pdfsig', ['-nssdir', nss, join(dir, 'out.pdf')]);
    expect(out.match(/Signature Validation: Signature is Valid\./g)).toHaveLength(2);
    expect(out).toContain('adbe.pkcs7.detached');
  });

  it('reports both signatures', () => {
    expect(report.signatureCount).toBe(2);
    expect(report.signatures.map((s) => s.subFilter)).toEqual(['ETSI.CAdES.detached', 'adbe.pkcs7.detached']);
    expect(report.signatures[1].coverage).toMatchObject({ coversWholeRevision: true, coversWholeDocument: true });
  });

  it("allows the second signature's field, widget, appearance and fonts after the first", () => {
    const first = report.signatures[0];
    expect(first).toMatchObject({ indication: 'TOTAL-PASSED', fieldName: 'Signature1' });
    expect(first.modifications).toMatchObject({ changedAfterSigning: true, allowed: true });
    const text = first.modifications.description.join('\n');
    expect(text).toMatch(/allowed: signature appearance \d+ 0 \(Font\) added/);
    expect(text).toMatch(/allowed: signature appearance \d+ 0 \(FontDescriptor\) added/);
    expect(text).toMatch(/allowed: signature field \d+ 0 \(Annot\) added/);
    expect(text).toMatch(/allowed: signature dictionary \d+ 0 \(Sig\) added/);
    expect(text).toMatch(/allowed: page \d+ 0 \(Page\) changed/);
    expect(text).not.toContain('not allowed');
  });

  it("finds the second signature's CMS (BER: verified once the cms helper's BER reading is merged)", () => {
    const second = report.signatures[1];
    expect(second.modifications).toMatchObject({ changedAfterSigning: false });
    expect(second.indication).toBe('TOTAL-PASSED');
  });
});
