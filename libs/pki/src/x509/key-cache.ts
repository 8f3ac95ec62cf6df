import { createHash, createPublicKey, KeyObject } from 'node:crypto';
import { BoundedCache } from './bounded-cache';

/**
 * Caches for the two costs that dominate path validation (measured in bench/: creating a
 * KeyObject from DER took ~70% of validatePath). Both are keyed by the exact bytes they are a
 * pure function of, so a hit can never answer for different input.
 */

/** Budgets: distinct issuer keys kept parsed, and signature verdicts remembered. */
export const PUBLIC_KEY_CACHE_ENTRIES = 1024;
export const SIGNATURE_VERDICT_CACHE_ENTRIES = 4096;

/** Parsed public keys by SPKI DER (the key string is the bytes themselves, latin1). */
export const PUBLIC_KEY_CACHE = new BoundedCache<string, KeyObject>(PUBLIC_KEY_CACHE_ENTRIES);

/**
 * Verdicts of "these bytes were signed by this key" by SHA-256 of (SPKI, algorithm, data,
 * signature). Repeated checks (an intermediate signed by its root, a CRL's signature) then cost
 * one hash instead of a public-key operation. Set `resize(0)` to measure without it.
 */
export const SIGNATURE_VERDICT_CACHE = new BoundedCache<string, string>(SIGNATURE_VERDICT_CACHE_ENTRIES);

const asBuffer = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/** A KeyObject for a DER SubjectPublicKeyInfo; throws like createPublicKey when unusable. */
export function publicKeyOf(spki: Uint8Array): KeyObject {
  const buf = asBuffer(spki);
  const id = buf.toString('latin1');
  const hit = PUBLIC_KEY_CACHE.get(id);
  if (hit) return hit;
  const key = createPublicKey({ key: buf, format: 'der', type: 'spki' });
  PUBLIC_KEY_CACHE.set(id, key);
  return key;
}

/** The verdict cache key: every input, each length-prefixed so that no two inputs share one. */
export function verdictKey(
  spki: Uint8Array,
  algorithmOid: string,
  params: Uint8Array | undefined,
  data: Uint8Array | readonly Uint8Array[],
  signature: Uint8Array,
): string {
  const h = createHash('sha256');
  const part = (b: Uint8Array) => {
    const len = Buffer.allocUnsafe(4);
    len.writeUInt32BE(b.byteLength);
    h.update(len).update(b);
  };
  part(spki);
  part(Buffer.from(algorithmOid, 'latin1'));
  part(params ?? new Uint8Array());
  if (data instanceof Uint8Array) part(data);
  else {
    const total = data.reduce((n, c) => n + c.byteLength, 0);
    part(Buffer.from(`chunks:${data.length}:${total}`, 'latin1'));
    for (const c of data) part(c);
  }
  part(signature);
  return h.digest('base64');
}

/** The verdict remembered for the inputs `key` names (SIGNATURE_VERDICT_CACHE), computed and kept on a miss. */
export function rememberedVerdict<V extends string>(key: () => string, compute: () => V): V {
  if (SIGNATURE_VERDICT_CACHE.maxEntries === 0) return compute();
  const id = key();
  const hit = SIGNATURE_VERDICT_CACHE.get(id) as V | undefined;
  if (hit) return hit;
  const verdict = compute();
  SIGNATURE_VERDICT_CACHE.set(id, verdict);
  return verdict;
}
