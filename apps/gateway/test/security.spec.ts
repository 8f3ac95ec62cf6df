import type { NestExpressApplication } from '@nestjs/platform-express';
import { request as httpRequest } from 'node:http';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import request from 'supertest';
import { FixedClock } from '@kyso/common';
import { createApiKey } from '../src/api-keys';
import { gatewayFixture } from './support';

const ORG = '0a000000-0000-4000-8000-00000000000a';
const ID = '1a000000-0000-4000-8000-000000000001';

/** A request sent byte for byte (supertest and fetch would normalise the path first). */
function raw(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  const u = new URL(base);
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
    const req = httpRequest({
      host: u.hostname,
      port: u.port,
      method,
      path,
      headers: {
        ...headers,
        ...(body ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}),
      },
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * The gateway as the one public door: path tricks, header injection, and what leaks in errors.
 * Real Postgres and Redis; stub services record what reaches them.
 */
describe('gateway security', () => {
  let fx: Awaited<ReturnType<typeof gatewayFixture>>;
  let app: NestExpressApplication;
  let base: string;
  let admin: Awaited<ReturnType<typeof fx.operator>>;
  let readKey: string;
  const internalCalls = () =>
    fx.registry.requests.filter((r) => !r.url.startsWith('/ownership/') && !r.url.startsWith('/audit/events'));

  beforeAll(async () => {
    fx = await gatewayFixture('kyso_gw_sec');
    fx.registry.handler = (req, res) => {
      const m = /^\/ownership\/(\w+)\/([0-9a-f-]+)$/.exec(req.url);
      const body = m
        ? { kind: m[1], id: m[2], organizationId: ORG, managingOrganizationId: ORG, holderOfficialId: null }
        : { ok: true, url: req.url };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    ({ app, base } = await fx.start({
      limits: { operatorPerMinute: 10_000, systemPerMinute: 10_000, loginPerMinute: 10_000, publicPerMinute: 10_000 },
    }));
    admin = await fx.operator(app, 'root', [{ role: 'admin', organizationId: null }]);
    readKey = (await createApiKey(fx.db.url, { name: 'reader', scopes: ['registry:read'], organizationIds: [ORG] }))
      .key;
  });
  afterAll(() => fx?.close());
  beforeEach(() => (fx.registry.requests.length = 0));

  describe('hostile input', () => {
    const asAdmin = () => ({ authorization: `Bearer ${admin.accessToken}`, 'content-type': 'application/json' });
    const forwarded = () => internalCalls().filter((r) => r.url.startsWith('/officials'));

    it('refuses JSON nested too deep (400 JSON_TOO_DEEP), on public and authenticated routes', async () => {
      const deep = '['.repeat(10_000) + ']'.repeat(10_000);
      for (const path of ['/api/v1/auth/login', '/api/v1/api-keys', '/api/v1/officials']) {
        const res = await request(base).post(path).set(asAdmin()).send(deep);
        expect(res.status).toBe(400);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.body.code).toBe('JSON_TOO_DEEP');
      }
      // Brackets inside strings are text, not nesting.
      const text = await request(base)
        .post('/api/v1/officials')
        .set(asAdmin())
        .send({ organizationId: ORG, fullName: '['.repeat(100) });
      expect(text.status).toBe(200);
    });

    it('says a body is not JSON without quoting it', async () => {
      const res = await request(base)
        .post('/api/v1/auth/login')
        .set('content-type', 'application/json')
        .send('{"username": "typed-secret-value", oops');
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('INVALID_JSON');
      expect(res.text).not.toContain('typed-secret');
    });

    it('bounds paging numbers before the registry sees them', async () => {
      for (const q of [
        'offset=99999999999999999999',
        'offset=-1',
        'limit=0',
        'limit=100000',
        'limit=abc',
        'limit=1e3',
      ]) {
        const res = await request(base).get(`/api/v1/officials?${q}`).set(asAdmin());
        expect([q, res.status, res.body.code]).toEqual([q, 400, 'INVALID_PAGING']);
      }
      expect((await request(base).get('/api/v1/officials?limit=50&offset=2147483647').set(asAdmin())).status).toBe(200);
      expect(forwarded().map((r) => r.url)).toEqual(['/officials?limit=50&offset=2147483647']);
    });

    it('refuses NUL, control, zero-width and bidi-control characters in text, and stores names in NFC', async () => {
      // Escaped in the JSON (a raw control character is not JSON at all).
      for (const bad of ['Lan\\u0000', 'Lan\\u0007', 'L\u200Ban', 'Lan\u202Egnaug', '\uFEFFLan', 'Lan\u2066']) {
        const res = await request(base)
          .post('/api/v1/officials')
          .set(asAdmin())
          .send(`{"organizationId":"${ORG}","fullName":"${bad}"}`);
        expect([bad, res.status, res.body.code, res.body.field]).toEqual([bad, 400, 'INVALID_TEXT', 'fullName']);
      }
      const q = await request(base).get('/api/v1/officials?search=a%00b').set(asAdmin());
      expect(q.body.code).toBe('INVALID_TEXT');
      expect(forwarded()).toHaveLength(0);
      // Decomposed "Nguyễn" (e + circumflex + tilde) reaches the registry precomposed; tabs and newlines are fine.
      const ok = await request(base)
        .post('/api/v1/officials')
        .set(asAdmin())
        .send({ organizationId: ORG, fullName: 'Nguye\u0302\u0303n Va\u0306n\tA', note: 'line\nbreak' });
      expect(ok.status).toBe(200);
      expect(JSON.parse(forwarded()[0].body.toString())).toMatchObject({
        fullName: 'Nguy\u1EC5n V\u0103n\tA',
        note: 'line\nbreak',
      });
    });
  });

  describe('path handling', () => {
    const tricks = [
      // WHATWG URL (fetch) turns "\" into "/" and resolves dot segments: these would reach /ownership, /metrics, /openapi.json.
      `/api/v1/trust-anchors/..\\ownership\\certificate\\${ID}`,
      '/api/v1/trust-anchors/..\\metrics',
      '/api/v1/trust-anchors/..\\openapi.json',
      `/api/v1/certificates/..\\ownership\\certificate\\${ID}`,
      '/api/v1/trust-anchors/%2e%2e',
      '/api/v1/trust-anchors/.%2E',
      '/api/v1/trust-anchors/..',
      '/api/v1/trust-anchors/.',
      `/api/v1/trust-anchors/..%2Fownership%2Fcertificate%2F${ID}`,
      `/api/v1/trust-anchors/..%5Cmetrics`,
      `/api/v1/requests/${ID}/..\\..\\audit\\events`,
      '/api/v1//trust-anchors',
      `/api/v1/trust-anchors/${ID};x=1`,
      `/api/v1/trust-anchors/${ID}%3F`,
      `/api/v1/trust-anchors/${ID}%00`,
      `/api/v1/trust-anchors/${ID}.`,
      `/api/v1/trust-anchors/%EF%BC%8E%EF%BC%8E`,
    ];

    it.each(tricks)('never forwards %s anywhere but a canonical public route', async (path) => {
      for (const auth of [`Bearer ${admin.accessToken}`, `Bearer ${readKey}`]) {
        const res = await raw(base, 'GET', path, { authorization: auth });
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(internalCalls()).toEqual([]);
      }
    });

    it('refuses POSTs to internal routes dressed as public ones', async () => {
      const body = JSON.stringify({ action: 'forged', entityType: 'x', entityId: null });
      for (const path of [
        `/api/v1/trust-anchors/..\\audit\\events`,
        `/api/v1/requests/..\\signing-authorizations\\x/submit`,
        `/api/v1/trust-anchors/x\\..\\..\\audit\\events/disable`,
      ]) {
        const res = await raw(base, 'POST', path, { authorization: `Bearer ${admin.accessToken}` }, body);
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(fx.registry.requests.filter((r) => r.method === 'POST')).toEqual([]);
      }
    });

    it('forwards the canonical service path of the matched rule, with the query string', async () => {
      const res = await raw(base, 'GET', `/api/v1/trust-anchors/${ID.toUpperCase()}?x=1&y=%2F`, {
        authorization: `Bearer ${readKey}`,
      });
      expect(res.status).toBe(200);
      expect(internalCalls().map((r) => r.url)).toEqual([`/trust-anchors/${ID}?x=1&y=%2F`]);
    });

    it('answers 404 for a path id that is not a UUID, without asking any service', async () => {
      for (const path of ['/api/v1/trust-anchors/abc', '/api/v1/validations/abc', '/api/v1/requests/abc/letter']) {
        const res = await raw(base, 'GET', path, { authorization: `Bearer ${admin.accessToken}` });
        expect(res.status).toBe(404);
      }
      expect(fx.registry.requests).toEqual([]);
      expect(fx.verifier.requests).toEqual([]);
    });
  });

  describe('errors', () => {
    it('never name an internal host or port, in problems or in the public readiness answer', async () => {
      const down = await fx.start({ verifierUrl: 'http://127.0.0.1:9', signerUrl: 'http://127.0.0.1:9' });
      const key = (await createApiKey(fx.db.url, { name: 'v', scopes: ['validate'] })).key;
      const res = await request(down.base).get(`/api/v1/validations/${ID}`).set('authorization', `Bearer ${key}`);
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('DEPENDENCY_UNAVAILABLE');
      const ready = await request(down.base).get('/health/ready');
      expect(ready.status).toBe(503);
      for (const text of [res.text, ready.text]) {
        expect(text).not.toMatch(/127\.0\.0\.1|:9\b|ECONNREFUSED|localhost/);
      }
      expect(ready.body.checks.verifier).toEqual({ ok: false, detail: 'verifier is not available' });
      await down.app.close();
    });
  });

  describe('sign-in', () => {
    const login = (username: string, password: string) =>
      request(base).post('/api/v1/auth/login').send({ username, password });

    it('counts parallel guesses before checking them: a burst gets the free attempts checked, the rest throttled', async () => {
      // A gateway whose clock stands still: the fifth guess's delay (2 s, the default) cannot run out
      // while a loaded machine checks the passwords; the test moves time itself.
      const clock = new FixedClock(Date.now());
      // Its own Redis prefix: these sign-ins count against no other test's per-address minute.
      const frozen = await fx.start({
        clock,
        limits: { loginPerMinute: 10_000, publicPerMinute: 10_000 },
        redisPrefix: `kyso:test:throttle:${Date.now()}:`,
      });
      const guess = (password: string) =>
        request(frozen.base).post('/api/v1/auth/login').send({ username: 'tuan', password });
      await fx.operator(frozen.app, 'tuan', [{ role: 'clerk', organizationId: ORG }], null, 'the right password!');
      const answers = await Promise.all(Array.from({ length: 10 }, () => guess('a wrong password')));
      // Five attempts (the default) were checked; every other one was refused unchecked.
      expect(answers.filter((a) => a.body.code === 'INVALID_CREDENTIALS').length).toBe(5);
      const throttled = answers.filter((a) => a.status === 429 && a.body.code === 'LOGIN_THROTTLED');
      expect(throttled.map((a) => a.headers['retry-after'])).toEqual(Array(5).fill('2'));
      clock.advance(1_999);
      expect((await guess('the right password!')).status).toBe(429);
      // Once the delay has passed, the right password is checked again.
      clock.advance(1);
      expect((await guess('the right password!')).status).toBe(200);
      await frozen.app.close();
    });

    it('tells a disabled account apart from a wrong password only after the right password', async () => {
      const op = await fx.operator(app, 'gone', [{ role: 'clerk', organizationId: ORG }], null, 'the right password!');
      const pg = new Client({ connectionString: fx.db.url });
      await pg.connect();
      await pg.query('UPDATE gateway.operator SET disabled_at = now() WHERE id = $1', [op.id]);
      await pg.end();
      expect((await login('gone', 'a wrong password')).body.code).toBe('INVALID_CREDENTIALS');
      expect((await login('gone', 'the right password!')).body.code).toBe('ACCOUNT_DISABLED');
      // Its tokens stop working too.
      expect((await request(base).get('/api/v1/auth/me').set('authorization', `Bearer ${op.accessToken}`)).status).toBe(
        401,
      );
    });

    it('refuses absurdly long usernames and passwords like wrong ones, and keeps them out of the audit log', async () => {
      const long = 'x'.repeat(100_000);
      for (const [u, p] of [
        [long, 'whatever it is'],
        ['root', long],
      ]) {
        const res = await login(u, p);
        expect(res.body.code).toBe('INVALID_CREDENTIALS');
      }
      await new Promise((r) => setTimeout(r, 100));
      expect(fx.registry.requests.every((r) => r.body.length < 2_000)).toBe(true);
    });

    it('meters refresh and failed authentication per client address (429 with Retry-After)', async () => {
      // Its own Redis prefix: the other tests' anonymous calls this minute do not count.
      // A clock that stands still: the minute cannot end between the calls.
      const limited = await fx.start({
        limits: { publicPerMinute: 2 },
        redisPrefix: `kyso:test:anon:${Date.now()}:`,
        clock: new FixedClock(Date.now()),
      });
      const refresh = () => request(limited.base).post('/api/v1/auth/refresh').send({ refreshToken: 'kyso_rt_nope' });
      expect((await refresh()).status).toBe(401);
      expect((await refresh()).status).toBe(401);
      const third = await refresh();
      expect(third.status).toBe(429);
      expect(third.body.code).toBe('RATE_LIMITED');
      expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
      // The same address guessing tokens is metered by the same count.
      const guess = await request(limited.base).get('/api/v1/auth/me').set('authorization', 'Bearer kyso_guess');
      expect(guess.status).toBe(429);
      // A valid credential is metered per caller instead.
      expect(
        (await request(limited.base).get('/api/v1/auth/me').set('authorization', `Bearer ${admin.accessToken}`)).status,
      ).toBe(200);
      await limited.app.close();
    });

    it('keys the sign-in limit on the connection, not on X-Forwarded-For', async () => {
      const limited = await fx.start({ limits: { loginPerMinute: 2 }, clock: new FixedClock(Date.now()) });
      for (let i = 0; i < 2; i++)
        await request(limited.base)
          .post('/api/v1/auth/login')
          .set('x-forwarded-for', `10.0.0.${i}`)
          .send({ username: 'nobody', password: 'whatever it is' });
      const third = await request(limited.base)
        .post('/api/v1/auth/login')
        .set('x-forwarded-for', '10.9.9.9')
        .send({ username: 'nobody', password: 'whatever it is' });
      expect(third.status).toBe(429);
      expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
      await limited.app.close();
    });
  });

  describe('logs', () => {
    it('hold no secret of a sign-in, a refresh, a signing or a registry write, even at trace level', async () => {
      const lines: string[] = [];
      const destination = new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) });
      process.env.KYSO_LOG_LEVEL = 'trace';
      // Its own Redis prefix: the sign-ins of the tests before, this minute, leave its default limits alone.
      const logged = await fx.start({ logDestination: destination, redisPrefix: `kyso:test:logs:${Date.now()}:` });
      delete process.env.KYSO_LOG_LEVEL;
      const password = 'pw-Secret-4711-long';
      const pin = 'PIN-Secret-8123';
      const nationalId = '079912345678';
      await fx.operator(logged.app, 'lien', [{ role: 'it-officer', organizationId: ORG }], null, password);
      const sys = await createApiKey(fx.db.url, {
        name: 'dms',
        scopes: ['sign', 'registry:write'],
        organizationIds: [ORG],
      });
      fx.signer.handler = (_req, res) =>
        res.writeHead(403, { 'content-type': 'application/problem+json' }).end(
          JSON.stringify({
            type: 'x',
            title: 'Forbidden',
            status: 403,
            code: 'SIGNING_NOT_ALLOWED',
            detail: 'WRONG_PIN',
          }),
        );

      const tokens = (await request(logged.base).post('/api/v1/auth/login').send({ username: 'lien', password })).body;
      await request(logged.base)
        .post('/api/v1/auth/login')
        .send({ username: 'lien', password: `${password}-wrong` });
      const refreshed = (
        await request(logged.base).post('/api/v1/auth/refresh').send({ refreshToken: tokens.refreshToken })
      ).body;
      const signed = await request(logged.base)
        .post('/api/v1/signatures/pdf')
        .set('authorization', `Bearer ${sys.key}`)
        .set('idempotency-key', 'sign-1')
        .field('certificateId', ID)
        .field('actingOfficialId', ID)
        .field('pin', pin)
        .attach('file', Buffer.from('%PDF-1.7\n%%EOF\n'), 'a.pdf');
      expect(signed.status).toBe(403);
      await request(logged.base)
        .post('/api/v1/officials')
        .set('authorization', `Bearer ${refreshed.accessToken}`)
        .send({ organizationId: ORG, name: 'Lê Văn C', nationalId, password, pin });
      await request(logged.base)
        .get('/api/v1/auth/me')
        .set('authorization', `Bearer ${refreshed.accessToken}`)
        .set('cookie', `session=${pin}`);
      await logged.app.close();

      const text = lines.join('');
      expect(text).toContain('"requestId"');
      for (const secret of [
        password,
        pin,
        nationalId,
        sys.key,
        sys.key.slice(14),
        tokens.accessToken,
        tokens.refreshToken,
        refreshed.accessToken,
        refreshed.refreshToken,
      ]) {
        expect(text).not.toContain(secret);
      }
    });
  });

  describe('sessions', () => {
    const me = (token: string) => request(base).get('/api/v1/auth/me').set('authorization', `Bearer ${token}`);

    it('lets at most one of two parallel refreshes with the same token win, then revokes everything of that sign-in', async () => {
      const op = await fx.operator(app, 'race', [{ role: 'clerk', organizationId: ORG }]);
      const [a, b] = await Promise.all(
        [0, 1].map(() =>
          request(base)
            .post('/api/v1/auth/refresh')
            .send({ refreshToken: op.refreshToken })
            .then((r) => r),
        ),
      );
      // Which finishes first is the scheduler's choice: the reuse can revoke the sign-in before the
      // winner's new token is stored, and then both lose. Never may both win.
      const statuses = [a, b].map((r) => r.status).sort();
      expect([
        [200, 401],
        [401, 401],
      ]).toContainEqual(statuses);
      expect([a, b].filter((r) => r.status === 401).map((r) => r.body.code)).toContain('REFRESH_TOKEN_REUSED');
      const won = [a, b].find((r) => r.status === 200);
      if (won) {
        expect(
          (await request(base).post('/api/v1/auth/refresh').send({ refreshToken: won.body.refreshToken })).status,
        ).toBe(401);
        expect((await me(won.body.accessToken)).status).toBe(401);
      }
      expect((await me(op.accessToken)).status).toBe(401);
    });

    it('signing out ends every access token of the sign-in, not only the one sent', async () => {
      const op = await fx.operator(app, 'leaver', [{ role: 'clerk', organizationId: ORG }]);
      const next = (await request(base).post('/api/v1/auth/refresh').send({ refreshToken: op.refreshToken })).body;
      expect((await me(op.accessToken)).status).toBe(200);
      expect(
        (await request(base).post('/api/v1/auth/logout').set('authorization', `Bearer ${next.accessToken}`)).status,
      ).toBe(204);
      expect((await me(op.accessToken)).status).toBe(401);
      expect((await request(base).post('/api/v1/auth/refresh').send({ refreshToken: next.refreshToken })).status).toBe(
        401,
      );
    });

    it('refuses tokens minted in the future, with a foreign kid, or with another algorithm', async () => {
      const [h, p, sig] = admin.accessToken.split('.');
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
      const header = JSON.parse(Buffer.from(h, 'base64url').toString());
      const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
      for (const token of [
        [enc({ ...header, kid: "x' OR '1'='1" }), p, sig].join('.'),
        [enc({ ...header, alg: 'HS256' }), p, sig].join('.'),
        [enc({ ...header, alg: 'none' }), p, ''].join('.'),
        [h, enc({ ...claims, iat: claims.iat + 3600 }), sig].join('.'),
        `${admin.accessToken}.x`,
      ]) {
        expect((await me(token)).status).toBe(401);
      }
    });

    it('refuses the high-S twin of a valid token (s replaced by n - s, a valid ECDSA signature too)', async () => {
      const n = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551'); // order of P-256
      const [h, p, s] = admin.accessToken.split('.');
      const sig = Buffer.from(s, 'base64url');
      const twinS = n - BigInt(`0x${sig.subarray(32).toString('hex')}`);
      expect(twinS > n / 2n).toBe(true); // the gateway signs low-S only, so the twin is the high one
      const twin = Buffer.concat([sig.subarray(0, 32), Buffer.from(twinS.toString(16).padStart(64, '0'), 'hex')]);
      expect((await me(admin.accessToken)).status).toBe(200);
      expect((await me(`${h}.${p}.${twin.toString('base64url')}`)).status).toBe(401);
    });
  });

  describe('limits', () => {
    it('fails closed when Redis is down: 503 with Retry-After, nothing forwarded, no sign-in checked', async () => {
      const key = (await createApiKey(fx.db.url, { name: 'signer-sys', scopes: ['sign'], organizationIds: [ORG] })).key;
      const blind = await fx.start({ redisUrl: 'redis://127.0.0.1:1' });
      fx.signer.requests.length = 0;
      const sign = await request(blind.base)
        .post('/api/v1/signatures/pdf')
        .set('authorization', `Bearer ${key}`)
        .field('pin', '1234')
        .attach('file', Buffer.from('%PDF-1.7'), 'a.pdf');
      expect(sign.status).toBe(503);
      expect(sign.body.code).toBe('LIMITS_UNAVAILABLE');
      expect(sign.headers['retry-after']).toBe('5');
      expect(fx.signer.requests).toEqual([]);
      expect(
        (
          await request(blind.base)
            .post('/api/v1/auth/login')
            .send({ username: 'root', password: 'correct horse battery' })
        ).status,
      ).toBe(503);
      expect(
        (await request(blind.base).get('/api/v1/auth/me').set('authorization', `Bearer ${admin.accessToken}`)).status,
      ).toBe(503);
      await blind.app.close();
    });

    it('keeps Idempotency-Key replies per caller: another key cannot replay them', async () => {
      const mine = await createApiKey(fx.db.url, { name: 'a', scopes: ['registry:write'], organizationIds: [ORG] });
      const theirs = await createApiKey(fx.db.url, { name: 'b', scopes: ['registry:write'], organizationIds: [ORG] });
      const post = (k: string) =>
        request(base)
          .post('/api/v1/officials')
          .set('authorization', `Bearer ${k}`)
          .set('idempotency-key', 'shared-key')
          .send({ organizationId: ORG, name: 'X' });
      expect((await post(mine.key)).status).toBe(200);
      const other = await post(theirs.key);
      expect(other.headers['idempotent-replayed']).toBeUndefined();
      expect(fx.registry.requests.filter((r) => r.url === '/officials').length).toBe(2);
    });
  });
});
