import { readFileSync } from 'node:fs';
import request from 'supertest';
import { DevCa, generateSoftwareKey, signPdf } from '@kyso/pki';
import { opensslCmsVerify, pdfsig } from '../support/independent-verifiers';
import { startStack, Stack } from '../support/stack';

/**
 * The walking skeleton end to end: a document management system signs a PDF through the gateway
 * with a key inside a SoftHSM2 token, the verifier judges it, and independent tools agree.
 */
describe('sign and verify a PDF through the gateway', () => {
  let stack: Stack;
  const letter = readFileSync('docs/samples/cong-van.pdf');
  let signed: Buffer;

  beforeAll(async () => {
    stack = await startStack({ bodyLimitBytes: 2 * 1024 * 1024 });
  });
  afterAll(() => stack?.close());

  const gateway = () => request(stack.gatewayUrl);
  const auth = () => ({ Authorization: `Bearer ${stack.apiKey}` });
  const rootPem = () => stack.pki.root.certificate.toPem();

  function sign(file: Buffer, as: { certificateId: string; actingOfficialId: string; pin: string }, name = 'doc.pdf') {
    return gateway()
      .post('/api/v1/signatures/pdf')
      .set(auth())
      .attach('file', file, { filename: name, contentType: 'application/pdf' })
      .field('certificateId', as.certificateId)
      .field('actingOfficialId', as.actingOfficialId)
      .field('pin', as.pin)
      .field('reason', 'Phê duyệt văn bản')
      .field('location', 'Huế')
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
  }

  function validate(file: Buffer) {
    return gateway()
      .post('/api/v1/validations/pdf?wait=30')
      .set(auth())
      .attach('file', file, { filename: 'doc.pdf', contentType: 'application/pdf' });
  }

  const director = () => {
    const o = stack.demo.officials[0];
    return { certificateId: o.certificateId, actingOfficialId: o.id, pin: o.pin };
  };

  it('signs with the official key in the token, keeping every original byte', async () => {
    const res = await sign(letter, director());
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/pdf/);
    expect(res.headers['x-kyso-signature-id']).toBeTruthy();
    signed = res.body as Buffer;
    expect(signed.subarray(0, letter.length).equals(letter)).toBe(true);
  });

  it('is judged TOTAL-PASSED by the verifier, naming the signer', async () => {
    const res = await validate(signed);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('done');
    const report = res.body.report;
    expect(report.conclusion).toBe('TOTAL-PASSED');
    expect(report.signatures).toHaveLength(1);
    expect(report.signatures[0]).toMatchObject({ indication: 'TOTAL-PASSED', subFilter: 'ETSI.CAdES.detached' });
    expect(report.signatures[0].signer.name).toBe(stack.demo.officials[0].name);
    expect(report.signatures[0].chain.length).toBeGreaterThanOrEqual(3);
  });

  it("keeps the validation as evidence, sealed by the registry's hash-chained audit log", async () => {
    const report = (await validate(signed)).body.report;
    const sealedEvents = async () =>
      (
        await stack.registry.json(
          'GET',
          '/audit?action=validation.evidence-recorded&limit=500',
          (raw) =>
            raw as {
              items: { hash: string; after: { records: { documentSha256: string; recordSha256: string }[] } }[];
            },
        )
      ).items.flatMap((e) => e.after.records.filter((r) => r.documentSha256 === report.documentSha256));
    // A validation from the caches (the second one) is sealed after its answer (within about a second), not before.
    let sealed = await sealedEvents();
    for (let i = 0; i < 50 && sealed.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
      sealed = await sealedEvents();
    }
    expect(sealed.length).toBeGreaterThanOrEqual(2); // this validation and the one before
    for (const r of sealed) expect(r.recordSha256).toMatch(/^[0-9a-f]{64}$/);
    const chain = await stack.registry.json('GET', '/audit/verify', (raw) => raw as { ok: boolean });
    expect(chain.ok).toBe(true);
  });

  it('is valid and trusted for poppler pdfsig, and openssl cms accepts the CMS', async () => {
    const out = await pdfsig(signed, rootPem());
    expect(out).toContain('Signature is Valid');
    expect(out).toContain('Certificate is Trusted');
    expect(out).toContain('ETSI.CAdES.detached');
    await expect(opensslCmsVerify(signed, rootPem())).resolves.toMatch(/Verification successful/i);
  });

  it('reports one changed byte as TOTAL-FAILED / HASH_FAILURE', async () => {
    const tampered = Buffer.from(signed);
    const at = letter.indexOf('Nguy') > 0 ? 200 : 100; // inside the first signed range
    tampered[at] ^= 0x01;
    const res = await validate(tampered);
    expect(res.status).toBe(200);
    expect(res.body.report.conclusion).toBe('TOTAL-FAILED');
    expect(res.body.report.signatures[0]).toMatchObject({ indication: 'TOTAL-FAILED', subIndication: 'HASH_FAILURE' });
    expect(await pdfsig(tampered, rootPem())).not.toContain('Signature is Valid');
  });

  it('says INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND for a signature from an unknown CA', async () => {
    const stranger = await DevCa.createRoot({ commonName: 'Unknown CA' });
    const key = generateSoftwareKey('ECDSA-P256-SHA256');
    const cert = await stranger.issue({
      subject: { CN: 'Người lạ', C: 'VN' },
      publicKeySpki: key.publicKeySpki,
      profile: 'person',
    });
    const foreign = await signPdf(letter, {
      signer: key.signer,
      certificate: cert,
      chain: [stranger.certificate],
      signingTime: new Date(),
    });
    const res = await validate(Buffer.from(foreign));
    expect(res.body.report.signatures[0]).toMatchObject({
      indication: 'INDETERMINATE',
      subIndication: 'NO_CERTIFICATE_CHAIN_FOUND',
    });
  });

  it('lets the records clerk add the organisation signature after the director, both staying valid', async () => {
    const { clerk } = stack.demo;
    const res = await sign(signed, {
      certificateId: clerk.organizationCertificateId,
      actingOfficialId: clerk.id,
      pin: clerk.pin,
    });
    expect(res.status).toBe(200);
    const twice = res.body as Buffer;
    const report = (await validate(twice)).body.report;
    expect(report.signatures.map((s: { indication: string }) => s.indication)).toEqual([
      'TOTAL-PASSED',
      'TOTAL-PASSED',
    ]);
    expect(report.conclusion).toBe('TOTAL-PASSED');
    const out = await pdfsig(twice, rootPem());
    expect(out.match(/Signature is Valid/g)).toHaveLength(2);
  });

  it('refuses an official signing with someone else’s certificate, and a wrong PIN, in Vietnamese too', async () => {
    const [an, binh] = stack.demo.officials;
    const other = await sign(letter, { certificateId: an.certificateId, actingOfficialId: binh.id, pin: an.pin });
    expect(other.status).toBe(403);
    const problem = JSON.parse(other.body.toString());
    expect(problem).toMatchObject({ code: 'SIGNING_NOT_ALLOWED', reason: 'NOT_CERTIFICATE_HOLDER' });
    expect(problem.messageVi).toBeTruthy();
    const wrongPin = await sign(letter, { ...director(), pin: '000000' === an.pin ? '111111' : '000000' });
    expect(wrongPin.status).toBe(403);
    expect(JSON.parse(wrongPin.body.toString()).reason).toBe('WRONG_PIN');
    expect(wrongPin.body.toString()).not.toContain(an.pin);
  });

  it('refuses a system signing for an official of a department it does not serve', async () => {
    const { createApiKey } = await import('../../apps/gateway/src/api-keys');
    const districtOnly = await createApiKey(stack.databaseUrl, {
      name: 'district DMS',
      scopes: ['sign'],
      organizationIds: [stack.demo.districtOrganizationId],
    });
    const res = await gateway()
      .post('/api/v1/signatures/pdf')
      .set({ Authorization: `Bearer ${districtOnly.key}` })
      .attach('file', letter, { filename: 'doc.pdf', contentType: 'application/pdf' })
      .field('certificateId', director().certificateId)
      .field('actingOfficialId', director().actingOfficialId)
      .field('pin', director().pin);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'SIGNING_NOT_ALLOWED', reason: 'ORGANIZATION_NOT_SERVED' });
  });

  it('refuses a revoked certificate', async () => {
    const binh = stack.demo.officials[1];
    const { Client } = await import('pg');
    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    await db.query(
      `UPDATE registry.certificate SET status = 'revoked', revocation_reason = 'keyCompromise', revoked_at = now() WHERE id = $1`,
      [binh.certificateId],
    );
    await db.end();
    const res = await sign(letter, { certificateId: binh.certificateId, actingOfficialId: binh.id, pin: binh.pin });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body.toString()).reason).toBe('CERTIFICATE_NOT_ACTIVE');
  });

  it('answers 401 without an API key or with an unknown one', async () => {
    const none = await gateway().post('/api/v1/validations/pdf').attach('file', letter, 'doc.pdf');
    expect(none.status).toBe(401);
    expect(none.headers['content-type']).toMatch(/application\/problem\+json/);
    const unknown = await gateway()
      .post('/api/v1/signatures/pdf')
      .set({ Authorization: 'Bearer kyso_00000000_' + '0'.repeat(56) })
      .attach('file', letter, 'doc.pdf');
    expect(unknown.status).toBe(401);
  });

  it.each([
    ['a text file', Buffer.from('Đây không phải là PDF'), 422],
    ['an empty file', Buffer.alloc(0), 400],
  ])('answers %s with a clear 4xx problem+json, for validation and signing', async (_name, file, status) => {
    const v = await validate(file as Buffer);
    expect(v.status).toBe(status);
    expect(v.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(v.body.code).toEqual(expect.any(String));
    const s = await sign(file as Buffer, director());
    expect(s.status).toBe(status);
    expect(JSON.parse(s.body.toString()).code).toEqual(expect.any(String));
  });

  it('reports on a truncated PDF (a damaged PDF gets a report) and refuses to sign it', async () => {
    const truncated = letter.subarray(0, Math.floor(letter.length / 2));
    const v = await validate(truncated);
    expect(v.status).toBe(200);
    expect(v.body.report.reasons.map((r: { code: string }) => r.code)).toContain('PDF_STRUCTURE_DAMAGED');
    const s = await sign(truncated, director());
    expect(s.status).toBe(422);
    expect(JSON.parse(s.body.toString()).code).toBe('INVALID_PDF');
  });

  it('answers 413 for a body over the gateway limit', async () => {
    const big = Buffer.concat([letter, Buffer.alloc(3 * 1024 * 1024, 0x20)]);
    const res = await validate(big);
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });
});
