import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeCaller } from '@kyso/common';
import { createApiKey } from '../src/api-keys';
import { StubService } from './stub-service';
import { gatewayFixture } from './support';

/** A port nothing listens on: a call that went by TCP would fail (503), not reach the stub. */
const NOWHERE = 'http://127.0.0.1:4';

/**
 * A co-located signer reached over its Unix-domain socket (KYSO_SIGNER_SOCKET): the gateway's proxy
 * forwards uploads there, on the lean path and through Express, and its readiness check asks there.
 */
describe('gateway to a service on a Unix-domain socket', () => {
  let fx: Awaited<ReturnType<typeof gatewayFixture>>;
  let dir: string;
  let signer: StubService;
  let key: string;

  beforeAll(async () => {
    fx = await gatewayFixture('kyso_gw_unix');
    dir = mkdtempSync(join(tmpdir(), 'kyso-sock-'));
    signer = await new StubService().start(join(dir, 'signer.sock'));
    signer.handler = (req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/pdf', 'x-kyso-signature-id': 's1' })
        .end(Buffer.concat([Buffer.from('%PDF-signed:'), req.body.subarray(-64)]));
    key = (await createApiKey(fx.db.url, { name: 'dms', scopes: ['sign'] })).key;
  });
  afterAll(async () => {
    await signer?.stop();
    await fx?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function sign(base: string, body: Buffer, boundary: string) {
    return new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
      const req = httpRequest(`${base}/api/v1/signatures/pdf`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': body.length,
        },
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  it.each([true, false])(
    'forwards a signing upload to the socket and the answer back (lean path: %s)',
    async (leanUploads) => {
      const { base } = await fx.start({
        leanUploads,
        signerUrl: NOWHERE,
        sockets: { signer: join(dir, 'signer.sock') },
        bodyLimits: { signaturesPdf: 4 * 1024 * 1024, validationsPdf: 1024 * 1024 },
      });
      const boundary = `----kyso${randomBytes(6).toString('hex')}`;
      const file = randomBytes(3 * 1024 * 1024);
      const body = Buffer.concat([
        Buffer.from(
          `--${boundary}\r\ncontent-disposition: form-data; name="pin"\r\n\r\n123456\r\n` +
            `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="a.pdf"\r\n` +
            'content-type: application/pdf\r\n\r\n',
        ),
        file,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const seen = signer.requests.length;
      const answer = await sign(base, body, boundary);
      expect(answer.status).toBe(200);
      expect(answer.body.equals(Buffer.concat([Buffer.from('%PDF-signed:'), body.subarray(-64)]))).toBe(true);
      const forwarded = signer.requests.slice(seen);
      expect(forwarded).toHaveLength(1);
      expect(forwarded[0].url).toBe('/signatures/pdf');
      expect(forwarded[0].body.equals(body)).toBe(true);
      expect(forwarded[0].headers.host).toBe('127.0.0.1:4');
      expect(decodeCaller(forwarded[0].headers['x-kyso-caller'] as string)).toMatchObject({ kind: 'system' });
    },
  );

  it('asks the socket whether the signer is ready, and reports it down when nothing listens there', async () => {
    const up = await fx.start({ signerUrl: NOWHERE, sockets: { signer: join(dir, 'signer.sock') } });
    const ready = await fetch(`${up.base}/health/ready`);
    expect(ready.status).toBe(200);
    const down = await fx.start({ signerUrl: NOWHERE, sockets: { signer: join(dir, 'nobody.sock') } });
    const notReady = await fetch(`${down.base}/health/ready`);
    expect(notReady.status).toBe(503);
    // Without the socket the same URL is tried over TCP, where nothing listens either.
    const tcp = await fx.start({ signerUrl: NOWHERE });
    expect((await fetch(`${tcp.base}/health/ready`)).status).toBe(503);
  });
});
