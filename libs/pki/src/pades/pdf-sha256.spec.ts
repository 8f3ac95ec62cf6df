import * as crypto from 'node:crypto';
import { PDFDocument } from 'pdf-lib';
import { issuePerson } from '../../test-fixtures/signers';
import { DevCa, SoftwareKey } from '../devca';
import { Certificate } from '../x509/certificate';
import { signPdf } from './sign-pdf';
import { pdfSha256, verifyPdf } from './verify-pdf';

const sha256 = (b: Uint8Array) => crypto.createHash('sha256').update(b).digest('hex');

describe('pdfSha256 (the file digest sharing its hashing with the signed byte ranges)', () => {
  let root: DevCa;
  let signer: { key: SoftwareKey; cert: Certificate };
  let sub: DevCa;
  let unsigned: Uint8Array;
  let once: Uint8Array;
  let twice: Uint8Array;

  beforeAll(async () => {
    root = await DevCa.createRoot({ commonName: 'Kyso Digest Root', organization: 'Kyso', keyAlgorithm: 'RSA-2048' });
    sub = await root.createSubordinate({ commonName: 'Kyso Digest CA', organization: 'Kyso' });
    signer = await issuePerson(sub, { CN: 'Nguyễn Văn A', O: 'Kyso', C: 'VN' }, { algorithm: 'ECDSA-P256-SHA256' });
    const doc = await PDFDocument.create();
    doc.addPage([595, 842]);
    unsigned = await doc.save();
    const sign = (pdf: Uint8Array, fieldName: string) =>
      signPdf(pdf, {
        signer: signer.key.signer,
        certificate: signer.cert,
        chain: [sub.certificate],
        signingTime: new Date(Math.floor(Date.now() / 1000) * 1000),
        fieldName,
      });
    once = await sign(unsigned, 'A');
    twice = await sign(once, 'B');
  });

  const verify = (pdf: Uint8Array) => verifyPdf(pdf, { trustAnchors: [root.certificate] });
  const judged = async (pdf: Uint8Array) =>
    (await verify(pdf)).signatures.map((s) => [s.fieldName, s.indication, s.subIndication ?? null]);

  it('is the SHA-256 of the whole file: signed once or twice, unsigned, not a PDF, empty', () => {
    for (const bytes of [once, twice, unsigned, Buffer.from('not a pdf at all'), new Uint8Array(0)])
      expect(pdfSha256(new Uint8Array(bytes)).toString('hex')).toBe(sha256(bytes));
  });

  it('leaves the judgement as it is, a changed byte in either range included', async () => {
    for (const pdf of [once, twice]) {
      const hashedFirst = new Uint8Array(pdf);
      pdfSha256(hashedFirst);
      expect(await judged(hashedFirst)).toEqual(await judged(new Uint8Array(pdf)));
      expect((await verify(hashedFirst)).conclusion).toBe('TOTAL-PASSED');
    }
    // One byte changed before the last /Contents, and bytes of its second range: judged as in a
    // copy that was not hashed first, and never passed.
    const [, , c, d] = (await verify(new Uint8Array(twice))).signatures[1].coverage.byteRange;
    for (const at of [11, c, c + (d >> 1)]) {
      const tampered = new Uint8Array(twice);
      tampered[at] ^= 0x01;
      pdfSha256(tampered);
      const report = await verify(tampered);
      expect(report.conclusion).not.toBe('TOTAL-PASSED');
      const fresh = new Uint8Array(tampered);
      expect(await judged(tampered)).toEqual(await judged(fresh));
      if (at === 11) expect(report.signatures[1]).toMatchObject({ subIndication: 'HASH_FAILURE' });
    }
  });

  it('spares verifyPdf the hashing of the last signature byte ranges', async () => {
    await verify(new Uint8Array(twice)); // certificates and other per-object memos warmed
    const [, b, c, d] = (await verify(new Uint8Array(twice))).signatures[1].coverage.byteRange;
    const hashed = async (hashFirst: boolean) => {
      const pdf = new Uint8Array(twice);
      if (hashFirst) pdfSha256(pdf);
      const update = jest.spyOn(crypto.Hash.prototype, 'update');
      try {
        await verify(pdf);
        return update.mock.calls.reduce((n, [data]) => n + (data as unknown as Uint8Array).length, 0);
      } finally {
        update.mockRestore();
      }
    };
    const plain = await hashed(false);
    expect(plain - (await hashed(true))).toBe(b + d);
    expect(c).toBeGreaterThan(b);
  });
});
