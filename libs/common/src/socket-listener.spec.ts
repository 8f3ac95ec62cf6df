import { mkdtempSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, serviceSocket, serviceSockets } from './config';
import { httpCheck } from './health';
import { InternalClient } from './internal-client';
import { listenOnSocket } from './socket-listener';

describe('serviceSocket (KYSO_<SERVICE>_SOCKET)', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of ['KYSO_SIGNER_SOCKET', 'KYSO_VERIFIER_SOCKET', 'KYSO_REGISTRY_SOCKET']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it('is unset by default (TCP) and an absolute path when set', () => {
    delete process.env.KYSO_SIGNER_SOCKET;
    process.env.KYSO_REGISTRY_SOCKET = '';
    process.env.KYSO_VERIFIER_SOCKET = '/run/kyso/verifier.sock';
    expect(serviceSockets()).toEqual({ signer: undefined, verifier: '/run/kyso/verifier.sock', registry: undefined });
  });

  it.each([
    ['run/signer.sock', 'KYSO_SIGNER_SOCKET must be an absolute path to a socket file'],
    ['unix:/run/signer.sock', 'KYSO_SIGNER_SOCKET must be an absolute path to a socket file'],
    ['/run/kyso/', 'KYSO_SIGNER_SOCKET must be an absolute path to a socket file'],
    ['/run/a\0b.sock', 'KYSO_SIGNER_SOCKET must not contain NUL'],
    [`/${'d'.repeat(103)}.sock`, 'KYSO_SIGNER_SOCKET is 109 bytes long; a Unix socket path may have at most 107'],
  ])('refuses %j with a clear error', (value, message) => {
    process.env.KYSO_SIGNER_SOCKET = value;
    expect(() => serviceSocket('signer')).toThrow(new ConfigError(message));
  });

  it('takes a path of exactly 107 bytes', () => {
    const path = `/${'d'.repeat(101)}.sock`;
    expect(Buffer.byteLength(path)).toBe(107);
    process.env.KYSO_SIGNER_SOCKET = path;
    expect(serviceSocket('signer')).toBe(path);
  });
});

describe('listenOnSocket and InternalClient over a socket', () => {
  let dir: string;
  let server: Server;
  const path = () => join(dir, 'svc.sock');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kyso-sock-'));
    // The service's own server: its request listeners answer on both the port and the socket.
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            url: req.url,
            host: req.headers.host,
            token: req.headers['x-kyso-internal-token'],
            bytes: Buffer.concat(chunks).length,
            unix: req.socket.remoteAddress === undefined,
          }),
        ),
      );
    });
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers through the service’s own listeners, owner-only, and is removed when the server closes', async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    await listenOnSocket(server, path());
    expect(statSync(path()).isSocket()).toBe(true);
    expect(statSync(path()).mode & 0o777).toBe(0o600);
    // The URL's port is nowhere: only the socket can answer.
    const client = new InternalClient(
      'http://127.0.0.1:4/base',
      'secret-token-0123',
      5_000,
      'the peer service',
      path(),
    );
    expect(await client.json('POST', '/x', (raw) => raw, { a: 1 })).toEqual({
      url: '/base/x',
      host: '127.0.0.1:4',
      token: 'secret-token-0123',
      bytes: 7,
      unix: true,
    });
    const big = Buffer.alloc(5 * 1024 * 1024, 7);
    const streamed = await client.stream('POST', '/big', { body: big });
    expect(
      JSON.parse(
        await streamed.body
          .setEncoding('utf8')
          .toArray()
          .then((a) => a.join('')),
      ),
    ).toMatchObject({
      bytes: big.length,
      unix: true,
    });
    const fetched = await client.request('GET', '/f?q=1');
    expect(await fetched.json()).toMatchObject({ url: '/base/f?q=1', unix: true });
    await expect(httpCheck('http://127.0.0.1:4/health', path())()).resolves.toBeUndefined();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    expect(existsSync(path())).toBe(false);
    server = createServer(); // closed again by afterEach
    server.listen(0, '127.0.0.1');
  });

  it('removes a stale socket file, refuses one in use and never removes a file that is not a socket', async () => {
    // Stale: a socket file nobody listens on (its server was closed without unlinking).
    const stale = createNetServer();
    await new Promise<void>((r) => stale.listen(path(), r));
    const { unlinkSync, linkSync } = await import('node:fs');
    linkSync(path(), join(dir, 'kept.sock'));
    await new Promise((r) => stale.close(r));
    linkSync(join(dir, 'kept.sock'), path());
    unlinkSync(join(dir, 'kept.sock'));
    expect(statSync(path()).isSocket()).toBe(true);
    await listenOnSocket(server, path());
    const client = new InternalClient('http://127.0.0.1:4', 'secret-token-0123', 5_000, 'the peer service', path());
    expect(await client.json('GET', '/ok', (raw) => raw)).toMatchObject({ unix: true });

    // In use: the socket above answers.
    const other = createServer();
    await expect(listenOnSocket(other, path())).rejects.toThrow(`${path()} is in use by another process`);
    expect(statSync(path()).isSocket()).toBe(true);

    const file = join(dir, 'file.sock');
    writeFileSync(file, 'data');
    await expect(listenOnSocket(other, file)).rejects.toThrow(`${file} exists and is not a socket; not removed`);
    expect(statSync(file).isFile()).toBe(true);
  });

  it('reports a socket nobody listens on as the peer being unavailable, naming the path in the log only', async () => {
    const client = new InternalClient('http://127.0.0.1:4', 'secret-token-0123', 5_000, 'the peer service', path());
    const e = await client.json('GET', '/x', (raw) => raw).catch((err: unknown) => err);
    expect(e).toMatchObject({ status: 503, code: 'DEPENDENCY_UNAVAILABLE', detail: 'the peer service did not answer' });
    expect((e as { logDetail: string }).logDetail).toContain(path());
    await expect(httpCheck('http://127.0.0.1:4/health', path())()).rejects.toThrow('did not answer');
  });
});
