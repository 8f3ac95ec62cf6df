import { randomUUID } from 'node:crypto';
import { type FactoryProvider, Logger } from '@nestjs/common';
import { Clock, INTERNAL_CALL_TIMEOUT_MS, InternalClient } from '@kyso/common';
import type { AppendAuditEventDto } from '@kyso/contracts';
import type { Certificate, DocumentReport, ExternalProofOfExistence } from '@kyso/pki';
import type { FetchRecord } from '../revocation/queued-fetcher';
import { evidenceConfig, type VerifierConfig } from '../config';
import { EvidenceAudit, RegistryEvidenceAudit } from './evidence-audit';
import { buildEvidence, EvidenceRecord, evidenceSha256, proofsFromEvidence, StoredEvidence } from './evidence-record';
import { EvidenceRepository } from './evidence.repository';

/** What a finished validation's record is made of. */
export interface EvidenceInput {
  validationId: string;
  pdf: Uint8Array;
  report: DocumentReport;
  trustAnchors: readonly Certificate[];
  fetches: readonly FetchRecord[];
}

/** Audit actions of the evidence (the registry's dotted verbs). */
export const EVIDENCE_RECORDED = 'validation.evidence-recorded';
export const EVIDENCE_PURGED = 'validation.evidence-purged';

/** Records sealed or purged per maintenance run, so one run stays short. */
export const EVIDENCE_BATCH = 200;

/** Records sealed by one audit event at most (about 250 bytes each in the event). */
export const SEAL_BATCH = 100;

/** What sealing a record needs of it: the facts its audit event lists. */
export type RecordToSeal = Pick<
  EvidenceRecord,
  'id' | 'validationId' | 'documentSha256' | 'validatedAt' | 'recordSha256'
>;

/**
 * Only those facts, for a record waiting to be sealed: the record itself (its report, DERs and
 * their serialisations) is not kept alive while the seal waits (a second, or up to
 * SEALER_MAX_WAITING records while a seal is slow to answer).
 */
export function toSeal(r: RecordToSeal): RecordToSeal {
  return {
    id: r.id,
    validationId: r.validationId,
    documentSha256: r.documentSha256,
    validatedAt: r.validatedAt,
    recordSha256: r.recordSha256,
  };
}

/**
 * The audit event sealing records: every record's id, validation, document digest, validation time
 * and recordSha256. The event's hash in the chain seals them all.
 */
export function sealEvent(records: readonly RecordToSeal[]): AppendAuditEventDto {
  return {
    action: EVIDENCE_RECORDED,
    entityType: 'validation_evidence',
    entityId: null,
    after: {
      records: records.map((r) => ({
        evidenceId: r.id,
        validationId: r.validationId,
        documentSha256: r.documentSha256,
        validatedAt: r.validatedAt.toISOString(),
        recordSha256: r.recordSha256,
      })),
    },
  };
}

const DAY_MS = 86_400_000;

/**
 * The verifier's own evidence as proof of existence (issue 10, R26): each finished validation is
 * kept with its report and what it rested on, and sealed by an event in the registry's hash-chained
 * audit log. A later validation of the same bytes takes the sealed records as POE (see
 * proofsFromEvidence for the rule). Records older than the retention are purged; each purge is
 * audited before anything is deleted.
 */
export class ValidationEvidence {
  private readonly logger = new Logger('ValidationEvidence');
  /** Stored records found to hash to their sealed hash (objects held by the repository's cache). */
  private readonly hashed = new WeakSet<StoredEvidence>();

  constructor(
    private readonly records: EvidenceRepository,
    private readonly audit: EvidenceAudit,
    private readonly clock: Clock,
    private readonly retentionDays: number,
  ) {}

  /** The POEs our sealed records give the signatures of this document (digest hex, any case). */
  async proofsFor(documentSha256: string): Promise<ExternalProofOfExistence[]> {
    const digest = documentSha256.toUpperCase();
    // The earliest proof of each signature is the one that counts: only those records are read and
    // hashed (a document validated thousands of times stays one query). Should one of them no
    // longer hash to what was sealed, every record is weighed, as the rule says.
    const earliest = await this.records.earliestProofs(digest);
    if (earliest.every((r) => this.intact(r))) return proofsFromEvidence(earliest, (r) => this.intact(r));
    return proofsFromEvidence(await this.records.forDocument(digest));
  }

