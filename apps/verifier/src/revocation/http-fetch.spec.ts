import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpFetch, HttpFetchSpec, HttpRevocationClient, RevocationFetchError } from './http-fetch';

type Route = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

describe('httpFetch', () => {
  let server: Server;
  let base: string;
  const routes = new Map<string, Route>();
  const get: HttpFetchSpec = { method: 'GET', accept: '*/*', maxBytes: 1024, timeoutMs: 2_000 };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () =>
        (routes.get(req.url ?? '') ?? ((_q, r) => r.writeHead(404).end()))(req, res, Buffer.concat(chunks)),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    routes.set('/ok', (_q, r) =>
      r.writeHead(200, { 'content-type': 'text/html' }).end(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x05])),
    );
    routes.set('/declared-big', (_q, r) => r.writeHead(200, { 'content-length': '5000' }).end(Buffer.alloc(5000)));
    routes.set('/streamed-big', (_q, r) => {
      r.writeHead(200); // chunked: no length announced, the budget must cut it off while streaming
      for (let i = 0; i < 10; i++) r.write(Buffer.alloc(300));
      r.end();
    });
    routes.set('/hang', () => undefined);
    routes.set('/busy', (_q, r) => r.writeHead(503).end());
    routes.set('/gone', (_q, r) => r.writeHead(410).end());
    routes.set('/loop', (_q, r) => r.writeHead(302, { location: '/loop' }).end());
    routes.set('/hop1', (_q, r) => r.writeHead(301, { location: '/hop2' }).end());
    routes.set('/hop2', (_q, r) => r.writeHead(307, { location: `${base}/ok` }).end());
    routes.set('/to-file', (_q, r) => r.writeHead(302, { location: 'file:///etc/passwd' }).end());
    routes.set('/ocsp', (q, r, body) =>
      r
        .writeHead(200)
        .end(
          q.method === 'POST' && q.headers['content-type'] === 'application/ocsp-request' ? body : Buffer.from('wrong'),
        ),
    );
    routes.set('/ocsp-moved', (_q, r) => r.writeHead(302, { location: '/ocsp' }).end());
    routes.set('/ocsp-307', (_q, r) => r.writeHead(307, { location: '/ocsp' }).end());
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const failure = async (p: Promise<unknown>): Promise<RevocationFetchError> => {
    const e = await p.then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(RevocationFetchError);
    return e as RevocationFetchError;
  };

  it('returns the body whatever content type the server claims', async () => {
    expect(Buffer.from(await httpFetch(`${base}/ok`, get)).toString('hex')).toBe('3003020105');
  });

  it('refuses other schemes than http and https, for good', async () => {
    for (const url of [
      'file:///etc/passwd',
      'ldap://ldap.example/cn=CA?certificateRevocationList',
      'ftp://x/y.crl',
      'not a url',
    ]) {
      expect(await failure(httpFetch(url, get))).toMatchObject({ code: 'UNSUPPORTED_URL', permanent: true });
    }
    expect(await failure(httpFetch(`${base}/to-file`, get))).toMatchObject({ code: 'BAD_REDIRECT', permanent: true });
  });

  it('refuses a body over the budget, whether announced or streamed', async () => {
    expect(await failure(httpFetch(`${base}/declared-big`, get))).toMatchObject({ code: 'TOO_LARGE', permanent: true });
    expect(await failure(httpFetch(`${base}/streamed-big`, get))).toMatchObject({ code: 'TOO_LARGE', permanent: true });
  });

  it('gives up after the time budget, as a transient failure', async () => {
    const started = Date.now();
    expect(await failure(httpFetch(`${base}/hang`, { ...get, timeoutMs: 300 }))).toMatchObject({
      code: 'TIMEOUT',
      permanent: false,
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('tells transient server answers and refusals apart', async () => {
    expect(await failure(httpFetch(`${base}/busy`, get))).toMatchObject({ code: 'HTTP_STATUS', permanent: false });
    expect(await failure(httpFetch(`${base}/gone`, get))).toMatchObject({ code: 'HTTP_STATUS', permanent: true });
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    expect(await failure(httpFetch(`http://127.0.0.1:${port}/x.crl`, get))).toMatchObject({
      code: 'NETWORK_ERROR',
      permanent: false,
    });
  });

  it('follows up to three redirects and no more', async () => {
    expect((await httpFetch(`${base}/hop1`, get)).length).toBe(5);
    expect(await failure(httpFetch(`${base}/loop`, get))).toMatchObject({
      code: 'TOO_MANY_REDIRECTS',
      permanent: true,
    });
  });

  it('POSTs OCSP requests and follows only redirects that keep the body', async () => {
    const client = new HttpRevocationClient({ timeoutMs: 2_000 });
    const request = Uint8Array.from([0x30, 0x00]);
    expect(Buffer.from(await client.fetchOcsp(`${base}/ocsp`, request))).toEqual(Buffer.from(request));
    expect(Buffer.from(await client.fetchOcsp(`${base}/ocsp-307`, request))).toEqual(Buffer.from(request));
    expect(await failure(client.fetchOcsp(`${base}/ocsp-moved`, request))).toMatchObject({
      code: 'BAD_REDIRECT',
      permanent: true,
    });
  });
});
