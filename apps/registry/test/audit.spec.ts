import type { Caller } from '@kyso/common';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { RunningRegistry, startRegistry } from './support';

const OPERATOR: Caller = {
  kind: 'operator',
  id: 'op-42',
  name: 'it.officer@hanam.gov.vn',
  scopes: [],
  organizationIds: [],
  roles: [{ role: 'it-officer', organizationId: null }],
  officialId: null,
};

describe('audit log (real Postgres, in-process app)', () => {
  let reg: RunningRegistry;

  const append = async (body: Record<string, unknown>, caller?: Caller) => {
    const res = await reg.call('post', '/audit/events', caller).set('x-request-id', 'req-1').send(body);
    expect(res.status).toBe(201);
    return res.body;
  };

  beforeAll(async () => {
    reg = await startRegistry();
  });

  afterAll(async () => {
    await reg?.stop();
  });

  it('appends an event for another service, with the forwarded caller as actor', async () => {
    const e = await append(
      { action: 'api_key.created', entityType: 'api_key', entityId: 'k1', after: { name: 'DMS', scopes: ['sign'] } },
      OPERATOR,
    );
    expect(e).toMatchObject({
      action: 'api_key.created',
      entityType: 'api_key',
      entityId: 'k1',
      actor: { kind: 'operator', id: 'op-42', name: 'it.officer@hanam.gov.vn' },
      requestId: 'req-1',
      after: { name: 'DMS', scopes: ['sign'] },
      before: null,
    });
    expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(e.actor).not.toHaveProperty('roles');
  });

  it('records a service actor when no caller is forwarded', async () => {
    const e = await append({ action: 'auth.login_failed', entityType: 'operator', entityId: 'alice' });
    expect(e.actor).toEqual({ kind: 'service', id: 'internal', name: 'internal' });
  });

  it('refuses a malformed event with 400 problem+json', async () => {
    const res = await reg.post('/audit/events', { action: 'Created!', entityType: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_FIELD');
    const missing = await reg.post('/audit/events', { entityType: 'x' });
    expect(missing.body.code).toBe('MISSING_FIELD');
  });

  it('chains concurrent appends one after the other, and the chain verifies', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        append({ action: 'test.appended', entityType: 'test', entityId: String(i), after: { i } }),
      ),
    );
    const rows = await reg.sql<{ seq: string; prev_hash: string; hash: string }>(
      'SELECT seq::text, prev_hash, hash FROM registry.audit_event ORDER BY audit_event.seq',
    );
    for (let i = 1; i < rows.length; i++) expect(rows[i].prev_hash).toBe(rows[i - 1].hash);
    const v = await reg.get('/audit/verify');
    expect(v.body).toMatchObject({ ok: true, checked: rows.length, lastSeq: rows[rows.length - 1].seq });
  });

  it('queries by entity, actor, action and time range, paginated', async () => {
    const byEntity = await reg.get('/audit?entityType=test&entityId=7');
    expect(byEntity.body.total).toBe(1);
    expect(byEntity.body.items[0].after).toEqual({ i: 7 });
    const byActor = await reg.get('/audit?actorId=op-42');
    expect(byActor.body.items.map((e: { action: string }) => e.action)).toEqual(['api_key.created']);
    const page = await reg.get('/audit?action=test.appended&limit=5&offset=5');
    expect(page.body).toMatchObject({ total: 20, limit: 5, offset: 5 });
    expect(page.body.items).toHaveLength(5);
    const future = await reg.get(`/audit?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
    expect(future.body.total).toBe(0);
    const past = await reg.get(`/audit?to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}&limit=1`);
    expect(past.body.total).toBe(22);
    expect((await reg.get('/audit?from=yesterday')).status).toBe(400);
  });

  it('stores before and after as sent (any JSON), and hashes them so the chain verifies', async () => {
    const after = {
      records: [
        { z: 'x', a: [] },
        { evidenceId: 'e1', recordSha256: 'ab', n: [1.5, 1e21, -1, null, true] },
      ],
      10: 'ten',
      2: 'two',
      é: '\u2028 "q" \\ ồ',
    };
    const e = await append({ action: 'test.opaque', entityType: 'test', before: [1, { b: 1, a: 2 }], after, extra: 1 });
    expect(e).toMatchObject({ before: [1, { a: 2, b: 1 }], after });
    expect(e).not.toHaveProperty('extra');
    const [row] = await reg.sql<{ before: unknown; after: unknown }>(
      'SELECT before, after FROM registry.audit_event WHERE seq = $1',
      [e.seq],
    );
    expect(row).toEqual({ before: [1, { a: 2, b: 1 }], after });
    expect((await reg.get('/audit/verify')).body).toMatchObject({ ok: true, lastSeq: e.seq, lastHash: e.hash });
  });

  it('answers only the place in the chain to Prefer: return=minimal, and stores the same event', async () => {
    const res = await reg
      .call('post', '/audit/events')
      .set('prefer', 'respond-async, return=minimal')
      .send({ action: 'test.sealed', entityType: 'test', after: { records: [{ id: 1 }] } });
    expect(res.status).toBe(201);
    expect(res.headers['preference-applied']).toBe('return=minimal');
    expect(Object.keys(res.body).sort()).toEqual(['hash', 'seq']);
    const listed = (await reg.get('/audit?entityType=test&action=test.sealed')).body.items;
    expect(listed).toEqual([expect.objectContaining({ ...res.body, after: { records: [{ id: 1 }] } })]);
    const full = await append({ action: 'test.sealed', entityType: 'test' });
    expect(full.prevHash).toBe(res.body.hash);
  });

  it('refuses a body that is not an object as a missing action', async () => {
    const res = await reg.post('/audit/events', [{ action: 'test.listed', entityType: 'test' }]);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'MISSING_FIELD', field: 'action' });
  });

  it("chains a signer's batch of signature records as one audit entry each, in order, and the chain verifies", async () => {
    const ids = Array.from({ length: 5 }, () => randomUUID());
    const record = (id: string, i: number) => ({
      id,
      at: new Date(Date.UTC(2026, 11, 2, 0, 0, i)).toISOString(),
      outcome: i === 4 ? 'refused' : 'signed',
      ...(i === 4 && { refusalCode: 'SIGNING_NOT_ALLOWED', refusalReason: 'WRONG_PIN' }),
      caller: { kind: 'system', id: 'dms-1', name: 'DMS' },
      actingOfficialId: 'official-1',
      certificateId: 'cert-batch',
      documentSha256: 'a'.repeat(64),
    });
    const res = await reg.call('post', '/signature-records').send({ records: ids.map(record) });
    expect(res.status).toBe(200);
    // Sent again (at-least-once delivery): nothing is appended twice.
    expect((await reg.call('post', '/signature-records').send({ records: ids.map(record) })).status).toBe(200);
    const rows = await reg.sql<{ action: string; after: { signatureId: string } }>(
      "SELECT action, after FROM registry.audit_event WHERE entity_id = 'cert-batch' ORDER BY seq",
    );
    expect(rows.map((r) => r.after.signatureId)).toEqual(ids);
    expect(rows.map((r) => r.action)).toEqual([...Array(4).fill('signature.signed'), 'signature.refused']);
    expect((await reg.get('/audit/verify')).body).toMatchObject({ ok: true });
  });

  it('refuses a malformed batch of signature records whole, as 400 naming the field', async () => {
    const id = randomUUID();
    const good = {
      id,
      at: '2026-12-02T00:00:00.000Z',
      outcome: 'signed',
      caller: { kind: 'system', id: 'dms-1', name: 'DMS' },
      actingOfficialId: 'official-1',
      certificateId: 'cert-malformed',
      documentSha256: 'b'.repeat(64),
    };
    for (const [records, code, field] of [
      [
        [good, { ...good, id: randomUUID(), documentSha256: 'not-a-digest' }],
        'INVALID_FIELD',
        'records.1.documentSha256',
      ],
      [
        [good, { ...good, id: randomUUID(), caller: { kind: 'system', id: 'dms-1' } }],
        'MISSING_FIELD',
        'records.1.caller.name',
      ],
      [[{ ...good, outcome: undefined }], 'MISSING_FIELD', 'records.0.outcome'],
      [Array.from({ length: 501 }, () => ({ ...good, id: randomUUID() })), 'INVALID_FIELD', 'records'],
    ] as const) {
      const res = await reg.call('post', '/signature-records').send({ records });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code, field });
    }
    expect((await reg.call('post', '/signature-records').send({ records: 'none' })).status).toBe(400);
    expect(await reg.sql('SELECT id FROM registry.signature_record WHERE id = $1', [id])).toHaveLength(0);
    // A property the contract does not name is dropped; the same id twice in a batch is recorded once.
    const res = await reg.call('post', '/signature-records').send({ records: [{ ...good, extra: 1 }, good] });
    expect(res.body).toEqual({ recorded: [id] });
  });

  it('refuses UPDATE, DELETE and TRUNCATE even to the table owner (trigger)', async () => {
    await expect(reg.sql(`UPDATE registry.audit_event SET action = 'x.y' WHERE seq = 1`)).rejects.toThrow(
      /append-only/,
    );
    await expect(reg.sql('DELETE FROM registry.audit_event WHERE seq = 1')).rejects.toThrow(/append-only/);
    await expect(reg.sql('TRUNCATE registry.audit_event')).rejects.toThrow(/append-only/);
  });

  it('gives the service role SELECT and INSERT on the log but no UPDATE or DELETE', async () => {
    const c = new Client({ connectionString: reg.databaseUrl });
    await c.connect();
    try {
      await c.query('SET ROLE kyso_registry_app');
      await c.query('SELECT count(*) FROM registry.audit_event');
      await expect(c.query(`UPDATE registry.audit_event SET action = 'x.y' WHERE seq = 1`)).rejects.toThrow(
        /permission denied/,
      );
      await expect(c.query('DELETE FROM registry.audit_event WHERE seq = 1')).rejects.toThrow(/permission denied/);
      await c.query('SELECT 1 FROM registry.organization LIMIT 1');
      const grants = await c.query(
        `SELECT has_table_privilege('kyso_registry_app', 'registry.audit_event', 'INSERT') AS ins`,
      );
      expect(grants.rows[0].ins).toBe(true);
    } finally {
      await c.end();
    }
  });

  it('detects a row edited behind the trigger, and a row deleted', async () => {
    await reg.sql('ALTER TABLE registry.audit_event DISABLE TRIGGER audit_event_no_update_delete');
    try {
      const [{ seq }] = await reg.sql<{ seq: string }>(
        `SELECT seq::text FROM registry.audit_event WHERE entity_id = '5'`,
      );
      await reg.sql(`UPDATE registry.audit_event SET after = '{"i": 500}' WHERE seq = $1`, [seq]);
      expect((await reg.get('/audit/verify')).body).toMatchObject({
        ok: false,
        firstBrokenSeq: seq,
        reason: 'HASH_MISMATCH',
      });
      await reg.sql(`UPDATE registry.audit_event SET after = '{"i": 5}' WHERE seq = $1`, [seq]);
      expect((await reg.get('/audit/verify')).body.ok).toBe(true);

      const [{ seq: first }] = await reg.sql<{ seq: string }>('SELECT min(seq)::text AS seq FROM registry.audit_event');
      await reg.sql('DELETE FROM registry.audit_event WHERE seq = $1', [first]);
      const v = (await reg.get('/audit/verify')).body;
      expect(v).toMatchObject({ ok: false, reason: 'PREVIOUS_HASH_MISMATCH', checked: 0 });
      expect(BigInt(v.firstBrokenSeq)).toBeGreaterThan(BigInt(first));
    } finally {
      await reg.sql('ALTER TABLE registry.audit_event ENABLE TRIGGER audit_event_no_update_delete');
    }
  });
});