  /**
   * Whether the record still hashes to what was sealed. The repository hands back the same object
   * for a row it read before and that was not changed since (earliestProofs), so each is hashed once.
   */
  private intact(r: StoredEvidence): boolean {
    if (this.hashed.has(r)) return true;
    const ok = evidenceSha256(r) === r.recordSha256;
    if (ok) this.hashed.add(r);
    return ok;
  }

  /**
   * Stores the record of a finished validation, then tries to seal it. A registry that cannot be
   * reached leaves it unsealed (logged); the maintenance job seals it later. A database failure
   * throws, so the validation job is retried and the record is not lost.
   */
  async record(input: EvidenceInput): Promise<EvidenceRecord> {
    const record = this.build(input);
    await this.records.insert(record);
    await this.sealAll([record]);
    return record;
  }

  /** The record of a finished validation, not stored: for a caller storing it with its validation. */
  build(input: EvidenceInput): EvidenceRecord {
    return buildEvidence({ id: randomUUID(), ...input });
  }

  /**
   * Seals records with ONE audit event listing each record's hash (so each still proves its own
   * content: a changed record no longer hashes to the value the chain holds) and one UPDATE giving
   * them all the event's place in the chain. False (logged) when the registry did not take it: the
   * records stay unsealed for the maintenance job.
   */
  async sealAll(records: readonly RecordToSeal[]): Promise<boolean> {
    if (records.length === 0) return true;
    try {
      const receipt = await this.audit.append(sealEvent(records));
      await this.records.markSealed(
        records.map((r) => r.id),
        { auditSeq: receipt.seq, auditHash: receipt.hash, sealedAt: this.clock.now() },
      );
      return true;
    } catch (e) {
      this.logger.warn(
        `${records.length} evidence record(s) kept unsealed (sealed by the next maintenance run): ${(e as Error).message}`,
      );
      return false;
    }
  }

  /** Seals records the registry could not take when they were made, SEAL_BATCH per event; stops at the first failure. */
  async sealPending(): Promise<number> {
    const pending = await this.records.unsealed(EVIDENCE_BATCH);
    let sealed = 0;
    for (let i = 0; i < pending.length; i += SEAL_BATCH) {
      const batch = pending.slice(i, i + SEAL_BATCH);
      if (!(await this.sealAll(batch))) break;
      sealed += batch.length;
    }
    return sealed;
  }

  /**
   * Deletes records validated more than `retentionDays` ago. The purge is audited first (ids and
   * sealed hashes of what goes): when the registry cannot take the event nothing is deleted.
   */
  async purge(): Promise<number> {
    const before = new Date(this.clock.now().getTime() - this.retentionDays * DAY_MS);
    const expired = await this.records.validatedBefore(before, EVIDENCE_BATCH);
    if (expired.length === 0) return 0;
    await this.audit.append({
      action: EVIDENCE_PURGED,
      entityType: 'validation_evidence',
      entityId: null,
      before: {
        retentionDays: this.retentionDays,
        validatedBefore: before.toISOString(),
        records: expired.map((r) => ({
          evidenceId: r.id,
          documentSha256: r.documentSha256,
          recordSha256: r.recordSha256,
          auditSeq: r.seal?.auditSeq ?? null,
        })),
      },
    });
    await this.records.delete(expired.map((r) => r.id));
    return expired.length;
  }

  /** The repeatable maintenance job: seal what waits, then purge what expired. */
  async maintain(): Promise<{ sealed: number; purged: number }> {
    const sealed = await this.sealPending();
    const purged = await this.purge();
    return { sealed, purged };
  }
}

/** The evidence keeper of the API (fast path, inbound checks) and of the worker alike, audited in the registry. */
export function validationEvidenceProvider(config: VerifierConfig): FactoryProvider<ValidationEvidence> {
  return {
    provide: ValidationEvidence,
    inject: [EvidenceRepository, Clock],
    useFactory: (records: EvidenceRepository, clock: Clock) =>
      new ValidationEvidence(
        records,
        new RegistryEvidenceAudit(
          new InternalClient(
            config.registryUrl,
            config.internalToken,
            INTERNAL_CALL_TIMEOUT_MS,
            'the registry service',
            config.sockets?.registry,
          ),
        ),
        clock,
        evidenceConfig(config).retentionDays,
      ),
  };
}
