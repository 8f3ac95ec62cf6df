import { createHash } from 'node:crypto';

/** prev_hash of the first entry: the chain starts from a known value, so deleting entry 1 is detectable. */
export const GENESIS_HASH = '0'.repeat(64);

/** A value as JSON.parse gives it (and jsonb gives back): what the log stores and hashes. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * A value as the log stores it: its JSON round trip (Dates become ISO strings, undefined and
 * functions are left out of objects...). undefined, absent, is stored as SQL NULL.
 */
export function toJsonValue(v: unknown): JsonValue {
  return v === undefined ? null : (JSON.parse(JSON.stringify(v) ?? 'null') as JsonValue);
}

/** Deterministic JSON of a JSON value: object keys sorted at every depth, no whitespace. */
export function canonicalJson(v: JsonValue): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const fields = Object.keys(v)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`);
  return `{${fields.join(',')}}`;
}

/** The fields an entry's hash covers: everything but the hash itself. */
export interface HashedFields {
  seq: string;
  at: Date;
  /** As stored: hashed whole, whatever fields it has. */
  actor: object;
  action: string;
  entityType: string;
  entityId: string | null;
  before: JsonValue;
  after: JsonValue;
  requestId: string | null;
  prevHash: string;
}

/** SHA-256 over the canonical JSON of the entry and the previous entry's hash (lower-case hex). */
export function entryHash(f: HashedFields): string {
  const body = canonicalJson({
    seq: f.seq,
    at: f.at.toISOString(),
    actor: f.actor as JsonValue,
    action: f.action,
    entityType: f.entityType,
    entityId: f.entityId,
    before: f.before,
    after: f.after,
    requestId: f.requestId,
  });
  return createHash('sha256').update(body).update('\n').update(f.prevHash).digest('hex');
}
