import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Abort } from './abort';
import { InternalClient, MALFORMED_ANSWER } from './internal-client';
import { ProblemError } from './problem';

/** InternalClient.json against a real HTTP peer: credential, answers, problems, timeouts, outages. */
describe('InternalClient.json', () => {
  let server: Server;
  let base: string;
  const seen: { method?: string; url?: string; headers: IncomingMessage['headers']; body: string }[] = [];
  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
    '/echo': (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'),
    '/empty': (_req, res) => res.writeHead(204).end(),
    '/problem': (_req, res) =>
      res
        .writeHead(409, { 'content-type': 'application/problem+json' })
        .end(
          '{"type":"about:blank","title":"Conflict","status":409,"code":"THING_TAKEN","detail":"taken","field":"x"}',
        ),
    '/down': (_req, res) =>
      res.writeHead(503, { 'content-type': 'application/problem+json' }).end('{"status":503,"code":"DB_DOWN"}'),
    '/html': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>'),
    '/hang': () => undefined,
    '/slow-body': (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).write('{"a":'),
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body });
        (routes[req.url ?? ''] ?? routes['/echo'])(req, res);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const client = (timeoutMs = 5_000, at = base) =>
    new InternalClient(at, 'secret-token', timeoutMs, 'the peer service');
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => Promise.reject(new Error('answered')),
      (e: unknown) => e,
    );

  it('sends the credential, the request id and a JSON body; answers through the contract parser', async () => {
    const answer = await client().json('POST', '/echo', (raw) => raw as { ok: boolean }, { a: 1 }, 'rid-1');
    expect(answer).toEqual({ ok: true });
    const last = seen[seen.length - 1];
    expect(last).toMatchObject({ method: 'POST', body: '{"a":1}' });
    expect(last.headers).toMatchObject({
      'x-kyso-internal-token': 'secret-token',
      'x-request-id': 'rid-1',
      'content-type': 'application/json',
    });
    expect(await client().json('GET', '/empty', (raw) => raw)).toBeUndefined();
  });

  it('sends more headers when asked, next to the JSON body and the credential', async () => {
    await client().json('POST', '/echo', (raw) => raw, { a: 1 }, { headers: { prefer: 'return=minimal' } });
    expect(seen[seen.length - 1].headers).toMatchObject({
      prefer: 'return=minimal',
      'content-type': 'application/json',
      'x-kyso-internal-token': 'secret-token',
    });
  });

  it("turns the peer's problem into the same code, and its 503 into its dependency's", async () => {
    const p = (await failure(client().json('GET', '/problem', (raw) => raw))) as ProblemError;
    expect(p).toBeInstanceOf(ProblemError);
    expect(p).toMatchObject({ status: 409, code: 'THING_TAKEN', detail: 'taken', extensions: { field: 'x' } });
    const down = (await failure(client().json('GET', '/down', (raw) => raw))) as ProblemError;
    expect(down).toMatchObject({ status: 503, code: 'DB_DOWN', dependency: 'peer' });
    const html = (await failure(client().json('GET', '/html', (raw) => raw))) as ProblemError;
    expect(html).toMatchObject({ status: 502, code: MALFORMED_ANSWER });
  });

  it('answers 504 UPSTREAM_TIMEOUT when the peer does not answer, or not all of it, in time', async () => {
    for (const path of ['/hang', '/slow-body']) {
      const p = (await failure(client(200).json('GET', path, (raw) => raw))) as ProblemError;
      expect(p).toMatchObject({ status: 504, code: 'UPSTREAM_TIMEOUT' });
      expect(p.detail).toBe('the peer service did not answer within 200 ms');
    }
  });

  it('answers 503 DEPENDENCY_UNAVAILABLE, without the address, when the peer is not there', async () => {
    const gone = new InternalClient('http://127.0.0.1:1', 't', 1_000, 'the peer service');
    const p = (await failure(gone.json('GET', '/echo', (raw) => raw))) as ProblemError;
    expect(p).toMatchObject({ status: 503, code: 'DEPENDENCY_UNAVAILABLE', detail: 'the peer service did not answer' });
  });

  it('sends the path the URL parser makes of the base URL and the path, plain or not', async () => {
    const cases: [string, string, string][] = [
      ['', '/validations/pdf', '/validations/pdf'],
      ['/prefix', '/a_b/c-1', '/prefix/a_b/c-1'],
      ['/', '/echo', '//echo'],
      ['', '/a/../echo', '/echo'],
      ['', '/a/./b?x=1&y=%20', '/a/b?x=1&y=%20'],
      ['/prefix', '/x y', '/prefix/x%20y'],
    ];
    for (const [basePath, path, expected] of cases) {
      await client(5_000, `${base}${basePath}`).json('GET', path, (raw) => raw);
      expect(seen[seen.length - 1].url).toBe(expected);
    }
  });

  it('stream: gives up when the outer signal (an Abort or an AbortSignal) fires; lets go of it once read', async () => {
    for (const outer of [new Abort(), new AbortController()]) {
      const signal = outer instanceof Abort ? outer : outer.signal;
      const call = failure(client().stream('GET', '/hang', { signal }));
      setTimeout(() => outer.abort(new Error('request timeout')), 50);
      expect(await call).toMatchObject({ status: 503, code: 'DEPENDENCY_UNAVAILABLE' });
    }
    const outer = new Abort();
    const answer = await client().stream('GET', '/echo', { signal: outer });
    expect(outer.listenerCount('abort')).toBeGreaterThan(0);
    for await (const _ of answer.body);
    await new Promise((r) => setImmediate(r));
    expect(outer.listenerCount('abort')).toBe(0);
    const slow = await client(200).stream('GET', '/slow-body');
    await expect(
      (async () => {
        for await (const _ of slow.body);
      })(),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
  });
});
