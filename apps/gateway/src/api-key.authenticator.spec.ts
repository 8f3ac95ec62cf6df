import { decodeCaller, encodeCaller, FixedClock } from '@kyso/common';
import { ApiKeyAuthenticator, VERIFIED_KEY_TTL_MS } from './api-key.authenticator';
import { generateApiKey } from './api-keys';
import { ApiKeyRecord, ApiKeyStore } from './api-keys.repository';
import { Authenticator } from './identity/authenticator';
import type { Sessions } from './identity/sessions';

/** An in-memory store: the port's second implementation, for the rules alone. */
class MemoryStore extends ApiKeyStore {
  rows: ApiKeyRecord[] = [];
  touched: string[] = [];
  lookups = 0;
  async findByPrefix(prefix: string) {
    this.lookups++;
    const row = this.rows.find((r) => r.prefix === prefix);
    return row && { ...row };
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

  describe('remembering verified keys', () => {
    const moving = () => {
      const store = new MemoryStore();
      const { key, row } = keyRow();
      store.rows.push(row);
      const clock = { now: () => at };
      let at = NOW;
      const auth = new ApiKeyAuthenticator(store, clock);
      return { store, key, row, auth, later: (ms: number) => (at = new Date(NOW.getTime() + ms)) };
    };

    it('asks the store once per key within the bound, and again after it', async () => {
      const { store, key, auth, later } = moving();
      await auth.authenticate(`Bearer ${key}`);
      later(VERIFIED_KEY_TTL_MS - 1);
      expect((await auth.authenticate(`Bearer ${key}`)).ok).toBe(true);
      expect(store.lookups).toBe(1);
      later(VERIFIED_KEY_TTL_MS);
      await auth.authenticate(`Bearer ${key}`);
      expect(store.lookups).toBe(2);
    });

    it('asks the store once for a burst of requests with the same key', async () => {
      const { store, key, auth } = moving();
      const all = await Promise.all([1, 2, 3, 4].map(() => auth.authenticate(`Bearer ${key}`)));
      expect(all.every((r) => r.ok)).toBe(true);
      expect(store.lookups).toBe(1);
    });

    it('sees a revocation made elsewhere within the bound', async () => {
      const { store, key, row, auth, later } = moving();
      await auth.authenticate(`Bearer ${key}`);
      row.revokedAt = NOW;
      later(VERIFIED_KEY_TTL_MS);
      expect(await auth.authenticate(`Bearer ${key}`)).toEqual({ ok: false, reason: 'REVOKED' });
      expect(store.lookups).toBe(2);
    });

    it('applies a revocation through this process at once (forget)', async () => {
      const { key, row, auth } = moving();
      await auth.authenticate(`Bearer ${key}`);
      row.revokedAt = NOW;
      auth.forget(row.id);
      expect(await auth.authenticate(`Bearer ${key}`)).toEqual({ ok: false, reason: 'REVOKED' });
    });

    it('checks expiry on every request, even from memory', async () => {
      const { store, key, row, auth, later } = moving();
      row.expiresAt = new Date(NOW.getTime() + 1000);
      await auth.authenticate(`Bearer ${key}`);
      later(1000);
      expect(await auth.authenticate(`Bearer ${key}`)).toEqual({ ok: false, reason: 'EXPIRED' });
      expect(store.lookups).toBe(1);
    });

    it('forwards one frozen caller, encoded once, while the row is remembered; the new row after forget or expiry', async () => {
      const { key, row, auth, later } = moving();
      const gateway = new Authenticator(auth, {} as Sessions);
      const callerNow = async () => {
        const r = await gateway.authenticate(`Bearer ${key}`);
        if (!r.ok) throw new Error(r.detail);
        return r.caller;
      };
      const first = await callerNow();
      expect(Object.isFrozen(first) && Object.isFrozen(first.scopes)).toBe(true);
      expect(await callerNow()).toBe(first);
      expect(encodeCaller(first)).toBe(encodeCaller(await callerNow()));
      row.name = 'dms 2';
      row.scopes = ['sign', 'validate'];
      auth.forget(row.id);
      const renamed = await callerNow();
      expect(renamed).not.toBe(first);
      expect(decodeCaller(encodeCaller(renamed))).toMatchObject({ name: 'dms 2', scopes: ['sign', 'validate'] });
      row.organizationIds = ['org-1'];
      later(VERIFIED_KEY_TTL_MS);
      expect(decodeCaller(encodeCaller(await callerNow()))).toMatchObject({ organizationIds: ['org-1'] });
    });

    it('never remembers a key whose hash did not match', async () => {
      const { store, key, auth } = moving();
      const wrong = `${key.slice(0, -1)}${key.endsWith('0') ? '1' : '0'}`;
      expect(await auth.authenticate(`Bearer ${wrong}`)).toEqual({ ok: false, reason: 'UNKNOWN' });
      expect(await auth.authenticate(`Bearer ${wrong}`)).toEqual({ ok: false, reason: 'UNKNOWN' });
      expect(store.lookups).toBe(2);
    });
  });
});
