import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { issuePerson } from '../../test-fixtures/signers';
import { DevCa, SoftwareKey } from '../devca';
import { appendIncrementalUpdate, findSignatures, PdfDocument, PdfFormatError } from '../pdf';
import { serializeValue } from '../pdf/serialize';
import { Certificate } from '../x509/certificate';
import { signPdf } from './sign-pdf';
import { verifyPdf } from './verify-pdf';

// /M has a precision of seconds; the certificates are issued around now.
const SIGNING_TIME = new Date(Math.floor(Date.now() / 1000) * 1000);

describe('PAdES sign and verify', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kyso-pades-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const nssDir = `sql:${join(dir, 'nss')}`;
  let root: DevCa;
  let sub: DevCa;
  let rsa: { key: SoftwareKey; cert: Certificate };
  let ec: { key: SoftwareKey; cert: Certificate };
  let unsigned: Uint8Array;

  const pdfsig = (pdf: Uint8Array, name: string): string => {
    const file = join(dir, name);
    writeFileSync(file, pdf);
    try {
      return execFileSync('pdfsig', ['-nssdir', nssDir, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      return String((e as { stdout?: string }).stdout ?? e); // pdfsig exits non-zero on invalid signatures
    }
  };

  beforeAll(async () => {
    root = await DevCa.createRoot({ commonName: 'Kyso PAdES Root', organization: 'Kyso', keyAlgorithm: 'RSA-2048' });
    sub = await root.createSubordinate({ commonName: 'Kyso PAdES Government CA', organization: 'Kyso' });
    const person = (algorithm: SoftwareKey['algorithm'], CN: string) =>
      issuePerson(
        sub,
        { CN, O: 'Sở Nội vụ', OU: ['Văn phòng'], title: 'Giám đốc', E: 'gd@snv.example.vn', C: 'VN' },
        { algorithm },
      );
    rsa = await person('RSASSA-PKCS1-v1_5-SHA256', 'Nguyễn Văn A');
    ec = await person('ECDSA-P256-SHA256', 'Trần Thị B');

    execFileSync('mkdir', ['-p', join(dir, 'nss')]);
    execFileSync('certutil', ['-N', '-d', nssDir, '--empty-password']);
    writeFileSync(join(dir, 'root.pem'), root.certificate.toPem());
    execFileSync('certutil', ['-A', '-d', nssDir, '-n', 'root', '-t', 'CT,C,C', '-i', join(dir, 'root.pem')]);

    const doc = await PDFDocument.create();
    const page = doc.addPage([595, 842]);
    page.drawText('Quyet dinh so 123/QD-SNV', {
      x: 50,
      y: 780,
      size: 14,
      font: await doc.embedFont(StandardFonts.TimesRoman),
    });
    unsigned = await doc.save();
  });

  const sign = (pdf: Uint8Array, who: { key: SoftwareKey; cert: Certificate }, fieldName?: string) =>
    signPdf(pdf, {
      signer: who.key.signer,
      certificate: who.cert,
      chain: [sub.certificate],
      signingTime: SIGNING_TIME,
      reason: 'Phê duyệt',
      location: 'Hà Nội',
      fieldName,
    });

  it.each([
    ['RSA', () => rsa],
    ['ECDSA', () => ec],
  ])('signs with an in-memory %s signer; pdfsig and verifyPdf accept it', async (label, who) => {
    const signed = await sign(unsigned, who());
    expect(Buffer.from(signed.subarray(0, unsigned.length)).equals(Buffer.from(unsigned))).toBe(true); // incremental
    const out = pdfsig(signed, `signed-${label}.pdf`);
    expect(out).toContain('Signature Validation: Signature is Valid.');
    expect(out).toContain('Certificate Validation: Certificate is Trusted.');
    expect(out).toContain('ETSI.CAdES.detached');

    const report = await verifyPdf(signed, { trustAnchors: [root.certificate] });
    expect(report).toMatchObject({ conclusion: 'TOTAL-PASSED', signatureCount: 1, reasons: [] });
    const s = report.signatures[0];
    expect(s).toMatchObject({
      indication: 'TOTAL-PASSED',
      subIndication: null,
      subFilter: 'ETSI.CAdES.detached',
      digestAlgorithm: 'SHA-256',
      signatureAlgorithm: label === 'RSA' ? 'RSASSA-PKCS1-v1_5-SHA256' : 'ECDSA-SHA256',
      signingTime: { claimed: SIGNING_TIME.toISOString(), timestamped: null },
      coverage: { coversWholeRevision: true, coversWholeDocument: true },
      modifications: { changedAfterSigning: false },
      revocation: { checked: false },
      signer: {
        name: who().cert.subject.get('CN'),
        organisation: 'Sở Nội vụ, Văn phòng',
        title: 'Giám đốc',
        email: 'gd@snv.example.vn',
        certificateSerial: who().cert.serialNumberHex,
      },
    });
    expect(s.chain.map((c) => c.trustAnchor)).toEqual([false, false, true]);
    expect(s.reasons.map((r) => r.code)).toEqual(['REVOCATION_NOT_CHECKED']);
    await expect(
      verifyPdf(signed, { trustAnchors: [root.certificate], validationTime: new Date(), requireRevocation: true }),
    ).resolves.toMatchObject({
      conclusion: 'INDETERMINATE',
      signatures: [{ indication: 'INDETERMINATE', subIndication: 'TRY_LATER' }],
    });
  });

  it('gives HASH_FAILURE for one changed byte inside a byte range', async () => {
    const signed = await sign(unsigned, rsa);
    const tampered = new Uint8Array(signed);
    tampered[11] ^= 0x01; // the binary comment after %PDF-1.7: still a readable PDF
    const report = await verifyPdf(tampered, { trustAnchors: [root.certificate] });
    expect(report.conclusion).toBe('TOTAL-FAILED');
    expect(report.signatures[0]).toMatchObject({
      indication: 'TOTAL-FAILED',
      subIndication: 'HASH_FAILURE',
      reasons: [{ code: 'HASH_FAILURE' }],
    });
    expect(pdfsig(tampered, 'tampered.pdf')).toMatch(/Digest Mismatch|Signature is Invalid/);
  });

  it('gives NO_CERTIFICATE_CHAIN_FOUND for a signer under an unknown CA', async () => {
    const other = await DevCa.createRoot({ commonName: 'Unknown Root' });
    const signed = await sign(unsigned, ec);
    const report = await verifyPdf(signed, { trustAnchors: [other.certificate] });
    expect(report).toMatchObject({
      conclusion: 'INDETERMINATE',
      signatures: [{ indication: 'INDETERMINATE', subIndication: 'NO_CERTIFICATE_CHAIN_FOUND' }],
    });
  });

  it('keeps both signatures of a twice-signed PDF valid, here and in pdfsig', async () => {
    const once = await sign(unsigned, rsa, 'GiamDoc');
    const twice = await sign(once, ec, 'VanThu');
    const out = pdfsig(twice, 'twice.pdf');
    expect(out.match(/Signature is Valid\./g)).toHaveLength(2);
    expect(out.match(/Certificate is Trusted\./g)).toHaveLength(2);

    const report = await verifyPdf(twice, { trustAnchors: [root.certificate] });
    expect(report.conclusion).toBe('TOTAL-PASSED');
    expect(report.signatures.map((s) => [s.fieldName, s.indication, s.signer.name])).toEqual([
      ['GiamDoc', 'TOTAL-PASSED', 'Nguyễn Văn A'],
      ['VanThu', 'TOTAL-PASSED', 'Trần Thị B'],
    ]);
    expect(report.signatures[0].coverage.coversWholeDocument).toBe(false);
    expect(report.signatures[0].modifications).toMatchObject({ changedAfterSigning: true, allowed: true });
    expect(report.signatures[1].coverage.coversWholeDocument).toBe(true);
  });

  it('fails the signature and the document after a disallowed change (issue 10, point 6)', async () => {
    const signed = await sign(unsigned, ec);
    const doc = PdfDocument.open(signed);
    const page = doc.firstPage();
    const rotated = page.dict.clone().set('Rotate', 90); // the page content as displayed changes
    const { pdf: modified } = appendIncrementalUpdate(
      doc,
      [{ num: page.ref.num, gen: page.ref.gen, body: serializeValue(rotated) }],
      'rotate',
    );
    const report = await verifyPdf(modified, { trustAnchors: [root.certificate] });
    expect(report.conclusion).toBe('TOTAL-FAILED');
    expect(report.reasons.map((r) => r.code)).toEqual(['MODIFIED_AFTER_SIGNING']);
    const s = report.signatures[0];
    expect(s).toMatchObject({ indication: 'TOTAL-FAILED', subIndication: 'FORMAT_FAILURE' });
    expect(s.modifications).toMatchObject({ changedAfterSigning: true, allowed: false });
    expect(s.reasons.map((r) => r.code)).toContain('MODIFIED_AFTER_SIGNING');
  });

  it('reports a signature whose signed range is mutilated as a failure, not an exception', async () => {
    const signed = await sign(unsigned, rsa);
    const [field] = findSignatures(signed);
    const tampered = new Uint8Array(signed);
    const at = field.byteRange[1] + 40; // a hex digit of /Contents, replaced by another: the CMS itself is damaged
    tampered[at] = tampered[at] === 0x30 ? 0x31 : 0x30;
    const report = await verifyPdf(tampered, { trustAnchors: [root.certificate] });
    expect(report.conclusion).toBe('TOTAL-FAILED');
    expect(report.signatures[0]).toMatchObject({
      subIndication: 'FORMAT_FAILURE',
      reasons: [{ code: 'FORMAT_FAILURE' }],
    });
  });

  it('concludes INDETERMINATE/NO_SIGNATURE for an unsigned PDF and throws PdfFormatError for a non-PDF', async () => {
    const report = await verifyPdf(unsigned, { trustAnchors: [root.certificate] });
    expect(report).toMatchObject({
      conclusion: 'INDETERMINATE',
      signatureCount: 0,
      reasons: [{ code: 'NO_SIGNATURE' }],
    });
    expect(report.documentSha256).toMatch(/^[0-9A-F]{64}$/);
    await expect(
      verifyPdf(Buffer.from('hello, not a pdf'), { trustAnchors: [root.certificate] }),
    ).rejects.toBeInstanceOf(PdfFormatError);
    await expect(verifyPdf(new Uint8Array(), { trustAnchors: [root.certificate] })).rejects.toMatchObject({
      code: 'EMPTY_FILE',
    });
  });
});
