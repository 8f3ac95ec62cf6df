import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DevCa, type Certificate } from '@kyso/pki';
import { createTestDatabase } from '../../../test/support/db';
import { migrateVerifier, verifierDataSource } from '../src/data-source';
import { evidenceSha256, type EvidenceRecord, proofsFromEvidence } from '../src/evidence/evidence-record';
import { EvidenceEntity } from '../src/evidence/evidence.entity';
import { TypeOrmEvidenceRepository } from '../src/evidence/evidence.repository';
import { passedEvidence } from './fixtures';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/**
 * Evidence DERs kept once by SHA-256 (issue 16.3, migration 1799400000000), against real
 * PostgreSQL: a record names its DERs, each stored once; read back, it shows them inline and its
 * hash covers them (a changed or missing DER row fails it); older records with inline material
 * verify as before; the purge takes the DERs no record names; the migration goes down and up.
 */
describe('evidence DERs stored once by hash', () => {
  let db: { url: string; drop: () => Promise<void> };
  let ds: DataSource;
  let records: TypeOrmEvidenceRepository;
  let anchor: Certificate;
  const sharedCrl = randomBytes(700);

  beforeAll(async () => {
    db = await createTestDatabase('kyso_verifier_evder');
    await migrateVerifier(db.url);
    ds = await verifierDataSource(db.url).initialize();
    records = new TypeOrmEvidenceRepository(ds.getRepository(EvidenceEntity));
    anchor = (await DevCa.createRoot({ commonName: 'Evidence DER Root' })).certificate;
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  /** A record of one TOTAL-PASSED signature resting on the anchor, a shared CRL and a CRL of its own. */
  const record = (documentSha256?: string, own = randomBytes(500)) =>
    passedEvidence(
      anchor,
      [
        { kind: 'crl', url: 'http://ca.test/shared.crl', der: sharedCrl },
        { kind: 'ocsp', url: 'http://ca.test/ocsp', der: own },
      ],
      documentSha256,
    );

  const derRows = async (names: string[]) =>
    (await ds.query('SELECT sha256 FROM verifier.evidence_der WHERE sha256 = ANY($1::text[])', [names])).length;
  const seal = (r: EvidenceRecord) =>
    records.markSealed([r.id], { auditSeq: '1', auditHash: 'ab'.repeat(32), sealedAt: new Date() });
  const readBack = async (r: EvidenceRecord) =>
    (await records.forDocument(r.documentSha256)).find((x) => x.id === r.id)!;
  /** The DERs of a record (base64) by name, as its material holds them. */
  const dersOf = (r: EvidenceRecord) => [
    Buffer.from(anchor.der),
    sharedCrl,
    Buffer.from(r.material.ocspResponses[0].der, 'base64'),
  ];

  it('stores the record naming its DERs, each once, and reads it back with the same material and an intact hash', async () => {
    const r = record();
    await records.insert(r);
    const [row] = await ds.query('SELECT material FROM verifier.validation_evidence WHERE id = $1', [r.id]);
    const names = dersOf(r).map(sha256);
    expect(row.material).toEqual({
      format: 2,
      certificates: [names[0]],
      crls: [{ url: 'http://ca.test/shared.crl', fetchedAt: r.material.crls[0].fetchedAt, sha256: names[1] }],
      ocspResponses: [
        { url: 'http://ca.test/ocsp', fetchedAt: r.material.ocspResponses[0].fetchedAt, sha256: names[2] },
      ],
    });
    expect(await derRows(names)).toBe(3);
    const [der] = await ds.query('SELECT der FROM verifier.evidence_der WHERE sha256 = $1', [names[1]]);
    expect(Buffer.compare(der.der, sharedCrl)).toBe(0);

    await seal(r);
    const stored = await readBack(r);
    expect(stored.material).toEqual(r.material);
    expect(stored.material.certificates).toEqual([Buffer.from(anchor.der).toString('base64')]);
    expect(evidenceSha256(stored)).toBe(r.recordSha256);
    expect(proofsFromEvidence([stored])).toEqual([expect.objectContaining({ evidenceId: r.id })]);
  });

  it('sends no DER for a second record of the same document (the process knows them stored)', async () => {
    const first = record();
    await records.insert(first);
    const again = record(first.documentSha256, Buffer.from(first.material.ocspResponses[0].der, 'base64'));
    const query = jest.spyOn(ds.getRepository(EvidenceEntity), 'query');
    try {
      await records.insert(again);
      const params = query.mock.calls.find(([sql]) => sql.includes('INSERT INTO verifier.evidence_der'))![1]!;
      expect(params[7]).toEqual([]);
      expect(params[8]).toEqual([]);
    } finally {
      query.mockRestore();
    }
    expect((await records.forDocument(first.documentSha256)).map((s) => s.id).sort()).toEqual(
      [first.id, again.id].sort(),
    );
    expect((await readBack(again)).material).toEqual(again.material);
  });

  it('finds a sealed record changed when one of its DER rows changed or went missing', async () => {
    const r = record();
    await records.insert(r);
    await seal(r);
    const own = sha256(dersOf(r)[2]);
    await ds.query('UPDATE verifier.evidence_der SET der = $2 WHERE sha256 = $1', [own, randomBytes(500)]);
    const changed = await readBack(r);
    expect(evidenceSha256(changed)).not.toBe(r.recordSha256);
    expect(proofsFromEvidence([changed])).toEqual([]);

    await ds.query('DELETE FROM verifier.evidence_der WHERE sha256 = $1', [own]);
    const missing = await readBack(r);
    expect(missing.material.ocspResponses[0].der).toBe('');
    expect(evidenceSha256(missing)).not.toBe(r.recordSha256);
    expect(proofsFromEvidence([missing])).toEqual([]);
  });

  it('refuses a record naming a DER that is not stored, and stores it again with its DERs when this process believed them stored', async () => {
    const r = record();
    const names = dersOf(r).map(sha256);
    await records.insert(r);
    // Another process's purge took the record and its DERs; this process still knows them stored.
    await new TypeOrmEvidenceRepository(ds.getRepository(EvidenceEntity)).delete([r.id]);
    expect(await derRows([names[2]])).toBe(0);
    const next = record(r.documentSha256, dersOf(r)[2]);
    await records.insert(next);
    expect(await derRows(names)).toBe(3);
    await seal(next);
    expect(evidenceSha256(await readBack(next))).toBe(next.recordSha256);

    // A statement naming a missing DER without sending it is refused by the database, whichever of
    // its records names it (the check runs once per statement, 1799500000000): none is stored.
    const orphan = { ...record(), named: { ...next.named!, certificates: ['00'.repeat(32)] } };
    const fine = { ...record(), named: next.named! };
    const insertBoth = (first: EvidenceRecord, second: EvidenceRecord) =>
      ds.query(
        `INSERT INTO verifier.validation_evidence
           (id, validation_id, document_sha256, validated_at, signatures, material, record_sha256, report)
         VALUES ($1, $2, $3, now(), '[]', $4, 'x', '{}'), ($5, $6, $7, now(), '[]', $8, 'x', '{}')`,
        [first, second].flatMap((r) => [r.id, r.validationId, r.documentSha256, JSON.stringify(r.named)]),
      );
    for (const [first, second] of [
      [fine, orphan],
      [orphan, fine],
    ])
      await expect(insertBoth(first, second)).rejects.toMatchObject({
        code: '23503',
        constraint: 'validation_evidence_der',
        message: expect.stringContaining(orphan.id),
      });
    expect(await ds.query('SELECT id FROM verifier.validation_evidence WHERE id = $1', [fine.id])).toEqual([]);
    await insertBoth(fine, { ...record(), named: next.named! });
    expect(await ds.query('SELECT id FROM verifier.validation_evidence WHERE id = $1', [fine.id])).toHaveLength(1);
  });

  it('verifies a record of the older format (material inline, hashed as it is) as before', async () => {
    const built = record();
    const { named: _named, recordSha256: _hash, ...content } = built;
    const old = { ...content, recordSha256: evidenceSha256(content) };
    expect(old.recordSha256).not.toBe(built.recordSha256);
    await ds.query(
      `INSERT INTO verifier.validation_evidence
         (id, validation_id, document_sha256, validated_at, signatures, material, record_sha256, report,
          audit_seq, audit_hash, sealed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '1', 'h', now())`,
      [
        old.id,
        old.validationId,
        old.documentSha256,
        old.validatedAt,
        JSON.stringify(old.signatures),
        JSON.stringify(old.material),
        old.recordSha256,
        JSON.stringify(old.report),
      ],
    );
    const stored = await readBack(old);
    expect(stored.named).toBeUndefined();
    expect(stored.material).toEqual(built.material);
    expect(evidenceSha256(stored)).toBe(old.recordSha256);
    expect(proofsFromEvidence([stored])).toEqual([expect.objectContaining({ evidenceId: old.id })]);
    // Its purge leaves the DERs that format 2 records name.
    await records.delete([old.id]);
    expect(await derRows([sha256(sharedCrl)])).toBe(1);
  });

  it('purges the DERs no record names any more, and keeps those another record names', async () => {
    const a = record();
    const b = record();
    await records.insert(a);
    await records.insert(b);
    const [ownA, ownB, shared] = [dersOf(a)[2], dersOf(b)[2], sharedCrl].map(sha256);
    await records.delete([a.id]);
    expect(await derRows([ownA])).toBe(0);
    expect(await derRows([ownB, shared, sha256(anchor.der)])).toBe(3);

    const all: { id: string }[] = await ds.query('SELECT id FROM verifier.validation_evidence');
    await records.delete(all.map((r) => r.id));
    expect(await ds.query('SELECT sha256 FROM verifier.evidence_der')).toEqual([]);
  });

  it('migrates down to inline material and up again', async () => {
    const r = record();
    await records.insert(r);
    // Down through 1799400000000 (the later migrations first), until evidence_der is gone.
    const derTable = async () => (await ds.query("SELECT to_regclass('verifier.evidence_der') AS t"))[0].t;
    for (let i = 0; i < 10 && (await derTable()); i++) await ds.undoLastMigration({ transaction: 'each' });
    const [row] = await ds.query('SELECT material FROM verifier.validation_evidence WHERE id = $1', [r.id]);
    expect(row.material).toEqual(r.material);
    expect(await ds.query("SELECT to_regclass('verifier.evidence_der') AS t")).toEqual([{ t: null }]);
    await ds.runMigrations({ transaction: 'each' });
    // This process still believes the anchor and the shared CRL stored: refused once, sent again.
    const next = record();
    await records.insert(next);
    expect((await readBack(next)).material).toEqual(next.material);
  });
});
