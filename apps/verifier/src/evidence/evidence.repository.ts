import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, LessThan, Repository } from 'typeorm';
import { EvidenceEntity } from './evidence.entity';
import type { EvidenceRecord, StoredEvidence } from './evidence-record';

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
  abstract find(id: string): Promise<StoredEvidence | undefined>;
  abstract markSealed(id: string, seal: NonNullable<StoredEvidence['seal']>): Promise<void>;
  /** The oldest records still waiting for their seal. */
  abstract unsealed(limit: number): Promise<StoredEvidence[]>;
  /** Records validated before `before`, oldest first: what a purge removes. */
  abstract validatedBefore(before: Date, limit: number): Promise<StoredEvidence[]>;
  abstract delete(ids: readonly string[]): Promise<void>;
}

@Injectable()
export class TypeOrmEvidenceRepository extends EvidenceRepository {
  constructor(@InjectRepository(EvidenceEntity) private readonly repo: Repository<EvidenceEntity>) {
    super();
  }

  async insert(r: EvidenceRecord): Promise<void> {
    await this.repo
      .createQueryBuilder()
      .insert()
      .values({ ...r })
      .orIgnore()
      .execute();
  }

  async forDocument(documentSha256: string): Promise<StoredEvidence[]> {
    return (await this.repo.find({ where: { documentSha256 }, order: { validatedAt: 'ASC' } })).map(toStored);
  }

  async earliestProofs(documentSha256: string): Promise<StoredEvidence[]> {
    const ids: { id: string }[] = await this.repo.query(
      `SELECT DISTINCT ON (s->>'signatureSha256') e.id
         FROM verifier.validation_evidence e, jsonb_array_elements(e.signatures) s
        WHERE e.document_sha256 = $1 AND e.audit_hash IS NOT NULL AND s->>'totalPassed' = 'true'
        ORDER BY s->>'signatureSha256', (s->>'judgedAt')::timestamptz, e.validated_at`,
      [documentSha256],
    );
    if (!ids.length) return [];
    return (await this.repo.findBy({ id: In([...new Set(ids.map((r) => r.id))]) })).map(toStored);
  }

  async find(id: string): Promise<StoredEvidence | undefined> {
    const e = await this.repo.findOneBy({ id });
    return e ? toStored(e) : undefined;
  }

  async markSealed(id: string, seal: NonNullable<StoredEvidence['seal']>): Promise<void> {
    await this.repo.update({ id }, seal);
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

function toStored(e: EvidenceEntity): StoredEvidence {
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
