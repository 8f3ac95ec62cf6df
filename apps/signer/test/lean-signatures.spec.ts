import { randomBytes } from 'node:crypto';
import { IncomingHttpHeaders, request as httpRequest } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { encodeCaller, FixedClock, ServiceHttp } from '@kyso/common';
import type { KeyStore } from '@kyso/keystore';
import { Certificate, DevCa } from '@kyso/pki';
import { PDFDocument } from 'pdf-lib';
import { createTestDatabase } from '../../../test/support/db';
import { createActiveTestToken, TestToken } from '../../../test/support/token';
import { createSignerApp, openTokenKeyStore } from '../src/app';
import type { SignerConfig } from '../src/config';
import { migrateSigner } from '../src/data-source';
import { CertificateCheck, CertificateCheckResult } from '../src/signing-seams';
import { localCheckFor } from './local-certificate-check';
import { startRegistryStub } from './registry-stub';
import { generateTokenKeys } from './token-keys';
import { INTERNAL, stopSignerParts, stubCertificate, testSignerConfig } from './support';

const NOW = new Date('2025-11-20T03:00:00Z');
const OFFICIAL = 'official-nguyen-van-a';
const MAX_PDF = 96 * 1024;

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

type Part = { name: string; value: string } | { name: string; file: Buffer; filename?: string; type?: string };

