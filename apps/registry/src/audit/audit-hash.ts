import { createHash } from 'node:crypto';

/** prev_hash of the first entry: the chain starts from a known value, so deleting entry 1 is detectable. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Deterministic JSON: object keys sorted at every depth, no whitespace. Values are first taken
 * through a JSON round trip (Dates become ISO strings, undefined disappears) so the hash is over
 * exactly what jsonb stores and gives back.
 */
export function canonicalJson(value: unknown): string {
  return write(value === undefined ? null : JSON.parse(JSON.stringify(value)));
}

function write(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(write).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${write(o[k])}`)
    .join(',')}}`;
}

/** The fields an entry's hash covers: everything but the hash itself. */
export interface HashedFields {
  seq: string;
  at: Date;
  actor: unknown;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
  prevHash: string;
}

/** SHA-256 over the canonical JSON of the entry and the previous entry's hash (lower-case hex). */
export function entryHash(f: HashedFields): string {
  const body = canonicalJson({
    seq: f.seq,
    at: f.at.toISOString(),
    actor: f.actor,
    action: f.action,
    entityType: f.entityType,
    entityId: f.entityId,
    before: f.before ?? null,
    after: f.after ?? null,
    requestId: f.requestId,
  });
  return createHash('sha256').update(body).update('\n').update(f.prevHash).digest('hex');
}
