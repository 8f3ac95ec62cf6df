import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makePdf, qpdf, qpdfCheck } from '../../test-fixtures/pdf/make-pdfs';
import { issuePerson, TestSigner } from '../../test-fixtures/signers';
import { DevCa } from '../devca';
import { decodeTextString, findSignatures, PdfDocument, PdfFormatError, PdfStream, PdfString } from '../pdf';
import { signPdf } from './sign-pdf';
import { verifyPdf } from './verify-pdf';

/**
 * Encrypted PDFs with the empty user password (standard security handler), as qpdf writes them,
 * signed afterwards by Kyso and by pdfsig (NSS): read, signed and verified like any other.
 */
describe('encrypted PDFs (standard security handler, empty user password)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kyso-encrypted-'));
  const nss = `sql:${join(dir, 'nss')}`;
  let root: DevCa;
  let signer: TestSigner;
  let plain: Uint8Array;
  const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', stdio: 'pipe' });
  const file = (name: string, data: Uint8Array | string) => {
    writeFileSync(join(dir, name), data);
    return join(dir, name);
  };
  const pdfsig = (pdf: Uint8Array, name: string) => {
    try {
      return run('pdfsig', ['-nssdir', nss, file(name, pdf)]);
    } catch (e) {
      return String((e as { stdout?: string }).stdout ?? e);
    }
  };

  const variants: [string, string[]][] = [
    ['RC4 40-bit (R2)', ['--allow-weak-crypto', '--encrypt', '', 'owner', '40', '--']],
    ['RC4 128-bit (R3)', ['--allow-weak-crypto', '--encrypt', '', 'owner', '128', '--use-aes=n', '--']],
    ['AES-128 (R4)', ['--encrypt', '', 'owner', '128', '--use-aes=y', '--']],
    [
      'AES-128 (R4) with object streams',
      ['--encrypt', '', 'owner', '128', '--use-aes=y', '--', '--object-streams=generate'],
    ],
    ['AES-256 (R6)', ['--encrypt', '', 'owner', '256', '--']],
    ['AES-256 (R5, deprecated)', ['--allow-weak-crypto', '--encrypt', '', 'owner', '256', '--force-R5', '--']],
  ];

  beforeAll(async () => {
    root = await DevCa.createRoot({ commonName: 'Encrypted Root', keyAlgorithm: 'RSA-2048' });
    signer = await issuePerson(
      root,
      { CN: 'Signer of encrypted files', C: 'VN' },
      { algorithm: 'RSASSA-PKCS1-v1_5-SHA256' },
    );
    plain = await makePdf();
    mkdirSync(join(dir, 'nss'));
    file('key.pem', signer.key.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    file('cert.pem', signer.cert.toPem());
    file('root.pem', root.certificate.toPem());
    run(
      'openssl',
      ['pkcs12', '-export', '-inkey', join(dir, 'key.pem'), '-in', join(dir, 'cert.pem')].concat([
        '-name',
        'nss-signer',
        '-out',
        join(dir, 's.p12'),
        '-passout',
        'pass:',
      ]),
    );
    run('certutil', ['-N', '-d', nss, '--empty-password']);
    run('pk12util', ['-i', join(dir, 's.p12'), '-d', nss, '-W', '']);
    run('certutil', ['-A', '-d', nss, '-n', 'root', '-t', 'CT,C,C', '-i', join(dir, 'root.pem')]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const kysoSign = (pdf: Uint8Array) =>
    signPdf(pdf, {
      signer: signer.key.signer,
      certificate: signer.cert,
      chain: [],
      signingTime: new Date(Math.floor(Date.now() / 1000) * 1000),
      reason: 'Phê duyệt',
    });

  describe.each(variants)('%s', (label, args) => {
    let encrypted: Uint8Array;
    beforeAll(() => {
      encrypted = qpdf(plain, args);
    });

    it('decrypts strings and streams', () => {
      const doc = PdfDocument.open(encrypted);
      expect(doc.encryption).not.toBeNull();
      const title = doc.resolveDict(doc.trailer.get('Info'))?.get('Title');
      expect(title).toBeInstanceOf(PdfString);
      expect(decodeTextString((title as PdfString).bytes)).toBe('Công văn số 12/UBND');
      const contents = doc.resolve(doc.firstPage().dict.get('Contents'));
      const stream = (Array.isArray(contents) ? doc.resolve(contents[0]) : contents) as PdfStream;
      const text = Buffer.from('Page 1 of a test document', 'latin1').toString('hex'); // pdf-lib writes <hex> Tj
      expect(Buffer.from(doc.decode(stream)).toString('latin1').toLowerCase()).toContain(text);
    });

    it('signs it with the strings of the update encrypted, and verifies it; qpdf and pdfsig agree', async () => {
      const signed = await kysoSign(encrypted);
      const report = await verifyPdf(signed, { trustAnchors: [root.certificate] });
      expect(report).toMatchObject({ conclusion: 'TOTAL-PASSED', signatureCount: 1 });
      expect(report.signatures[0]).toMatchObject({ fieldName: 'Signature1', indication: 'TOTAL-PASSED' });
      expect(findSignatures(signed)[0]).toMatchObject({ reason: 'Phê duyệt', byteRangeValid: true });
      expect(qpdfCheck(signed).status).toBe(0);
      const out = pdfsig(signed, `kyso-${label}.pdf`);
      expect(out).toContain('Signature Field Name: Signature1'); // pdfsig decrypted our /T
      expect(out).toContain('Signature Validation: Signature is Valid.');
    });

    it('finds the signature pdfsig (NSS) adds to it', async () => {
      run('pdfsig', [
        '-nssdir',
        nss,
        '-add-signature',
        '-nick',
        'nss-signer',
        file('in.pdf', encrypted),
        join(dir, 'out.pdf'),
      ]);
      const signed = new Uint8Array(readFileSync(join(dir, 'out.pdf')));
      expect(pdfsig(signed, `nss-${label}.pdf`)).toContain('Signature Validation: Signature is Valid.');
      const report = await verifyPdf(signed, { trustAnchors: [root.certificate] });
      expect(report.signatureCount).toBe(1);
      expect(report.signatures[0].coverage).toMatchObject({ coversWholeRevision: true, coversWholeDocument: true });
      expect(report.signatures[0].indication).toBe('TOTAL-PASSED');
    });
  });

  it('refuses to open a file that needs a user password, and reports on it', async () => {
    const locked = qpdf(plain, ['--encrypt', 'secret', 'owner', '256', '--']);
    expect(() => PdfDocument.open(locked)).toThrow(PdfFormatError);
    const report = await verifyPdf(locked, { trustAnchors: [root.certificate] });
    expect(report.reasons.map((r) => r.code)).toEqual(['NO_SIGNATURE', 'PDF_STRUCTURE_DAMAGED']);
    expect(report.reasons[1]).toMatchObject({ detail: expect.stringContaining('ENCRYPTED_PDF') });
  });
});
