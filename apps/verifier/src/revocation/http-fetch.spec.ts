import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Dispatcher } from 'undici';
import { AddressPolicy, guardedDispatcher, Lookup } from '@kyso/common';
import { MAX_CA_ISSUERS_BYTES } from '@kyso/pki';
import { FetchResult, httpFetch, HttpFetchSpec, HttpRevocationClient } from './http-fetch';

type Route = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

/** Real HTTP over loopback only: every other address class is tested in libs/common/src/net/address-guard.spec.ts, without connecting. */
describe('httpFetch', () => {
  let server: Server;
  let port: number;
  let base: string;
  let hits = 0;
  const routes = new Map<string, Route>();
  const get: HttpFetchSpec = { method: 'GET', accept: '*/*', maxBytes: 1024, timeoutMs: 2_000 };
  const dispatchers: Dispatcher[] = [];
  const dispatcher = (allow: string[], lookup?: Lookup) => {
    const d = guardedDispatcher(new AddressPolicy(allow), { lookup });
    dispatchers.push(d);
    return d;
  };
  let allowed: Dispatcher;
  const fetchOk = (url: string, spec = get) => httpFetch(url, spec, allowed);

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits++;
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () =>
        (routes.get(req.url ?? '') ?? ((_q, r) => r.writeHead(404).end()))(req, res, Buffer.concat(chunks)),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
    allowed = dispatcher([`127.0.0.1:${port}`]);
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
    routes.set('/bundle-big', (_q, r) => r.writeHead(200).end(Buffer.alloc(MAX_CA_ISSUERS_BYTES + 1)));
    routes.set('/slow-body', (_q, r) => {
      r.writeHead(200);
      r.write(Buffer.alloc(10)); // headers and a first chunk in time, the rest never
    });
    routes.set('/busy', (_q, r) => r.writeHead(503).end());
    routes.set('/gone', (_q, r) => r.writeHead(410).end());
    routes.set('/loop', (_q, r) => r.writeHead(302, { location: '/loop' }).end());
    routes.set('/hop1', (_q, r) => r.writeHead(301, { location: '/hop2' }).end());
    routes.set('/hop2', (_q, r) => r.writeHead(307, { location: `${base}/ok` }).end());
    routes.set('/to-file', (_q, r) => r.writeHead(302, { location: 'file:///etc/passwd' }).end());
    routes.set('/to-localhost', (_q, r) => r.writeHead(302, { location: `http://localhost:${port}/ok` }).end());
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
    await Promise.all(dispatchers.map((d) => d.destroy()));
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const body = (r: FetchResult) => {
    if (!r.ok) throw new Error(`expected a body, got ${r.code}: ${r.message}`);
    return Buffer.from(r.body);
  };

  it('returns the body whatever content type the server claims', async () => {
    expect(body(await fetchOk(`${base}/ok`)).toString('hex')).toBe('3003020105');
  });

  it('refuses other schemes than http and https, for good, and never a redirect to one', async () => {
    for (const url of [
      'file:///etc/passwd',
      'ldap://ldap.example/cn=CA?certificateRevocationList',
      'ftp://x/y.crl',
      'gopher://127.0.0.1:6379/_INFO',
      'not a url',
      `http://user:pw@127.0.0.1:${port}/ok`,
    ]) {
      expect(await fetchOk(url)).toMatchObject({ ok: false, code: 'FETCH_UNSUPPORTED_URL', permanent: true });
    }
    expect(await fetchOk(`${base}/to-file`)).toMatchObject({ code: 'FETCH_REDIRECT_REFUSED', permanent: true });
  });

  describe('the address guard', () => {
    it('refuses a loopback server that is not allow-listed, before sending anything', async () => {
      const before = hits;
      for (const d of [dispatcher([]), dispatcher(['127.0.0.1:1']), dispatcher(['10.0.0.0/8', 'crl.example'])]) {
        expect(await httpFetch(`${base}/ok`, get, d)).toMatchObject({
          ok: false,
          code: 'FETCH_ADDRESS_REFUSED',
          permanent: true,
        });
      }
      expect(await httpFetch(`http://[::ffff:127.0.0.1]:${port}/ok`, get, dispatcher([]))).toMatchObject({
        code: 'FETCH_ADDRESS_REFUSED',
      });
      expect(hits).toBe(before);
    });

    it('lets it through when its address, its CIDR or its host name is allow-listed', async () => {
      for (const allow of [[`127.0.0.1:${port}`], ['127.0.0.1'], ['127.0.0.0/8'], ['::1', '127.0.0.0/8']]) {
        expect(body(await httpFetch(`${base}/ok`, get, dispatcher(allow))).length).toBe(5);
      }
      const toLoopback: Lookup = (_h, _o, cb) => cb(null, [{ address: '127.0.0.1', family: 4 }]);
      expect(
        body(await httpFetch(`http://ca.test:${port}/ok`, get, dispatcher([`ca.test:${port}`], toLoopback))).length,
      ).toBe(5);
    });

    it('checks what a host name resolves to: a name for 127.0.0.1 is refused like the address', async () => {
      const before = hits;
      expect(await httpFetch(`http://localhost:${port}/ok`, get, dispatcher([]))).toMatchObject({
        code: 'FETCH_ADDRESS_REFUSED',
        permanent: true,
      });
      // A public-looking name whose DNS answer holds a public and a loopback address (rebinding): refused.
      const rebinding: Lookup = (_h, _o, cb) =>
        cb(null, [
          { address: '93.184.215.14', family: 4 },
          { address: '127.0.0.1', family: 4 },
        ]);
      expect(await httpFetch(`http://crl.attacker.test:${port}/ok`, get, dispatcher([], rebinding))).toMatchObject({
        code: 'FETCH_ADDRESS_REFUSED',
      });
      expect(hits).toBe(before);
    });

    it('refuses a redirect to another host, even an allow-listed one, and checks the same host again', async () => {
      const both = dispatcher([`127.0.0.1:${port}`, `localhost:${port}`]);
      expect(await httpFetch(`${base}/to-localhost`, get, both)).toMatchObject({
        ok: false,
        code: 'FETCH_REDIRECT_REFUSED',
        permanent: true,
      });
      expect(body(await httpFetch(`${base}/hop1`, get, both)).length).toBe(5);
    });
  });

  it('refuses a body over the budget, whether announced or streamed', async () => {
    expect(await fetchOk(`${base}/declared-big`)).toMatchObject({ code: 'FETCH_TOO_LARGE', permanent: true });
    expect(await fetchOk(`${base}/streamed-big`)).toMatchObject({ code: 'FETCH_TOO_LARGE', permanent: true });
  });

  it('gives up after the time budget, as a transient failure, for a silent server and a stalled body', async () => {
    for (const path of ['/hang', '/slow-body']) {
      expect(await fetchOk(`${base}${path}`, { ...get, timeoutMs: 300 })).toMatchObject({
        ok: false,
        code: 'FETCH_TIMEOUT',
        permanent: false,
      });
    }
  });

  it('tells transient server answers and refusals apart', async () => {
    expect(await fetchOk(`${base}/busy`)).toMatchObject({ code: 'FETCH_HTTP_STATUS', permanent: false });
    expect(await fetchOk(`${base}/gone`)).toMatchObject({ code: 'FETCH_HTTP_STATUS', permanent: true });
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    expect(await httpFetch(`http://127.0.0.1:${closedPort}/x.crl`, get, dispatcher(['127.0.0.1']))).toMatchObject({
      code: 'FETCH_NETWORK_ERROR',
      permanent: false,
    });
  });

  it('follows up to three redirects and no more', async () => {
    expect(body(await fetchOk(`${base}/hop1`)).length).toBe(5);
    expect(await fetchOk(`${base}/loop`)).toMatchObject({ code: 'FETCH_TOO_MANY_REDIRECTS', permanent: true });
  });

  it('POSTs OCSP requests and follows only redirects that keep the body', async () => {
    const client = new HttpRevocationClient({ timeoutMs: 2_000, allow: [`127.0.0.1:${port}`] });
    try {
      const request = Uint8Array.from([0x30, 0x00]);
      expect(body(await client.fetchOcsp(`${base}/ocsp`, request))).toEqual(Buffer.from(request));
      expect(body(await client.fetchOcsp(`${base}/ocsp-307`, request))).toEqual(Buffer.from(request));
      expect(await client.fetchOcsp(`${base}/ocsp-moved`, request)).toMatchObject({
        code: 'FETCH_REDIRECT_REFUSED',
        permanent: true,
      });
      expect(await new HttpRevocationClient({ timeoutMs: 2_000, allow: [] }).fetchCrl(`${base}/ok`)).toMatchObject({
        code: 'FETCH_ADDRESS_REFUSED',
      });
    } finally {
      await client.close();
    }
  });
  it('fetches caIssuers certificates through the same guard, within their own small budget', async () => {
    const client = new HttpRevocationClient({ timeoutMs: 2_000, allow: [`127.0.0.1:${port}`] });
    try {
      expect(body(await client.fetchCertificates(`${base}/ok`)).length).toBe(5);
      expect(await client.fetchCertificates(`${base}/bundle-big`)).toMatchObject({
        code: 'FETCH_TOO_LARGE',
        permanent: true,
      });
      expect(await client.fetchCertificates(`${base}/to-localhost`)).toMatchObject({ code: 'FETCH_REDIRECT_REFUSED' });
      const unlisted = new HttpRevocationClient({ timeoutMs: 2_000, allow: [] });
      expect(await unlisted.fetchCertificates(`${base}/ok`)).toMatchObject({ code: 'FETCH_ADDRESS_REFUSED' });
      await unlisted.close();
    } finally {
      await client.close();
    }
  });
});
