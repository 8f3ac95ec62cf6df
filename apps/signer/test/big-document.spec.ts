import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { FixedClock } from '@kyso/common';
import { DevCa } from '@kyso/pki/devca';
import { Client } from 'pg';
import request from 'supertest';
import { request as undiciRequest } from 'undici';
import { writeBigPdf } from '../../../test/support/big-pdf';
import { createTestDatabase } from '../../../test/support/db';
import { asBuffer } from '../../../test/support/http';
import { pdfsig } from '../../../test/support/independent-verifiers';
import { createActiveTestToken, TestToken } from '../../../test/support/token';
import { createSignerApp } from '../src/app';
import { migrateSigner } from '../src/data-source';
import { localCheckFor } from './local-certificate-check';
import { startRegistryStub } from './registry-stub';
import { generateTokenKeys } from './token-keys';
import { INTERNAL, stopSignerParts, stubCertificate, testSignerConfig } from './support';

const NOW = new Date('2025-11-20T03:00:00Z');
const OFFICIAL = 'official-nguyen-van-a';
const MB = 1024 * 1024;

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/**
 * Issue 12.6 at test size: a big PDF is received into the spare buffer, or through a temporary file
 * when another request has it, and every path removes the file.
 */
/** The form's fields, then the file part's header: what goes before the file's bytes. */
function formHead(boundary: string, fields: Record<string, string>): Buffer {
  const part = (name: string, extra = '') =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${extra}\r\n`;
  return Buffer.from(
    Object.entries(fields)
      .map(([k, v]) => `${part(k)}\r\n${v}\r\n`)
      .join('') + `${part('file', '; filename="big.pdf"')}Content-Type: application/pdf\r\n\r\n`,
  );
}

describe('POST /signatures/pdf with a big document (24 MB, in memory or disk-backed upload)', () => {
  let token: TestToken;
  let db: { url: string; drop: () => Promise<void> };
  let registry: Awaited<ReturnType<typeof startRegistryStub>>;
  let app: NestExpressApplication;
  let pg: Client;
  let work: string;
  let uploads: string;
  let big: string;
  let rootPem: string;
  const sign = (fields: Record<string, string>, path: string) => {
    let r = request(app.getHttpServer()).post('/signatures/pdf').set('x-kyso-internal-token', INTERNAL);
    for (const [k, v] of Object.entries(fields)) r = r.field(k, v);
    return r.attach('file', path, { filename: 'big.pdf', contentType: 'application/pdf' });
  };
  /** The same form sent chunked, without Content-Length, as a proxy forwards a stream. */
  const signChunked = async (fields: Record<string, string>, path: string) => {
    const boundary = `kyso-chunked-${randomUUID()}`;
    const head = formHead(boundary, fields);
    async function* body() {
      yield head;
      yield* createReadStream(path);
      yield Buffer.from(`\r\n--${boundary}--\r\n`);
    }
    const { port } = (app.getHttpServer() as { address(): AddressInfo }).address();
    const res = await undiciRequest(`http://127.0.0.1:${port}/signatures/pdf`, {
      method: 'POST',
      headers: { 'x-kyso-internal-token': INTERNAL, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: Readable.from(body(), { objectMode: false }),
    });
    return { status: res.statusCode, body: Buffer.from(await res.body.arrayBuffer()) };
  };
  /**
   * The form sent in two parts, the second only once the registry stub has seen a PIN pre-check
   * (or after 10 s, failing the request): `before` bytes of the file go first. With `declared`,
   * the request carries its Content-Length.
   */
  const signGated = async (fields: Record<string, string>, path: string, before: number, declared: boolean) => {
    const boundary = `kyso-gated-${randomUUID()}`;
    const head = formHead(boundary, fields);
    const file = await readFile(path);
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    let prechecked = false;
    const gate = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no PIN pre-check while the file arrived')), 10_000);
      registry.prechecked.once('precheck', () => {
        clearTimeout(timer);
        prechecked = true;
        resolve();
      });
    });
    gate.catch(() => undefined);
    async function* body() {
      yield head;
      yield file.subarray(0, before);
      await gate;
      yield file.subarray(before);
      yield tail;
    }
    const { port } = (app.getHttpServer() as { address(): AddressInfo }).address();
    const res = await undiciRequest(`http://127.0.0.1:${port}/signatures/pdf`, {
      method: 'POST',
      headers: {
        'x-kyso-internal-token': INTERNAL,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        ...(declared && { 'content-length': String(head.length + file.length + tail.length) }),
      },
      body: Readable.from(body(), { objectMode: false }),
    });
    return { status: res.statusCode, body: Buffer.from(await res.body.arrayBuffer()), prechecked };
  };
  /** What the signer asked the registry stub since `from`: paths in order. */
  const askedSince = (from: number) => registry.requests.slice(from).map((r) => r.path);

  /** The upload directory's files once removal had time to run (it follows the response's close). */
  // The batches' own directory lives under the upload directory: only upload files are leftovers.
  const uploadFiles = async () => (await readdir(uploads)).filter((name) => name !== 'batches');
  const leftovers = async () => {
    for (let i = 0; i < 20 && (await uploadFiles()).length > 0; i++) await new Promise((r) => setTimeout(r, 50));
    return uploadFiles();
  };

  beforeAll(async () => {
    [token, db] = await Promise.all([createActiveTestToken(), createTestDatabase('kyso_signer_big')]);
    await migrateSigner(db.url);
    const [key] = await generateTokenKeys(token, [{ label: 'big', id: 7, algorithm: 'RSASSA-PKCS1-v1_5-SHA256' }]);
    const root = await DevCa.createRoot({ commonName: 'Kyso Big Test Root CA' });
    rootPem = root.certificate.toPem();
    const cert = await root.issue({
      subject: { CN: 'Nguyễn Văn A', O: 'Sở Nội vụ', C: 'VN' },
      publicKeySpki: key.publicKeySpki,
      profile: 'person',
    });
    registry = await startRegistryStub(INTERNAL, [stubCertificate('cert-rsa', OFFICIAL, cert, key.ref.uri, [rootPem])]);
    work = await mkdtemp(join(tmpdir(), 'kyso-big-'));
    uploads = join(work, 'uploads');
    big = join(work, 'big.pdf');
    await writeBigPdf(big, 24 * MB);
    app = await createSignerApp(
      testSignerConfig(token, {
        databaseUrl: db.url,
        registryUrl: registry.url,
        maxPdfBytes: 30 * MB,
        uploadDir: uploads,
      }),
      {
        clock: new FixedClock(NOW),
        certificateCheck: localCheckFor(root),
      },
    );
    await app.listen(0, '127.0.0.1');
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  }, 120_000);

  afterAll(async () => {
    await stopSignerParts({ pg, app, registry, db, token });
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('signs it as an incremental update pdfsig validates, records both digests, and removes the upload', async () => {
    const res = await asBuffer(sign({ certificateId: 'cert-rsa', pin: '1234', actingOfficialId: OFFICIAL }, big));
    expect(res.status).toBe(200);
    const signed = res.body as Buffer;
    expect(Number(res.headers['content-length'])).toBe(signed.length);
    const inputSha = await sha256File(big);
    const size = (await stat(big)).size;
    // Every original byte where it was, then the update.
    expect(createHash('sha256').update(signed.subarray(0, size)).digest('hex')).toBe(inputSha);
    expect(signed.length - size).toBeLessThan(64 * 1024);
    const out = await pdfsig(signed, rootPem);
    expect(out).toContain('Signature is Valid.');
    expect(out).toContain('Certificate is Trusted.');
    const { rows } = await pg.query('SELECT * FROM signer.signature_events WHERE id = $1', [
      res.headers['x-kyso-signature-id'],
    ]);
    expect(rows[0]).toMatchObject({
      outcome: 'signed',
      document_sha256: inputSha,
      signed_document_sha256: createHash('sha256').update(signed).digest('hex'),
    });
    expect(await leftovers()).toEqual([]);
  }, 120_000);

  it('signs two at once, one received into memory and one through a file, each answered with its own bytes', async () => {
    const other = join(work, 'other.pdf');
    await writeBigPdf(other, 20 * MB);
    const fields = { certificateId: 'cert-rsa', pin: '1234', actingOfficialId: OFFICIAL };
    const answers = await Promise.all([asBuffer(sign(fields, big)), asBuffer(sign(fields, other))]);
    for (const [res, path] of [
      [answers[0], big],
      [answers[1], other],
    ] as const) {
      expect(res.status).toBe(200);
      const signed = res.body as Buffer;
      const size = (await stat(path)).size;
      expect(createHash('sha256').update(signed.subarray(0, size)).digest('hex')).toBe(await sha256File(path));
      expect(await pdfsig(signed, rootPem)).toContain('Signature is Valid.');
    }
    expect(await leftovers()).toEqual([]);
  }, 120_000);

  it('signs one sent chunked (no Content-Length), received into memory all the same', async () => {
    const res = await signChunked({ certificateId: 'cert-rsa', pin: '1234', actingOfficialId: OFFICIAL }, big);
    expect(res.status).toBe(200);
    const size = (await stat(big)).size;
    expect(createHash('sha256').update(res.body.subarray(0, size)).digest('hex')).toBe(await sha256File(big));
    expect(await pdfsig(res.body, rootPem)).toContain('Signature is Valid.');
    expect(await leftovers()).toEqual([]);
  }, 120_000);

  it('removes the upload after a refusal and after a form error', async () => {
    const refused = await sign({ certificateId: 'cert-rsa', pin: '9999', actingOfficialId: OFFICIAL }, big);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'SIGNING_NOT_ALLOWED', reason: 'WRONG_PIN' });
    const { rows } = await pg.query(`SELECT document_sha256 FROM signer.signature_events WHERE outcome = 'refused'`);
    expect(rows.map((r) => r.document_sha256)).toContain(await sha256File(big));
    const bad = await sign({ certificateId: 'cert-rsa', actingOfficialId: OFFICIAL }, big);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'MISSING_FIELD' });
    expect(await leftovers()).toEqual([]);
  }, 120_000);

  // A part's headers are parsed once some of its bytes follow them (busboy looks ahead for the boundary).
  it('asks the registry to pre-check the PIN at the start of a declared big file (its first 64 KiB)', async () => {
    const from = registry.requests.length;
    const fields = { certificateId: 'cert-rsa', pin: '1234', actingOfficialId: OFFICIAL };
    const res = await signGated(fields, big, 64 * 1024, true);
    expect(res.status).toBe(200);
    expect(res.prechecked).toBe(true);
    expect(askedSince(from)).toEqual(['/signing-authorizations/pin-checks', '/signing-authorizations']);
    expect(registry.requests[from].body).toEqual({ certificateId: 'cert-rsa', pin: '1234' });
    expect(await pdfsig(res.body, rootPem)).toContain('Signature is Valid.');
  }, 120_000);

  it('asks it once a chunked file passes 1 MiB, while the rest still arrives', async () => {
    const from = registry.requests.length;
    const fields = { certificateId: 'cert-rsa', pin: '1234', actingOfficialId: OFFICIAL };
    const res = await signGated(fields, big, 2 * MB, false);
    expect(res.status).toBe(200);
    expect(res.prechecked).toBe(true);
    expect(askedSince(from)).toEqual(['/signing-authorizations/pin-checks', '/signing-authorizations']);
  }, 120_000);

  it('a refused document is never authorised after its pre-check', async () => {
    const notPdf = join(work, 'not-a.pdf');
    await writeFile(notPdf, Buffer.alloc(3 * MB, 0x41));
    const from = registry.requests.length;
    const res = await signGated(
      { certificateId: 'cert-rsa', pin: '9999', actingOfficialId: OFFICIAL },
      notPdf,
      64 * 1024,
      true,
    );
    expect(res.status).toBe(422);
    expect(JSON.parse(res.body.toString())).toMatchObject({ code: 'INVALID_PDF' });
    expect(askedSince(from)).toEqual(['/signing-authorizations/pin-checks']);
  }, 120_000);

  it('asks no pre-check for a small document or a signing session', async () => {
    const small = join(work, 'small.pdf');
    await writeBigPdf(small, 200 * 1024);
    const from = registry.requests.length;
    expect((await sign({ certificateId: 'cert-rsa', pin: '1234', actingOfficialId: OFFICIAL }, small)).status).toBe(
      200,
    );
    const session = await sign(
      { certificateId: 'cert-rsa', signingSession: 'kss_none', actingOfficialId: OFFICIAL },
      big,
    );
    expect(session.body).toMatchObject({ code: 'SIGNING_NOT_ALLOWED', reason: 'SIGNING_SESSION_INVALID' });
    expect(askedSince(from)).not.toContain('/signing-authorizations/pin-checks');
  }, 120_000);

  it('answers 413 for a file above the limit and leaves no partial file', async () => {
    const tooBig = join(work, 'too-big.pdf');
    await writeBigPdf(tooBig, 31 * MB);
    const res = await sign({ certificateId: 'cert-rsa', pin: '1234', actingOfficialId: OFFICIAL }, tooBig).catch(
      // The service may close the connection before the client has sent everything.
      (e: { code?: string; status?: number }) => ({ status: e.code === 'EPIPE' ? 413 : e.status, body: {} }),
    );
    expect(res.status).toBe(413);
    expect(await leftovers()).toEqual([]);
  }, 120_000);
});
