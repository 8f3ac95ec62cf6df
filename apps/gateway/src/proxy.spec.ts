import { randomBytes } from 'node:crypto';
import {
  ClientRequest,
  createServer,
  IncomingMessage,
  request as httpRequest,
  Server,
  ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { Caller, InternalClient, ResponseAlreadySent } from '@kyso/common';
import { armRequestTimeout } from './limits/timeout';
import { gathered, proxy, publicLocation, RELAY_QUEUE_BYTES } from './proxy';

describe('publicLocation', () => {
  it.each([
    ['/validations/abc', '/api/v1/validations/abc'],
    ['validations/abc', '/api/v1/validations/abc'],
    ['/api/v1/validations/abc', '/api/v1/validations/abc'],
    ['http://127.0.0.1:3002/validations/abc?x=1', '/api/v1/validations/abc?x=1'],
    ['http://127.0.0.1:3002/api/v1/validations/abc', '/api/v1/validations/abc'],
    ['/api/v10/x', '/api/v1/api/v10/x'],
  ])('maps %s to %s', (given, expected) => {
    expect(publicLocation(given)).toBe(expected);
  });
});

describe('gathered', () => {
  let server: Server;
  let url: string;
  let seen: Promise<Buffer | Error>;
  let arm: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;

  beforeEach(async () => {
    let told: (v: Buffer | Error) => void = () => undefined;
    seen = new Promise((r) => (told = r));
    arm = undefined;
    server = createServer((req, res) => {
      arm?.(req, res);
      gathered(req, Number(req.headers['content-length'])).then(
        (body) => {
          told(body);
          res.end('ok');
        },
        (e: Error) => told(e),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterEach(async () => {
    // Clients left half-way through their body would keep close() waiting.
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  /** A request sending `parts` with a pause between them, declaring `length` bytes; ended after them if `end`. */
  function send(parts: Buffer[], length: number, end: boolean): ClientRequest {
    const req = httpRequest(url, { method: 'POST', headers: { 'content-length': length } });
    req.on('error', () => undefined);
    req.on('response', (res) => res.resume());
    let i = 0;
    const next = () => {
      if (i < parts.length) req.write(parts[i++], () => setTimeout(next, 30));
      else if (end) req.end();
    };
    next();
    return req;
  }

  it('reads a body that comes in several chunks into one buffer of its declared length', async () => {
    const parts = [randomBytes(1000), randomBytes(70_000), randomBytes(5)];
    const whole = Buffer.concat(parts);
    send(parts, whole.length, true);
    const body = await seen;
    expect(Buffer.isBuffer(body)).toBe(true);
    expect((body as Buffer).equals(whole)).toBe(true);
  });

  it('gives up with ResponseAlreadySent when the client goes away before the end', async () => {
    const req = send([randomBytes(1000)], 5000, false);
    setTimeout(() => req.destroy(), 100);
    expect(await seen).toBeInstanceOf(ResponseAlreadySent);
  });

  it('gives up with ResponseAlreadySent when the request runs out of time (its 504 is sent)', async () => {
    arm = (req, res) => armRequestTimeout(req, res, 100, '/', () => res.end('timeout'));
    send([randomBytes(1000)], 5000, false);
    expect(await seen).toBeInstanceOf(ResponseAlreadySent);
  });
});

describe('proxy: a big answer relayed to the client', () => {
  const caller: Caller = {
    kind: 'service',
    id: 'test',
    name: 'test',
    scopes: [],
    organizationIds: [],
    roles: [],
    officialId: null,
  };
  let upstream: Server;
  let gateway: Server;
  let port: number;
  /** What the service does with a request (set by each test). */
  let answer: (res: ServerResponse) => void;
  /** Settles when the gateway's proxy call has. */
  let proxied: Promise<void>;

  beforeEach(async () => {
    upstream = createServer((req, res) => {
      req.resume();
      req.on('end', () => answer(res));
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const client = new InternalClient(base, 'token', 10_000, 'the signer service');
    let settled: () => void = () => undefined;
    proxied = new Promise((r) => (settled = r));
    gateway = createServer((req, res) => {
      proxy(req, res, { client, method: 'POST', path: '/signatures/pdf', caller, maxBodyBytes: 1e6, timeoutMs: 10_000 })
        .catch(() => res.destroy())
        .finally(settled);
    });
    await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', r));
    port = (gateway.address() as AddressInfo).port;
  });
  afterEach(async () => {
    for (const s of [gateway, upstream]) {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
  });

  /** POSTs a small body; the answer is handed over unread. */
  function post(): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({ port, host: '127.0.0.1', method: 'POST', path: '/', headers: { 'content-length': 2 } });
      req.on('response', resolve).on('error', reject);
      req.end('{}');
    });
  }

  const readAll = (res: IncomingMessage) =>
    new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks)));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('aborted')));
    });

  /** Writes `total` bytes in 64 KiB chunks, honouring back-pressure; `sent` counts what was handed over. */
  function writeSlowly(res: ServerResponse, total: number, progress: { sent: number }, stopAt = total) {
    const chunk = randomBytes(64 * 1024);
    const next = () => {
      while (progress.sent < stopAt) {
        const n = Math.min(chunk.length, stopAt - progress.sent);
        progress.sent += n;
        if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void res.once('drain', next);
      }
      if (stopAt === total) res.end();
      else res.destroy();
    };
    next();
  }

  it.each([
    ['of declared length', true],
    ['chunked', false],
  ])('relays an answer %s byte for byte, with its headers', async (_name, declared) => {
    const body = randomBytes(5 * 1024 * 1024 + 123);
    answer = (res) => {
      res.setHeader('content-type', 'application/pdf');
      res.setHeader('x-kyso-signature-id', 'sig-1');
      if (declared) res.setHeader('content-length', body.length);
      // In pieces, so that several arrive in one turn of the event loop and some in later ones.
      res.write(body.subarray(0, 1000));
      setTimeout(() => res.end(body.subarray(1000)), 20);
    };
    const res = await post();
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['x-kyso-signature-id']).toBe('sig-1');
    expect(res.headers['content-length']).toBe(declared ? String(body.length) : undefined);
    expect((await readAll(res)).equals(body)).toBe(true);
    await proxied;
  });

  it('holds the service back while the client does not read (memory bounded), then delivers every byte', async () => {
    const total = 256 * 1024 * 1024;
    const progress = { sent: 0 };
    answer = (res) => {
      res.setHeader('content-length', total);
      writeSlowly(res, total, progress);
    };
    const res = await post();
    res.pause();
    // Wait until the service can send no more: the gateway has paused its answer.
    let last = -1;
    while (progress.sent !== last) {
      last = progress.sent;
      await new Promise((r) => setTimeout(r, 300));
    }
    // Socket buffers on both loopback connections plus the gateway's queue, far from the whole answer.
    expect(progress.sent).toBeLessThan(total / 4);
    expect(progress.sent).toBeGreaterThan(RELAY_QUEUE_BYTES);
    let received = 0;
    res.on('data', (c: Buffer) => (received += c.length)).resume();
    await new Promise((r) => res.once('end', r));
    expect(received).toBe(total);
    await proxied;
  }, 60_000);

  it('cuts the client off when the service fails mid-answer', async () => {
    const total = 8 * 1024 * 1024;
    answer = (res) => {
      res.setHeader('content-length', total);
      writeSlowly(res, total, { sent: 0 }, 2 * 1024 * 1024);
    };
    const res = await post();
    await expect(readAll(res)).rejects.toThrow();
    await proxied;
  });

  it('stops the service when the client goes away mid-answer', async () => {
    const total = 64 * 1024 * 1024;
    let serviceClosed: (finished: boolean) => void = () => undefined;
    const closed = new Promise<boolean>((r) => (serviceClosed = r));
    answer = (res) => {
      res.setHeader('content-length', total);
      res.on('close', () => serviceClosed(res.writableFinished));
      writeSlowly(res, total, { sent: 0 });
    };
    const res = await post();
    await new Promise((r) => res.once('data', r));
    res.destroy();
    expect(await closed).toBe(false);
    await proxied;
  });
});
