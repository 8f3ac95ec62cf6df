import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import { type NamedStatement, runNamedOn } from '@kyso/common';
import { EvidenceEntity } from './evidence.entity';
import type { DocumentReport } from '@kyso/pki';
import { type DerParams, storedDers } from './evidence-ders';
import {
  derNames,
  type EvidenceMaterial,
  type EvidenceRecord,
  isNamed,
  materialOf,
  type NamedMaterial,
  type SignatureEvidence,
  type StoredEvidence,
} from './evidence-record';

/** Persistence port for validation evidence (an abstract class so it can be a DI token). */
export abstract class EvidenceRepository {
  /** Stores the record; a second record of the same document for the same validation (a retried job) is ignored. */
  abstract insert(record: EvidenceRecord): Promise<void>;
  abstract forDocument(documentSha256: string): Promise<StoredEvidence[]>;
  /**
   * For each signature of the document, the sealed record that shows it TOTAL-PASSED judged at the
   * earliest time: the only records whose proofs can count (a later proof of the same signature
   * never wins), however many validations of the same bytes were kept.
   */
  abstract earliestProofs(documentSha256: string): Promise<StoredEvidence[]>;
  /** Gives the records one seal (the audit event that lists them all). */
  abstract markSealed(ids: readonly string[], seal: NonNullable<StoredEvidence['seal']>): Promise<void>;
  /** The oldest records still waiting for their seal. */
  abstract unsealed(limit: number): Promise<StoredEvidence[]>;
  /** Records validated before `before`, oldest first: what a purge removes. */
  abstract validatedBefore(before: Date, limit: number): Promise<StoredEvidence[]>;
  abstract delete(ids: readonly string[]): Promise<void>;
}

/**
 * The CTEs storing an evidence record (a retried job's second record of the same document is
 * ignored), the DERs it is the first to name (verifier.evidence_der, each kept once) and its proof
 * rows (validation_evidence_proof: one per TOTAL-PASSED signature, the index earliestProofs reads),
 * to be followed by the statement's main query; their parameters (evidenceParams) numbered from
 * `$first`; `reportParam` is the parameter holding the report's JSON, so a statement that also
 * stores the report elsewhere sends it once. Run it through storedDers.store.
 */
export function evidenceWith(first: number, reportParam: string): string {
  return evidenceWithRows([evidenceRow(first, reportParam)], first + EVIDENCE_ROW_PARAMS);
}

/** Parameters of one record's row (evidenceRowParams). */
export const EVIDENCE_ROW_PARAMS = 7;

/** One record's VALUES tuple, its parameters (evidenceRowParams) numbered from `$first`. */
export const evidenceRow = (first: number, reportParam: string): string =>
  `(${Array.from({ length: EVIDENCE_ROW_PARAMS }, (_, i) => `$${first + i}`).join(', ')}, ${reportParam})`;

/** evidenceWith for several records (one VALUES tuple each, evidenceRow), the DERs' two parameters from `$ders`. */
export function evidenceWithRows(rows: readonly string[], ders: number): string {
  return `WITH der AS (
      INSERT INTO verifier.evidence_der (sha256, der)
        SELECT * FROM unnest($${ders}::text[], $${ders + 1}::bytea[]) ON CONFLICT DO NOTHING),
    evidence AS (
      INSERT INTO verifier.validation_evidence
         (id, validation_id, document_sha256, validated_at, signatures, material, record_sha256, report)
       VALUES ${rows.join(', ')} ON CONFLICT DO NOTHING
       RETURNING id, document_sha256, validated_at, signatures),
    proof AS (
      INSERT INTO verifier.validation_evidence_proof
        SELECT e.id, e.document_sha256, s->>'signatureSha256', (s->>'judgedAt')::timestamptz, e.validated_at
          FROM evidence e, jsonb_array_elements(e.signatures) s
         WHERE s->>'totalPassed' = 'true')`;
}

/** A record's row parameters, in order (the report apart): the material by name (format 2). */
export const evidenceRowParams = (r: EvidenceRecord): unknown[] => [
  r.id,
  r.validationId,
  r.documentSha256,
  r.validatedAt,
  JSON.stringify(r.signatures),
  JSON.stringify(r.named ?? r.material),
  r.recordSha256,
];

/** evidenceWith's parameters, in order (the report apart): the record's row, the DERs to send. */
export const evidenceParams = (r: EvidenceRecord, ders: DerParams): unknown[] => [
  ...evidenceRowParams(r),
  ders.names,
  ders.ders,
];

/**
 * Each signature of the document (a skip scan of the proof index), then its earliest sealed proof in
 * the index's order: a few index probes however many records the document has.
 */
