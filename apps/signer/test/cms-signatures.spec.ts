import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { FixedClock } from '@kyso/common';
import { Certificate, TimestampClient, verifyCms } from '@kyso/pki';
import { signedDataEvidence } from '@kyso/pki/cades/evidence';
import { signedDataParts } from '@kyso/pki/cades/structure';
import { DevCa, DevTsa } from '@kyso/pki/devca';
import { Client } from 'pg';
import request from 'supertest';
import { createTestDatabase } from '../../../test/support/db';
import { asBuffer } from '../../../test/support/http';
import { createActiveTestToken, TestToken } from '../../../test/support/token';
import { createSignerApp } from '../src/app';
import type { SignerConfig } from '../src/config';
import { migrateSigner } from '../src/data-source';
import { CertificateCheck, CertificateCheckResult, TimestampAuthority } from '../src/signing-seams';
import { startRegistryStub } from './registry-stub';
import { generateTokenKeys } from './token-keys';
import { INTERNAL, stopSignerParts, stubCertificate, testSignerConfig } from './support';

const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const OFFICIAL = 'official-tran-thi-b';
const run = promisify(execFile);

describe('POST /signatures/cms and /signatures/hash (signer over HTTP, SoftHSM2 token, Postgres, dev TSA)', () => {
  let token: TestToken;
  let db: { url: string; drop: () => Promise<void> };
  let registry: Awaited<ReturnType<typeof startRegistryStub>>;
  let app: NestExpressApplication;
  let pg: Client;
  let root: DevCa;
  let rootPem: string;
  const file = Buffer.from('Biên bản họp, bất kỳ định dạng nào\n'.repeat(500));
  let filePath: string;
  let certPem: Record<string, string>;
  // The seams, as a deployment binds them; switched per test.
  const seams: {
    tsa?: TimestampClient;
    check?: (...args: Parameters<CertificateCheck['check']>) => Promise<CertificateCheckResult>;
  } = {};
  let tsaCertificate: Certificate;
  const http = () => request(app.getHttpServer());
  const post = (path: string) =>
    http().post(path).set('x-kyso-internal-token', INTERNAL).set('x-request-id', 'req-cms');
  const signCms = (fields: Record<string, string>) => {
    let r = post('/signatures/cms');
    for (const [k, v] of Object.entries({
      certificateId: 'cert-rsa',
      pin: '1234',
      actingOfficialId: OFFICIAL,
      ...fields,
    }))
      r = r.field(k, v);
    return asBuffer(r.attach('file', file, { filename: 'bien-ban.txt', contentType: 'text/plain' }));
  };
  const opensslVerify = async (cms: Buffer, detached: boolean) => {
    const p7s = join(token.dir, 'sig.p7s');
    await writeFile(p7s, cms);
    const out = join(token.dir, 'out.bin');
    await run('openssl', [
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      p7s,
      ...(detached ? ['-content', filePath] : []),
      '-CAfile',
      rootPem,
      '-purpose',
      'any',
      '-out',
      out,
    ]);
  };
  const events = async () => (await pg.query('SELECT * FROM signer.signature_events ORDER BY signed_at, id')).rows;

  beforeAll(async () => {
    [token, db] = await Promise.all([createActiveTestToken(), createTestDatabase('kyso_signer_cms')]);
    await migrateSigner(db.url);
    const [rsa, ec] = await generateTokenKeys(token, [
      { label: 'tran-thi-b', id: 7, algorithm: 'RSASSA-PKCS1-v1_5-SHA256' },
      { label: 'tran-thi-b-ec', id: 8, algorithm: 'ECDSA-P256-SHA256' },
    ]);
    root = await DevCa.createRoot({
      commonName: 'Kyso CMS Test Root',
      notBefore: new Date(NOW.getTime() - 86_400_000),
    });
    const person = await root.issue({
      subject: { CN: 'Trần Thị B', O: 'Sở Tư pháp', C: 'VN' },
      publicKeySpki: rsa.publicKeySpki,
      profile: 'person',
      notBefore: new Date(NOW.getTime() - 3_600_000),
    });
    const personEc = await root.issue({
      subject: { CN: 'Trần Thị B (EC)', O: 'Sở Tư pháp', C: 'VN' },
      publicKeySpki: ec.publicKeySpki,
      profile: 'person',
      notBefore: new Date(NOW.getTime() - 3_600_000),
    });
    const tsa = await DevTsa.create(root, { commonName: 'Kyso CMS Test TSA', clock: () => NOW });
    seams.tsa = (req) => tsa.timestamp(req);
    tsaCertificate = tsa.certificate;
    const crl = await root.issueCrl({ thisUpdate: new Date(NOW.getTime() - 60_000) });
    seams.check = async () => ({
      ok: true,
      evidence: { certificates: [person, root.certificate], crls: [crl], ocsps: [] },
    });
    registry = await startRegistryStub(INTERNAL, [
      stubCertificate('cert-rsa', OFFICIAL, person, rsa.ref.uri, [root.certificate]),
      stubCertificate('cert-ec', OFFICIAL, personEc, ec.ref.uri, [root.certificate]),
    ]);
    certPem = { 'cert-rsa': join(token.dir, 'rsa.pem'), 'cert-ec': join(token.dir, 'ec.pem') };
    await writeFile(certPem['cert-rsa'], person.toPem());
    await writeFile(certPem['cert-ec'], personEc.toPem());
    rootPem = join(token.dir, 'root.pem');
    filePath = join(token.dir, 'bien-ban.txt');
    await writeFile(rootPem, root.certificate.toPem());
    await writeFile(filePath, file);
    const config: SignerConfig = testSignerConfig(token, {
      databaseUrl: db.url,
      registryUrl: registry.url,
      maxPdfBytes: 256 * 1024,
      // The check seam changes its verdict between tests: ask it before every signature.
      certificateCheckMaxAgeMs: 0,
    });
    app = await createSignerApp(config, {
      clock: new FixedClock(NOW),
      providers: [
        { provide: TimestampAuthority, useValue: { client: () => seams.tsa } },
        {
          provide: CertificateCheck,
          useValue: { check: (...args: Parameters<CertificateCheck['check']>) => seams.check!(...args) },
        },
      ],
    });
    await app.listen(0, '127.0.0.1');
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  });

  afterAll(async () => {
    await stopSignerParts({ pg, app, registry, db, token });
  });

  it('signs a file detached at B-B by default: openssl cms -verify accepts it, and the event is recorded', async () => {
    const res = await signCms({});
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/pkcs7-signature/);
    await opensslVerify(res.body, true);
    const row = (await events()).find((e) => e.id === res.headers['x-kyso-signature-id']);
    expect(row).toMatchObject({
      outcome: 'signed',
      certificate_id: 'cert-rsa',
      request_id: 'req-cms',
      document_sha256: createHash('sha256').update(file).digest('hex'),
      signed_document_sha256: createHash('sha256').update(res.body).digest('hex'),
    });
  });

  it.each(['B-T', 'B-LT', 'B-LTA'])(
    'signs attached at %s: openssl accepts it, Kyso verifies it TOTAL-PASSED',
    async (level) => {
      const res = await signCms({ level, detached: 'false' });
      expect(res.status).toBe(200);
      await opensslVerify(res.body, false);
      const report = await verifyCms(res.body, undefined, {
        trustAnchors: [root.certificate],
        validationTime: new Date(NOW.getTime() + 60_000),
        requireRevocation: level !== 'B-T',
      });
      expect(report.signatures[0]).toMatchObject({
        indication: 'TOTAL-PASSED',
        signingTime: { timestamped: NOW.toISOString() },
        revocation: { checked: level !== 'B-T' },
      });
      expect(report.signatures[0].timestamps).toHaveLength(level === 'B-LTA' ? 2 : 1);
    },
  );

  it("embeds at B-LT the TSA's own path and revocation data too, its certificate checked for time-stamping", async () => {
    const check = seams.check!;
    const tsaOcsp = await root.ocspResponse({ certificate: tsaCertificate, status: 'good', thisUpdate: NOW });
    const purposes: string[] = [];
    seams.check = async (certificate, chain, requestId, purpose = 'document-signing') => {
      purposes.push(purpose);
      if (purpose !== 'timestamping') return check(certificate, chain, requestId, purpose);
      expect(certificate.sha256Hex).toBe(tsaCertificate.sha256Hex);
      return { ok: true, evidence: { certificates: [certificate, root.certificate], crls: [], ocsps: [tsaOcsp] } };
    };
    const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
    try {
      const res = await signCms({ level: 'B-LT' });
      expect(res.status).toBe(200);
      expect(purposes).toEqual(['document-signing', 'timestamping']);
      const embedded = signedDataEvidence(signedDataParts(new Uint8Array(res.body)));
      expect(embedded.ocsps.map(hex)).toContain(hex(tsaOcsp));
      expect(embedded.certs.map(hex)).toContain(hex(tsaCertificate.der));

      // A TSA whose certificate does not validate makes no B-LT signature.
      seams.check = async (certificate, chain, requestId, purpose) =>
        purpose === 'timestamping'
          ? { ok: false, code: 'CERTIFICATE_REVOKED', message: 'TSA revoked', messageVi: 'TSA đã bị thu hồi' }
          : check(certificate, chain, requestId, purpose);
      const refused = await signCms({ level: 'B-LT' });
      expect(refused.status).toBe(403);
      expect(JSON.parse(refused.body.toString())).toMatchObject({
        code: 'CERTIFICATE_CHECK_FAILED',
        reason: 'CERTIFICATE_REVOKED',
      });
    } finally {
      seams.check = check;
    }
  });

  it('refuses a timestamped level without a TSA (422) and a TSA that fails (503), recording both', async () => {
    const tsa = seams.tsa;
    try {
      seams.tsa = undefined;
      const none = await signCms({ level: 'B-T' });
      expect(none.status).toBe(422);
      expect(JSON.parse(none.body.toString())).toMatchObject({ code: 'TSA_NOT_CONFIGURED' });
      seams.tsa = async () => {
        throw new Error('connect ECONNREFUSED');
      };
      const down = await signCms({ level: 'B-T' });
      expect(down.status).toBe(503);
      expect(JSON.parse(down.body.toString())).toMatchObject({ code: 'TSA_UNAVAILABLE' });
    } finally {
      seams.tsa = tsa;
    }
    const codes = (await events()).map((e) => e.refusal_code);
    expect(codes).toEqual(expect.arrayContaining(['TSA_NOT_CONFIGURED', 'TSA_UNAVAILABLE']));
  });

  it('refuses when the certificate check fails, with its reason in English and Vietnamese', async () => {
    const check = seams.check;
    seams.check = async () => ({
      ok: false,
      code: 'CERTIFICATE_REVOKED',
      message: 'Revoked',
      messageVi: 'Đã bị thu hồi',
    });
    try {
      const res = await signCms({});
      expect(res.status).toBe(403);
      expect(JSON.parse(res.body.toString())).toMatchObject({
        code: 'CERTIFICATE_CHECK_FAILED',
        reason: 'CERTIFICATE_REVOKED',
        messageVi: 'Đã bị thu hồi',
      });
    } finally {
      seams.check = check;
    }
  });

  it('refuses a wrong PIN with 403 SIGNING_NOT_ALLOWED, as PDF signing does', async () => {
    const res = await signCms({ pin: 'wrong-pin-77' });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body.toString())).toMatchObject({ code: 'SIGNING_NOT_ALLOWED', reason: 'WRONG_PIN' });
    expect(JSON.stringify(await events())).not.toContain('wrong-pin-77');
  });

  it('signs a SHA-256 given as hex (JSON) or base64 (multipart form): a detached CMS openssl verifies against the file', async () => {
    const digest = createHash('sha256').update(file).digest();
    const who = { certificateId: 'cert-rsa', pin: '1234', actingOfficialId: OFFICIAL };
    const json = await asBuffer(
      post('/signatures/hash').send({ ...who, hash: digest.toString('hex'), hashAlgorithm: 'SHA-256' }),
    );
    expect(json.status).toBe(200);
    await opensslVerify(json.body, true);
    const form = await asBuffer(
      Object.entries({ ...who, hash: digest.toString('base64'), hashAlgorithm: 'SHA-256' }).reduce(
        (r, [k, v]) => r.field(k, v),
        post('/signatures/hash'),
      ),
    );
    expect(form.status).toBe(200);
    await opensslVerify(form.body, true);
    const row = (await events()).find((e) => e.id === form.headers['x-kyso-signature-id']);
    expect(row).toMatchObject({ outcome: 'signed', document_sha256: digest.toString('hex') });
  });

  it.each([
    ['a hash of the wrong length', { hash: 'ab'.repeat(31), hashAlgorithm: 'SHA-256' }, 400, 'INVALID_FIELD'],
    ['an unknown algorithm', { hash: 'ab'.repeat(32), hashAlgorithm: 'MD5' }, 400, 'INVALID_FIELD'],
    ['a SHA-384 CMS', { hash: 'ab'.repeat(48), hashAlgorithm: 'SHA-384' }, 422, 'HASH_ALGORITHM_NOT_SUPPORTED'],
    ['an unknown output', { hash: 'ab'.repeat(32), hashAlgorithm: 'SHA-256', output: 'jws' }, 400, 'INVALID_FIELD'],
  ])('refuses %s', async (_name, body, status, code) => {
    const res = await post('/signatures/hash').send({
      certificateId: 'cert-rsa',
      pin: '1234',
      actingOfficialId: OFFICIAL,
      ...body,
    });
    expect(res.status).toBe(status);
    expect(res.body.code).toBe(code);
  });

  /** openssl with the certificate's public key: `dgst -verify` over the file, `pkeyutl -verify` over the digest. */
  const opensslVerifyRaw = async (certificateId: string, hash: string, signature: Buffer, content: Buffer) => {
    const dir = token.dir;
    const pub = join(dir, `${certificateId}.pub.pem`);
    const { stdout } = await run('openssl', ['x509', '-in', certPem[certificateId], '-pubkey', '-noout']);
    await writeFile(pub, stdout);
    const [sig, data, digest] = [join(dir, 'raw.sig'), join(dir, 'raw.data'), join(dir, 'raw.digest')];
    await writeFile(sig, signature);
    await writeFile(data, content);
    await writeFile(digest, createHash(hash).update(content).digest());
    await run('openssl', ['dgst', `-${hash}`, '-verify', pub, '-signature', sig, data]);
    await run('openssl', [
      'pkeyutl',
      '-verify',
      '-pubin',
      '-inkey',
      pub,
      '-in',
      digest,
      '-sigfile',
      sig,
      ...(certificateId === 'cert-rsa' ? ['-pkeyopt', `digest:${hash}`] : []),
    ]);
  };

  it.each([
    ['cert-rsa', 'SHA-256', 'sha256WithRSAEncryption'],
    ['cert-rsa', 'SHA-512', 'sha512WithRSAEncryption'],
    ['cert-ec', 'SHA-256', 'ecdsa-with-SHA256'],
    ['cert-ec', 'SHA-384', 'ecdsa-with-SHA384'],
  ])(
    'output=raw with %s over %s: the bare signature value, which openssl verifies over the file and no other',
    async (certificateId, hashAlgorithm, algorithmName) => {
      const hash = hashAlgorithm.replace('-', '').toLowerCase();
      const digest = createHash(hash).update(file).digest();
      const res = await asBuffer(
        post('/signatures/hash').send({
          certificateId,
          pin: '1234',
          actingOfficialId: OFFICIAL,
          hash: digest.toString('base64'),
          hashAlgorithm,
          output: 'raw',
        }),
      );
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/octet-stream/);
      expect(res.headers['x-kyso-signature-algorithm']).toBe(algorithmName);
      // RSA-2048: the modulus' length; ECDSA: DER SEQUENCE { r, s }.
      if (certificateId === 'cert-rsa') expect(res.body).toHaveLength(256);
      else expect(res.body[0]).toBe(0x30);
      await opensslVerifyRaw(certificateId, hash, res.body, file);
      await expect(opensslVerifyRaw(certificateId, hash, res.body, Buffer.from('tài liệu khác'))).rejects.toThrow();
      const row = (await events()).find((e) => e.id === res.headers['x-kyso-signature-id']);
      expect(row).toMatchObject({
        outcome: 'signed',
        certificate_id: certificateId,
        level: hashAlgorithm === 'SHA-256' ? 'raw' : `raw-${hashAlgorithm}`,
        document_sha256:
          hashAlgorithm === 'SHA-256' ? digest.toString('hex') : createHash('sha256').update(digest).digest('hex'),
        signed_document_sha256: createHash('sha256').update(res.body).digest('hex'),
      });
    },
  );

  it('refuses output=raw with a wrong PIN through the same gate, and records the refusal', async () => {
    const digest = createHash('sha256').update(file).digest('hex');
    const res = await post('/signatures/hash').send({
      certificateId: 'cert-ec',
      pin: 'wrong-pin-88',
      actingOfficialId: OFFICIAL,
      hash: digest,
      hashAlgorithm: 'SHA-256',
      output: 'raw',
    });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'SIGNING_NOT_ALLOWED', reason: 'WRONG_PIN' });
    expect(res.headers['x-kyso-signature-algorithm']).toBeUndefined();
    const refused = (await events()).filter((e) => e.outcome !== 'signed' && e.document_sha256 === digest);
    expect(refused.length).toBeGreaterThan(0);
  });
});
