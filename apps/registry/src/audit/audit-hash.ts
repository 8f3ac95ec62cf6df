import { createHash } from 'node:crypto';

/** prev_hash of the first entry: the chain starts from a known value, so deleting entry 1 is detectable. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Deterministic JSON: object keys sorted at every depth, no whitespace. Values are written by
 * JSON.stringify's rules (toJSON, so Dates become ISO strings; undefined, functions and symbols
 * left out of objects and null in arrays), so the hash is over exactly what jsonb stores and gives
 * back, without a JSON round trip of every entry first.
 */
export function canonicalJson(value: unknown): string {
  return write(value) ?? 'null';
}

function write(value: unknown): string | undefined {
  let v = value;
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function')
    v = (v as { toJSON: () => unknown }).toJSON();
  if (v instanceof Number || v instanceof String || v instanceof Boolean) v = v.valueOf();
  if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return undefined;
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) {
    const items: string[] = [];
    for (let i = 0; i < v.length; i++) items.push(write(v[i]) ?? 'null');
    return `[${items.join(',')}]`;
  }
  const o = v as Record<string, unknown>;
  const fields: string[] = [];
  for (const k of Object.keys(o).sort()) {
    const w = write(o[k]);
    if (w !== undefined) fields.push(`${JSON.stringify(k)}:${w}`);
  }
  return `{${fields.join(',')}}`;
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