const EARLIEST_PROOFS: NamedStatement = {
  name: 'verifier_earliest_proofs',
  text: `WITH RECURSIVE sig AS (
         (SELECT signature_sha256 FROM verifier.validation_evidence_proof
           WHERE document_sha256 = $1 ORDER BY signature_sha256 LIMIT 1)
         UNION ALL
         SELECT (SELECT p.signature_sha256 FROM verifier.validation_evidence_proof p
                  WHERE p.document_sha256 = $1 AND p.signature_sha256 > sig.signature_sha256
                  ORDER BY p.signature_sha256 LIMIT 1)
           FROM sig WHERE sig.signature_sha256 IS NOT NULL)
       SELECT first.id, first.xmin FROM sig CROSS JOIN LATERAL (
         SELECT e.id, e.xmin::text AS xmin
           FROM verifier.validation_evidence_proof p JOIN verifier.validation_evidence e ON e.id = p.evidence_id
          WHERE p.document_sha256 = $1 AND p.signature_sha256 = sig.signature_sha256 AND e.audit_hash IS NOT NULL
          ORDER BY p.judged_at, p.validated_at LIMIT 1) first`,
};

/** Evidence rows kept in memory by earliestProofs (a few per document). */
const READ_CACHE_MAX = 1000;

@Injectable()
export class TypeOrmEvidenceRepository extends EvidenceRepository {
  constructor(@InjectRepository(EvidenceEntity) private readonly repo: Repository<EvidenceEntity>) {
    super();
  }

  /** Rows already read, by id, with the row version (xmin) they were read at. */
  private readonly read = new Map<string, { xmin: string; record: StoredEvidence }>();

  /** A plain parameterised INSERT: one per validation, so TypeORM's query building is not paid each time. */
  async insert(r: EvidenceRecord): Promise<void> {
    await storedDers.store(r, (ders) =>
      this.repo.query(`${evidenceWith(1, '$10')} SELECT 1`, [...evidenceParams(r, ders), JSON.stringify(r.report)]),
    );
  }

  async forDocument(documentSha256: string): Promise<StoredEvidence[]> {
    return this.withDers(await this.repo.find({ where: { documentSha256 }, order: { validatedAt: 'ASC' } }));
  }

  /** Records as stored: a format 2 record's DERs read back by name (one query for all), shown inline. */
  private async withDers(entities: Omit<EvidenceEntity, 'createdAt'>[]): Promise<StoredEvidence[]> {
    const names = new Set(entities.flatMap((e) => (isNamed(e.material) ? derNames(e.material) : [])));
    const ders = new Map<string, string>();
    if (names.size) {
      const rows: { sha256: string; der: Buffer }[] = await this.repo.query(
        'SELECT sha256, der FROM verifier.evidence_der WHERE sha256 = ANY($1::text[])',
        [[...names]],
      );
      for (const r of rows) ders.set(r.sha256, r.der.toString('base64'));
    }
    return entities.map((e) => toStored(e, (name) => ders.get(name)));
  }

  /**
   * The same document validated again finds the same few records: a row whose version (xmin: any
   * UPDATE of the row changes it) is the one read before is not read again, and the same object is
   * returned, so the caller's hash check of it (ValidationEvidence) is not repeated either.
   */
  async earliestProofs(documentSha256: string): Promise<StoredEvidence[]> {
    const found = await runNamedOn<{ id: string; xmin: string }>(this.repo.manager.connection, EARLIEST_PROOFS, [
      documentSha256,
    ]);
    const versions = new Map(found.map((r) => [r.id, r.xmin]));
    const missing = [...versions.keys()].filter((id) => this.read.get(id)?.xmin !== versions.get(id));
    if (missing.length) {
      const rows: EvidenceRow[] = await this.repo.query(
        `SELECT id, validation_id, document_sha256, validated_at, signatures, material, report, record_sha256,
                audit_seq, audit_hash, sealed_at, xmin::text AS xmin
           FROM verifier.validation_evidence WHERE id = ANY($1::uuid[])`,
        [missing],
      );
      const records = await this.withDers(rows.map(entityOf));
      rows.forEach((e, i) => this.remember(e.id, e.xmin, records[i]));
    }
    return [...versions.keys()].flatMap((id) => {
      const hit = this.read.get(id);
      return hit && hit.xmin === versions.get(id) ? [hit.record] : [];
    });
  }

  private remember(id: string, xmin: string, record: StoredEvidence): void {
    this.read.delete(id);
    this.read.set(id, { xmin, record });
    // Oldest first out: the records of the documents validated lately stay.
    if (this.read.size > READ_CACHE_MAX) this.read.delete(this.read.keys().next().value!);
  }

