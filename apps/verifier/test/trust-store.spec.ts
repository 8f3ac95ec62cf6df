import { DataSource } from 'typeorm';
import { InternalClient } from '@kyso/common';
import { createTestDatabase } from '../../../test/support/db';
import { migrateVerifier, verifierDataSource } from '../src/data-source';
import { TrustStore } from '../src/trust-store/trust-store';
import { PostgresTrustStoreRepository } from '../src/trust-store/trust-store.repository';
import { TEST_ROOT_PEM } from './fixtures';
import { anchorView, RegistryStub } from './registry-stub';

const TOKEN = 'internal-token-0123456789';

/** The verifier's stored trust anchors against real Postgres and a real HTTP registry stand-in. */
describe('TrustStore', () => {
  const registry = new RegistryStub();
  let db: { url: string; drop: () => Promise<void> };
  let ds: DataSource;
  const store = (refreshMs = 0) =>
    new TrustStore(
      new InternalClient(registry.url, TOKEN, 1_000, 'the registry'),
      new PostgresTrustStoreRepository(ds),
      { refreshMs },
    );
  const fetchesOf = (path: string) => registry.calls.filter((c) => c.url === path).length;

  beforeAll(async () => {
    db = await createTestDatabase('kyso_verifier_trust');
    await migrateVerifier(db.url);
    ds = await verifierDataSource(db.url).initialize();
    await registry.start();
  });
  afterAll(async () => {
    await registry.stop();
    await ds?.destroy();
    await db?.drop();
  });
  beforeEach(async () => {
    registry.calls.length = 0;
    registry.up = true;
    registry.answer = undefined;
    registry.anchors = [anchorView(TEST_ROOT_PEM)];
    await ds.query('TRUNCATE verifier.trust_store, verifier.trust_store_anchor');
  });

  it('asks the version with the internal credential and fetches the set only when the version moved', async () => {
    const anchors = store();
    const [first] = await Promise.all([anchors.get(), anchors.get()]);
    expect(first.map((c) => c.subject.toString())).toEqual([expect.stringContaining('Kyso Test Root')]);
    expect(registry.calls[0].headers['x-kyso-internal-token']).toBe(TOKEN);
    await anchors.get();
    expect(fetchesOf('/trust-anchors/snapshot')).toBe(1);
    expect(fetchesOf('/trust-anchors/version')).toBeGreaterThanOrEqual(2);
    registry.anchors = [];
    expect(await anchors.get()).toEqual([]); // a removal is a new version like any change
    expect(fetchesOf('/trust-anchors/snapshot')).toBe(2);
  });

  it('uses an anchor only for its purpose: a timestamping root does not anchor document signatures', async () => {
    registry.anchors = [{ ...anchorView(TEST_ROOT_PEM), purpose: 'timestamping' }];
    const anchors = store();
    expect(await anchors.get()).toEqual([]);
    expect(await anchors.get('timestamping')).toHaveLength(1);
    registry.anchors = [{ ...registry.anchors[0], purpose: 'any' }];
    const set = await anchors.anchorSet();
    expect([set.documentSigning.length, set.timestamping.length]).toEqual([1, 1]);
    expect(set.trustStore).toMatchObject({ version: registry.version });
  });

  it('serves the stored set, shared by instances, while the registry is down, and says how old it is', async () => {
    const set = await store().anchorSet();
    registry.up = false;
    // A new instance (a restart during the outage) reads what another one stored.
    const restarted = await store().anchorSet();
    expect(restarted.documentSigning.map((c) => c.sha256Hex)).toEqual(set.documentSigning.map((c) => c.sha256Hex));
    expect(restarted.trustStore).toEqual(set.trustStore);
    registry.up = true;
    const later = await store().anchorSet();
    expect(later.trustStore!.version).toBe(set.trustStore!.version);
    expect(Date.parse(later.trustStore!.fetchedAt)).toBeGreaterThanOrEqual(Date.parse(set.trustStore!.fetchedAt));
  });

  it('refreshes on its own every refresh interval', async () => {
    const anchors = store(200);
    anchors.start();
    try {
      await new Promise((r) => setTimeout(r, 100));
      expect(await anchors.get()).toHaveLength(1);
      registry.anchors = [];
      await new Promise((r) => setTimeout(r, 600));
      expect(await anchors.get()).toEqual([]);
    } finally {
      anchors.stop();
    }
  });

  it('fails with 503 TRUST_STORE_UNAVAILABLE (never an empty set) with nothing stored and the registry down', async () => {
    registry.up = false;
    await expect(store().get()).rejects.toMatchObject({
      status: 503,
      code: 'TRUST_STORE_UNAVAILABLE',
      extensions: { retryAfter: 5 },
    });
  });

  it.each([
    ['an anchor without its certificate', [{ ...anchorView(TEST_ROOT_PEM), certificatePem: undefined }]],
    ['an anchor with a malformed fingerprint', [{ ...anchorView(TEST_ROOT_PEM), sha256: 'x' }]],
    ['an anchor whose PEM is not a certificate', [{ ...anchorView(TEST_ROOT_PEM), certificatePem: 'not a PEM' }]],
  ])('refuses %s with 502 DEPENDENCY_MALFORMED_ANSWER, and keeps the stored set', async (_what, answer) => {
    registry.answer = answer;
    await expect(store().get()).rejects.toMatchObject({
      status: 502,
      code: 'DEPENDENCY_MALFORMED_ANSWER',
      detail: expect.stringMatching(/^the registry answered .+ outside its contract$/),
    });
    registry.answer = undefined;
    const good = await store().anchorSet();
    registry.answer = answer;
    const kept = await store().anchorSet();
    expect(kept.trustStore).toEqual(good.trustStore);
    expect(kept.documentSigning).toHaveLength(1);
  });
});
