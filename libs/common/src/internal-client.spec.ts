import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Abort } from './abort';
import { InternalClient, MALFORMED_ANSWER } from './internal-client';
import { ProblemError } from './problem';

/** InternalClient.json against a real HTTP peer: credential, answers, problems, timeouts, outages. */
describe('InternalClient.json', () => {
  let server: Server;
  let base: string;
  const seen: { method?: string; headers: IncomingMessage['headers']; body: string }[] = [];
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
        seen.push({ method: req.method, headers: req.headers, body });
        routes[req.url ?? '']?.(req, res);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const client = (timeoutMs = 5_000) => new InternalClient(base, 'secret-token', timeoutMs, 'the peer service');
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

/** InternalClient.relay: a peer's answer written into a ServerResponse of a front server, as the gateway does. */
describe('InternalClient.relay', () => {
  const big = Buffer.alloc(3 * 1024 * 1024, 7); // past STREAM_HIGH_WATER_MARK: the peer is paused and resumed
  let peer: Server;
  let front: Server;
  let base: string;
  let frontUrl: string;
  /** Whether the peer's last answer was all sent when its response closed. */
  let peerClosed: Promise<boolean> = Promise.resolve(true);
  const uploads: { headers: IncomingMessage['headers']; bytes: number }[] = [];
  /** How the front relays: which peer path, and what its head callback does besides copying the status. */
  let relayed: { path: string; timeoutMs?: number; signal?: Abort; head?: () => void };
  let settled: Promise<unknown> = Promise.resolve();

  beforeAll(async () => {
    peer = createServer((req, res) => {
      let bytes = 0;
      req.on('data', (c: Buffer) => (bytes += c.length));
      req.on('end', () => {
        uploads.push({ headers: req.headers, bytes });
        peerClosed = new Promise((r) => res.once('close', () => r(res.writableFinished)));
        if (req.url === '/big') res.writeHead(201, { 'content-type': 'application/pdf', 'x-a': 'b' }).end(big);
        if (req.url === '/slow-body')
          res.writeHead(200, { 'content-length': String(big.length) }).write(big.subarray(0, 10));
      });
    });
    front = createServer((req, res) => {
      const client = new InternalClient(base, 'secret-token', relayed.timeoutMs ?? 5_000, 'the peer service');
      const opts = { body: req, headers: { 'content-type': 'application/pdf' }, signal: relayed.signal };
      settled = client
        .relay('POST', relayed.path, opts, res, (status, headers) => {
          relayed.head?.();
          res.statusCode = status;
          res.setHeader('x-a', String(headers['x-a']));
        })
        .then(
          () => 'settled',
          (e: unknown) => {
            res.writeHead(599).end((e as Error).message);
            return e;
          },
        );
    });
    for (const s of [peer, front]) await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(peer.address() as AddressInfo).port}`;
    frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const s of [peer, front]) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });

  const post = (path = '/big') => fetch(`${frontUrl}${path}`, { method: 'POST', body: Buffer.alloc(100_000, 1) });

  it("streams the upload to the peer and the peer's answer, whole, into the response; lets go of the outer signal", async () => {
    relayed = { path: '/big', signal: new Abort() };
    const res = await post();
    expect(res.status).toBe(201);
    expect(res.headers.get('x-a')).toBe('b');
    expect(Buffer.from(await res.arrayBuffer()).equals(big)).toBe(true);
    expect(await settled).toBe('settled');
    expect(relayed.signal?.listenerCount('abort')).toBe(0);
    expect(uploads[uploads.length - 1]).toMatchObject({
      bytes: 100_000,
      headers: { 'x-kyso-internal-token': 'secret-token', 'content-type': 'application/pdf' },
    });
  });

  it('rejects with what the head callback threw, having sent nothing and aborted the call', async () => {
    relayed = {
      path: '/slow-body',
      timeoutMs: 30_000,
      head: () => {
        throw new Error('refused');
      },
    };
    const res = await post('/slow-body');
    expect(res.status).toBe(599);
    expect(await res.text()).toBe('refused');
    expect(await peerClosed).toBe(false);
  });

  it('answers 503 DEPENDENCY_UNAVAILABLE or 504 UPSTREAM_TIMEOUT before the head, as stream does', async () => {
    relayed = { path: '/hang', timeoutMs: 200 };
    expect(await (await post('/hang')).text()).toBe('the peer service did not answer within 200 ms');
    expect(await settled).toMatchObject({ status: 504, code: 'UPSTREAM_TIMEOUT' });
    const outer = new Abort();
    relayed = { path: '/hang', signal: outer };
    setTimeout(() => outer.abort(new Error('request timeout')), 50);
    await post('/hang');
    expect(await settled).toMatchObject({ status: 503, code: 'DEPENDENCY_UNAVAILABLE' });
  });

  it('cuts the response when the peer stops mid-answer, and the call when the client goes away', async () => {
    relayed = { path: '/slow-body', timeoutMs: 300 };
    const cut = await post('/slow-body');
    expect(cut.status).toBe(200);
    await expect(cut.arrayBuffer()).rejects.toThrow();
    expect(await settled).toBe('settled');
    relayed = { path: '/slow-body', timeoutMs: 30_000 };
    const gone = new AbortController();
    const res = await fetch(`${frontUrl}/slow-body`, { method: 'POST', body: 'x', signal: gone.signal });
    expect(res.status).toBe(200);
    gone.abort();
    expect(await peerClosed).toBe(false); // abandoned at once, not left to the deadline
    expect(await settled).toBe('settled');
  });
});
