import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { startStack, Stack } from '../support/stack';

/**
 * One PIN for many documents (issue 12.4) through the whole system: gateway, signer, registry and
 * the SoftHSM2 token; for an API key and for an operator whose logout ends the session.
 */
describe('signing sessions through the gateway', () => {
  let stack: Stack;
  const letter = readFileSync('docs/samples/cong-van.pdf');

  beforeAll(async () => {
    stack = await startStack({ operators: true });
  });
  afterAll(() => stack?.close());

  const gw = () => request(stack.gatewayUrl);
  const binh = () => stack.demo.officials.find((o) => o.name === 'Trần Thị Bình')!;
  const director = () => stack.demo.officials[0];

  function sign(auth: string, who: { certificateId: string; id: string }, credential: Record<string, string>) {
    let r = gw()
      .post('/api/v1/signatures/pdf')
      .set('Authorization', `Bearer ${auth}`)
      .attach('file', letter, { filename: 'doc.pdf', contentType: 'application/pdf' })
      .field('certificateId', who.certificateId)
      .field('actingOfficialId', who.id);
    for (const [k, v] of Object.entries(credential)) r = r.field(k, v);
    return r;
  }

  it('opens a session with the PIN, then signs with the token until its count is spent', async () => {
    const o = director();
    const first = await sign(stack.apiKey, o, { pin: o.pin, session: '3' });
    expect(first.status).toBe(200);
    const token = first.headers['kyso-signing-session'];
    expect(token).toMatch(/^kss_/);
    expect(first.headers['kyso-signing-session-remaining']).toBe('3');
    expect(first.headers['cache-control']).toBe('no-store');
    for (const left of ['2', '1', '0']) {
      const res = await sign(stack.apiKey, o, { signingSession: token });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/application\/pdf/);
      expect(res.headers['kyso-signing-session']).toBeUndefined();
      expect(res.headers['kyso-signing-session-remaining']).toBe(left);
    }
    const spent = await sign(stack.apiKey, o, { signingSession: token });
    expect(spent.status).toBe(403);
    expect(spent.body).toMatchObject({ code: 'SIGNING_NOT_ALLOWED', reason: 'SIGNING_SESSION_INVALID' });
    expect(spent.body.messageVi).toContain('Phiên ký số');
  });

  it('refuses PIN and token together, and a session without the PIN', async () => {
    const o = director();
    expect((await sign(stack.apiKey, o, { pin: o.pin, signingSession: 'kss_x' })).body.code).toBe('CONFLICTING_FIELDS');
    expect((await sign(stack.apiKey, o, { session: '2' })).body.code).toBe('MISSING_FIELD');
  });

  it("ends an operator's session with their logout", async () => {
    const op = stack.operators.find((x) => x.username === 'binh.tt')!;
    const login = async () =>
      (await gw().post('/api/v1/auth/login').send({ username: op.username, password: op.password })).body
        .accessToken as string;
    const access = await login();
    const opened = await sign(access, binh(), { pin: binh().pin, session: '10' });
    expect(opened.status).toBe(200);
    const token = opened.headers['kyso-signing-session'];
    expect((await sign(access, binh(), { signingSession: token })).status).toBe(200);
    // The same token from another system is refused.
    expect((await sign(stack.apiKey, binh(), { signingSession: token })).body.reason).toBe('SIGNING_SESSION_INVALID');
    expect((await gw().post('/api/v1/auth/logout').set('Authorization', `Bearer ${access}`).send({})).status).toBe(204);
    expect((await sign(access, binh(), { signingSession: token })).status).toBe(401);
    const again = await sign(await login(), binh(), { signingSession: token });
    expect(again.status).toBe(403);
    expect(again.body.reason).toBe('SIGNING_SESSION_INVALID');
  });

  it('records every signature and refusal in the hash-chained audit and lists them by role (GET /signatures)', async () => {
    const login = async (username: string) => {
      const op = stack.operators.find((x) => x.username === username)!;
      return (await gw().post('/api/v1/auth/login').send({ username, password: op.password })).body
        .accessToken as string;
    };
    const [admin, itOfficer, official] = [await login('admin'), await login('tuan.hm'), await login('binh.tt')];
    const list = (auth: string, query = '') =>
      gw().get(`/api/v1/signatures${query}`).set('Authorization', `Bearer ${auth}`);
    // Forwarded from the signer's outbox in the background: wait for the five director attempts and binh's three.
    let all: Record<string, unknown>[] = [];
    for (let i = 0; i < 100 && all.length < 9; i++) {
      all = (await list(admin, '?limit=500')).body.items ?? [];
      if (all.length < 9) await new Promise((r) => setTimeout(r, 100));
    }
    const sha = createHash('sha256').update(letter).digest('hex');
    const directorRecords = all.filter((r) => r.actingOfficialId === director().id);
    expect(directorRecords.filter((r) => r.outcome === 'signed')).toHaveLength(4);
    expect(directorRecords.find((r) => r.outcome === 'signed')).toMatchObject({
      documentSha256: sha,
      level: 'B-B',
      certificateId: director().certificateId,
      system: { kind: 'system' },
    });
    expect(directorRecords.filter((r) => r.signingSessionId)).toHaveLength(4);
    expect(all.find((r) => r.refusalReason === 'SIGNING_SESSION_INVALID')).toBeDefined();

    const own = (await list(official)).body.items as Record<string, unknown>[];
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((r) => r.actingOfficialId === binh().id)).toBe(true);
    const org = (await list(itOfficer, `?officialId=${director().id}&outcome=signed&limit=2`)).body;
    expect(org).toMatchObject({ total: 4, limit: 2 });
    expect(org.items).toHaveLength(2);
    expect((await list(stack.apiKey)).status).toBe(403); // the demo key has no registry:read
    expect((await list(admin, '?outcome=maybe')).status).toBe(400);

    const audit = (await stack.registry.json(
      'GET',
      `/audit?action=signature.signed&entityId=${director().certificateId}`,
      (x) => x as { items: { after: Record<string, unknown> }[] },
    )) as { items: { after: Record<string, unknown> }[] };
    expect(audit.items).toHaveLength(4);
    expect(audit.items[0].after).toMatchObject({ documentSha256: sha, level: 'B-B' });
    expect(await stack.registry.json('GET', '/audit/verify', (x) => x)).toMatchObject({ ok: true });
  });
});
