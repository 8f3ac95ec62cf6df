import 'reflect-metadata';
import { IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import { Caller, encodeCaller, ServiceHttp } from '@kyso/common';
import { createVerifierApp } from '../src/app';
import { signedPdf, TEST_ROOT_PEM, unsignedPdf } from './fixtures';
import { anchorView } from './registry-stub';
import { VerifierStack } from './stack';
import { TOKEN } from './support';

const MAX_UPLOAD = 64 * 1024;
const ORG = '0a000000-0000-4000-8000-00000000000a';
const SYSTEM: Caller = {
  kind: 'system',
  id: 'key-1',
  name: 'cổng dịch vụ',
  scopes: ['validate'],
  organizationIds: [ORG],
  roles: [],
  officialId: null,
  webhooks: true,
};

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Form {
  body: Buffer;
  type: string;
}

/** A multipart form (the file left out when `file` is undefined), as a client sends it. */
function form(file: Buffer | undefined, fields: Record<string, string> = {}, name = 'tài liệu.pdf'): Form {
  const boundary = `----kyso${randomBytes(6).toString('hex')}`;
  const parts = Object.entries(fields).map(
    ([k, v]) => `--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
  );
  const filePart = file
    ? [
        Buffer.from(
          `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${name}"\r\n` +
            'content-type: application/pdf\r\n\r\n',
        ),
        file,
        Buffer.from('\r\n'),
      ]
    : [];
  const body = Buffer.concat([Buffer.from(parts.join('')), ...filePart, Buffer.from(`--${boundary}--\r\n`)]);
  return { body, type: `multipart/form-data; boundary=${boundary}` };
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g;
/** What differs between two validations of the same document: their ids and times (same lengths). */
const comparable = (a: Answer) => ({
  status: a.status,
  body: a.body.replace(UUID, '<id>').replace(INSTANT, '<time>'),
  headers: Object.fromEntries(
    Object.entries(a.headers)
      .filter(([k]) => k !== 'date' && k !== 'keep-alive')
      .map(([k, v]) => [k, typeof v === 'string' ? v.replace(UUID, '<id>') : v]),
  ),
});

/**
 * The lean path of POST /validations/pdf (lean-validations.ts) must answer exactly as Express and
 * Nest do: every request here goes to a verifier with it and to one without it (leanValidations:
 * false) on the same database, queue and registry, and the two answers (status, headers, body; ids
 * and times aside) must be the same, refusals included, as must what each stored and counted.
 */
describe('lean POST /validations/pdf', () => {
  const stack = new VerifierStack('lean', false);
  const { registry } = stack;
  let framework: NestExpressApplication;
  let lean: string;
  let nest: string;
  let pdf: Buffer;
  const begin = jest.spyOn(ServiceHttp.prototype, 'begin');

  const send = (base: string, path: string, headers: Record<string, string>, body: Buffer, chunked = false) =>
    new Promise<Answer>((resolve, reject) => {
      const req = httpRequest(`${base}${path}`, { method: 'POST', headers });
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        res.on('error', reject);
      });
      req.on('error', reject);
      if (chunked) req.write(body.subarray(0, 10));
      req.end(chunked ? body.subarray(10) : body);
    });

  /** The same request to both verifiers; the lean answer, after checking the other gave the same. */
  const both = async (
    path: string,
    f: Form,
    opts: { token?: string | null; caller?: string; headers?: Record<string, string>; chunked?: boolean } = {},
  ) => {
    const headers: Record<string, string> = {
      'content-type': f.type,
      ...(opts.chunked ? {} : { 'content-length': String(f.body.length) }),
      'x-request-id': `lean-${randomBytes(4).toString('hex')}`,
      ...(opts.token === null ? {} : { 'x-kyso-internal-token': opts.token ?? TOKEN }),
      ...(opts.caller ? { 'x-kyso-caller': opts.caller } : {}),
      ...opts.headers,
    };
    const calls = begin.mock.calls.length;
    const a = await send(lean, path, headers, f.body, opts.chunked);
    const leanTook = begin.mock.calls.length > calls;
    const b = await send(nest, path, headers, f.body, opts.chunked);
    expect(begin.mock.calls.length).toBe(calls + (leanTook ? 1 : 0)); // the framework verifier never takes it
    expect(comparable(a)).toEqual(comparable(b));
    return { answer: a, other: b, leanTook, body: JSON.parse(a.body) as Record<string, unknown> };
  };

  beforeAll(async () => {
    registry.up = false; // no anchors stored yet: the first test's 503
    await stack.start('kyso_verifier_lean', {
      maxUploadBytes: MAX_UPLOAD,
      workerConcurrency: 1,
      jobAttempts: 3,
      revocation: { required: false },
    });
    lean = stack.base;
    framework = await createVerifierApp({ ...stack.config, leanValidations: false });
    await framework.listen(0, '127.0.0.1');
    nest = (await framework.getUrl()).replace('[::1]', '127.0.0.1');
    pdf = await unsignedPdf();
  });

  afterAll(async () => {
    await framework?.close();
    await stack.stop();
  });

  it('refuses alike with no trust anchors and the registry away: 503 TRUST_STORE_UNAVAILABLE, Retry-After', async () => {
    const { answer, body, leanTook } = await both('/validations/pdf?wait=1', form(pdf));
    expect(leanTook).toBe(true);
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBeDefined();
    expect(body.code).toBe('TRUST_STORE_UNAVAILABLE');
    registry.up = true;
    registry.anchors = [anchorView(TEST_ROOT_PEM)];
  });

  it('validates alike: within wait (200), default wait, at wait=0 (202 with Location), as a system caller', async () => {
    const ids: string[] = [];
    const cases: [string, string | undefined, number][] = [
      ['/validations/pdf?wait=20', undefined, 200],
      ['/validations/pdf', encodeCaller(SYSTEM), 200],
      ['/validations/pdf?wait=0', encodeCaller(SYSTEM), 202],
      ['/validations/pdf?', undefined, 200],
    ];
    for (const [path, caller, status] of cases) {
      const { answer, other, leanTook, body } = await both(path, form(pdf), { caller });
      expect(leanTook).toBe(true);
      expect(answer.status).toBe(status);
      expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
      if (status === 202) expect(answer.headers.location).toBe(`/api/v1/validations/${String(body.id)}`);
      ids.push(String(body.id), String((JSON.parse(other.body) as { id: string }).id));
    }
    // What each stored for the history and the owner's checks is the same too.
    const c = new Client({ connectionString: stack.db.url });
    await c.connect();
    const { rows } = await c.query(
      `SELECT id, caller_kind, caller_id, caller_name, organization_ids, file_name, document_sha256, callback_url
         FROM verifier.validation WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    await c.end();
    const row = (id: string) => {
      const { id: _, ...rest } = rows.find((r: { id: string }) => r.id === id) as Record<string, unknown>;
      return rest;
    };
    for (let i = 0; i < ids.length; i += 2) expect(row(ids[i])).toEqual(row(ids[i + 1]));
    expect(row(ids[2])).toMatchObject({
      caller_kind: 'system',
      caller_name: 'cổng dịch vụ',
      file_name: 'tài liệu.pdf',
    });
  });

  it("stores a signed document's SHA-256, judged in-process (hashed with its byte ranges) or queued", async () => {
    const { pdf: signed } = await signedPdf();
    const digest = createHash('sha256').update(signed).digest('hex');
    const ids: string[] = [];
    for (const path of ['/validations/pdf?wait=20', '/validations/pdf?wait=0']) {
      const { body, other, leanTook } = await both(path, form(signed));
      expect(leanTook).toBe(true);
      ids.push(String(body.id), String((JSON.parse(other.body) as { id: string }).id));
      if (path.endsWith('20'))
        expect(body.report).toMatchObject({ documentSha256: digest.toUpperCase(), signatures: [{}] });
    }
    const c = new Client({ connectionString: stack.db.url });
    await c.connect();
    const { rows } = await c.query('SELECT document_sha256 FROM verifier.validation WHERE id = ANY($1::uuid[])', [ids]);
    await c.end();
    expect(rows.map((r: { document_sha256: string }) => r.document_sha256.toLowerCase())).toEqual(
      ids.map(() => digest),
    );
  });

  it('refuses alike: the credential, the caller header, the form, the document, the size, a callbackUrl', async () => {
    const noHooks = encodeCaller({ ...SYSTEM, webhooks: false });
    const cases: [string, Form, Parameters<typeof both>[2], number, string][] = [
      ['/validations/pdf', form(pdf), { token: null }, 401, 'INTERNAL_CREDENTIAL_REQUIRED'],
      ['/validations/pdf', form(pdf), { token: 'wrong' }, 401, 'INTERNAL_CREDENTIAL_REQUIRED'],
      ['/validations/pdf', form(pdf), { caller: 'not-a-caller' }, 400, 'INVALID_CALLER'],
      ['/validations/pdf', form(pdf), { caller: 'x'.repeat(9000) }, 400, 'INVALID_CALLER'],
      ['/validations/pdf', form(undefined, { other: 'x' }), {}, 400, 'MISSING_FIELD'],
      ['/validations/pdf', form(Buffer.alloc(0)), {}, 400, 'EMPTY_FILE'],
      ['/validations/pdf', form(pdf, { note: 'a\u0000b' }), {}, 400, 'INVALID_TEXT'],
      ['/validations/pdf?wait=5', form(Buffer.from('not a pdf\n')), {}, 422, 'INVALID_PDF'],
      ['/validations/pdf', form(Buffer.alloc(MAX_UPLOAD + 1, 0x25)), {}, 413, 'PAYLOAD_TOO_LARGE'],
      ['/validations/pdf?callbackUrl=https%3A%2F%2Fdms.example%2Fhook', form(pdf), { caller: noHooks }, 422, ''],
      ['/validations/pdf', form(pdf, { callbackUrl: 'https://dms.example/hook' }), { caller: noHooks }, 422, ''],
      [
        '/validations/pdf?wait=0',
        form(pdf, { callbackUrl: 'http://127.0.0.1/hook' }),
        { caller: encodeCaller(SYSTEM) },
        422,
        '',
      ],
    ];
    for (const [path, f, opts, status, code] of cases) {
      const { answer, leanTook, body } = await both(path, f, opts);
      expect(leanTook).toBe(true);
      expect([answer.status, answer.headers['content-type']]).toEqual([
        status,
        'application/problem+json; charset=utf-8',
      ]);
      if (code) expect(body.code).toBe(code);
    }
  });

  it('leaves to Express and Nest what it cannot prove the same, which still answers alike', async () => {
    const cases: [string, Form, Parameters<typeof both>[2], number][] = [
      ['/validations/pdf?wait=abc', form(pdf), {}, 400], // the contract's check
      ['/validations/pdf?wait=61', form(pdf), {}, 400],
      ['/validations/pdf?wait=1&wait=2', form(pdf), {}, 400],
      ['/validations/pdf/?wait=0', form(pdf), {}, 202], // other spellings of the path
      ['/Validations/pdf?wait=0', form(pdf), {}, 202],
      ['/validations/pdf?wait=0', form(pdf), { chunked: true }, 202], // no declared length
      ['/validations/pdf?wait=0', { body: Buffer.from('{"file":"x"}'), type: 'application/json' }, {}, 400],
    ];
    for (const [path, f, opts, status] of cases) {
      const { answer, leanTook } = await both(path, f, opts);
      expect(leanTook).toBe(false);
      expect(answer.status).toBe(status);
    }
  });

  it('counts and logs alike: the same route, statuses and counts in both metrics', async () => {
    const routeLines = async (base: string) => {
      const res = await fetch(`${base}/metrics`, { headers: { 'x-kyso-internal-token': TOKEN } });
      return (await res.text())
        .split('\n')
        .filter((l) => l.startsWith('http_requests_total{') && l.includes('/validations/pdf'))
        .sort();
    };
    const lines = await routeLines(lean);
    expect(lines.some((l) => l.includes('route="/validations/pdf"') && l.includes('status="200"'))).toBe(true);
    expect(lines).toEqual(await routeLines(nest));
  });
});
