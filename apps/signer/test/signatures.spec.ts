import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { FixedClock } from '@kyso/common';
import { DevCa } from '@kyso/pki/devca';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { Client } from 'pg';
import request from 'supertest';
import { createTestDatabase } from '../../../test/support/db';
import { asBuffer } from '../../../test/support/http';
import { createActiveTestToken, TestToken } from '../../../test/support/token';
import { createSignerApp } from '../src/app';
import type { SignerConfig } from '../src/config';
import { migrateSigner } from '../src/data-source';
import { localCheckFor } from './local-certificate-check';
import { startRegistryStub } from './registry-stub';
import { generateTokenKeys } from './token-keys';
import { INTERNAL, stopSignerParts, stubCertificate, testSignerConfig } from './support';

const NOW = new Date('2025-11-20T03:00:00Z');
const OFFICIAL = 'official-nguyen-van-a';

async function samplePdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  page.drawText('Cong van so 123/SNV', {
    x: 72,
    y: 760,
    size: 14,
    font: await doc.embedFont(StandardFonts.TimesRoman),
  });
  return Buffer.from(await doc.save());
}

describe('POST /signatures/pdf (signer over HTTP, SoftHSM2 token, Postgres, registry stand-in)', () => {
  let token: TestToken;
  let db: { url: string; drop: () => Promise<void> };
  let registry: Awaited<ReturnType<typeof startRegistryStub>>;
  let app: NestExpressApplication;
  let pdf: Buffer;
  let pg: Client;
  const http = () => request(app.getHttpServer());
  const sign = (fields: Record<string, string>, file: Buffer | null = pdf) => {
    let r = http().post('/signatures/pdf').set('x-kyso-internal-token', INTERNAL).set('x-request-id', 'req-1');
    for (const [k, v] of Object.entries(fields)) r = r.field(k, v);
    return file ? r.attach('file', file, { filename: 'cong-van.pdf', contentType: 'application/pdf' }) : r;
  };

  beforeAll(async () => {
    [token, db] = await Promise.all([createActiveTestToken(), createTestDatabase('kyso_signer')]);
    await migrateSigner(db.url);
    const [rsa, ec] = await generateTokenKeys(token, [
      { label: 'nguyen-van-a', id: 1, algorithm: 'RSASSA-PKCS1-v1_5-SHA256' },
      { label: 'so-noi-vu', id: 2, algorithm: 'ECDSA-P256-SHA256' },
    ]);

    const root = await DevCa.createRoot({ commonName: 'Kyso Test Root CA' });
    const person = await root.issue({
      subject: { CN: 'Nguyễn Văn A', O: 'Sở Nội vụ', C: 'VN' },
      publicKeySpki: rsa.publicKeySpki,
      profile: 'person',
    });
    const org = await root.issue({
      subject: { CN: 'Sở Nội vụ', O: 'Sở Nội vụ', C: 'VN' },
      publicKeySpki: ec.publicKeySpki,
      profile: 'organization',
    });
    // A CA named like the real root with its own key: its certificate did not issue ours.
    const impostor = await DevCa.createRoot({ commonName: 'Kyso Test Root CA' });
    const view = (id: string, cert: typeof person, keyUri: string, chain = [root.certificate]) =>
      stubCertificate(id, OFFICIAL, cert, keyUri, chain);
    registry = await startRegistryStub(INTERNAL, [
      view('cert-rsa', person, rsa.ref.uri),
      view('cert-ec', org, ec.ref.uri),
      // The registry names the wrong key for this certificate.
      view('cert-mismatch', person, ec.ref.uri),
      // The registry sends a chain that did not issue the certificate.
      view('cert-foreign-chain', person, rsa.ref.uri, [impostor.certificate]),
    ]);
    await writeFile(join(token.dir, 'root.pem'), root.certificate.toPem());

    const config: SignerConfig = testSignerConfig(token, {
      databaseUrl: db.url,
      registryUrl: registry.url,
      maxPdfBytes: 256 * 1024,
    });
    const certificateCheck = localCheckFor(root);
    app = await createSignerApp(config, { clock: new FixedClock(NOW), certificateCheck });
    await app.listen(0, '127.0.0.1');
    pdf = await samplePdf();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  });

  afterAll(async () => {
    await stopSignerParts({ pg, app, registry, db, token });
  });

  const events = async () => (await pg.query('SELECT * FROM signer.signature_events ORDER BY signed_at, id')).rows;

  it.each([
    ['an RSA personal certificate', 'cert-rsa'],
    ['a P-256 organisation certificate', 'cert-ec'],
  ])('signs with %s: an incremental update pdfsig validates, and records the event', async (_name, certificateId) => {
    const res = await asBuffer(
      sign({ certificateId, pin: '1234', actingOfficialId: OFFICIAL, reason: 'Phê duyệt', location: 'Hà Nội' }),
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/pdf/);
    const id = res.headers['x-kyso-signature-id'];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const signed = res.body as Buffer;
    // Incremental update: every original byte stays where it was.
    expect(signed.subarray(0, pdf.length).equals(pdf)).toBe(true);

    const file = join(token.dir, `${certificateId}.pdf`);
    await writeFile(file, signed);
    const { stdout } = await promisify(execFile)('pdfsig', [file]).catch((e: { stdout: string }) => ({
      stdout: e.stdout,
    }));
    expect(stdout).toContain('Signature is Valid.');

    const row = (await events()).find((e) => e.id === id);
    expect(row).toMatchObject({
      certificate_id: certificateId,
      acting_official_id: OFFICIAL,
      outcome: 'signed',
      refusal_code: null,
      request_id: 'req-1',
      document_sha256: createHash('sha256').update(pdf).digest('hex'),
      signed_document_sha256: createHash('sha256').update(signed).digest('hex'),
    });
    expect(row.certificate_serial).toMatch(/^[0-9A-F]+$/i);
    expect(new Date(row.signed_at).toISOString()).toBe(NOW.toISOString());
  });

  it('refuses with 403 SIGNING_NOT_ALLOWED and the registry reason, in Vietnamese too, and records the refusal without the PIN', async () => {
    const res = await sign({ certificateId: 'cert-rsa', pin: 'pin-wrong-xyz', actingOfficialId: OFFICIAL });
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      code: 'SIGNING_NOT_ALLOWED',
      reason: 'WRONG_PIN',
      messageVi: 'Mã PIN ký số không đúng',
    });
    expect(registry.requests.at(-1)).toMatchObject({
      body: { certificateId: 'cert-rsa', actingOfficialId: OFFICIAL, pin: 'pin-wrong-xyz' },
      requestId: 'req-1',
    });
    const rows = await events();
    const refused = rows.find((e) => e.refusal_reason === 'WRONG_PIN');
    expect(refused).toMatchObject({
      outcome: 'refused',
      refusal_code: 'SIGNING_NOT_ALLOWED',
      signed_document_sha256: null,
    });
    expect(JSON.stringify(rows)).not.toContain('pin-wrong-xyz');
  });

  it('refuses another official with NOT_CERTIFICATE_HOLDER', async () => {
    const res = await sign({ certificateId: 'cert-rsa', pin: '1234', actingOfficialId: 'someone-else' });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'SIGNING_NOT_ALLOWED', reason: 'NOT_CERTIFICATE_HOLDER' });
  });

  it.each([
    ['an allowed decision without the certificate', { allowed: true }],
    [
      'a certificate without its key URI',
      { allowed: true, certificate: { id: '6f1c2b9e-8d4a-4f3b-9c2e-1a2b3c4d5e6f', status: 'active' } },
    ],
    ['a refusal without its messages', { allowed: false, code: 'WRONG_PIN' }],
    ['no decision at all', ['allowed']],
  ])(
    'answers 502 DEPENDENCY_MALFORMED_ANSWER when the registry answers %s, and signs nothing',
    async (_what, answer) => {
      const signedCount = async () => (await events()).filter((e) => e.outcome === 'signed').length;
      const before = await signedCount();
      registry.override.answer = answer;
      try {
        const res = await sign({ certificateId: 'cert-rsa', pin: '1234', actingOfficialId: OFFICIAL });
        expect(res.status).toBe(502);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body).toMatchObject({ code: 'DEPENDENCY_MALFORMED_ANSWER' });
        expect(await signedCount()).toBe(before);
      } finally {
        registry.override.answer = undefined;
      }
    },
  );

  it('refuses a key that does not match the certificate with 409 KEY_CERTIFICATE_MISMATCH', async () => {
    const res = await sign({ certificateId: 'cert-mismatch', pin: '1234', actingOfficialId: OFFICIAL });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('KEY_CERTIFICATE_MISMATCH');
  });

  it('refuses a certificate whose chain from the registry did not issue it with 409 CERTIFICATE_CHAIN_INVALID', async () => {
    const res = await sign({ certificateId: 'cert-foreign-chain', pin: '1234', actingOfficialId: OFFICIAL });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('CERTIFICATE_CHAIN_INVALID');
  });

  it('answers 422 INVALID_PDF with the reason for a file that is not a PDF, and 400 EMPTY_FILE for an empty one', async () => {
    const before = registry.requests.length;
    const bad = await sign(
      { certificateId: 'cert-rsa', pin: '1234', actingOfficialId: OFFICIAL },
      Buffer.from('hello, not a pdf'),
    );
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ code: 'INVALID_PDF', reason: 'NOT_A_PDF' });
    const truncated = await sign(
      { certificateId: 'cert-rsa', pin: '1234', actingOfficialId: OFFICIAL },
      pdf.subarray(0, pdf.length / 2),
    );
    expect(truncated.status).toBe(422);
    expect(truncated.body.code).toBe('INVALID_PDF');
    const empty = await sign({ certificateId: 'cert-rsa', pin: '1234', actingOfficialId: OFFICIAL }, Buffer.alloc(0));
    expect(empty.status).toBe(400);
    expect(empty.body.code).toBe('EMPTY_FILE');
    // The PIN is not even sent to the registry for a document we would not sign.
    expect(registry.requests.length).toBe(before);
  });

  it('answers 400 MISSING_FIELD naming the missing field', async () => {
    const noPin = await sign({ certificateId: 'cert-rsa', actingOfficialId: OFFICIAL });
    expect(noPin.status).toBe(400);
    expect(noPin.body).toMatchObject({ code: 'MISSING_FIELD', field: 'pin' });
    const noFile = await sign({ certificateId: 'cert-rsa', pin: '1234', actingOfficialId: OFFICIAL }, null);
    expect(noFile.status).toBe(400);
    expect(noFile.body).toMatchObject({ code: 'MISSING_FIELD', field: 'file' });
  });

  it('answers 413 for a PDF over the configured limit', async () => {
    const res = await sign(
      { certificateId: 'cert-rsa', pin: '1234', actingOfficialId: OFFICIAL },
      Buffer.concat([pdf, Buffer.alloc(300 * 1024)]),
    );
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('refuses a call without the internal credential with 401', async () => {
    const res = await http().post('/signatures/pdf').field('certificateId', 'cert-rsa').attach('file', pdf, 'a.pdf');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INTERNAL_CREDENTIAL_REQUIRED');
  });

  it('reports liveness, and readiness of Postgres, the token and the registry', async () => {
    expect((await http().get('/health')).body).toEqual({ status: 'ok' });
    const ready = await http().get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ready',
      checks: { postgres: { ok: true }, token: { ok: true }, registry: { ok: true } },
    });
  });
});
