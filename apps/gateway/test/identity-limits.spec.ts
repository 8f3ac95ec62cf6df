import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { decodeCaller } from '@kyso/common';
import { asBuffer } from '../../../test/support/http';
import { createApiKey } from '../src/api-keys';
import { gatewayFixture } from './support';

const ORG = '0a000000-0000-4000-8000-00000000000a';

describe('gateway identities and limits', () => {
  let fx: Awaited<ReturnType<typeof gatewayFixture>>;
  let app: NestExpressApplication;
  let base: string;
  let admin: Awaited<ReturnType<typeof fx.operator>>;
  const asAdmin = () => ({ authorization: `Bearer ${admin.accessToken}` });
  const audited = (action: string) =>
    fx.registry.requests.filter((r) => r.url === '/audit/events' && JSON.parse(r.body.toString()).action === action);
  const eventually = async (check: () => boolean) => {
    for (let i = 0; i < 50 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
    return check();
  };

  beforeAll(async () => {
    fx = await gatewayFixture('kyso_gw_ident');
    fx.registry.handler = (_req, res) => res.writeHead(201, { 'content-type': 'application/json' }).end('{"ok":true}');
    ({ app, base } = await fx.start({
      auth: { maxFailedLogins: 3, loginDelayBaseSec: 60, accessTokenTtlSec: 60 },
      // The test client is "behind" a proxy on loopback, so X-Forwarded-For names its address.
      trustedProxies: ['127.0.0.0/8', '::1'],
      limits: { loginPerMinute: 1000 },
    }));
    admin = await fx.operator(app, 'root', [{ role: 'admin', organizationId: null }]);
  });
  afterAll(() => fx?.close());

  describe('operators', () => {
    it('signs in with a password and calls the API with the access token', async () => {
      await fx.operator(app, 'lan.clerk', [{ role: 'clerk', organizationId: ORG }], null, 'a long enough password');
      const login = await request(base)
        .post('/api/v1/auth/login')
        .send({ username: 'Lan.Clerk', password: 'a long enough password' });
      expect(login.status).toBe(200);
      expect(login.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 60 });
      const [header] = login.body.accessToken.split('.');
      expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toMatchObject({
        alg: 'ES256',
        typ: 'JWT',
        kid: expect.any(String),
      });
      const me = await request(base).get('/api/v1/auth/me').set('authorization', `Bearer ${login.body.accessToken}`);
      expect(me.body).toMatchObject({
        kind: 'operator',
        name: 'lan.clerk',
        roles: [{ role: 'clerk', organizationId: ORG }],
      });
      expect(await eventually(() => audited('auth.login').length > 0)).toBe(true);
    });

    it('refuses a tampered token', async () => {
      const [h, p, s] = admin.accessToken.split('.');
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
      const forged = [
        h,
        Buffer.from(JSON.stringify({ ...claims, sub: '00000000-0000-4000-8000-000000000000' })).toString('base64url'),
        s,
      ].join('.');
      const res = await request(base).get('/api/v1/auth/me').set('authorization', `Bearer ${forged}`);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toContain('invalid_token');
    });

    it('slows down wrong passwords per username and address, alike for unknown names; an admin clears the delay', async () => {
      const op = await fx.operator(
        app,
        'minh',
        [{ role: 'it-officer', organizationId: ORG }],
        null,
        'the right password!',
      );
      const login = (username: string, password: string, from: string) =>
        request(base).post('/api/v1/auth/login').set('x-forwarded-for', from).send({ username, password });
      for (const name of ['Minh', 'no.such.user'])
        for (let i = 0; i < 3; i++)
          expect((await login(name, 'wrong password..', '203.0.113.7')).body.code).toBe('INVALID_CREDENTIALS');
      const known = await login('minh', 'wrong password..', '203.0.113.7');
      const unknown = await login('no.such.user', 'wrong password..', '203.0.113.7');
      for (const r of [known, unknown]) {
        expect(r.status).toBe(429);
        expect(r.headers['content-type']).toContain('application/problem+json');
        expect(r.body.code).toBe('LOGIN_THROTTLED');
        // The first delay (60 s), less the time the test took since.
        expect(Number(r.headers['retry-after'])).toBeGreaterThan(30);
        expect(Number(r.headers['retry-after'])).toBeLessThanOrEqual(60);
      }
      expect(Object.keys(known.body).sort()).toEqual(Object.keys(unknown.body).sort());
      // The right password waits too from that address...
      expect((await login('minh', 'the right password!', '203.0.113.7')).status).toBe(429);
      // ...but the owner elsewhere is not locked out by someone who knows their username.
      expect((await login('minh', 'the right password!', '198.51.100.20')).status).toBe(200);
      // Only an admin clears the delay, and it is audited.
      const path = `/api/v1/operators/${op.id}/unlock`;
      const asOwner = { authorization: `Bearer ${op.accessToken}` };
      expect((await request(base).post(path).set(asOwner)).body.code).toBe('ROLE_NOT_ALLOWED');
      const unlocked = await request(base).post(path).set(asAdmin());
      expect(unlocked.status).toBe(200);
      expect(unlocked.body).toMatchObject({ id: op.id, username: 'minh' });
      expect((await login('minh', 'the right password!', '203.0.113.7')).status).toBe(200);
      expect(await eventually(() => audited('operator.unlocked').length === 1)).toBe(true);
      // What was typed as a username is not kept in the audit log.
      expect(await eventually(() => audited('auth.login_failed').length >= 8)).toBe(true);
      for (const r of audited('auth.login_failed')) {
        const text = r.body.toString();
        expect(text).not.toContain('no.such.user');
        expect(text).not.toContain('wrong password');
        expect(text).not.toMatch(/"Minh"/);
      }
    });

    it('answers an unknown user like a wrong password', async () => {
      const res = await request(base)
        .post('/api/v1/auth/login')
        .send({ username: 'nobody', password: 'whatever it is' });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('INVALID_CREDENTIALS');
      expect((await request(base).post('/api/v1/auth/login').send({ username: 'x' })).body.code).toBe('MISSING_FIELD');
    });

    it('rotates refresh tokens and revokes the family when a spent one comes back', async () => {
      const op = await fx.operator(app, 'hoa', [{ role: 'agency-head', organizationId: ORG }]);
      const first = await request(base).post('/api/v1/auth/refresh').send({ refreshToken: op.refreshToken });
      expect(first.status).toBe(200);
      expect(first.body.refreshToken).not.toBe(op.refreshToken);
      const reuse = await request(base).post('/api/v1/auth/refresh').send({ refreshToken: op.refreshToken });
      expect(reuse.status).toBe(401);
      expect(reuse.body.code).toBe('REFRESH_TOKEN_REUSED');
      const second = await request(base).post('/api/v1/auth/refresh').send({ refreshToken: first.body.refreshToken });
      expect(second.status).toBe(401); // the whole family is gone
    });

    it('signs out: the access token stops working at once and the refresh token is revoked', async () => {
      const op = await fx.operator(app, 'tuan', [{ role: 'clerk', organizationId: ORG }]);
      const auth = { authorization: `Bearer ${op.accessToken}` };
      expect((await request(base).get('/api/v1/auth/me').set(auth)).status).toBe(200);
      expect(
        (await request(base).post('/api/v1/auth/logout').set(auth).send({ refreshToken: op.refreshToken })).status,
      ).toBe(204);
      const after = await request(base).get('/api/v1/auth/me').set(auth);
      expect(after.status).toBe(401);
      expect(after.body.detail).toMatch(/revoked/);
      expect((await request(base).post('/api/v1/auth/refresh').send({ refreshToken: op.refreshToken })).status).toBe(
        401,
      );
    });

    it('lets an admin create operators and grant roles, with clear errors', async () => {
      const created = await request(base)
        .post('/api/v1/operators')
        .set(asAdmin())
        .send({
          username: 'mai',
          password: 'long enough password',
          roles: [{ role: 'it-officer', organizationId: ORG }],
        });
      expect(created.status).toBe(201);
      expect(created.body).not.toHaveProperty('passwordHash');
      const granted = await request(base)
        .post(`/api/v1/operators/${created.body.id}/roles`)
        .set(asAdmin())
        .send({ role: 'agency-head', organizationId: ORG });
      expect(granted.body.roles).toHaveLength(2);
      const bad = await request(base)
        .post(`/api/v1/operators/${created.body.id}/roles`)
        .set(asAdmin())
        .send({ role: 'admin', organizationId: ORG });
      expect(bad.body.code).toBe('INVALID_ROLE');
      expect(
        (
          await request(base)
            .post('/api/v1/operators')
            .set(asAdmin())
            .send({ username: 'mai', password: 'long enough password' })
        ).body.code,
      ).toBe('USERNAME_TAKEN');
      expect(
        (await request(base).post('/api/v1/operators').set(asAdmin()).send({ username: 'short', password: 'short' }))
          .body.code,
      ).toBe('WEAK_PASSWORD');
      expect(
        (
          await request(base)
            .post('/api/v1/operators')
            .set(asAdmin())
            .send({
              username: 'official1',
              password: 'long enough password',
              roles: [{ role: 'official', organizationId: ORG }],
            })
        ).body.code,
      ).toBe('OFFICIAL_REQUIRED');
    });
  });

  describe('API keys', () => {
    it('creates a key shown once, lists without it, rotates with overlap and revokes', async () => {
      const created = await request(base)
        .post('/api/v1/api-keys')
        .set(asAdmin())
        .send({ name: 'QLVB', scopes: ['validate', 'registry:read'], organizationIds: [ORG] });
      expect(created.status).toBe(201);
      expect(created.body.key).toMatch(/^kyso_/);
      const listed = await request(base).get('/api/v1/api-keys').set(asAdmin());
      expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
      expect(listed.body.find((k: { id: string }) => k.id === created.body.id)).toMatchObject({
        status: 'active',
        scopes: ['validate', 'registry:read'],
      });

      const overlapUntil = new Date(Date.now() + 1500).toISOString();
      const rotated = await request(base)
        .post(`/api/v1/api-keys/${created.body.id}/rotate`)
        .set(asAdmin())
        .send({ overlapUntil });
      expect(rotated.status).toBe(201);
      const useKey = (k: string) => request(base).get('/api/v1/auth/me').set('authorization', `Bearer ${k}`);
      const probe = (k: string) => request(base).get('/api/v1/trust-anchors').set('authorization', `Bearer ${k}`);
      expect((await probe(created.body.key)).status).toBe(201); // stub registry answers 201: the old key still works
      expect((await probe(rotated.body.key)).status).toBe(201);
      expect((await useKey(rotated.body.key)).status).toBe(403); // auth/me is for operators
      await new Promise((r) => setTimeout(r, 1600));
      expect((await probe(created.body.key)).status).toBe(401);
      expect(
        (await request(base).post(`/api/v1/api-keys/${created.body.id}/rotate`).set(asAdmin()).send({})).body.code,
      ).toBe('API_KEY_NOT_ACTIVE');

      const revoked = await request(base).post(`/api/v1/api-keys/${rotated.body.id}/revoke`).set(asAdmin());
      expect(revoked.body.status).toBe('revoked');
      expect((await probe(rotated.body.key)).status).toBe(401);
      expect(
        await eventually(() =>
          ['api_key.created', 'api_key.rotated', 'api_key.revoked'].every((a) => audited(a).length > 0),
        ),
      ).toBe(true);
      const event = audited('api_key.created')[0];
      expect(decodeCaller(String(event.headers['x-kyso-caller']))).toMatchObject({ kind: 'operator', name: 'root' });
    });

    it('refuses unknown scopes with a stable code', async () => {
      const res = await request(base)
        .post('/api/v1/api-keys')
        .set(asAdmin())
        .send({ name: 'x', scopes: ['sign', 'root'] });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('INVALID_SCOPE');
    });
  });

  describe('limits', () => {
    it('counts a key across two gateway instances sharing Redis, then answers 429 with Retry-After', async () => {
      const limited = { limits: { systemPerMinute: 5 } };
      const one = await fx.start(limited);
      const two = await fx.start(limited);
      const key = (await createApiKey(fx.db.url, { name: 'busy', scopes: ['validate'] })).key;
      fx.verifier.handler = (_req, res) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"pending"}');
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const res = await request(i % 2 ? two.base : one.base)
          .get('/api/v1/validations/0b0f5d0e-3c4b-4a53-9a0e-1d2f3a4b5c6d')
          .set('authorization', `Bearer ${key}`);
        statuses.push(res.status);
        if (res.status === 429) {
          expect(res.body.code).toBe('RATE_LIMITED');
          expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
        }
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    });

    it('replays a signing response for the same Idempotency-Key and body, refuses another body, and 409s a concurrent duplicate', async () => {
      const key = (await createApiKey(fx.db.url, { name: 'signer-sys', scopes: ['sign'] })).key;
      let calls = 0;
      fx.signer.handler = (_req, res) => {
        calls++;
        setTimeout(
          () =>
            res
              .writeHead(200, { 'content-type': 'application/pdf', 'x-kyso-signature-id': `sig-${calls}` })
              .end(Buffer.from(`%PDF-1.7 signed ${calls}`)),
          150,
        );
      };
      const sign = (body: string, idem: string) =>
        asBuffer(
          request(base)
            .post('/api/v1/signatures/pdf')
            .set('authorization', `Bearer ${key}`)
            .set('idempotency-key', idem)
            .attach('file', Buffer.from(body), 'a.pdf')
            .field('certificateId', 'c'),
        );
      const [first, concurrent] = await Promise.all([
        sign('%PDF-1.7 one', 'k-1'),
        new Promise((r) => setTimeout(r, 50)).then(() => sign('%PDF-1.7 one', 'k-1')),
      ]);
      expect(first.status).toBe(200);
      expect(concurrent.status).toBe(409);
      expect(JSON.parse(concurrent.body.toString()).code).toBe('IDEMPOTENCY_IN_PROGRESS');
      await new Promise((r) => setTimeout(r, 50));
      // The boundary of a new multipart body differs: replay the exact bytes instead.
      const raw = await request(base)
        .post('/api/v1/signatures/pdf')
        .set('authorization', `Bearer ${key}`)
        .set('idempotency-key', 'k-raw')
        .set('content-type', 'application/pdf')
        .send(Buffer.from('%PDF-1.7 raw'));
      const replay = await request(base)
        .post('/api/v1/signatures/pdf')
        .set('authorization', `Bearer ${key}`)
        .set('idempotency-key', 'k-raw')
        .set('content-type', 'application/pdf')
        .send(Buffer.from('%PDF-1.7 raw'));
      expect(replay.status).toBe(raw.status);
      expect(replay.headers['x-kyso-signature-id']).toBe(raw.headers['x-kyso-signature-id']);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(Buffer.compare(replay.body, raw.body)).toBe(0);
      const callsBefore = calls;
      const other = await request(base)
        .post('/api/v1/signatures/pdf')
        .set('authorization', `Bearer ${key}`)
        .set('idempotency-key', 'k-raw')
        .set('content-type', 'application/pdf')
        .send(Buffer.from('%PDF-1.7 another'));
      expect(other.status).toBe(422);
      expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(calls).toBe(callsBefore);
    });

    it('replays a multipart retry made by another encoder (new boundary, field order) and refuses another file', async () => {
      const key = (await createApiKey(fx.db.url, { name: 'retrying-sys', scopes: ['sign'] })).key;
      let calls = 0;
      fx.signer.handler = (_req, res) => {
        calls++;
        res
          .writeHead(200, { 'content-type': 'application/pdf', 'x-kyso-signature-id': `sig-m${calls}` })
          .end(Buffer.from(`%PDF-1.7 signed ${calls}`));
      };
      const pdf = Buffer.from('%PDF-1.7 the same document');
      const first = await asBuffer(
        request(base)
          .post('/api/v1/signatures/pdf')
          .set('authorization', `Bearer ${key}`)
          .set('idempotency-key', 'k-multi')
          .field('certificateId', 'c')
          .attach('file', pdf, 'a.pdf'),
      );
      expect(first.status).toBe(200);
      // undici's FormData: its own boundary, the file first, another file name and type.
      const again = (file: Buffer) => {
        const form = new FormData();
        form.append('file', new Blob([file]), 'retry.pdf');
        form.append('certificateId', 'c');
        return fetch(`${base}/api/v1/signatures/pdf`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'idempotency-key': 'k-multi' },
          body: form,
        });
      };
      const replay = await again(pdf);
      expect(replay.status).toBe(200);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.headers.get('x-kyso-signature-id')).toBe(first.headers['x-kyso-signature-id']);
      expect(Buffer.compare(Buffer.from(await replay.arrayBuffer()), first.body)).toBe(0);
      const other = await again(Buffer.from('%PDF-1.7 another document'));
      expect(other.status).toBe(422);
      expect(((await other.json()) as { code: string }).code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(calls).toBe(1);
    });

    it('refuses a changed JSON body under the same Idempotency-Key, and replays the same value with keys reordered', async () => {
      const send = (body: object) =>
        request(base).post('/api/v1/api-keys').set(asAdmin()).set('idempotency-key', 'create-json').send(body);
      const a = await send({ name: 'idem-json', scopes: ['validate'] });
      expect(a.status).toBe(201);
      const reordered = await send({ scopes: ['validate'], name: 'idem-json' });
      expect(reordered.headers['idempotent-replayed']).toBe('true');
      expect(reordered.body.id).toBe(a.body.id);
      const changed = await send({ name: 'idem-json', scopes: ['sign'] });
      expect(changed.status).toBe(422);
      expect(changed.headers['content-type']).toContain('application/problem+json');
      expect(changed.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      const keys = (await request(base).get('/api/v1/api-keys').set(asAdmin())).body as { name: string }[];
      expect(keys.filter((k) => k.name === 'idem-json')).toHaveLength(1);
    });

    it('replays a JSON creation (an API key) rather than creating a second one', async () => {
      const body = { name: 'idem', scopes: ['validate'] };
      const a = await request(base)
        .post('/api/v1/api-keys')
        .set(asAdmin())
        .set('idempotency-key', 'create-1')
        .send(body);
      const b = await request(base)
        .post('/api/v1/api-keys')
        .set(asAdmin())
        .set('idempotency-key', 'create-1')
        .send(body);
      expect(b.status).toBe(201);
      expect(b.body.id).toBe(a.body.id);
      expect(
        (await request(base).get('/api/v1/api-keys').set(asAdmin())).body.filter(
          (k: { name: string }) => k.name === 'idem',
        ),
      ).toHaveLength(1);
    });

    it('answers 504 problem+json when a service is too slow', async () => {
      const slow = await fx.start({ upstreamTimeoutMs: 300 });
      const key = (await createApiKey(fx.db.url, { name: 'slow', scopes: ['validate'] })).key;
      fx.verifier.handler = (_req, res) => setTimeout(() => res.writeHead(200).end('{}'), 1000);
      const res = await request(slow.base)
        .get('/api/v1/validations/0b0f5d0e-3c4b-4a53-9a0e-1d2f3a4b5c6d')
        .set('authorization', `Bearer ${key}`);
      expect(res.status).toBe(504);
      expect(res.body.code).toBe('UPSTREAM_TIMEOUT');
      const overall = await fx.start({ limits: { requestTimeoutMs: 300 } });
      const res2 = await request(overall.base)
        .get('/api/v1/validations/0b0f5d0e-3c4b-4a53-9a0e-1d2f3a4b5c6d')
        .set('authorization', `Bearer ${key}`);
      expect(res2.status).toBe(504);
      expect(res2.body.code).toBe('REQUEST_TIMEOUT');
    });
  });

  describe('plumbing', () => {
    it('marks every API answer no-store (tokens, keys, records, refusals), the static docs aside', async () => {
      await fx.operator(app, 'cache.check', [{ role: 'clerk', organizationId: ORG }], null, 'a long enough password');
      const login = await request(base)
        .post('/api/v1/auth/login')
        .send({ username: 'cache.check', password: 'a long enough password' });
      const refresh = await request(base).post('/api/v1/auth/refresh').send({ refreshToken: login.body.refreshToken });
      const key = await request(base)
        .post('/api/v1/api-keys')
        .set(asAdmin())
        .send({ name: 'cache', scopes: ['sign'] });
      // A proxied registry record (the stub answers whatever was asked).
      const official = await request(base).get(`/api/v1/officials/${ORG}`).set(asAdmin());
      const refused = await request(base).get('/api/v1/auth/me');
      expect([login.status, refresh.status, key.status, official.status, refused.status]).toEqual([
        200, 200, 201, 201, 401,
      ]);
      for (const r of [login, refresh, key, official, refused]) expect(r.headers['cache-control']).toBe('no-store');
      const docs = await request(base).get('/docs/');
      expect(docs.headers['cache-control'] ?? '').not.toContain('no-store');
    });

    it('sets security headers, keeps CORS closed by default, and opens it only to configured origins', async () => {
      const res = await request(base).get('/health').set('origin', 'https://evil.example');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.headers).toMatchObject({
        'x-frame-options': 'DENY',
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      });
      expect(res.headers['strict-transport-security']).toMatch(/max-age/);
      const docs = await request(base).get('/docs/');
      expect(docs.headers['content-security-policy']).toContain("script-src 'self'");
      const open = await fx.start({ corsOrigins: ['https://portal.example'] });
      const pre = await request(open.base)
        .options('/api/v1/validations/pdf')
        .set('origin', 'https://portal.example')
        .set('access-control-request-method', 'POST');
      expect(pre.headers['access-control-allow-origin']).toBe('https://portal.example');
      const other = await request(open.base)
        .options('/api/v1/validations/pdf')
        .set('origin', 'https://evil.example')
        .set('access-control-request-method', 'POST');
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('serves /metrics per route template to loopback by default, and only with the token when one is set', async () => {
      const res = await request(base).get('/metrics');
      expect(res.status).toBe(200);
      expect(res.text).toMatch(/http_requests_total\{[^}]*route="\/api\/v1\/api-keys\/:id\/rotate"/);
      // A reverse proxy on this host connects from loopback for every client: forwarded is never local.
      for (const [h, v] of [
        ['x-forwarded-for', '203.0.113.9'],
        ['forwarded', 'for=203.0.113.9'],
        ['x-real-ip', '203.0.113.9'],
      ]) {
        const proxied = await request(base).get('/metrics').set(h, v);
        expect(proxied.status).toBe(403);
        expect(proxied.body.code).toBe('METRICS_LOOPBACK_ONLY');
      }
      const guarded = await fx.start({ metricsToken: 'metrics-token-0123456789' });
      expect((await request(guarded.base).get('/metrics')).status).toBe(401);
      expect(
        (await request(guarded.base).get('/metrics').set('authorization', 'Bearer metrics-token-0123456789')).status,
      ).toBe(200);
    });
  });
});
