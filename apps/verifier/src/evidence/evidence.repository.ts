import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, LessThan, Repository } from 'typeorm';
import { type NamedStatement, runNamed } from '../named-statement';
import { EvidenceEntity } from './evidence.entity';
import type { DocumentReport } from '@kyso/pki';
import type { EvidenceMaterial, EvidenceRecord, SignatureEvidence, StoredEvidence } from './evidence-record';

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
 * ignored) and its proof rows (validation_evidence_proof: one per TOTAL-PASSED signature, the index
 * earliestProofs reads), to be followed by the statement's main query; their parameters
 * (evidenceParams) numbered from `$first`; `reportParam` is the parameter holding the report's JSON,
 * so a statement that also stores the report elsewhere sends it once.
 */
export function evidenceWith(first: number, reportParam: string): string {
  const p = (i: number) => `$${first + i}`;
  return `WITH evidence AS (
      INSERT INTO verifier.validation_evidence
         (id, validation_id, document_sha256, validated_at, signatures, material, record_sha256, report)
       VALUES (${p(0)}, ${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${reportParam}) ON CONFLICT DO NOTHING
       RETURNING id, document_sha256, validated_at, signatures),
    proof AS (
      INSERT INTO verifier.validation_evidence_proof
        SELECT e.id, e.document_sha256, s->>'signatureSha256', (s->>'judgedAt')::timestamptz, e.validated_at
          FROM evidence e, jsonb_array_elements(e.signatures) s
         WHERE s->>'totalPassed' = 'true')`;
}

/** evidenceWith's parameters, in order (the report apart). */
export const evidenceParams = (r: EvidenceRecord): unknown[] => [
  r.id,
  r.validationId,
  r.documentSha256,
  r.validatedAt,
  JSON.stringify(r.signatures),
  JSON.stringify(r.material),
  r.recordSha256,
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
    await this.repo.query(`${evidenceWith(1, '$8')} SELECT 1`, [...evidenceParams(r), JSON.stringify(r.report)]);
  }

  async forDocument(documentSha256: string): Promise<StoredEvidence[]> {
    return (await this.repo.find({ where: { documentSha256 }, order: { validatedAt: 'ASC' } })).map(toStored);
  }

  /**
   * The same document validated again finds the same few records: a row whose version (xmin: any
   * UPDATE of the row changes it) is the one read before is not read again, and the same object is
   * returned, so the caller's hash check of it (ValidationEvidence) is not repeated either.
   */
  async earliestProofs(documentSha256: string): Promise<StoredEvidence[]> {
    const found = await runNamed<{ id: string; xmin: string }>(this.repo, EARLIEST_PROOFS, [documentSha256]);
    const versions = new Map(found.map((r) => [r.id, r.xmin]));
    const missing = [...versions.keys()].filter((id) => this.read.get(id)?.xmin !== versions.get(id));
    if (missing.length) {
      const rows: EvidenceRow[] = await this.repo.query(
        `SELECT id, validation_id, document_sha256, validated_at, signatures, material, report, record_sha256,
                audit_seq, audit_hash, sealed_at, xmin::text AS xmin
           FROM verifier.validation_evidence WHERE id = ANY($1::uuid[])`,
        [missing],
      );
      for (const e of rows) this.remember(e.id, e.xmin, fromRow(e));
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

  async markSealed(ids: readonly string[], seal: NonNullable<StoredEvidence['seal']>): Promise<void> {
    await this.repo.query(
      'UPDATE verifier.validation_evidence SET audit_seq = $2, audit_hash = $3, sealed_at = $4 WHERE id = ANY($1::uuid[])',
      [ids, seal.auditSeq, seal.auditHash, seal.sealedAt],
    );
  }

  async unsealed(limit: number): Promise<StoredEvidence[]> {
    return (await this.repo.find({ where: { auditHash: IsNull() }, order: { createdAt: 'ASC' }, take: limit })).map(
      toStored,
    );
  }

  async validatedBefore(before: Date, limit: number): Promise<StoredEvidence[]> {
    const found = await this.repo.find({
      where: { validatedAt: LessThan(before) },
      order: { validatedAt: 'ASC' },
      take: limit,
    });
    return found.map(toStored);
  }

  async delete(ids: readonly string[]): Promise<void> {
    if (ids.length) await this.repo.delete({ id: In([...ids]) });
  }
}

/** A row as `SELECT *` gives it (pg parses jsonb and timestamptz), with its version. */
interface EvidenceRow {
  id: string;
  validation_id: string;
  document_sha256: string;
  validated_at: Date;
  signatures: SignatureEvidence[];
  material: EvidenceMaterial;
  report: DocumentReport;
  record_sha256: string;
  audit_seq: string | null;
  audit_hash: string | null;
  sealed_at: Date | null;
  xmin: string;
}

const fromRow = (r: EvidenceRow): StoredEvidence =>
  toStored({
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

function toStored(e: Omit<EvidenceEntity, 'createdAt'>): StoredEvidence {
  return {
    id: e.id,
    validationId: e.validationId,
    documentSha256: e.documentSha256,
    validatedAt: e.validatedAt,
    signatures: e.signatures,
    material: e.material,
    report: e.report,
    recordSha256: e.recordSha256,
    seal:
      e.auditSeq && e.auditHash && e.sealedAt
        ? { auditSeq: e.auditSeq, auditHash: e.auditHash, sealedAt: e.sealedAt }
        : null,
  };
}
