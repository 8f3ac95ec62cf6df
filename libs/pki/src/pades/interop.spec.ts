import * as asn1js from 'asn1js';
import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import * as pkijs from 'pkijs';
import { pdfSignedWith, pkijsCounterSignature, pkijsSignedData, PkijsSignerOptions } from '../../test-fixtures/cms';
import { parseSignedData, verifySignedData } from '../cms';
import { issuePerson } from '../../test-fixtures/signers';
import { DevCa, DevTsa, softwareSigner } from '../devca';
import { embedSignature, findSignatures, preparePdfSignature } from '../pdf';
import { Crl, CrlRevocationChecker } from '../revocation/crl';
import { parseTimeStampResponse } from '../tsp';
import { PERMISSIVE_ALGORITHM_POLICY } from '../validation/algorithm-policy';
import { signPdf } from './sign-pdf';
import { verifyPdf, VerifyPdfOptions } from './verify-pdf';

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';

/** Signatures Kyso did not make: poppler's pdfsig (NSS, BER), pkijs-built CMS, every sub-filter in use. */
describe('verifyPdf with signatures made by other tools', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kyso-interop-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const hourAgo = new Date(now.getTime() - 3600_000);
  let root: DevCa;
  let sub: DevCa;
  let unsigned: Uint8Array;
  let crls: Crl[];

  beforeAll(async () => {
    const notBefore = new Date(now.getTime() - 86400_000);
    root = await DevCa.createRoot({ commonName: 'Interop Root', keyAlgorithm: 'RSA-2048', notBefore });
    sub = await root.createSubordinate({ commonName: 'Interop Sub CA', notBefore });
    const doc = await PDFDocument.create();
    doc.addPage();
    unsigned = await doc.save({ useObjectStreams: false });
    crls = [
      Crl.fromDer(await root.issueCrl({ thisUpdate: hourAgo })),
      Crl.fromDer(await sub.issueCrl({ thisUpdate: hourAgo })),
    ];
  });

  const verify = (pdf: Uint8Array, extra: Partial<VerifyPdfOptions> = {}) =>
    verifyPdf(pdf, {
      trustAnchors: [root.certificate],
      revocationChecker: () => new CrlRevocationChecker({ crls }),
      ...extra,
    });
  const person = (CN: string, algorithm: 'RSASSA-PKCS1-v1_5-SHA256' | 'ECDSA-P256-SHA256' = 'ECDSA-P256-SHA256') =>
    issuePerson(sub, { CN, C: 'VN' }, { algorithm, notBefore: hourAgo });
  /** A CAdES-detached PDF signed through pkijs with signing-certificate-v2, by default ECDSA with SHA-256; `extra` shapes its algorithms and signed attributes. */
  const pkijsPdf = ({ key, cert }: Awaited<ReturnType<typeof person>>, extra: Partial<PkijsSignerOptions> = {}) =>
    pdfSignedWith(unsigned, 'ETSI.CAdES.detached', (content) =>
      pkijsSignedData({
        content,
        certificates: [sub.certificate],
        signers: [
          {
            cert,
            key: key.privateKey,
            digest: 'sha256',
            signatureAlgorithmOid: ECDSA_WITH_SHA256,
            essCertificates: [{ cert, version: 2 }],
            ...extra,
          },
        ],
      }),
    );

  /** An RSA signer's PDF whose CMS uses `digest` and the matching signature algorithm (weak ones). */
  const rsaPdfWithDigest = async (CN: string, digest: string, signatureAlgorithmOid: string) =>
    pkijsPdf(await person(CN, 'RSASSA-PKCS1-v1_5-SHA256'), { digest, signatureAlgorithmOid });

  it('passes a PDF signed by poppler pdfsig (NSS), whose CMS is BER with indefinite lengths', async () => {
    const { key, cert } = await person('Pdfsig Signer', 'RSASSA-PKCS1-v1_5-SHA256');
    const file = (name: string, data: string | Uint8Array) => (writeFileSync(join(dir, name), data), join(dir, name));
    const nss = `sql:${join(dir, 'nss')}`;
    execFileSync('mkdir', ['-p', join(dir, 'nss')]);
    execFileSync('certutil', ['-N', '--empty-password', '-d', nss]);
    const p12 = join(dir, 'signer.p12');
    execFileSync('openssl', [
      'pkcs12',
      '-export',
      '-name',
      'signer',
      '-inkey',
      file('key.pem', key.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string),
      '-in',
      file('cert.pem', cert.toPem()),
      '-certfile',
      file('sub.pem', sub.certificate.toPem()),
      '-out',
      p12,
      '-passout',
      'pass:',
    ]);
    execFileSync('pk12util', ['-i', p12, '-d', nss, '-W', ''], { stdio: 'ignore' });
    execFileSync(
      'pdfsig',
      ['-nssdir', nss, '-add-signature', '-nick', 'signer', file('in.pdf', unsigned), join(dir, 'out.pdf')],
      {
        stdio: 'ignore',
      },
    );
    const signed = new Uint8Array(readFileSync(join(dir, 'out.pdf')));
    const cms = findSignatures(signed)[0].contents;
    expect([cms[0], cms[1]]).toEqual([0x30, 0x80]); // indefinite length: BER, not DER
    const report = await verify(signed);
    expect(report.signatures[0]).toMatchObject({
      indication: 'TOTAL-PASSED',
      subFilter: 'adbe.pkcs7.detached',
      digestAlgorithm: 'SHA-256',
      signatureAlgorithm: 'RSASSA-PKCS1-v1_5-SHA256',
      signer: expect.objectContaining({ name: 'Pdfsig Signer' }),
    });
  });

  it('accepts signed attributes signed unsorted, as OpenSSL and NSS (pdfsig) do, with a not-ETSI-conformant warning', async () => {
    const signer = await person('Attribute Order');
    const make = (attributeOrder: 'der' | 'unsorted') => pkijsPdf(signer, { attributeOrder });
    const sorted = (await verify(await make('der'))).signatures[0];
    expect(sorted).toMatchObject({ indication: 'TOTAL-PASSED' });
    expect(sorted.reasons.map((r) => r.code)).not.toContain('NOT_ETSI_CONFORMANT');
    const unsortedPdf = await make('unsorted');
    const unsorted = (await verify(unsortedPdf)).signatures[0];
    expect(unsorted).toMatchObject({ indication: 'TOTAL-PASSED' });
    expect(JSON.stringify(unsorted.reasons)).toContain('CMS_SIGNED_ATTRIBUTES_NOT_DER');
    const path = join(dir, 'unsorted.pdf');
    writeFileSync(path, unsortedPdf);
    expect(execFileSync('pdfsig', [path], { encoding: 'utf8' })).toContain('Signature is Valid.');
    // Whatever the order, the bytes signed are the bytes read: a changed signing-time year fails.
    const text = Buffer.from(unsortedPdf).toString('latin1').toUpperCase();
    const signingTime = '06092A864886F70D010905310F170D32'; // OID, SET, UTCTime "2x..."
    const at = text.indexOf(signingTime);
    expect(at).toBeGreaterThan(0);
    const forged = Buffer.from(unsortedPdf);
    forged[at + signingTime.length - 1] = 0x33; // year 2x -> 3x
    expect((await verify(forged)).signatures[0]).toMatchObject({
      indication: 'TOTAL-FAILED',
      subIndication: 'SIG_CRYPTO_FAILURE',
    });
  });

  it.each([
    ['content-type', '1.2.840.113549.1.9.3', 'CMS_MISSING_CONTENT_TYPE'],
    ['message-digest', '1.2.840.113549.1.9.4', 'CMS_MISSING_MESSAGE_DIGEST'],
  ])('fails signed attributes without %s (RFC 5652 5.3): FORMAT_FAILURE', async (_, oid, problem) => {
    const signed = await pkijsPdf(await person('Missing Attribute'), { omitAttributes: [oid] });
    const s = (await verify(signed)).signatures[0];
    expect(s).toMatchObject({ indication: 'TOTAL-FAILED', subIndication: 'FORMAT_FAILURE' });
    expect(JSON.stringify(s.reasons)).toContain(problem);
  });

  it('warns when an ETSI.CAdES.detached CMS has no signing-certificate-v2 (EN 319 142-1 6.3; DSS SigningCertificatePresent: WARN)', async () => {
    const signer = await person('No Ess');
    const bare = (await verify(await pkijsPdf(signer, { essCertificates: [] }))).signatures[0];
    expect(bare.indication).toBe('TOTAL-PASSED');
    expect(bare.reasons).toContainEqual(
      expect.objectContaining({ code: 'NOT_ETSI_CONFORMANT', detail: 'SIGNING_CERTIFICATE_MISSING' }),
    );
    // adbe.pkcs7.detached (PAdES-compatible CMS, as pdfsig writes it) does not require it
    const pkcs7 = await pdfSignedWith(unsigned, 'adbe.pkcs7.detached', (content) =>
      pkijsSignedData({
        content,
        certificates: [sub.certificate],
        signers: [
          { cert: signer.cert, key: signer.key.privateKey, digest: 'sha256', signatureAlgorithmOid: ECDSA_WITH_SHA256 },
        ],
      }),
    );
    expect((await verify(pkcs7)).signatures[0].reasons.map((r) => r.code)).not.toContain('NOT_ETSI_CONFORMANT');
    expect((await verify(await pkijsPdf(signer))).signatures[0].reasons.map((r) => r.code)).not.toContain(
      'NOT_ETSI_CONFORMANT',
    );
  });

  it('checks every signing-certificate attribute: a second one naming another certificate is not ignored (pyHanko refuses, DSS fails CertDigestMatch)', async () => {
    const signer = await person('Two Ess');
    const other = await person('Other Holder');
    const judged = async (essCertificates: PkijsSignerOptions['essCertificates']) =>
      (await verify(await pkijsPdf(signer, { essCertificates }))).signatures[0];
    for (const version of [1, 2] as const) {
      expect(await judged([{ cert: other.cert, version }])).toMatchObject({
        indication: 'INDETERMINATE',
        subIndication: 'NO_SIGNING_CERTIFICATE_FOUND',
        reasons: [expect.objectContaining({ code: 'SIGNING_CERTIFICATE_MISMATCH' })],
      });
    }
    const twice = [
      { cert: other.cert, version: 2 as const },
      { cert: signer.cert, version: 2 as const },
    ];
    expect(await judged(twice)).toMatchObject({
      indication: 'INDETERMINATE',
      subIndication: 'NO_SIGNING_CERTIFICATE_FOUND',
    });
    expect((await judged([twice[1], twice[1]])).indication).toBe('TOTAL-PASSED');
    // v1 and v2 together: both must name the signer (RFC 5035 3, EN 319 122-1 5.2.2); a v1 is not
    // left unchecked because a v2 matches.
    for (const [v1, v2] of [
      [other, signer],
      [signer, other],
    ]) {
      const both = [
        { cert: v2.cert, version: 2 as const },
        { cert: v1.cert, version: 1 as const },
      ];
      expect(await judged(both)).toMatchObject({
        indication: 'INDETERMINATE',
        subIndication: 'NO_SIGNING_CERTIFICATE_FOUND',
        reasons: [expect.objectContaining({ code: 'SIGNING_CERTIFICATE_MISMATCH' })],
      });
    }
    const bothSigner = [
      { cert: signer.cert, version: 1 as const },
      { cert: signer.cert, version: 2 as const },
    ];
    expect((await judged(bothSigner)).indication).toBe('TOTAL-PASSED');
  });

  it('identifies the signer by subjectKeyIdentifier, with the certificates in any order, and ignores a countersignature', async () => {
    const signer = await person('Ski Signer', 'RSASSA-PKCS1-v1_5-SHA256');
    const counter = await person('Counter Signer');
    const base: PkijsSignerOptions = {
      cert: signer.cert,
      key: signer.key.privateKey,
      digest: 'sha256',
      signatureAlgorithmOid: '1.2.840.113549.1.1.11',
      sid: 'subjectKeyIdentifier',
      essCertificates: [{ cert: signer.cert, version: 2 }],
    };
    const signingTime = hourAgo; // PKCS#1 v1.5 and a fixed time: the same signature value twice
    const pdf = await pdfSignedWith(unsigned, 'ETSI.CAdES.detached', (content) => {
      const certificates = [root.certificate, counter.cert, sub.certificate];
      const first = pkijsSignedData({ content, certificates, signers: [base], signingTime });
      const value = parseSignedData(first).signerInfos[0].signature;
      const cs = pkijsCounterSignature(value, {
        cert: counter.cert,
        key: counter.key.privateKey,
        digest: 'sha256',
        signatureAlgorithmOid: ECDSA_WITH_SHA256,
      });
      return pkijsSignedData({ content, certificates, signers: [{ ...base, unsignedAttributes: [cs] }], signingTime });
    });
    const info = parseSignedData(findSignatures(pdf)[0].contents).signerInfos[0];
    expect(info.sid.kind).toBe('subjectKeyIdentifier');
    expect(info.unsignedAttributes.map((a) => a.type)).toEqual(['1.2.840.113549.1.9.6']);
    expect((await verify(pdf)).signatures[0]).toMatchObject({
      indication: 'TOTAL-PASSED',
      signer: expect.objectContaining({ name: 'Ski Signer' }),
      reasons: [],
    });
  });

  it('reports adbe.x509.rsa_sha1 (a PKCS#1 value in /Contents, no CMS) as a format failure, never a pass or an exception', async () => {
    const { key } = await person('Raw Rsa', 'RSASSA-PKCS1-v1_5-SHA256');
    const pdf = await pdfSignedWith(unsigned, 'adbe.x509.rsa_sha1', (content) => {
      const value = sign('sha1', Buffer.concat(content), key.privateKey);
      return new Uint8Array(new asn1js.OctetString({ valueHex: value }).toBER(false));
    });
    const report = await verify(pdf);
    expect(report.conclusion).toBe('TOTAL-FAILED');
    expect(report.signatures[0]).toMatchObject({
      subFilter: 'adbe.x509.rsa_sha1',
      indication: 'TOTAL-FAILED',
      subIndication: 'FORMAT_FAILURE',
    });
    expect(report.signatures[0].reasons).toEqual([
      expect.objectContaining({ code: 'FORMAT_FAILURE', detail: 'SUB_FILTER_UNSUPPORTED, CMS_MALFORMED' }),
    ]);
  });

  it('never passes a byte range that leaves bytes other than /Contents unsigned, even with a CMS valid over its ranges', async () => {
    const signer = await person('Odd Ranges');
    /** A placeholder whose /ByteRange is rewritten (same length) to `ranges`, signed over exactly those ranges. */
    const signedOver = (rewrite: (br: number[]) => number[]) => {
      const prepared = preparePdfSignature(unsigned, { signingTime: now, contentsSize: 16384 });
      const text = Buffer.from(prepared.pdf).toString('latin1');
      const placeholder = text.match(/\/ByteRange \[[^\]]*\]/)!;
      const ranges = rewrite(prepared.byteRange);
      const written = `/ByteRange [${ranges.join(' ')}]`;
      expect(written.length).toBeLessThanOrEqual(placeholder[0].length);
      Buffer.from(prepared.pdf.buffer, prepared.pdf.byteOffset).write(
        written.replace(/\]$/, ' '.repeat(placeholder[0].length - written.length) + ']'),
        placeholder.index!,
        'latin1',
      );
      const content: Uint8Array[] = [];
      for (let i = 0; i < ranges.length; i += 2)
        content.push(prepared.pdf.subarray(ranges[i], ranges[i] + ranges[i + 1]));
      const cms = pkijsSignedData({
        content,
        certificates: [sub.certificate],
        signers: [
          {
            cert: signer.cert,
            key: signer.key.privateKey,
            digest: 'sha256',
            signatureAlgorithmOid: ECDSA_WITH_SHA256,
            essCertificates: [{ cert: signer.cert, version: 2 }],
          },
        ],
      });
      // the CMS itself holds over those ranges: only the byte range can refuse it
      expect(verifySignedData(cms, content)).toMatchObject({ messageDigestMatches: true, signatureValid: true });
      return embedSignature(prepared, cms);
    };
    const cases: [string, (br: number[]) => number[]][] = [
      ['not starting at 0 (the header unsigned)', ([a, b, c, d]) => [a + 9, b - 9, c, d]],
      ['three ranges (a hole in the tail)', ([a, b, c, d]) => [a, b, c, 10, c + 30, d - 30]],
    ];
    for (const [label, rewrite] of cases) {
      const s = (await verify(signedOver(rewrite))).signatures[0];
      expect([label, s.indication, s.subIndication, s.coverage.coversWholeRevision]).toEqual([
        label,
        'TOTAL-FAILED',
        'FORMAT_FAILURE',
        false,
      ]);
    }
  });

  it('fails a content-type attribute that names another type than the eContent (RFC 5652 11.1)', async () => {
    const asSignedData = (attributes: pkijs.Attribute[]) =>
      attributes.map((a) =>
        a.type === '1.2.840.113549.1.9.3'
          ? new pkijs.Attribute({
              type: a.type,
              values: [new asn1js.ObjectIdentifier({ value: '1.2.840.113549.1.7.2' })],
            })
          : a,
      );
    const s = (await verify(await pkijsPdf(await person('Wrong Type'), { mutateAttributes: asSignedData })))
      .signatures[0];
    expect(s).toMatchObject({ indication: 'TOTAL-FAILED', subIndication: 'FORMAT_FAILURE' });
    expect(JSON.stringify(s.reasons)).toContain('CMS_CONTENT_TYPE_MISMATCH');
  });

  it('never passes an MD5 digest (unsupported: INDETERMINATE, as DSS refuses MD5 by its crypto constraints)', async () => {
    const md5 = await rsaPdfWithDigest('Md5 Digest', 'md5', '1.2.840.113549.1.1.4'); // md5WithRSAEncryption
    for (const algorithmPolicy of [undefined, PERMISSIVE_ALGORITHM_POLICY]) {
      expect((await verify(md5, { algorithmPolicy })).signatures[0]).toMatchObject({
        indication: 'INDETERMINATE',
        subIndication: 'CRYPTO_CONSTRAINTS_FAILURE',
      });
    }
  });

  it('fails a message-digest that is not an OCTET STRING (RFC 5652 11.2), even holding the right digest', async () => {
    const asUtf8 = (attributes: pkijs.Attribute[]) =>
      attributes.map((a) =>
        a.type === '1.2.840.113549.1.9.4'
          ? new pkijs.Attribute({
              type: a.type,
              values: [
                new asn1js.Utf8String({ valueHex: (a.values[0] as asn1js.OctetString).valueBlock.valueHexView }),
              ],
            })
          : a,
      );
    const signed = await pkijsPdf(await person('Digest As Text'), { mutateAttributes: asUtf8 });
    const s = (await verify(signed)).signatures[0];
    expect(s).toMatchObject({ indication: 'TOTAL-FAILED', subIndication: 'FORMAT_FAILURE' });
    expect(JSON.stringify(s.reasons)).toContain('CMS_BAD_MESSAGE_DIGEST');
  });

  it('reads adbe.pkcs7.sha1: the encapsulated SHA-1 of the ranges, refused by the policy after its cut-off', async () => {
    const { key, cert } = await person('Sha1 Subfilter');
    const make = (tamper: boolean) =>
      pdfSignedWith(unsigned, 'adbe.pkcs7.sha1', (ranges) => {
        const sha1 = createHash('sha1');
        for (const r of ranges) sha1.update(r);
        const digest = sha1.digest();
        if (tamper) digest[0] ^= 1;
        return pkijsSignedData({
          content: [digest],
          encapsulate: true,
          certificates: [sub.certificate],
          signers: [{ cert, key: key.privateKey, digest: 'sha256', signatureAlgorithmOid: ECDSA_WITH_SHA256 }],
        });
      });
    const good = await make(false);
    const legacy = await verify(good, { algorithmPolicy: PERMISSIVE_ALGORITHM_POLICY });
    expect(legacy.signatures[0]).toMatchObject({ indication: 'TOTAL-PASSED', subFilter: 'adbe.pkcs7.sha1' });
    expect(legacy.signatures[0].reasons).toContainEqual(expect.objectContaining({ code: 'NOT_ETSI_CONFORMANT' }));
    expect((await verify(good)).signatures[0]).toMatchObject({
      indication: 'INDETERMINATE',
      subIndication: 'CRYPTO_CONSTRAINTS_FAILURE_NO_POE',
      reasons: expect.arrayContaining([expect.objectContaining({ code: 'SIGNATURE_ALGORITHM_NOT_ALLOWED' })]),
    });
    const bad = await verify(await make(true), { algorithmPolicy: PERMISSIVE_ALGORITHM_POLICY });
    expect(bad.signatures[0]).toMatchObject({ indication: 'TOTAL-FAILED', subIndication: 'HASH_FAILURE' });
  });

  it('parses an ETSI.RFC3161 document timestamp and checks its imprint over the byte ranges', async () => {
    const tsa = await DevTsa.create(sub, { keyAlgorithm: 'RSASSA-PKCS1-v1_5-SHA256' });
    const make = (tamper: boolean) =>
      pdfSignedWith(unsigned, 'ETSI.RFC3161', async (ranges) => {
        const h = createHash('sha256');
        for (const r of ranges) h.update(r);
        const imprint = h.digest();
        if (tamper) imprint[0] ^= 1;
        return parseTimeStampResponse(await tsa.timestamp({ imprint, certReq: true })).token!;
      });
    // the token embeds the TSA's certificate only: its issuing CA comes as a known intermediate
    const report = await verify(await make(false), { intermediates: [sub.certificate] });
    expect(report.signatures[0]).toMatchObject({
      indication: 'TOTAL-PASSED',
      subFilter: 'ETSI.RFC3161',
      digestAlgorithm: 'SHA-256',
    });
    expect(report.signatures[0].signer).toMatchObject({ name: 'Kyso Dev TSA' });
    expect((await verify(await make(true))).signatures[0]).toMatchObject({ subIndication: 'HASH_FAILURE' });
  });

  it('warns, without failing, about content encapsulated in the CMS when it is the byte ranges', async () => {
    const { key, cert } = await person('Enveloping');
    const signed = await pdfSignedWith(unsigned, 'adbe.pkcs7.detached', (content) =>
      pkijsSignedData({
        content,
        encapsulate: true,
        certificates: [sub.certificate],
        signers: [{ cert, key: key.privateKey, digest: 'sha256', signatureAlgorithmOid: ECDSA_WITH_SHA256 }],
      }),
    );
    const report = await verify(signed);
    expect(report.signatures[0].indication).toBe('TOTAL-PASSED');
    expect(report.signatures[0].reasons).toEqual([
      expect.objectContaining({
        code: 'NOT_ETSI_CONFORMANT',
        detail: 'CMS_CONTENT_NOT_DETACHED',
        messageVi: expect.any(String),
      }),
    ]);
  });

  it('no longer passes a CMS with SHA-1 or on an RSA-1024 key (CRYPTO_CONSTRAINTS_FAILURE_NO_POE)', async () => {
    const sha1Cms = await rsaPdfWithDigest('Sha1 Digest', 'sha1', '1.2.840.113549.1.1.5'); // sha1WithRSAEncryption
    const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const weakCert = await sub.issue({
      subject: { CN: 'Weak Key', C: 'VN' },
      publicKeySpki: new Uint8Array(rsa1024.publicKey.export({ type: 'spki', format: 'der' })),
      profile: 'person',
      notBefore: hourAgo,
    });
    const weak = await signPdf(unsigned, {
      signer: softwareSigner(rsa1024.privateKey, 'RSASSA-PKCS1-v1_5-SHA256'),
      certificate: weakCert,
      chain: [sub.certificate],
      signingTime: now,
    });
    for (const pdf of [sha1Cms, weak]) {
      expect((await verify(pdf)).signatures[0]).toMatchObject({
        indication: 'INDETERMINATE',
        subIndication: 'CRYPTO_CONSTRAINTS_FAILURE_NO_POE',
        reasons: [expect.objectContaining({ code: 'SIGNATURE_ALGORITHM_NOT_ALLOWED' })],
      });
      // the same signatures are judged sound at a time before the cut-offs (a POE from then)
      const legacy = await verify(pdf, { algorithmPolicy: PERMISSIVE_ALGORITHM_POLICY });
      expect(legacy.signatures[0].indication).toBe('TOTAL-PASSED');
    }
  });
});
