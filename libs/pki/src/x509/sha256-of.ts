import { createHash } from 'node:crypto';

/** Digests by bytes object: a signature's /Contents is hashed by the CMS parse and the report alike. */
const DIGESTS = new WeakMap<Uint8Array, Buffer>();

/**
 * SHA-256 of `bytes`, computed once per bytes object (callers treat parsed bytes as immutable, as
 * the per-object parse caches do). The digest returned is shared: read it, never write to it.
 */
export function sha256Of(bytes: Uint8Array): Buffer {
  let digest = DIGESTS.get(bytes);
  if (!digest) DIGESTS.set(bytes, (digest = createHash('sha256').update(bytes).digest()));
  return digest;
}
