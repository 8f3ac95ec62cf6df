import type { Clock } from '@kyso/common';
import type { ExternalProofOfExistence } from '@kyso/pki';
import { HELD_MAX_AGE_MS } from '../revocation/held-caches';
import type { TableChanges } from '../table-changes';
import type { EvidenceRecord } from './evidence-record';

/** Documents whose proofs are held at most; records built here and not yet heard sealed, at most. */
const HELD_DOCUMENTS = 1_000;
const BUILT_RECORDS = 1_000;

/** Where the proofs come from (ValidationEvidence: the earliest sealed records, their hashes checked). */
export interface ProofSource {
  proofsFor(documentSha256: string): Promise<ExternalProofOfExistence[]>;
}

/**
 * What a built record's seal is judged by (sealChangesNothing): its document and its TOTAL-PASSED
 * signatures' judged times. Kept until the seal is heard (about a second, up to BUILT_RECORDS), so
 * not the record itself with its report and DERs.
 */
interface BuiltRecord {
  documentSha256: string;
  passed: { signatureSha256: string; judgedAt: number; evidenceId: string | null }[];
}

function builtFacts(record: EvidenceRecord): BuiltRecord {
  return {
    documentSha256: record.documentSha256.toUpperCase(),
    passed: record.report.signatures
      .filter((s) => s.indication === 'TOTAL-PASSED')
      .map((s) => ({
        signatureSha256: s.signatureSha256,
        judgedAt: new Date(s.signingTime.judgedAt).getTime(),
        evidenceId: s.signingTime.evidenceId,
      })),
  };
}

interface Held {
  proofs: Promise<ExternalProofOfExistence[]>;
  /** The proofs once read. */
  value?: ExternalProofOfExistence[];
  epoch: number;
  at: number;
}

/**
 * The fast path's proofs of existence, per document held in memory (issue 16.3: the proofs query
 * was one round trip per validation). They are what `ValidationEvidence.proofsFor` answered, taken
 * from sealed records whose hashes were checked; they are served while no change of that
 * document's evidence was heard (a record sealed, changed or deleted: TableChanges, migration
 * 1799320000000) and for HELD_MAX_AGE_MS at most. The read in flight is what is held, so
 * concurrent validations of one document share one query, and a change heard during the read
 * drops it for every later caller. While changes cannot be heard every call reads through; what was
 * held before a gap is never served after it.
 *
 * One change keeps them: the seal (and nothing else) of a record this process built (`built`)
 * whose every TOTAL-PASSED signature already has a held proof judged earlier, or at the same time
 * by the very record its own proof came from (validated before it): the proofs query would give
 * the same proofs. That is a document validated again and again, whose own seals would otherwise
 * drop its proofs every few validations.
 */
export class HeldProofs implements ProofSource {
  private readonly held = new Map<string, Held>();
  private readonly built = new Map<string, BuiltRecord>();

  constructor(
    private readonly source: ProofSource,
    private readonly changes: TableChanges,
    private readonly clock: Clock,
  ) {
    changes.onEvidence((payload) => this.heard(payload));
  }

  proofsFor(documentSha256: string): Promise<ExternalProofOfExistence[]> {
    const digest = documentSha256.toUpperCase();
    const epoch = this.changes.epoch();
    if (epoch === undefined) return this.source.proofsFor(digest);
    const now = this.clock.now().getTime();
    const hit = this.held.get(digest);
    if (hit && hit.epoch === epoch && now - hit.at < HELD_MAX_AGE_MS) return hit.proofs;
    const proofs = this.source.proofsFor(digest);
    const entry: Held = { proofs, epoch, at: now };
    this.held.delete(digest);
    this.held.set(digest, entry);
    // Oldest read first out.
    if (this.held.size > HELD_DOCUMENTS) this.held.delete(this.held.keys().next().value!);
    proofs.then(
      (value) => (entry.value = value),
      // A failed read is not held (its caller sees the failure).
      () => this.held.get(digest) === entry && this.held.delete(digest),
    );
    return proofs;
  }

  /** A record this process stored and will seal: its seal may leave the held proofs as they are. */
  keepBuilt(record: EvidenceRecord): void {
    this.built.set(record.id, builtFacts(record));
    if (this.built.size > BUILT_RECORDS) this.built.delete(this.built.keys().next().value!);
  }

  private heard(payload: string): void {
    if (payload === '*') return this.held.clear();
    const [digest, what, id] = payload.split(' ');
    const key = digest.toUpperCase();
    const record = what === 'sealed' ? this.built.get(id) : undefined;
    if (record) this.built.delete(id);
    const held = this.held.get(key);
    if (held && !(record && record.documentSha256 === key && sealChangesNothing(held, record))) this.held.delete(key);
  }
}

/** Whether the proofs query would still give `held` once `record` is sealed (see HeldProofs). */
function sealChangesNothing(held: Held, record: BuiltRecord): boolean {
  const proofs = held.value;
  if (!proofs) return false; // still being read: it may or may not have seen the seal
  return record.passed.every((s) =>
    proofs.some(
      (p) =>
        p.signatureSha256 === s.signatureSha256 &&
        (p.time.getTime() < s.judgedAt ||
          (p.time.getTime() === s.judgedAt && p.evidenceId !== undefined && p.evidenceId === s.evidenceId)),
    ),
  );
}
