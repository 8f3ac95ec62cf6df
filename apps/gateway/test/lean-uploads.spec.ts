import { IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { randomBytes } from 'node:crypto';
import { decodeCaller, DependencyMonitor, ServiceHttp } from '@kyso/common';
import { createApiKey } from '../src/api-keys';
import type { GatewayConfig } from '../src/config';
import { gatewayFixture } from './support';

const ORG = '0a000000-0000-4000-8000-00000000000a';
const LIMIT = 64 * 1024;

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A multipart form with one file, as a client sends it (declared length). */
function form(size = 1000, extra: Record<string, string> = {}) {
  const boundary = `----kyso${randomBytes(6).toString('hex')}`;
  const parts = Object.entries(extra).map(
    ([k, v]) => `--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
  );
  const body = Buffer.concat([
    Buffer.from(
      `${parts.join('')}--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="a.pdf"\r\n` +
        'content-type: application/pdf\r\n\r\n',
    ),
    Buffer.alloc(size, 0x25),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, type: `multipart/form-data; boundary=${boundary}` };
}

/** Headers that differ between any two answers (time, connection bookkeeping). */
const VOLATILE = ['date', 'keep-alive'];
/**
 * The two gateways count in fixed one-minute windows of their own: when a minute ends between a
 * request to one and the same request to the other, every later count of that minute differs by
 * one. So the remaining count is compared as present and numeric (its values: rate-limit specs).
 */
const WINDOWED = 'ratelimit-remaining';
const comparable = (a: Answer) => ({
  status: a.status,
  body: a.body,
  headers: Object.fromEntries(
    Object.entries(a.headers)
      .filter(([k]) => !VOLATILE.includes(k))
      .map(([k, v]) => [k, k === WINDOWED && /^\d+$/.test(String(v)) ? '<count>' : v]),
  ),
});

/**
 * The lean upload path (lean-uploads.ts) must answer exactly as Express and Nest do: every request
 * here goes to a gateway with it and to one without it (leanUploads: false), each with its own rate
 * limit counters, and the two answers (status, headers, body) and what reached the service must be
 * the same, refusals included.
 */
describe('lean upload routes', () => {
  let fx: Awaited<ReturnType<typeof gatewayFixture>>;
  let lean: string;
  let framework: string;
  let signKey: string;
  let validateKey: string;
  let officialToken: string;
  let itOfficerToken: string;
  const begin = jest.spyOn(ServiceHttp.prototype, 'begin');

  const start = async (over: Partial<GatewayConfig>) => {
    const a = await fx.start({ ...over, redisPrefix: `kyso:test:lean:${randomBytes(4).toString('hex')}:` });
    const b = await fx.start({
      ...over,
      leanUploads: false,
      redisPrefix: `kyso:test:framework:${randomBytes(4).toString('hex')}:`,
    });
    return { lean: a.base, framework: b.base, app: a.app, apps: [a.app, b.app] };
  };

  const post = (base: string, path: string, headers: Record<string, string>, body?: Buffer) =>
    new Promise<Answer>((resolve, reject) => {
      const req = httpRequest(`${base}${path}`, { method: 'POST', headers });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });

  /** The same request to both gateways; returns the lean answer after checking the other gave the same. */
  const both = async (
    path: string,
    auth: string | undefined,
    opts: { body?: ReturnType<typeof form>; headers?: Record<string, string>; bases?: [string, string] } = {},
  ) => {
    const f = opts.body ?? form();
    const headers = {
      'content-type': f.type,
      'content-length': String(f.body.length),
      'x-request-id': `lean-${randomBytes(4).toString('hex')}`,
      ...(auth ? { authorization: `Bearer ${auth}` } : {}),
      ...opts.headers,
    };
    const [l, fw] = opts.bases ?? [lean, framework];
    const calls = begin.mock.calls.length;
    const seen = [fx.signer.requests.length, fx.verifier.requests.length];
    const a = await post(l, path, headers, f.body);
    const leanTook = begin.mock.calls.length > calls;
    const forwardedA = [...fx.signer.requests.slice(seen[0]), ...fx.verifier.requests.slice(seen[1])];
    const seen2 = [fx.signer.requests.length, fx.verifier.requests.length];
    const b = await post(fw, path, headers, f.body);
    expect(begin.mock.calls.length).toBe(calls + (leanTook ? 1 : 0)); // the other gateway never takes it
    const forwardedB = [...fx.signer.requests.slice(seen2[0]), ...fx.verifier.requests.slice(seen2[1])];
    expect(comparable(a)).toEqual(comparable(b));
    const strip = (r: (typeof forwardedA)[number]) => ({ ...r, headers: { ...r.headers, host: '' } });
    expect(forwardedA.map(strip)).toEqual(forwardedB.map(strip));
    return { answer: a, leanTook, forwarded: forwardedA };
  };

  beforeAll(async () => {
    fx = await gatewayFixture('kyso_gw_lean');
    fx.verifier.handler = (req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/json', 'x-internal-secret': 'no' })
        .end(JSON.stringify({ id: 'v1', status: 'done', got: req.body.length }));
    fx.signer.handler = (_req, res) =>
      res
        .writeHead(200, {
          'content-type': 'application/pdf',
          'x-kyso-signature-id': 's1',
          'kyso-signing-session': 'tok',
          'kyso-signing-session-remaining': '4',
          location: '/signatures/s1',
        })
        .end('%PDF-signed');
    ({ lean, framework } = await start({ bodyLimits: { signaturesPdf: LIMIT, validationsPdf: LIMIT } }));
    const first = await fx.start({});
    signKey = (await createApiKey(fx.db.url, { name: 'dms', scopes: ['sign'] })).key;
    validateKey = (await createApiKey(fx.db.url, { name: 'portal', scopes: ['validate'] })).key;
    const official = [{ role: 'official' as const, organizationId: ORG }];
    officialToken = (await fx.operator(first.app, 'lan', official, '0b000000-0000-4000-8000-00000000000b')).accessToken;
    itOfficerToken = (await fx.operator(first.app, 'minh', [{ role: 'it-officer', organizationId: ORG }])).accessToken;
  });
  afterAll(() => fx?.close());

  it('validates a PDF and a CMS: the same forward (caller, request id, body) and the same answer', async () => {
    for (const path of ['/api/v1/validations/pdf', '/api/v1/validations/cms']) {
      const { answer, leanTook, forwarded } = await both(path, validateKey);
      expect(leanTook).toBe(true);
      expect(answer.status).toBe(200);
      expect(answer.headers['x-internal-secret']).toBeUndefined();
      expect(answer.headers['cache-control']).toBe('no-store');
      expect(answer.headers['ratelimit-remaining']).toBeDefined();
      expect(forwarded).toHaveLength(1);
      expect(forwarded[0].url).toBe(path.replace('/api/v1', ''));
      expect(decodeCaller(forwarded[0].headers['x-kyso-caller'] as string)).toMatchObject({ kind: 'system' });
    }
  });

  it('forwards an upload still arriving with its declared length, not as a chunked stream', async () => {
    const f = form(20_000);
    // Both gateways (Express forwards through the same proxy), which also keeps their rate limits even.
    for (const base of [lean, framework]) {
      const seen = fx.verifier.requests.length;
      const answer = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(`${base}/api/v1/validations/pdf`, {
          method: 'POST',
          headers: { 'content-type': f.type, 'content-length': f.body.length, authorization: `Bearer ${validateKey}` },
        });
        req.on('response', (res) => res.resume().on('end', () => resolve(res.statusCode ?? 0)));
        req.on('error', reject);
        // The rest comes once the gateway has started forwarding: the length is not known from the body.
        req.write(f.body.subarray(0, 1000));
        setTimeout(() => req.end(f.body.subarray(1000)), 200);
      });
      expect(answer).toBe(200);
      const forwarded = fx.verifier.requests.slice(seen);
      expect(forwarded).toHaveLength(1);
      expect(forwarded[0].headers['content-length']).toBe(String(f.body.length));
      expect(forwarded[0].headers['transfer-encoding']).toBeUndefined();
    }
  });

  it('signs (PDF, its extension, CMS) as a system and as an official, passing the session headers', async () => {
    for (const path of ['/api/v1/signatures/pdf', '/api/v1/signatures/pdf/extend', '/api/v1/signatures/cms'])
      for (const auth of [signKey, officialToken]) {
        const { answer, leanTook } = await both(path, auth, { body: form(2000, { pin: '123456', session: '5' }) });
        expect(leanTook).toBe(true);
        expect(answer).toMatchObject({ status: 200, body: '%PDF-signed' });
        expect(answer.headers).toMatchObject({ 'kyso-signing-session': 'tok', location: '/api/v1/signatures/s1' });
      }
  });

  it('refuses the same way: no key, an unknown key, a missing scope, a role not allowed', async () => {
    const unknown = `kyso_${'ab'.repeat(4)}_${'cd'.repeat(28)}`;
    const cases: [string, string | undefined, number, string][] = [
      ['/api/v1/validations/pdf', undefined, 401, 'UNAUTHENTICATED'],
      ['/api/v1/signatures/pdf', unknown, 401, 'UNAUTHENTICATED'],
      ['/api/v1/signatures/pdf', validateKey, 403, 'INSUFFICIENT_SCOPE'],
      ['/api/v1/validations/pdf', signKey, 403, 'INSUFFICIENT_SCOPE'],
      ['/api/v1/signatures/cms', itOfficerToken, 403, 'ROLE_NOT_ALLOWED'],
    ];
    for (const [path, auth, status, code] of cases) {
      const { answer, leanTook, forwarded } = await both(path, auth);
      expect(leanTook).toBe(true);
      expect(answer.status).toBe(status);
      expect(answer.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(JSON.parse(answer.body)).toMatchObject({ status, code, instance: path });
      if (status === 401) expect(answer.headers['www-authenticate']).toMatch(/^Bearer realm="kyso"/);
      expect(forwarded).toHaveLength(0);
    }
  });

  it('refuses a body over the route limit with 413, closing the connection, without calling the service', async () => {
    const { answer, leanTook, forwarded } = await both('/api/v1/signatures/pdf', signKey, { body: form(LIMIT + 1) });
    expect(leanTook).toBe(true);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', limit: LIMIT });
    expect(answer.headers.connection).toBe('close');
    expect(forwarded).toHaveLength(0);
  });

  it('rate limits per key with 429 and Retry-After', async () => {
    const limited = await start({ limits: { systemPerMinute: 1 } });
    await both('/api/v1/validations/pdf', validateKey, { bases: [limited.lean, limited.framework] });
    const { answer, leanTook } = await both('/api/v1/validations/pdf', validateKey, {
      bases: [limited.lean, limited.framework],
    });
    expect(leanTook).toBe(true);
    expect(answer.status).toBe(429);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('answers 503 DEPENDENCY_UNAVAILABLE with Retry-After when the service is down', async () => {
    const down = await start({ signerUrl: 'http://127.0.0.1:9', verifierUrl: 'http://127.0.0.1:9' });
    for (const path of ['/api/v1/signatures/pdf', '/api/v1/validations/pdf']) {
      const { answer, leanTook } = await both(path, path.includes('sign') ? signKey : validateKey, {
        bases: [down.lean, down.framework],
      });
      expect(leanTook).toBe(true);
      expect(answer.status).toBe(503);
      expect(JSON.parse(answer.body)).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE' });
      expect(answer.headers['retry-after']).toBeDefined();
      expect(answer.body).not.toContain('127.0.0.1');
    }
  });

  it('answers 504 REQUEST_TIMEOUT when the whole request runs out of time', async () => {
    const slow = await start({ limits: { requestTimeoutMs: 300 } });
    // A first request looks the key up in the database: not part of what is timed here.
    await both('/api/v1/validations/cms', validateKey, { bases: [slow.lean, slow.framework] });
    fx.verifier.handler = (_req, res) => setTimeout(() => res.writeHead(200).end('{}'), 1000);
    try {
      const { answer, leanTook } = await both('/api/v1/validations/cms', validateKey, {
        bases: [slow.lean, slow.framework],
      });
      expect(leanTook).toBe(true);
      expect(answer.status).toBe(504);
      expect(JSON.parse(answer.body)).toMatchObject({ code: 'REQUEST_TIMEOUT', instance: '/api/v1/validations/cms' });
      // The call the deadline cut is not a service outage (neither gateway reports the verifier down).
      await new Promise((r) => setTimeout(r, 100));
      for (const app of slow.apps) expect(app.get(DependencyMonitor).isDown('verifier')).toBe(false);
    } finally {
      fx.verifier.handler = (req, res) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ got: req.body.length }));
    }
  });

  it('answers 504 UPSTREAM_TIMEOUT when the service is too slow', async () => {
    const slow = await start({ upstreamTimeoutMs: 300 });
    fx.verifier.handler = (_req, res) => setTimeout(() => res.writeHead(200).end('{}'), 1000);
    try {
      const { answer, leanTook } = await both('/api/v1/validations/pdf', validateKey, {
        bases: [slow.lean, slow.framework],
      });
      expect(leanTook).toBe(true);
      expect(answer.status).toBe(504);
      expect(JSON.parse(answer.body)).toMatchObject({ code: 'UPSTREAM_TIMEOUT', instance: '/api/v1/validations/pdf' });
    } finally {
      fx.verifier.handler = (req, res) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ got: req.body.length }));
    }
  });

  it('passes an answer of declared length whole, read before it is sent or piped, with its length', async () => {
    for (const size of [2_600, 200_000]) {
      const report = JSON.stringify({ id: 'v1', pad: 'x'.repeat(size) });
      fx.verifier.handler = (_req, res) =>
        res
          .writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(report)) })
          .end(report);
      const { answer, leanTook } = await both('/api/v1/validations/pdf', validateKey);
      expect(leanTook).toBe(true);
      expect(answer).toMatchObject({ status: 200, body: report });
      expect(answer.headers['content-length']).toBe(String(report.length));
      expect(answer.headers['transfer-encoding']).toBeUndefined();
    }
    fx.verifier.handler = (req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ got: req.body.length }));
  });

  it("names the public path as a service's problem instance, and leaves the rest of the problem as it was", async () => {
    const problem = { type: 'https://kyso.invalid/problems/missing-field', title: 'Bad request', status: 400 };
    const body = JSON.stringify({ ...problem, code: 'MISSING_FIELD', instance: '/validations/pdf', field: 'file' });
    fx.verifier.handler = (_req, res) =>
      res
        .writeHead(400, { 'content-type': 'application/problem+json; charset=utf-8', 'content-length': body.length })
        .end(body);
    try {
      const { answer } = await both('/api/v1/validations/pdf', validateKey);
      expect(answer.status).toBe(400);
      expect(answer.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      const relayed = JSON.parse(answer.body);
      expect(relayed).toEqual({
        ...problem,
        code: 'MISSING_FIELD',
        instance: '/api/v1/validations/pdf',
        field: 'file',
      });
      expect(answer.headers['content-length']).toBe(String(Buffer.byteLength(answer.body)));
    } finally {
      fx.verifier.handler = (req, res) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ got: req.body.length }));
    }
  });

  it('cuts the answer when the service dies mid-answer, and serves the next request', async () => {
    // Declared lengths above and below WHOLE_ANSWER_BYTES: piped, and read whole before it is sent.
    try {
      for (const length of ['100000', '1000']) {
        fx.verifier.handler = (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': length }).write('{"partial":');
          setTimeout(() => res.socket?.destroy(), 50);
        };
        const f = form();
        const headers = {
          'content-type': f.type,
          'content-length': String(f.body.length),
          authorization: `Bearer ${validateKey}`,
        };
        for (const base of [lean, framework])
          await expect(post(base, '/api/v1/validations/pdf', headers, f.body)).rejects.toThrow(/aborted|hang up|reset/);
      }
    } finally {
      fx.verifier.handler = (req, res) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ got: req.body.length }));
    }
    const { answer, leanTook } = await both('/api/v1/validations/pdf', validateKey);
    expect(leanTook).toBe(true);
    expect(answer.status).toBe(200);
  });

  it('drops the answer of the service when the client goes away mid-answer', async () => {
    // Piped (the client has seen its start), and read whole (the client has seen nothing yet).
    for (const [length, base] of [
      ['100000', lean],
      ['100000', framework],
      ['1000', lean],
      ['1000', framework],
    ]) {
      let closed = false;
      let started = false;
      fx.verifier.handler = (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': length }).write('{"partial":');
        started = true;
        res.on('close', () => (closed = true));
      };
      const f = form();
      const req = httpRequest(`${base}/api/v1/validations/pdf`, {
        method: 'POST',
        headers: { 'content-type': f.type, 'content-length': f.body.length, authorization: `Bearer ${validateKey}` },
      });
      req.on('error', () => undefined);
      req.on('response', (res) => res.once('data', () => req.destroy()));
      req.end(f.body);
      if (length === '1000') {
        for (let i = 0; i < 100 && !started; i++) await new Promise((r) => setTimeout(r, 20));
        await new Promise((r) => setTimeout(r, 50));
        req.destroy();
      }
      for (let i = 0; i < 100 && !closed; i++) await new Promise((r) => setTimeout(r, 20));
      expect(closed).toBe(true);
    }
    fx.verifier.handler = (req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ got: req.body.length }));
  });

  it('leaves to Express what it does not take: a query, Idempotency-Key, JSON, other paths', async () => {
    const leftOut: [string, Record<string, string>][] = [
      ['/api/v1/validations/pdf?wait=0', {}],
      ['/api/v1/validations/pdf?callbackUrl=%00', {}],
      ['/api/v1/signatures/pdf', { 'idempotency-key': 'k-1' }],
      ['/api/v1/signatures/pdf', { 'content-type': 'application/json' }],
      ['/api/v1/validations/pdf/', {}],
      ['/api/v1/validations/inbound', {}],
    ];
    for (const [path, headers] of leftOut) {
      const auth = path.includes('sign') ? signKey : validateKey;
      const { leanTook } = await both(path, auth, { headers });
      expect(leanTook).toBe(false);
    }
  });
});
