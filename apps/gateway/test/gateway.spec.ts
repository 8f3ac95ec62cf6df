import 'reflect-metadata';
import { ClientRequest, IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createTestDatabase } from '../../../test/support/db';
import { asBuffer } from '../../../test/support/http';
import { createGatewayApp } from '../src/app';
import { decodeCaller, InternalClient } from '@kyso/common';
import { createApiKey } from '../src/api-keys';
import { UPSTREAMS, Upstreams } from '../src/upstreams';
import { migrateGateway } from '../src/data-source';
import { StubService } from './stub-service';
import { testGatewayConfig, TOKEN } from './support';
const LIMIT = 64 * 1024;

describe('gateway', () => {
  let db: { url: string; drop: () => Promise<void> };
  let app: NestExpressApplication;
  let base: string;
  const signer = new StubService();
  const verifier = new StubService();
  const registry = new StubService();
  let signKey: string;
  let validateKey: string;
  let signKeyId: string;

  beforeAll(async () => {
    db = await createTestDatabase('kyso_gw');
    await migrateGateway(db.url);
    await Promise.all([signer.start(), verifier.start(), registry.start()]);
    const config = testGatewayConfig(
      db.url,
      { signer, verifier, registry },
      { bodyLimits: { signaturesPdf: LIMIT, validationsPdf: LIMIT } },
    );
    app = await createGatewayApp(config);
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const s = await createApiKey(db.url, { name: 'dms', scopes: ['sign'] });
    signKey = s.key;
    signKeyId = s.id;
    validateKey = (await createApiKey(db.url, { name: 'portal', scopes: ['validate'] })).key;
  });

  afterAll(async () => {
    await app?.close();
    await Promise.all([signer.stop(), verifier.stop(), registry.stop()]);
    await db?.drop();
  });

  beforeEach(() => {
    signer.requests.length = 0;
    verifier.requests.length = 0;
  });

  /** A request by hand, for what supertest cannot do (headers only, chunked bodies). */
  const rawPost = (path: string, headers: Record<string, string>, send: (req: ClientRequest) => void) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
      const req = httpRequest(`${base}${path}`, { method: 'POST', headers });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      });
      req.on('error', reject);
      send(req);
    });

  const expectProblem = (res: request.Response, status: number, code: string) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(res.text)).toMatchObject({ status, code });
  };

  describe('authentication', () => {
    it('refuses a call without a key with 401 and a WWW-Authenticate challenge', async () => {
      const res = await request(base).post('/api/v1/signatures/pdf').attach('file', Buffer.from('%PDF-1.7'), 'a.pdf');
      expectProblem(res, 401, 'UNAUTHENTICATED');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(signer.requests).toHaveLength(0);
    });

    it('refuses an unknown key with 401', async () => {
      const unknown = `kyso_${'ab'.repeat(4)}_${'cd'.repeat(28)}`;
      const res = await request(base)
        .get('/api/v1/validations/0b0f5d0e-3c4b-4a53-9a0e-1d2f3a4b5c6d')
        .set('authorization', `Bearer ${unknown}`);
      expectProblem(res, 401, 'UNAUTHENTICATED');
    });

    it('refuses a malformed Authorization header with 401', async () => {
      const res = await request(base).post('/api/v1/signatures/pdf').set('authorization', 'Basic dXNlcjpwYXNz');
      expectProblem(res, 401, 'UNAUTHENTICATED');
    });

    it('refuses a known prefix with the wrong secret', async () => {
      const forged = signKey.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
      const res = await request(base).post('/api/v1/signatures/pdf').set('authorization', `Bearer ${forged}`);
      expectProblem(res, 401, 'UNAUTHENTICATED');
    });

    it('refuses an expired key with 401', async () => {
      const expired = await createApiKey(db.url, {
        name: 'old',
        scopes: ['validate'],
        expiresAt: new Date(Date.now() - 1000),
      });
      const res = await request(base)
        .get('/api/v1/validations/0b0f5d0e-3c4b-4a53-9a0e-1d2f3a4b5c6d')
        .set('authorization', `Bearer ${expired.key}`);
      expectProblem(res, 401, 'UNAUTHENTICATED');
      expect(JSON.parse(res.text).detail).toMatch(/expired/);
    });

    it('refuses a key without the route scope with 403', async () => {
      const res = await request(base)
        .post('/api/v1/signatures/pdf')
        .set('authorization', `Bearer ${validateKey}`)
        .attach('file', Buffer.from('%PDF-1.7'), 'a.pdf');
      expectProblem(res, 403, 'INSUFFICIENT_SCOPE');
      const res2 = await request(base)
        .post('/api/v1/validations/pdf')
        .set('authorization', `Bearer ${signKey}`)
        .attach('file', Buffer.from('%PDF-1.7'), 'a.pdf');
      expectProblem(res2, 403, 'INSUFFICIENT_SCOPE');
      expect(signer.requests).toHaveLength(0);
      expect(verifier.requests).toHaveLength(0);
    });
  });

  describe('proxying', () => {
    it('streams a signing request to the signer with the internal token and caller, and streams the PDF back', async () => {
      signer.handler = (req, res) => {
        res.writeHead(200, {
          'content-type': 'application/pdf',
          'x-kyso-signature-id': 'sig-1',
          'content-disposition': 'attachment; filename="signed.pdf"',
          'x-internal-secret': 'no',
        });
        res.write('%PDF-1.7\n');
        setTimeout(() => res.end(`signed ${req.body.length} bytes\n%%EOF`), 20);
      };
      const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(10_000, 1)]);
      const res = await asBuffer(
        request(base)
          .post('/api/v1/signatures/pdf')
          .set('authorization', `Bearer ${signKey}`)
          .set('x-request-id', 'req-123')
          .field('certificateId', 'c1')
          .field('pin', '1234')
          .attach('file', pdf, 'doc.pdf'),
      );
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['x-kyso-signature-id']).toBe('sig-1');
      expect(res.headers['content-disposition']).toContain('signed.pdf');
      expect(res.headers['x-internal-secret']).toBeUndefined();
      expect(res.headers['x-request-id']).toBe('req-123');
      const text = (res.body as Buffer).toString('latin1');
      expect(text.startsWith('%PDF-1.7\nsigned ')).toBe(true);

      expect(signer.requests).toHaveLength(1);
      const got = signer.requests[0];
      expect(got.method).toBe('POST');
      expect(got.url).toBe('/signatures/pdf');
      expect(got.headers['x-kyso-internal-token']).toBe(TOKEN);
      expect(decodeCaller(got.headers['x-kyso-caller'] as string)).toMatchObject({
        kind: 'system',
        id: signKeyId,
        name: 'dms',
        scopes: ['sign'],
      });
      expect(got.headers['x-request-id']).toBe('req-123');
      expect(got.headers['authorization']).toBeUndefined();
      expect(got.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
      // The multipart body arrives untouched, file bytes included.
      expect(got.body.includes(pdf)).toBe(true);
      expect(got.body.toString('latin1')).toContain('name="pin"');
      expect(text).toContain(`signed ${got.body.length} bytes`);
    });

    it('forwards CAdES signing (multipart) and sign-hash (JSON) to the signer and streams the CMS back', async () => {
      signer.handler = (_req, res) =>
        res
          .writeHead(200, { 'content-type': 'application/pkcs7-signature', 'x-kyso-signature-id': 'sig-cms' })
          .end('0\x82');
      const cms = await asBuffer(
        request(base)
          .post('/api/v1/signatures/cms')
          .set('authorization', `Bearer ${signKey}`)
          .field('level', 'B-T')
          .attach('file', Buffer.from('any file at all'), 'minutes.txt'),
      );
      expect(cms.status).toBe(200);
      expect(cms.headers['content-type']).toBe('application/pkcs7-signature');
      expect(cms.headers['x-kyso-signature-id']).toBe('sig-cms');
      const hash = await request(base)
        .post('/api/v1/signatures/hash')
        .set('authorization', `Bearer ${signKey}`)
        .send({ hash: 'ab'.repeat(32), hashAlgorithm: 'SHA-256', certificateId: 'c1', pin: '1234' });
      expect(hash.status).toBe(200);
      signer.handler = (_req, res) =>
        res
          .writeHead(200, {
            'content-type': 'application/octet-stream',
            'x-kyso-signature-id': 'sig-raw',
            'x-kyso-signature-algorithm': 'ecdsa-with-SHA384',
          })
          .end('0D');
      const raw = await asBuffer(
        request(base)
          .post('/api/v1/signatures/hash')
          .set('authorization', `Bearer ${signKey}`)
          .send({ hash: 'ab'.repeat(48), hashAlgorithm: 'SHA-384', output: 'raw', certificateId: 'c1', pin: '1234' }),
      );
      expect(raw.status).toBe(200);
      expect(raw.headers['x-kyso-signature-algorithm']).toBe('ecdsa-with-SHA384');
      expect(raw.body.toString()).toBe('0D');
      expect(signer.requests.map((r) => r.url)).toEqual(['/signatures/cms', '/signatures/hash', '/signatures/hash']);
      expect(signer.requests[0].body.toString('latin1')).toContain('any file at all');
      expect(JSON.parse(signer.requests[1].body.toString())).toMatchObject({ hashAlgorithm: 'SHA-256', pin: '1234' });
      expect(decodeCaller(signer.requests[1].headers['x-kyso-caller'] as string)).toMatchObject({ id: signKeyId });
    });

    it('forwards a CMS validation (signature and file) to the verifier', async () => {
      verifier.handler = (_req, res) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'v1', status: 'done' }));
      const res = await request(base)
        .post('/api/v1/validations/cms')
        .set('authorization', `Bearer ${validateKey}`)
        .attach('signature', Buffer.from('0\x80 a cms'), 'sig.p7s')
        .attach('file', Buffer.from('the signed file'), 'doc.txt');
      expect(res.status).toBe(200);
      expect(verifier.requests.map((r) => r.url)).toEqual(['/validations/cms']);
      expect(verifier.requests[0].body.toString('latin1')).toContain('the signed file');
    });

    it('generates a request id when the client sends none', async () => {
      signer.handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF');
      const res = await request(base)
        .post('/api/v1/signatures/pdf')
        .set('authorization', `Bearer ${signKey}`)
        .attach('file', Buffer.from('%PDF-1.7'), 'a.pdf');
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(signer.requests[0].headers['x-request-id']).toBe(res.headers['x-request-id']);
    });

    it('passes a service problem+json through with its status', async () => {
      signer.handler = (_req, res) =>
        res.writeHead(403, { 'content-type': 'application/problem+json' }).end(
          JSON.stringify({
            type: 'x',
            title: 'Forbidden',
            status: 403,
            code: 'SIGNING_NOT_ALLOWED',
            reason: 'WRONG_PIN',
          }),
        );
      const res = await request(base)
        .post('/api/v1/signatures/pdf')
        .set('authorization', `Bearer ${signKey}`)
        .attach('file', Buffer.from('%PDF-1.7'), 'a.pdf');
      expectProblem(res, 403, 'SIGNING_NOT_ALLOWED');
      expect(JSON.parse(res.text).reason).toBe('WRONG_PIN');
    });

    it('forwards wait to the verifier and rewrites its Location to the public path', async () => {
      verifier.handler = (req, res) => {
        const id = '0b0f5d0e-3c4b-4a53-9a0e-1d2f3a4b5c6d';
        if (req.method === 'POST')
          res
            .writeHead(202, { 'content-type': 'application/json', location: `http://127.0.0.1:3002/validations/${id}` })
            .end(JSON.stringify({ id, status: 'pending' }));
        else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id, status: 'pending' }));
      };
      const res = await request(base)
        .post('/api/v1/validations/pdf?wait=0')
        .set('authorization', `Bearer ${validateKey}`)
        .attach('file', Buffer.from('%PDF-1.7'), 'a.pdf');
      expect(res.status).toBe(202);
      expect(res.headers.location).toBe('/api/v1/validations/0b0f5d0e-3c4b-4a53-9a0e-1d2f3a4b5c6d');
      expect(res.body).toEqual({ id: '0b0f5d0e-3c4b-4a53-9a0e-1d2f3a4b5c6d', status: 'pending' });
      expect(verifier.requests[0].url).toBe('/validations/pdf?wait=0');

      const get = await request(base).get(res.headers.location).set('authorization', `Bearer ${validateKey}`);
      expect(get.status).toBe(200);
      expect(verifier.requests[1]).toMatchObject({
        method: 'GET',
        url: '/validations/0b0f5d0e-3c4b-4a53-9a0e-1d2f3a4b5c6d',
      });
    });

    it('answers 503 problem+json when the service is unreachable', async () => {
      const down = new StubService();
      await down.start();
      const url = down.url;
      await down.stop();
      const stub = app.get<Upstreams>(UPSTREAMS);
      const original = stub.verifier;
      stub.verifier = new InternalClient(url, TOKEN);
      try {
        const res = await request(base)
          .get('/api/v1/validations/0b0f5d0e-3c4b-4a53-9a0e-1d2f3a4b5c6d')
          .set('authorization', `Bearer ${validateKey}`);
        expectProblem(res, 503, 'DEPENDENCY_UNAVAILABLE');
      } finally {
        stub.verifier = original;
      }
    });
  });

  describe('body limits', () => {
    it('refuses a body whose Content-Length is over the limit before reading it or calling the service', async () => {
      // Only the headers are sent: the answer must come without the body.
      const { status, body } = await rawPost(
        '/api/v1/signatures/pdf',
        {
          authorization: `Bearer ${signKey}`,
          'content-type': 'multipart/form-data; boundary=x',
          'content-length': String(LIMIT + 1),
        },
        (req) => req.flushHeaders(),
      );
      expect(status).toBe(413);
      expect(JSON.parse(body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', limit: LIMIT });
      expect(signer.requests).toHaveLength(0);
    });

    it('refuses a chunked upload once the streamed bytes pass the limit', async () => {
      signer.handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF');
      const chunk = Buffer.alloc(8 * 1024, 0x41);
      let sent = 0;
      const { status, headers, body } = await rawPost(
        '/api/v1/validations/pdf',
        {
          authorization: `Bearer ${validateKey}`,
          'content-type': 'multipart/form-data; boundary=x',
          'transfer-encoding': 'chunked',
        },
        (req) =>
          new Readable({
            read() {
              if (sent > LIMIT * 4) return this.push(null);
              sent += chunk.length;
              this.push(chunk);
            },
          }).pipe(req),
      );
      expect(headers['content-length']).toBeDefined();
      expect(status).toBe(413);
      expect(headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(body).code).toBe('PAYLOAD_TOO_LARGE');
      expect(verifier.requests).toHaveLength(0); // the service saw a cut-off upload, never a complete one
    });
  });

  describe('operations', () => {
    it('serves an OpenAPI 3 document listing the public routes, bearer auth and problem schema', async () => {
      const res = await request(base).get('/docs-json');
      expect(res.status).toBe(200);
      const doc = res.body;
      expect(doc.openapi).toMatch(/^3\./);
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining(['/api/v1/signatures/pdf', '/api/v1/validations/pdf', '/api/v1/validations/{id}']),
      );
      const sign = doc.paths['/api/v1/signatures/pdf'].post;
      expect(sign.requestBody.content['multipart/form-data'].schema.properties).toHaveProperty('file');
      expect(sign.requestBody.content['multipart/form-data'].schema.properties).toHaveProperty('certificateId');
      for (const s of ['400', '401', '403', '413', '422'])
        expect(sign.responses[s].content).toHaveProperty('application/problem+json');
      expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(doc.components.schemas.ProblemDto.properties).toHaveProperty('code');
      const validate = doc.paths['/api/v1/validations/pdf'].post;
      expect(
        validate.responses['200'].content['application/json'].examples.signed.value.report.signatures[0].indication,
      ).toBe('TOTAL-PASSED');
      const ui = await request(base).get('/docs/');
      expect(ui.status).toBe(200);
      expect(ui.text).toContain('swagger');
    });

    it('is live, and ready only while every dependency is', async () => {
      expect((await request(base).get('/health')).body).toEqual({ status: 'ok' });
      const ready = await request(base).get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.status).toBe('ready');
      expect(Object.keys(ready.body.checks).sort()).toEqual(['postgres', 'redis', 'registry', 'signer', 'verifier']);
      signer.ready = false;
      try {
        const notReady = await request(base).get('/health/ready');
        expect(notReady.status).toBe(503);
        expect(notReady.body.status).toBe('not-ready');
        expect(notReady.body.checks.signer.ok).toBe(false);
        expect(notReady.body.checks.verifier.ok).toBe(true);
      } finally {
        signer.ready = true;
      }
    });
  });
});
