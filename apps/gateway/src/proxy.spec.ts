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
import { ResponseAlreadySent } from '@kyso/common';
import { armRequestTimeout } from './limits/timeout';
import { gathered, publicLocation } from './proxy';

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
