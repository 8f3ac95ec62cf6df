import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DevCa, type Certificate } from '@kyso/pki';
import { createTestDatabase } from '../../../test/support/db';
import { migrateVerifier, verifierDataSource } from '../src/data-source';
import type { EvidenceRecord } from '../src/evidence/evidence-record';
import { EvidenceEntity } from '../src/evidence/evidence.entity';
import { TypeOrmEvidenceRepository } from '../src/evidence/evidence.repository';
import { passedEvidence } from './fixtures';

/**
 * The records awaiting their seal kept apart from the records (migration 1799620000000), against
 * real PostgreSQL: the maintenance job finds what the partial index used to give it, and a seal
 * is a HOT update of the record (no new index entries); the unique index serves lookups by
 * document (1799620000001).
 */
describe('evidence records awaiting their seal', () => {
  let db: { url: string; drop: () => Promise<void> };
  let ds: DataSource;
  let records: TypeOrmEvidenceRepository;
  let anchor: Certificate;

  beforeAll(async () => {
    db = await createTestDatabase('kyso_verifier_awaiting');
    await migrateVerifier(db.url);
    ds = await verifierDataSource(db.url).initialize();
    records = new TypeOrmEvidenceRepository(ds.getRepository(EvidenceEntity));
    anchor = (await DevCa.createRoot({ commonName: 'Awaiting Seal Root' })).certificate;
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  beforeEach(async () => {
    await ds.query('DELETE FROM verifier.validation_evidence');
    await ds.query('DELETE FROM verifier.evidence_awaiting_seal');
  });

  const record = (): EvidenceRecord =>
    passedEvidence(anchor, [{ kind: 'ocsp', url: 'http://ca.test/ocsp', der: randomBytes(300) }]);

  const indexes = async () =>
    (
      (await ds.query(
        "SELECT indexname FROM pg_indexes WHERE schemaname = 'verifier' AND tablename = 'validation_evidence' ORDER BY 1",
      )) as { indexname: string }[]
    ).map((i) => i.indexname);
  const seal = { auditSeq: '7', auditHash: 'ab'.repeat(32), sealedAt: new Date() };
  const awaiting = async () => (await records.unsealed(100)).map((r) => r.id);
  const listed = async () =>
    ((await ds.query('SELECT evidence_id FROM verifier.evidence_awaiting_seal')) as { evidence_id: string }[]).map(
      (r) => r.evidence_id,
    );

  it('lists each record stored unsealed, oldest first, until its seal, which updates it in place (HOT)', async () => {
    const stored = [record(), record(), record()];
    for (const r of stored) await records.insert(r);
    expect(await awaiting()).toEqual(stored.map((r) => r.id));

    const hot = await ds.transaction(async (m) => {
      await new TypeOrmEvidenceRepository(m.getRepository(EvidenceEntity)).markSealed(
        stored.slice(0, 2).map((r) => r.id),
        seal,
      );
      const [row] = await m.query(
        "SELECT pg_stat_get_xact_tuples_updated('verifier.validation_evidence'::regclass)::int AS updated, pg_stat_get_xact_tuples_hot_updated('verifier.validation_evidence'::regclass)::int AS hot",
      );
      return row as { updated: number; hot: number };
    });
    expect(hot).toEqual({ updated: 2, hot: 2 });
    expect(await awaiting()).toEqual([stored[2].id]);
    expect(await listed()).toEqual([stored[2].id]);
    const [sealed] = await records.forDocument(stored[0].documentSha256);
    expect(sealed.seal).toEqual(seal);
  });

  it('lists a record again when its seal is cleared; drops entries of records sealed another way or deleted, or takes them over', async () => {
    const [a, b, c] = [record(), record(), record()];
    for (const r of [a, b, c]) await records.insert(r);
    await records.markSealed([a.id], seal);
    expect(await listed()).not.toContain(a.id);
    await ds.query('UPDATE verifier.validation_evidence SET audit_hash = NULL WHERE id = $1', [a.id]);
    await ds.query("UPDATE verifier.validation_evidence SET audit_seq = '9', audit_hash = $2 WHERE id = $1", [
      b.id,
      'cd'.repeat(32),
    ]);
    await ds.query('DELETE FROM verifier.validation_evidence WHERE id = $1', [c.id]);
    expect((await listed()).sort()).toEqual([a.id, b.id, c.id].sort());
    expect(await awaiting()).toEqual([a.id]);
    expect(await listed()).toEqual([a.id]);
    // A record deleted while still listed, stored again under its id: listed once, as the new record.
    await ds.query('DELETE FROM verifier.validation_evidence WHERE id = $1', [a.id]);
    await records.insert(a);
    expect(await awaiting()).toEqual([a.id]);
  });

  it('keeps one record per validation and document, and finds a document’s records by the unique index', async () => {
    const r = record();
    await records.insert(r);
    await records.insert({ ...r, id: randomUUID() }); // a retried job's second record: ignored
    expect((await records.forDocument(r.documentSha256)).map((s) => s.id)).toEqual([r.id]);
    const plan = await ds.transaction(async (m) => {
      await m.query('SET LOCAL enable_seqscan = off');
      return (await m.query('EXPLAIN SELECT id FROM verifier.validation_evidence WHERE document_sha256 = $1', [
        r.documentSha256,
      ])) as { 'QUERY PLAN': string }[];
    });
    expect(plan.map((l) => l['QUERY PLAN']).join('\n')).toContain('validation_evidence_validation_document');
    expect(await indexes()).toEqual([
      'validation_evidence_der_names',
      'validation_evidence_pkey',
      'validation_evidence_validated_at',
      'validation_evidence_validation_document',
    ]);
  });

  it('migrates down (the partial index back, the list gone) and up (the list made from the unsealed records)', async () => {
    const [a, b] = [record(), record()];
    for (const r of [a, b]) await records.insert(r);
    await records.markSealed([a.id], seal);
    const relation = async (name: string) =>
      (await ds.query('SELECT to_regclass($1)::text AS r', [`verifier.${name}`]))[0].r as string | null;
    const options = async () =>
      (await ds.query("SELECT reloptions FROM pg_class WHERE oid = 'verifier.validation_evidence'::regclass"))[0]
        .reloptions as string[] | null;

    // 1799620000001, then 1799620000000.
    await ds.undoLastMigration({ transaction: 'each' });
    await ds.undoLastMigration({ transaction: 'each' });
    expect(await relation('evidence_awaiting_seal')).toBeNull();
    expect(await relation('validation_evidence_unsealed')).toBe('verifier.validation_evidence_unsealed');
    expect(await options()).toBeNull();
    expect(await indexes()).toContain('validation_evidence_document');
    const c = record();
    await ds.query(
      `INSERT INTO verifier.validation_evidence
         (id, validation_id, document_sha256, validated_at, signatures, material, record_sha256, report)
       SELECT gen_random_uuid(), gen_random_uuid(), document_sha256, validated_at, signatures, material, record_sha256, report
         FROM verifier.validation_evidence WHERE id = $1 RETURNING id`,
      [b.id],
    );

    await ds.runMigrations({ transaction: 'each' });
    expect(await relation('validation_evidence_unsealed')).toBeNull();
    expect(await options()).toEqual(['fillfactor=50']);
    expect(await indexes()).not.toContain('validation_evidence_document');
    const unsealed = await awaiting();
    expect(unsealed).toHaveLength(2);
    expect(unsealed).toContain(b.id);
    expect(unsealed).not.toContain(a.id);
    await records.insert(c);
    expect(await awaiting()).toContain(c.id);
  });
});
