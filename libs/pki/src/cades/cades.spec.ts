import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pkijsSignedData } from '../../test-fixtures/cms';
import { issuePerson, TestSigner } from '../../test-fixtures/signers';
import { parseSignedData } from '../cms';
import { DevCa, DevTsa } from '../devca';
import { Crl, CrlRevocationChecker } from '../revocation/crl';
import { TimestampClient } from '../tsp/client';
import { CADES_OID } from './oids';
import { CadesLevel, signCms, signCmsDigest } from './sign-cms';
import { encodeSignedData, signedDataParts } from './structure';
import { verifyCms, VerifyCmsOptions } from './verify-cms';

const MIN = 60_000;

/**
 * CAdES baseline (ETSI EN 319 122-1) with a real dev CA, TSA, CRLs and OCSP: openssl accepts what
 * signCms makes, verifyCms accepts what openssl and pkijs make, and every level validates offline
 * as far as it carries its evidence.
 */
describe('CAdES signCms / verifyCms', () => {
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const at = (minutes: number) => new Date(now.getTime() + minutes * MIN);
  const dir = mkdtempSync(join(tmpdir(), 'kyso-cades-'));
  const file = (name: string, data: string | Uint8Array) => (writeFileSync(join(dir, name), data), join(dir, name));
  const content = Buffer.from('Quyết định số 45/QĐ-UBND\n'.repeat(2000));
  let root: DevCa;
  let sub: DevCa;
  let tsa: DevTsa;
  let official: TestSigner;
  let contentPath: string;
  const client: () => TimestampClient = () => (req) => tsa.timestamp(req);

  beforeAll(async () => {
    root = await DevCa.createRoot({ commonName: 'CAdES Root', notBefore: at(-10 * 24 * 60) });
    sub = await root.createSubordinate({ commonName: 'CAdES Sub CA', notBefore: at(-10 * 24 * 60) });
    tsa = await DevTsa.create(root, { commonName: 'CAdES TSA', clock: () => at(-20) });
    official = await issuePerson(sub, { CN: 'Lê Văn C', O: 'UBND Tỉnh', C: 'VN' }, { notBefore: at(-5 * 24 * 60) });
    contentPath = file('quyet-dinh.txt', content);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const evidence = async () => ({
    certificates: [official.cert, sub.certificate, root.certificate],
    crls: [await root.issueCrl({ thisUpdate: at(-25) })],
    ocsps: [await sub.ocspResponse({ certificate: official.cert, thisUpdate: at(-25) })],
  });
  const sign = async (level: CadesLevel, detached = true, signer = official) =>
    signCms(detached ? { path: contentPath } : content, {
      signer: signer.key.signer,
      certificate: signer.cert,
      chain: [sub.certificate],
      signingTime: at(-21),
      level,
      detached,
      timestamp: client(),
      evidence: await evidence(),
    });
  const opts = (extra: Partial<VerifyCmsOptions> = {}): VerifyCmsOptions => ({
    trustAnchors: [root.certificate],
    validationTime: now,
    ...extra,
  });
  const opensslVerify = (cms: Uint8Array, detached: boolean) =>
    execFileSync(
      'openssl',
      [
        'cms',
        '-verify',
        '-binary',
        '-inform',
        'DER',
        '-in',
        file('sig.p7s', cms),
        ...(detached ? ['-content', contentPath] : []),
        '-CAfile',
        file('root.pem', root.certificate.toPem()),
        '-purpose',
        'any',
        '-out',
        file('out.bin', ''),
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );

  it.each([
    ['B-B', true],
    ['B-B', false],
    ['B-T', true],
    ['B-LT', false],
    ['B-LTA', true],
    ['B-LTA', false],
  ] as const)('%s (detached %s) is accepted by openssl cms -verify and by verifyCms', async (level, detached) => {
    const cms = await sign(level, detached);
    opensslVerify(cms, detached);
    expect(readFileSync(join(dir, 'out.bin')).equals(content)).toBe(true);
    // B-LT and B-LTA carry their own revocation evidence: no checker, yet revocation is checked.
    const offline = level === 'B-LT' || level === 'B-LTA';
    // As a Buffer, the way HTTP bodies and files arrive.
    const r = await verifyCms(
      Buffer.from(cms),
      detached ? { path: contentPath } : undefined,
      opts({ requireRevocation: offline }),
    );
    const s = r.signatures[0];
    expect(s).toMatchObject({ indication: 'TOTAL-PASSED', subFilter: `CAdES ${detached ? 'detached' : 'attached'}` });
    expect(s.signer.name).toBe('Lê Văn C');
    expect(s.revocation.checked).toBe(offline);
    expect(r.documentSha256).toBe(createHash('sha256').update(content).digest('hex').toUpperCase());
    const expectedTimestamps = { 'B-B': 0, 'B-T': 1, 'B-LT': 1, 'B-LTA': 2 }[level];
    expect(s.timestamps).toHaveLength(expectedTimestamps);
    for (const t of s.timestamps) expect(t).toMatchObject({ indication: 'TOTAL-PASSED', tsa: { name: 'CAdES TSA' } });
    if (expectedTimestamps) expect(s.signingTime.timestamped).toBe(at(-20).toISOString());
  });

  it('B-LT puts the path in certificates and CRL and OCSP (id-ri-ocsp-response) in crls; B-LTA adds an archive-time-stamp-v3 with its hash index', async () => {
    const parts = signedDataParts(await sign('B-LTA'));
    expect(parts.certificates.length).toBeGreaterThanOrEqual(3);
    expect(parts.crls.map((c) => c[0])).toEqual(expect.arrayContaining([0x30, 0xa1]));
    const text = execFileSync(
      'openssl',
      ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', file('lta.p7s', await sign('B-LTA'))],
      {
        encoding: 'utf8',
      },
    );
    expect(text).toContain('1.3.6.1.5.5.7.16.2');
    expect(text).toContain(CADES_OID.archiveTimestampV3);
    expect(text).toContain('id-smime-aa-timeStampToken');
    expect(text).toMatch(/version: 5/);
  });

  it('a changed file is TOTAL-FAILED/HASH_FAILURE; a detached signature without its file is INDETERMINATE', async () => {
    const cms = await sign('B-T');
    const changed = Buffer.from(content);
    changed[10] ^= 1;
    const r = await verifyCms(cms, changed, opts());
    expect(r.signatures[0]).toMatchObject({ indication: 'TOTAL-FAILED', subIndication: 'HASH_FAILURE' });
    const none = await verifyCms(cms, undefined, opts());
    expect(none).toMatchObject({ conclusion: 'INDETERMINATE', signatureCount: 0 });
    expect(none.reasons.map((x) => x.code)).toEqual(['SIGNED_DATA_NOT_FOUND']);
  });

  it('an archive timestamp whose covered data was removed fails; the signature then rests on its signature timestamp', async () => {
    const cms = await sign('B-LTA');
    const parts = signedDataParts(cms);
    // Drop the OCSP answer the hash index covers: the archive timestamp no longer proves what it said.
    const crlIndex = parts.crls.findIndex((c) => c[0] === 0xa1);
    const tampered = encodeSignedData({ ...parts, crls: parts.crls.filter((_, i) => i !== crlIndex) });
    const s = (await verifyCms(tampered, { path: contentPath }, opts())).signatures[0];
    const archive = s.timestamps.find((t) => t.fieldName === 'archive-time-stamp-v3')!;
    expect(archive.indication).toBe('TOTAL-FAILED');
    expect(archive.reasons.map((x) => x.code)).toContain('TIMESTAMP_INVALID');
    expect(s.timestamps.find((t) => t.type === 'signature')?.indication).toBe('TOTAL-PASSED');
    expect(s.signingTime.timestamped).toBe(at(-20).toISOString());
  });

  it('revoked after the signature timestamp: TOTAL-PASSED at the POE; revoked before, and no timestamp: REVOKED_NO_POE', async () => {
    const late = await issuePerson(sub, { CN: 'Retiring Official' }, { notBefore: at(-5 * 24 * 60) });
    const bt = await signCms(content, {
      signer: late.key.signer,
      certificate: late.cert,
      chain: [sub.certificate],
      signingTime: at(-21),
      level: 'B-T',
      timestamp: client(),
    });
    const bb = await signCms(content, {
      signer: late.key.signer,
      certificate: late.cert,
      chain: [sub.certificate],
      signingTime: at(-21),
    });
    sub.revoke(late.cert, { revocationDate: at(-10), reason: 'cessationOfOperation' });
    const crls = [
      Crl.fromDer(await root.issueCrl({ thisUpdate: at(-5) })),
      Crl.fromDer(await sub.issueCrl({ thisUpdate: at(-5) })),
    ];
    const o = opts({ revocationChecker: () => new CrlRevocationChecker({ crls }) });
    expect((await verifyCms(bt, content, o)).signatures[0]).toMatchObject({
      indication: 'TOTAL-PASSED',
      signingTime: { judgedAt: at(-20).toISOString(), provenBy: 'timestamp' },
    });
    expect((await verifyCms(bb, content, o)).signatures[0]).toMatchObject({
      indication: 'INDETERMINATE',
      subIndication: 'REVOKED_NO_POE',
    });
  });

  it('signCmsDigest signs a given SHA-256: openssl verifies it against the file', async () => {
    const digest = createHash('sha256').update(content).digest();
    const cms = await signCmsDigest(digest, {
      signer: official.key.signer,
      certificate: official.cert,
      chain: [sub.certificate],
      signingTime: at(-21),
    });
    opensslVerify(cms, true);
    expect((await verifyCms(cms, { path: contentPath }, opts())).conclusion).toBe('TOTAL-PASSED');
  });

  it.each([true, false])('accepts a CMS made by openssl cms -sign (detached %s)', async (detached) => {
    const rsa = await issuePerson(sub, { CN: 'OpenSSL Signer' }, { algorithm: 'RSASSA-PKCS1-v1_5-SHA256' });
    const keyPem = rsa.key.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    execFileSync('openssl', [
      'cms',
      '-sign',
      '-binary',
      ...(detached ? [] : ['-nodetach']),
      '-outform',
      'DER',
      '-in',
      contentPath,
      '-signer',
      file('signer.pem', rsa.cert.toPem()),
      '-inkey',
      file('signer.key', keyPem),
      '-certfile',
      file('sub.pem', sub.certificate.toPem()),
      '-out',
      join(dir, 'openssl.p7s'),
    ]);
    const cms = readFileSync(join(dir, 'openssl.p7s'));
    const r = await verifyCms(cms, detached ? { path: contentPath } : undefined, opts());
    expect(r.signatures[0]).toMatchObject({ indication: 'TOTAL-PASSED', signer: { name: 'OpenSSL Signer' } });
  });

  it('accepts an attached CMS made by pkijs', async () => {
    const rsa = await issuePerson(sub, { CN: 'Pkijs Signer' }, { algorithm: 'RSASSA-PKCS1-v1_5-SHA256' });
    const attached = (essCertificates: { cert: typeof rsa.cert; version: 2 }[]) =>
      pkijsSignedData({
        signers: [
          {
            cert: rsa.cert,
            key: rsa.key.privateKey,
            digest: 'sha256',
            signatureAlgorithmOid: '1.2.840.113549.1.1.11',
            essCertificates,
          },
        ],
        certificates: [rsa.cert, sub.certificate],
        content: [content],
        encapsulate: true,
        signingTime: at(-21),
      });
    const cms = attached([{ cert: rsa.cert, version: 2 }]);
    expect(parseSignedData(cms).encapContent).toBeDefined();
    const r = await verifyCms(cms, undefined, opts());
    expect(r.signatures[0]).toMatchObject({ indication: 'TOTAL-PASSED', signer: { name: 'Pkijs Signer' } });
    expect(r.signatures[0].reasons.map((x) => x.code)).not.toContain('NOT_ETSI_CONFORMANT');
    // EN 319 122-1 5.2.2: signing-certificate-v2 shall be present; without it, valid with a warning (as DSS)
    const bare = (await verifyCms(attached([]), undefined, opts())).signatures[0];
    expect(bare).toMatchObject({ indication: 'TOTAL-PASSED' });
    expect(bare.reasons).toContainEqual(
      expect.objectContaining({ code: 'NOT_ETSI_CONFORMANT', detail: 'SIGNING_CERTIFICATE_MISSING' }),
    );
    const unsorted = pkijsSignedData({
      signers: [
        {
          cert: rsa.cert,
          key: rsa.key.privateKey,
          digest: 'sha256',
          signatureAlgorithmOid: '1.2.840.113549.1.1.11',
          attributeOrder: 'unsorted',
        },
      ],
      certificates: [rsa.cert, sub.certificate],
      content: [content],
      encapsulate: true,
      signingTime: at(-21),
    });
    const u = (await verifyCms(unsorted, undefined, opts())).signatures[0];
    expect(u).toMatchObject({ indication: 'TOTAL-PASSED' });
    expect(JSON.stringify(u.reasons)).toContain('CMS_SIGNED_ATTRIBUTES_NOT_DER');
  });
});
