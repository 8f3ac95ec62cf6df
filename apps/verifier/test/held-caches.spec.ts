import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { SystemClock } from '@kyso/common';
import { createTestDatabase } from '../../../test/support/db';
import { migrateVerifier, verifierDataSource } from '../src/data-source';
import { TableChanges } from '../src/table-changes';
import type { CachedCrl } from '../src/revocation/crl-cache';
import { CrlCacheEntity } from '../src/revocation/crl-cache.entity';
import { TypeOrmCrlCache } from '../src/revocation/crl-cache.repository';
import { HeldCache } from '../src/revocation/held-caches';
import type { ExternalProofOfExistence } from '@kyso/pki';
import type { EvidenceRecord } from '../src/evidence/evidence-record';
import { HeldProofs } from '../src/evidence/held-proofs';

const URL = 'http://ca.test/held.crl';
const APP = 'kyso-test-held-listen';

/** Polls `check` until it holds (a notification travels asynchronously), 5 s at most. */
async function eventually(check: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 100 && !(await check()); i++) await new Promise((r) => setTimeout(r, 50));
  expect(await check()).toBe(true);
}

/**
 * The fast path's CRL rows held in memory, against real PostgreSQL: a row written by another
 * connection (a worker's download, an operator's UPDATE) is heard through the migration's trigger
 * and served instead of the held one; a lost listener reads through until it listens again.
 */
