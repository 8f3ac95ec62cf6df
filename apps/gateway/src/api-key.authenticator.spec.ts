import { FixedClock } from '@kyso/common';
import { ApiKeyAuthenticator } from './api-key.authenticator';
import { generateApiKey } from './api-keys';
import { ApiKeyRecord, ApiKeyStore } from './api-keys.repository';

/** An in-memory store: the port's second implementation, for the rules alone. */
class MemoryStore extends ApiKeyStore {
  rows: ApiKeyRecord[] = [];
  touched: string[] = [];
  async findByPrefix(prefix: string) {
    return this.rows.find((r) => r.prefix === prefix);
  }
  async touch(id: string) {
    this.touched.push(id);
  }
}

const NOW = new Date('2026-11-25T10:00:00Z');

function keyRow(over: Partial<ApiKeyRecord> = {}) {
  const { key, prefix, hash } = generateApiKey();
  const row: ApiKeyRecord = {
    id: 'k1',
    name: 'dms',
    prefix,
    hash,
    scopes: ['sign'],
    organizationIds: [],
    createdAt: NOW,
    expiresAt: null,
    revokedAt: null,
    lastUsedAt: null,
    replacedBy: null,
    createdBy: null,
    webhookSecret: null,
    ...over,
  };
  return { key, row };
}

describe('ApiKeyAuthenticator', () => {
  const setup = (over?: Partial<ApiKeyRecord>) => {
    const store = new MemoryStore();
    const { key, row } = keyRow(over);
    store.rows.push(row);
    return { store, key, auth: new ApiKeyAuthenticator(store, new FixedClock(NOW)) };
  };

  it('accepts a valid bearer key and records its use', async () => {
    const { store, key, auth } = setup();
    const r = await auth.authenticate(`Bearer ${key}`);
    expect(r).toEqual({
      ok: true,
      caller: { keyId: 'k1', name: 'dms', scopes: ['sign'], organizationIds: [], webhooks: false },
    });
    expect(store.touched).toEqual(['k1']);
  });

  it('records the use of a key at most once a minute from one process', async () => {
    const store = new MemoryStore();
    const { key, row } = keyRow();
    store.rows.push(row);
    const clock = { now: () => at };
    let at = NOW;
    const auth = new ApiKeyAuthenticator(store, clock);
    await auth.authenticate(`Bearer ${key}`);
    at = new Date(NOW.getTime() + 59_999);
    await auth.authenticate(`Bearer ${key}`);
    expect(store.touched).toEqual(['k1']);
    at = new Date(NOW.getTime() + 60_000);
    await auth.authenticate(`Bearer ${key}`);
    expect(store.touched).toEqual(['k1', 'k1']);
  });

  it.each([
    [undefined, 'MISSING'],
    ['Bearer', 'MALFORMED'],
    ['Basic abc', 'MALFORMED'],
    [`Bearer kyso_00000000_${'0'.repeat(56)}`, 'UNKNOWN'],
  ])('refuses %s as %s', async (header, reason) => {
    const { auth } = setup();
    expect(await auth.authenticate(header)).toEqual({ ok: false, reason });
  });

  it('refuses an expired key and a revoked key', async () => {
    const expired = setup({ expiresAt: new Date(NOW.getTime() - 1) });
    expect(await expired.auth.authenticate(`Bearer ${expired.key}`)).toEqual({ ok: false, reason: 'EXPIRED' });
    const revoked = setup({ revokedAt: new Date(NOW.getTime() - 1) });
    expect(await revoked.auth.authenticate(`Bearer ${revoked.key}`)).toEqual({ ok: false, reason: 'REVOKED' });
    expect(revoked.store.touched).toEqual([]);
  });

  it('accepts a key that expires later', async () => {
    const later = setup({ expiresAt: new Date(NOW.getTime() + 1000) });
    expect((await later.auth.authenticate(`Bearer ${later.key}`)).ok).toBe(true);
  });
});
