import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { DevCa, type Certificate, type DocumentReport } from '@kyso/pki';
import { createTestDatabase } from '../../../test/support/db';
import { migrateVerifier, verifierDataSource } from '../src/data-source';
import { buildEvidence, type EvidenceRecord } from '../src/evidence/evidence-record';
import type { FetchRecord } from '../src/revocation/queued-fetcher';
import { ValidationEntity } from '../src/validation.entity';
import { type DoneValidation, TypeOrmValidationRepository } from '../src/validation.repository';

/**
 * Fast-path validations stored by natural batching (issue 16.3), against real PostgreSQL: calls made
 * while one is in flight share one multi-row statement and store what sequential calls store; a
 * batch with a failing item stores the others and fails only that one's caller.
 */
describe('createDone batched', () => {
  let db: { url: string; drop: () => Promise<void> };
  let ds: DataSource;
  let repo: TypeOrmValidationRepository;
  let anchor: Certificate;
  /** Names of the createDone statements sent, in order. */
  let sent: string[];
  const sharedCrl = randomBytes(600);

  beforeAll(async () => {
    db = await createTestDatabase('kyso_verifier_donebatch');
    await migrateVerifier(db.url);
    ds = await verifierDataSource(db.url).initialize();
    repo = new TypeOrmValidationRepository(ds.getRepository(ValidationEntity));
    anchor = (await DevCa.createRoot({ commonName: 'Batch Root' })).certificate;
    const pool = (ds.driver as PostgresDriver).master as { query: (...a: unknown[]) => unknown };
    const query = pool.query.bind(pool);
    pool.query = (...a: unknown[]) => {
      const name = (a[0] as { name?: string }).name;
      if (name?.startsWith('verifier_create_done')) sent.push(name);
      return query(...a);
    };
  });

  beforeEach(() => (sent = []));

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  /** A validation and its record: one TOTAL-PASSED signature, a shared CRL and an OCSP response of its own. */
  function done(i: number): { v: DoneValidation; evidence: EvidenceRecord } {
    const id = randomUUID();
    const documentSha256 = randomBytes(32).toString('hex').toUpperCase();
    const validationTime = new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();
    const report = {
      documentSha256,
      validationTime,
      conclusion: i % 2 ? 'TOTAL-PASSED' : 'INDETERMINATE',
      signatures: [
        {
          id: 'sig-1',
          signatureSha256: randomBytes(32).toString('hex'),
          indication: i % 2 ? 'TOTAL-PASSED' : 'INDETERMINATE',
          subIndication: null,
          signingTime: { judgedAt: validationTime },
          chain: [{ sha256: anchor.sha256Hex }],
        },
      ],
    } as unknown as DocumentReport;
    const fetches: FetchRecord[] = [
      { kind: 'crl', url: 'http://ca.test/shared.crl', fetchedAt: new Date(validationTime), der: sharedCrl },
      { kind: 'ocsp', url: 'http://ca.test/ocsp', fetchedAt: new Date(validationTime), der: randomBytes(300 + i) },
    ];
    const evidence = buildEvidence({
      id: randomUUID(),
      validationId: id,
      pdf: new Uint8Array(),
      report,
      trustAnchors: [anchor],
      fetches,
    });
    const v: DoneValidation = {
      id,
      documentSha256,
      owner: {
        organizationIds: [randomUUID()],
        callerKind: 'system',
        callerId: randomUUID(),
        ...(i % 3 ? { callerName: `n${i}` } : {}),
      },
      fileName: i % 2 ? `f${i}.pdf` : undefined,
      finishedAt: new Date(validationTime),
    };
    return { v, evidence };
  }

  /** What is stored of these validations: their rows, records, proofs and the DERs the records name. */
  async function stored(ids: string[]) {
    const rows = await ds.query(
      `SELECT id, status, kind, file_name, document_sha256, report, result, finished_at, organization_ids,
              caller_kind, caller_id, caller_name, document, error_code, callback_url
         FROM verifier.validation WHERE id = ANY($1::uuid[]) ORDER BY id`,
      [ids],
    );
    const evidence = await ds.query(
      `SELECT id, validation_id, document_sha256, validated_at, signatures, material, record_sha256, report
         FROM verifier.validation_evidence WHERE validation_id = ANY($1::uuid[]) ORDER BY validation_id`,
      [ids],
    );
    const proofs = await ds.query(
      `SELECT p.* FROM verifier.validation_evidence_proof p JOIN verifier.validation_evidence e ON e.id = p.evidence_id
        WHERE e.validation_id = ANY($1::uuid[]) ORDER BY p.evidence_id`,
      [ids],
    );
    const ders = await ds.query(
      `SELECT d.sha256, d.der FROM verifier.evidence_der d
        WHERE d.sha256 IN (SELECT jsonb_array_elements_text(e.material->'certificates')
                             FROM verifier.validation_evidence e WHERE e.validation_id = ANY($1::uuid[])
                           UNION SELECT jsonb_array_elements(e.material->'crls')->>'sha256'
                             FROM verifier.validation_evidence e WHERE e.validation_id = ANY($1::uuid[])
                           UNION SELECT jsonb_array_elements(e.material->'ocspResponses')->>'sha256'
                             FROM verifier.validation_evidence e WHERE e.validation_id = ANY($1::uuid[]))
        ORDER BY d.sha256`,
      [ids],
    );
    return { rows, evidence, proofs, ders };
  }

  async function remove(ids: string[]) {
    await ds.query(
      `DELETE FROM verifier.validation_evidence_proof WHERE evidence_id IN
         (SELECT id FROM verifier.validation_evidence WHERE validation_id = ANY($1::uuid[]))`,
      [ids],
    );
    await ds.query('DELETE FROM verifier.validation_evidence WHERE validation_id = ANY($1::uuid[])', [ids]);
    await ds.query('DELETE FROM verifier.validation WHERE id = ANY($1::uuid[])', [ids]);
  }

  it('stores a single call at once, alone', async () => {
    const d = done(1);
    await repo.createDone(d.v, d.evidence);
    expect(sent).toEqual(['verifier_create_done']);
    const s = await stored([d.v.id]);
    expect(s.rows).toHaveLength(1);
    expect(s.rows[0]).toMatchObject({ status: 'done', result: 'TOTAL-PASSED', file_name: 'f1.pdf', caller_name: 'n1' });
    expect(s.evidence).toHaveLength(1);
    expect(s.evidence[0].id).toBe(d.evidence.id);
    expect(s.proofs).toHaveLength(1);
    expect(s.ders.length).toBeGreaterThanOrEqual(3);
  });

  it('stores concurrent calls in one statement, as sequential calls store them', async () => {
    const items = Array.from({ length: 9 }, (_, i) => done(i + 10));
    const ids = items.map((d) => d.v.id);
    await Promise.all(items.map((d) => repo.createDone(d.v, d.evidence)));
    expect(sent).toEqual(['verifier_create_done', 'verifier_create_done_8']);
    const batched = await stored(ids);
    expect(batched.rows).toHaveLength(9);
    expect(batched.evidence).toHaveLength(9);
    expect(batched.proofs).toHaveLength(4); // the TOTAL-PASSED ones
    expect(batched.ders).toHaveLength(1 + 1 + 9); // the anchor, the shared CRL, each OCSP response

    await remove(ids);
    expect((await stored(ids)).rows).toHaveLength(0);
    sent = [];
    for (const d of items) await repo.createDone(d.v, d.evidence);
    expect(sent).toEqual(Array(9).fill('verifier_create_done'));
    expect(await stored(ids)).toEqual(batched);
  });

  it('stores the others of a batch with a failing item, and fails only its caller', async () => {
    const taken = done(20);
    await repo.createDone(taken.v, taken.evidence);
    await new Promise(setImmediate); // that store over, the next call goes alone
    const items = [done(21), done(22), { ...done(23), v: { ...done(23).v, id: taken.v.id } }, done(24)];
    sent = [];
    const results = await Promise.allSettled(items.map((d) => repo.createDone(d.v, d.evidence)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ code: '23505' });
    expect(sent.slice(0, 2)).toEqual(['verifier_create_done', 'verifier_create_done_3']);
    expect(sent.slice(2).sort()).toEqual(Array(3).fill('verifier_create_done'));
    const ids = [items[0], items[1], items[3]].map((d) => d.v.id);
    const s = await stored(ids);
    expect(s.rows.map((r: { id: string }) => r.id).sort()).toEqual([...ids].sort());
    expect(s.evidence).toHaveLength(3);
    // The failed one left nothing of its own: its record is not stored.
    const [{ n }] = await ds.query('SELECT count(*)::int AS n FROM verifier.validation_evidence WHERE id = $1', [
      items[2].evidence.id,
    ]);
    expect(n).toBe(0);
  });
});
