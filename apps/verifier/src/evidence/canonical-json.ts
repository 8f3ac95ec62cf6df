import { createHash } from 'node:crypto';

/** Object keys as JSON (quoted, escaped): the same few names recur in every record. */
const QUOTED_KEYS = new Map<string, string>();
const QUOTED_KEYS_MAX = 4096;
function quotedKey(k: string): string {
  let q = QUOTED_KEYS.get(k);
  if (q === undefined) {
    q = JSON.stringify(k);
    if (QUOTED_KEYS.size < QUOTED_KEYS_MAX) QUOTED_KEYS.set(k, q);
  }
  return q;
}

/**
 * JSON with object keys sorted: the same value gives the same bytes after a jsonb round trip. The
 * bytes of every stored record's hash: what this writes must never change (evidence-record.spec
 * compares it with the first version over varied values). Loops, one sort per object and quoted
 * keys remembered, for speed: it runs over each record, report included.
 */
export function canonicalJson(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i) out += ',';
      out += canonicalJson(value[i]) ?? '';
    }
    return `${out}]`;
  }
  const o = value as Record<string, unknown>;
  // Default sort: by UTF-16 code units, as the comparison of strings with < is.
  const keys = Object.keys(o).sort();
  let out = '{';
  let first = true;
  for (let i = 0; i < keys.length; i++) {
    const v = o[keys[i]];
    if (v === undefined) continue;
    if (first) first = false;
    else out += ',';
    // A value JSON cannot write (a function) gives "undefined", as the first version did.
    out += `${quotedKey(keys[i])}:${canonicalJson(v)}`;
  }
  return `${out}}`;
}

/**
 * SHA-256 (hex) of `content`'s canonical JSON with `report` parsed from `reportJson`: a record's
 * hash (hashedWithoutReport) where only the report's JSON text is at hand, as in the record hash
 * thread. Imports nothing else, so that thread loads only this module.
 */
export function reportedContentSha256(content: Record<string, unknown>, reportJson: string): string {
  const hashed = { ...content, report: JSON.parse(reportJson) as unknown };
  return createHash('sha256').update(canonicalJson(hashed)!).digest('hex');
}