describe('revocation cache rows held in memory', () => {
  let db: { url: string; drop: () => Promise<void> };
  let ds: DataSource;
  let other: Client;
  let changes: TableChanges;
  let held: HeldCache<CachedCrl>;
  const put = (n: number) =>
    other.query(
      `INSERT INTO verifier.crl_cache (url, der, fetched_at, this_update, next_update) VALUES ($1, $2, now(), now(), NULL)
       ON CONFLICT (url) DO UPDATE SET der = EXCLUDED.der`,
      [URL, Buffer.from([n])],
    );
  const heldDer = async () => (await held.get(URL))?.der[0];

  beforeAll(async () => {
    db = await createTestDatabase('kyso_verifier_held');
    await migrateVerifier(db.url);
    ds = await verifierDataSource(db.url).initialize();
    other = new Client({ connectionString: db.url });
    await other.connect();
    changes = new TableChanges(() => new Client({ connectionString: db.url, application_name: APP }));
    await changes.start();
    held = new HeldCache(
      'crl_cache',
      new TypeOrmCrlCache(ds.getRepository(CrlCacheEntity)),
      changes,
      new SystemClock(),
    );
  });
  afterAll(async () => {
    await changes?.close();
    await other?.end();
    await ds?.destroy();
    await db?.drop();
  });

  it('serves the held row until another connection writes the table, then the new row', async () => {
    const before = changes.generation('crl_cache');
    expect(before).toBeDefined();
    await put(1);
    // The write's own notification comes asynchronously: once heard, nothing else changes the row.
    await eventually(() => changes.generation('crl_cache') !== before);
    const first = await held.get(URL);
    expect(first?.der[0]).toBe(1);
    expect(await held.get(URL)).toBe(first); // held: the same object, no query
    await put(2);
    await eventually(async () => (await heldDer()) === 2);
    await other.query(`UPDATE verifier.crl_cache SET der = '\\x03' WHERE url = $1`, [URL]);
    await eventually(async () => (await heldDer()) === 3);
  });

  it('reads through while its listener is lost, and holds again once it listens again', async () => {
    const before = changes.generation('crl_cache');
    await other.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [APP]);
    await eventually(() => changes.generation('crl_cache') === undefined);
    await put(4);
    expect(await heldDer()).toBe(4); // read through: nothing held is served
    await eventually(() => changes.generation('crl_cache') !== undefined);
    expect(changes.generation('crl_cache')).not.toBe(before);
    await put(5);
    await eventually(async () => (await heldDer()) === 5);
  });

  describe('a document’s proofs (HeldProofs)', () => {
    const DOC = 'AB'.repeat(32);
    const OTHER = 'CD'.repeat(32);
    /** The source's reads, by digest: what HeldProofs did not serve from memory. */
    const reads: string[] = [];
    let proofs: HeldProofs;
    /** What the source answers. */
    let answer: ExternalProofOfExistence[] = [];
    const readsOf = (digest: string) => reads.filter((d) => d === digest).length;
    /** A record of a document as another process stores it, unsealed or sealed. */
    const store = (digest: string, sealed: boolean) =>
      other.query(
        `INSERT INTO verifier.validation_evidence
           (id, validation_id, document_sha256, validated_at, signatures, material, report, record_sha256, audit_hash)
         VALUES (gen_random_uuid(), gen_random_uuid(), $1, now(), '[]', '{}', '{}', 'x', $2)`,
        [digest, sealed ? 'sealed' : null],
      );

    beforeAll(() => {
      proofs = new HeldProofs({ proofsFor: async (d) => (reads.push(d), answer) }, changes, new SystemClock());
    });

    it('serves a document’s proofs from memory until a change of its evidence is heard; an unsealed record is none', async () => {
      await eventually(() => changes.epoch() !== undefined);
      const [first] = await Promise.all([proofs.proofsFor(DOC), proofs.proofsFor(DOC.toLowerCase())]);
      expect(readsOf(DOC)).toBe(1); // concurrent callers share the read
      expect(await proofs.proofsFor(DOC)).toBe(first);
      await proofs.proofsFor(OTHER);
      // Notifications come in commit order: once OTHER's sealed record is heard, DOC's unsealed one
      // (committed before it) would have been too.
      await store(DOC, false);
      await store(OTHER, true);
      await eventually(async () => (await proofs.proofsFor(OTHER), readsOf(OTHER) === 2));
      expect(await proofs.proofsFor(DOC)).toBe(first);
      expect(readsOf(DOC)).toBe(1);
      await store(DOC, true);
      await eventually(async () => (await proofs.proofsFor(DOC), readsOf(DOC) === 2));
      await proofs.proofsFor(OTHER);
      expect(readsOf(OTHER)).toBe(2);
      const before = readsOf(DOC);
      await other.query(`UPDATE verifier.validation_evidence SET audit_hash = 'resealed' WHERE document_sha256 = $1`, [
        DOC,
      ]);
      await eventually(async () => (await proofs.proofsFor(DOC), readsOf(DOC) > before));
      await other.query('TRUNCATE verifier.validation_evidence CASCADE');
      await eventually(async () => (await proofs.proofsFor(OTHER), readsOf(OTHER) === 3));
    });

    it('reads through while its listener is lost, and holds again once it listens again', async () => {
      await proofs.proofsFor(DOC);
      const held = readsOf(DOC);
      await other.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [APP]);
      await eventually(() => changes.epoch() === undefined);
      await proofs.proofsFor(DOC);
      await proofs.proofsFor(DOC);
      expect(readsOf(DOC)).toBe(held + 2);
      await eventually(() => changes.epoch() !== undefined);
      await proofs.proofsFor(DOC); // nothing held before the gap is served: read, then held
      await proofs.proofsFor(DOC);
      expect(readsOf(DOC)).toBe(held + 3);
    });

    it('keeps them through the seal of a record it built that cannot change them, and only then', async () => {
      const DOC3 = 'EF'.repeat(32);
      const T = new Date('2026-01-01T00:00:00.000Z');
      const E0 = randomUUID();
      answer = [{ signatureSha256: 'S1', time: T, source: 'kyso-evidence', evidenceId: E0 }];
      await eventually(() => changes.epoch() !== undefined);
      const seen: string[] = [];
      changes.onEvidence((payload) => seen.push(payload)); // heard here after HeldProofs heard it
      /** A record of DOC3 stored unsealed, built here (or not), then sealed; resolves once its seal is heard. */
      const sealRecord = async (
        signature: { indication: string; judgedAt: Date; evidenceId: string | null },
        builtHere = true,
        afterKept?: (record: EvidenceRecord) => void,
      ) => {
        const id = randomUUID();
        await other.query(
          `INSERT INTO verifier.validation_evidence
             (id, validation_id, document_sha256, validated_at, signatures, material, report, record_sha256)
           VALUES ($1, gen_random_uuid(), $2, now(), '[]', '{}', '{}', 'x')`,
          [id, DOC3],
        );
        const { indication, judgedAt, evidenceId } = signature;
        if (builtHere) {
          const record = {
            id,
            documentSha256: DOC3,
            report: {
              signatures: [
                { indication, signatureSha256: 'S1', signingTime: { judgedAt: judgedAt.toISOString(), evidenceId } },
              ],
            },
          } as unknown as EvidenceRecord;
          proofs.keepBuilt(record);
          afterKept?.(record);
        }
        await other.query(
          `UPDATE verifier.validation_evidence SET audit_hash = 'h', audit_seq = '1', sealed_at = now() WHERE id = $1`,
          [id],
        );
        await eventually(() => seen.includes(`${DOC3} sealed ${id}`));
      };
      const later = new Date(T.getTime() + 1000);
      const held = await proofs.proofsFor(DOC3);
      expect(readsOf(DOC3)).toBe(1);
      // Judged at the held proof's time by that proof, judged later, or not TOTAL-PASSED: kept.
      await sealRecord({ indication: 'TOTAL-PASSED', judgedAt: T, evidenceId: E0 });
      await sealRecord({ indication: 'TOTAL-PASSED', judgedAt: later, evidenceId: null });
      await sealRecord({ indication: 'INDETERMINATE', judgedAt: new Date(0), evidenceId: null });
      // What the seal is judged by is taken when the record is kept, not the record itself (it is not
      // held until its seal is heard): a report replaced afterwards changes nothing.
      await sealRecord({ indication: 'TOTAL-PASSED', judgedAt: later, evidenceId: null }, true, (record) => {
        (record as { report: unknown }).report = {
          signatures: [
            { indication: 'TOTAL-PASSED', signatureSha256: 'S1', signingTime: { judgedAt: new Date(0).toISOString() } },
          ],
        };
      });
      expect(await proofs.proofsFor(DOC3)).toBe(held);
      expect(readsOf(DOC3)).toBe(1);
      // At the same time by another proof (it might be the earlier record): dropped.
      await sealRecord({ indication: 'TOTAL-PASSED', judgedAt: T, evidenceId: null });
      await proofs.proofsFor(DOC3);
      expect(readsOf(DOC3)).toBe(2);
      // Earlier: dropped.
      await sealRecord({ indication: 'TOTAL-PASSED', judgedAt: new Date(T.getTime() - 1000), evidenceId: null });
      await proofs.proofsFor(DOC3);
      expect(readsOf(DOC3)).toBe(3);
      // Not built here: dropped, whatever it holds.
      await sealRecord({ indication: 'TOTAL-PASSED', judgedAt: later, evidenceId: null }, false);
      await proofs.proofsFor(DOC3);
      expect(readsOf(DOC3)).toBe(4);
      await proofs.proofsFor(DOC3);
      expect(readsOf(DOC3)).toBe(4);
    });
  });
});