  /** The records sealed and taken off the list of those awaiting a seal (migration 1799620000000), in one statement. */
  async markSealed(ids: readonly string[], seal: NonNullable<StoredEvidence['seal']>): Promise<void> {
    await this.repo.query(
      `WITH sealed AS (DELETE FROM verifier.evidence_awaiting_seal WHERE evidence_id = ANY($1::uuid[]))
       UPDATE verifier.validation_evidence SET audit_seq = $2, audit_hash = $3, sealed_at = $4 WHERE id = ANY($1::uuid[])`,
      [ids, seal.auditSeq, seal.auditHash, seal.sealedAt],
    );
  }

  /**
   * The list of records awaiting a seal, oldest first; an entry whose record is sealed (some other
   * way than markSealed) or gone is dropped first.
   */
  async unsealed(limit: number): Promise<StoredEvidence[]> {
    await this.repo.query(
      `DELETE FROM verifier.evidence_awaiting_seal a WHERE NOT EXISTS (
         SELECT 1 FROM verifier.validation_evidence e WHERE e.id = a.evidence_id AND e.audit_hash IS NULL)`,
    );
    const rows: EvidenceRow[] = await this.repo.query(
      `SELECT e.id, e.validation_id, e.document_sha256, e.validated_at, e.signatures, e.material, e.report,
              e.record_sha256, e.audit_seq, e.audit_hash, e.sealed_at, e.xmin::text AS xmin
         FROM verifier.evidence_awaiting_seal a JOIN verifier.validation_evidence e ON e.id = a.evidence_id
        WHERE e.audit_hash IS NULL ORDER BY a.created_at, a.evidence_id LIMIT $1`,
      [limit],
    );
    return this.withDers(rows.map(entityOf));
  }

  async validatedBefore(before: Date, limit: number): Promise<StoredEvidence[]> {
    const found = await this.repo.find({
      where: { validatedAt: LessThan(before) },
      order: { validatedAt: 'ASC' },
      take: limit,
    });
    return this.withDers(found);
  }

  /**
   * Deletes the records, then the DERs they named that no record names any more. EXCLUSIVE on
   * evidence_der waits for the records being stored (their check holds ROW SHARE) and the sweep's
   * snapshot, taken after, sees them: a DER one of them names stays (migration 1799400000000).
   */
  async delete(ids: readonly string[]): Promise<void> {
    if (!ids.length) return;
    await this.repo.manager.transaction(async (m) => {
      const named: { name: string }[] = await m.query(
        `WITH gone AS (DELETE FROM verifier.validation_evidence WHERE id = ANY($1::uuid[])
                        RETURNING verifier.evidence_der_names(material) AS names)
         SELECT DISTINCT name FROM gone, unnest(gone.names) name`,
        [[...ids]],
      );
      if (!named.length) return;
      await m.query('LOCK TABLE verifier.evidence_der IN EXCLUSIVE MODE');
      await m.query(
        `DELETE FROM verifier.evidence_der d WHERE d.sha256 = ANY($1::text[]) AND NOT EXISTS (
           SELECT 1 FROM verifier.validation_evidence e
            WHERE e.material->>'format' = '2' AND verifier.evidence_der_names(e.material) @> ARRAY[d.sha256])`,
        [named.map((n) => n.name)],
      );
    });
  }
}

/** A row as `SELECT *` gives it (pg parses jsonb and timestamptz), with its version. */
interface EvidenceRow {
  id: string;
  validation_id: string;
  document_sha256: string;
  validated_at: Date;
  signatures: SignatureEvidence[];
  material: EvidenceMaterial | NamedMaterial;
  report: DocumentReport;
  record_sha256: string;
  audit_seq: string | null;
  audit_hash: string | null;
  sealed_at: Date | null;
  xmin: string;
}

const entityOf = (r: EvidenceRow): Omit<EvidenceEntity, 'createdAt'> => ({
  id: r.id,
  validationId: r.validation_id,
  documentSha256: r.document_sha256,
  validatedAt: r.validated_at,
  signatures: r.signatures,
  material: r.material,
  report: r.report,
  recordSha256: r.record_sha256,
  auditSeq: r.audit_seq,
  auditHash: r.audit_hash,
  sealedAt: r.sealed_at,
});

function toStored(e: Omit<EvidenceEntity, 'createdAt'>, derOf: (sha256: string) => string | undefined): StoredEvidence {
  const named = isNamed(e.material) ? e.material : undefined;
  return {
    id: e.id,
    validationId: e.validationId,
    documentSha256: e.documentSha256,
    validatedAt: e.validatedAt,
    signatures: e.signatures,
    material: named ? materialOf(named, derOf) : (e.material as EvidenceMaterial),
    ...(named && { named }),
    report: e.report,
    recordSha256: e.recordSha256,
    seal:
      e.auditSeq && e.auditHash && e.sealedAt
        ? { auditSeq: e.auditSeq, auditHash: e.auditHash, sealedAt: e.sealedAt }
        : null,
  };
}
