import type { Clock } from '@kyso/common';
import type { ExternalProofOfExistence } from '@kyso/pki';
import { HELD_MAX_AGE_MS } from '../revocation/held-caches';
import type { TableChanges } from '../table-changes';

/** Documents whose proofs are held at most. */
const HELD_DOCUMENTS = 1_000;

/** Where the proofs come from (ValidationEvidence: the earliest sealed records, their hashes checked). */
export interface ProofSource {
  proofsFor(documentSha256: string): Promise<ExternalProofOfExistence[]>;
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
 */
export class HeldProofs implements ProofSource {
  private readonly held = new Map<string, { proofs: Promise<ExternalProofOfExistence[]>; epoch: number; at: number }>();

  constructor(
    private readonly source: ProofSource,
    private readonly changes: TableChanges,
    private readonly clock: Clock,
  ) {
    changes.onEvidence((digest) => (digest === '*' ? this.held.clear() : this.held.delete(digest)));
  }

  proofsFor(documentSha256: string): Promise<ExternalProofOfExistence[]> {
    const digest = documentSha256.toUpperCase();
    const epoch = this.changes.epoch();
    if (epoch === undefined) return this.source.proofsFor(digest);
    const now = this.clock.now().getTime();
    const hit = this.held.get(digest);
    if (hit && hit.epoch === epoch && now - hit.at < HELD_MAX_AGE_MS) return hit.proofs;
    const proofs = this.source.proofsFor(digest);
    this.held.delete(digest);
    this.held.set(digest, { proofs, epoch, at: now });
    // Oldest read first out.
    if (this.held.size > HELD_DOCUMENTS) this.held.delete(this.held.keys().next().value!);
    // A failed read is not held (its caller sees the failure).
    proofs.catch(() => this.held.get(digest)?.proofs === proofs && this.held.delete(digest));
    return proofs;
  }
}