/** A multipart form as a client sends it, parts in the order given. */
function form(parts: Part[]): { body: Buffer; type: string } {
  const boundary = `----kyso${randomBytes(6).toString('hex')}`;
  const chunks = parts.flatMap((p) =>
    'value' in p
      ? [Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${p.name}"\r\n\r\n${p.value}\r\n`)]
      : [
          Buffer.from(
            `--${boundary}\r\ncontent-disposition: form-data; name="${p.name}"` +
              (p.filename === '' ? '' : `; filename="${p.filename ?? 'cong-van.pdf'}"`) +
              `\r\ncontent-type: ${p.type ?? 'application/pdf'}\r\n\r\n`,
          ),
          p.file,
          Buffer.from('\r\n'),
        ],
  );
  return {
    body: Buffer.concat([...chunks, Buffer.from(`--${boundary}--\r\n`)]),
    type: `multipart/form-data; boundary=${boundary}`,
  };
}

/** The pre-signing check, held while `hold` is pending (a signing place stays taken). */
class HeldCheck extends CertificateCheck {
  hold: Promise<void> | undefined;
  /** Checks waiting on `hold`. */
  held = 0;
  constructor(private readonly inner: CertificateCheck) {
    super();
  }
  async check(certificate: Certificate, chain: Certificate[], requestId?: string): Promise<CertificateCheckResult> {
    if (this.hold) {
      this.held++;
      await this.hold;
      this.held--;
    }
    return this.inner.check(certificate, chain, requestId);
  }
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
/** What differs between two signatures of the same document: their ids (same lengths). */
const comparable = (a: Answer) => ({
  status: a.status,
  body: a.headers['content-type']?.startsWith('application/pdf')
    ? a.body.length
    : a.body.toString().replace(UUID, '<id>'),
  headers: Object.fromEntries(
    Object.entries(a.headers)
      .filter(([k]) => k !== 'date' && k !== 'keep-alive' && k !== 'etag')
      .map(([k, v]) => [k, typeof v === 'string' ? v.replace(UUID, '<id>') : v]),
  ),
});

/**
 * The lean path of POST /signatures/pdf (lean-signatures.ts) must answer as Express, Nest and multer
 * do: every request goes to a signer with it and to one without it (leanSignatures: false), same
 * token, database and registry, and the answers (status, headers, body; ids aside) must be the
 * same, refusals included. ServiceHttp.begin tells which requests the lean path took.
 */
describe('lean POST /signatures/pdf', () => {
  let token: TestToken;
  let db: { url: string; drop: () => Promise<void> };
  let registry: Awaited<ReturnType<typeof startRegistryStub>>;
  let keyStore: KeyStore;
  let lean: NestExpressApplication;
  let framework: NestExpressApplication;
  let pdf: Buffer;
  let check: HeldCheck;
  const begin = jest.spyOn(ServiceHttp.prototype, 'begin');

  const base = (app: NestExpressApplication) => {
    const { port } = app.getHttpServer().address() as { port: number };
    return `http://127.0.0.1:${port}`;
  };

  const send = (
    app: NestExpressApplication,
    path: string,
    headers: Record<string, string>,
    body: Buffer,
    chunked = false,
  ) =>
    new Promise<Answer>((resolve, reject) => {
      const req = httpRequest(`${base(app)}${path}`, { method: 'POST', headers });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      });
      req.on('error', reject);
      if (chunked) req.write(body.subarray(0, 10));
      req.end(chunked ? body.subarray(10) : body);
    });

  const headersFor = (
    f: { body: Buffer; type: string },
    opts: { token?: string | null; caller?: string; chunked?: boolean } = {},
  ): Record<string, string> => ({
    'content-type': f.type,
    ...(opts.chunked ? {} : { 'content-length': String(f.body.length) }),
    'x-request-id': `lean-${randomBytes(4).toString('hex')}`,
    ...(opts.token === null ? {} : { 'x-kyso-internal-token': opts.token ?? INTERNAL }),
    ...(opts.caller ? { 'x-kyso-caller': opts.caller } : {}),
  });

  /** The same request to both signers; the lean answer, after checking the other gave the same. */
  const both = async (
    parts: Part[],
    opts: { path?: string; token?: string | null; caller?: string; chunked?: boolean } = {},
  ) => {
    const f = form(parts);
    const headers = headersFor(f, opts);
    const path = opts.path ?? '/signatures/pdf';
    const calls = begin.mock.calls.length;
    const a = await send(lean, path, headers, f.body, opts.chunked);
    const leanTook = begin.mock.calls.length > calls;
    const b = await send(framework, path, headers, f.body, opts.chunked);
    expect(begin.mock.calls.length).toBe(calls + (leanTook ? 1 : 0)); // the framework signer never takes it
    expect(comparable(a)).toEqual(comparable(b));
    return { answer: a, leanTook };
  };

  const signFields = (extra: Record<string, string> = {}): Part[] => [
    ...Object.entries({ certificateId: 'cert-rsa', pin: '1234', actingOfficialId: OFFICIAL, ...extra }).map(
      ([name, value]) => ({ name, value }),
    ),
    { name: 'file', file: pdf },
  ];

  beforeAll(async () => {
    [token, db] = await Promise.all([createActiveTestToken(), createTestDatabase('kyso_signer_lean')]);
    await migrateSigner(db.url);
    const [rsa] = await generateTokenKeys(token, [{ label: 'lean', id: 3, algorithm: 'RSASSA-PKCS1-v1_5-SHA256' }]);
    const root = await DevCa.createRoot({ commonName: 'Kyso Lean Test Root CA' });
    const person = await root.issue({
      subject: { CN: 'Nguyễn Văn A', O: 'Sở Nội vụ', C: 'VN' },
      publicKeySpki: rsa.publicKeySpki,
      profile: 'person',
    });
    registry = await startRegistryStub(INTERNAL, [
      stubCertificate('cert-rsa', OFFICIAL, person, rsa.ref.uri, [root.certificate]),
    ]);
    const config: SignerConfig = testSignerConfig(token, {
      databaseUrl: db.url,
      registryUrl: registry.url,
      maxPdfBytes: MAX_PDF,
      // One place, no queue: a second request while one is held is SIGNER_BUSY at once.
      admission: { maxInFlight: 1, maxQueued: 0, maxWaitMs: 1000 },
      certificateCheckMaxAgeMs: 0,
    });
    keyStore = await openTokenKeyStore(config);
    check = new HeldCheck(localCheckFor(root));
    const deps = { keyStore, clock: new FixedClock(NOW), certificateCheck: check };
    lean = await createSignerApp(config, deps);
    framework = await createSignerApp({ ...config, leanSignatures: false }, deps);
    await lean.listen(0, '127.0.0.1');
    await framework.listen(0, '127.0.0.1');
    const doc = await PDFDocument.create();
    doc.addPage([595, 842]);
    pdf = Buffer.from(await doc.save());
  }, 120_000);

  afterAll(async () => {
    await framework?.close();
    await stopSignerParts({ app: lean, registry, db });
    await keyStore?.close();
    await token?.remove();
  });

  it('takes the plain case and answers with the signed PDF and the same headers', async () => {
    const { answer, leanTook } = await both(signFields({ reason: 'Phê duyệt' }));
    expect(leanTook).toBe(true);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/pdf');
    expect(answer.headers['content-disposition']).toBe('attachment; filename="signed.pdf"');
    expect(Number(answer.headers['content-length'])).toBe(answer.body.length);
    expect(answer.body.subarray(0, pdf.length).equals(pdf)).toBe(true);
    expect(answer.headers['x-kyso-signature-id']).toMatch(UUID);
  });

  it('opens a signing session with the PIN and signs with it (Kyso-Signing-Session, no-store)', async () => {
    const opened = await both(signFields({ session: '3' }));
    expect(opened.leanTook).toBe(true);
    expect(opened.answer.headers['cache-control']).toBe('no-store');
    const session = opened.answer.headers['kyso-signing-session'] as string;
    expect(session).toMatch(/^kss_/);
    const f = form([
      { name: 'certificateId', value: 'cert-rsa' },
      { name: 'signingSession', value: session },
      { name: 'actingOfficialId', value: OFFICIAL },
      { name: 'file', file: pdf },
    ]);
    const used = await send(lean, '/signatures/pdf', headersFor(f), f.body);
    expect(used.status).toBe(200);
    expect(used.headers['kyso-signing-session-remaining']).toBeDefined();
  });

  it('leaves other spellings, a query and chunked bodies to Express, which answers alike', async () => {
    for (const opts of [{ path: '/signatures/pdf?x=1' }, { path: '/signatures/pdf/' }, { chunked: true }]) {
      const { answer, leanTook } = await both(signFields(), opts);
      expect(leanTook).toBe(false);
      expect(answer.status).toBe(200);
    }
  });

  it.each<[string, Part[] | (() => Part[]), number, string]>([
    ['no file', [{ name: 'pin', value: '1234' }], 400, 'MISSING_FIELD'],
    [
      'a file part without a file name (multer drops it)',
      () => [{ name: 'file', file: pdf, filename: '' }],
      400,
      'MISSING_FIELD',
    ],
    ['a bad field', () => signFields({ session: 'many' }), 400, 'INVALID_FIELD'],
    ['a control character', () => signFields({ reason: 'a\u0007b' }), 400, 'INVALID_TEXT'],
    ['an unsupported level', () => signFields({ level: 'B-X' }), 422, 'UNSUPPORTED_LEVEL'],
    ['a PIN and a session', () => signFields({ signingSession: 'kss_x' }), 400, 'CONFLICTING_FIELDS'],
    ['a wrong PIN', () => signFields({ pin: '9999' }), 403, 'SIGNING_NOT_ALLOWED'],
    [
      'not a PDF',
      () => signFields().map((p) => ('file' in p ? { ...p, file: Buffer.from('hello') } : p)),
      422,
      'INVALID_PDF',
    ],
    [
      'a file too big',
      () => signFields().map((p) => ('file' in p ? { ...p, file: Buffer.alloc(MAX_PDF + 1, 0x20) } : p)),
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    ['another file field', () => [{ name: 'document', file: pdf }], 400, 'BAD_REQUEST'],
    ['two files', () => [...signFields(), { name: 'file', file: pdf }], 400, 'BAD_REQUEST'],
    [
      'too many fields',
      () => [...Array.from({ length: 17 }, (_, i) => ({ name: `f${i}`, value: 'x' })), { name: 'file', file: pdf }],
      400,
      'BAD_REQUEST',
    ],
    ['a field too long', () => signFields({ reason: 'x'.repeat(64 * 1024 + 1) }), 400, 'BAD_REQUEST'],
    ['a nested field name', () => signFields({ 'appearance[page]': '1' }), 400, 'INVALID_FIELD'],
  ])('refuses %s as the framework does', async (_what, parts, status, code) => {
    const { answer, leanTook } = await both(typeof parts === 'function' ? parts() : parts);
    expect(leanTook).toBe(true);
    expect(answer.status).toBe(status);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(answer.body.toString())).toMatchObject({ code });
  });

  it('reads field names as multer does (the HTML escapes undone, brackets nested)', async () => {
    const escaped = await both(signFields({ 'rea%22son': 'x', 'a[b][c]': 'y', 'list[]': 'z' }));
    expect(escaped.leanTook).toBe(true);
    expect(escaped.answer.status).toBe(200);
  });

  it('refuses without the credential or with a malformed caller header', async () => {
    const noCredential = await both(signFields(), { token: null });
    expect(noCredential.answer.status).toBe(401);
    const badCaller = await both(signFields(), { caller: 'not-a-caller' });
    expect(badCaller.answer.status).toBe(400);
    const caller = encodeCaller({
      kind: 'system',
      id: 'key-1',
      name: 'cổng',
      scopes: ['sign'],
      organizationIds: [],
      roles: [],
      officialId: null,
      webhooks: false,
    });
    expect((await both(signFields(), { caller })).leanTook).toBe(true);
  });

  it('answers 503 SIGNER_BUSY with Retry-After while every signing place is taken', async () => {
    for (const app of [lean, framework]) {
      let release!: () => void;
      check.hold = new Promise((r) => (release = r));
      const f = form(signFields());
      const held = send(app, '/signatures/pdf', headersFor(f), f.body);
      // The held request has its place (the check runs inside it).
      for (let i = 0; i < 250 && check.held === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(check.held).toBe(1);
      const g = form(signFields());
      const busy = await send(app, '/signatures/pdf', headersFor(g), g.body);
      release();
      check.hold = undefined;
      expect((await held).status).toBe(200);
      expect(busy.status).toBe(503);
      expect(busy.headers['retry-after']).toBe('1');
      expect(JSON.parse(busy.body.toString())).toMatchObject({ code: 'SIGNER_BUSY' });
    }
  });
});
