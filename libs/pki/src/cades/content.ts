import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/**
 * The content a CAdES signature covers: bytes in memory, a file path, or a stream of chunks. A path
 * or a stream is hashed as it is read, so a big detached file is never held in memory.
 */
export type CmsContent = Uint8Array | { path: string } | AsyncIterable<Uint8Array>;

/** The content's digests (node algorithm names, e.g. 'sha256') and length, in one pass. */
export async function digestContent(
  content: CmsContent,
  algorithms: readonly string[] = ['sha256'],
): Promise<{ digests: Record<string, Buffer>; length: number }> {
  const hashes = [...new Set(algorithms)].map((a) => [a, createHash(a)] as const);
  let length = 0;
  const chunks: AsyncIterable<Uint8Array> | Uint8Array[] =
    content instanceof Uint8Array ? [content] : 'path' in content ? createReadStream(content.path) : content;
  for await (const chunk of chunks) {
    length += chunk.length;
    for (const [, h] of hashes) h.update(chunk);
  }
  return { digests: Object.fromEntries(hashes.map(([a, h]) => [a, h.digest()])), length };
}

/** The whole content in memory: only for attached signatures, which carry it anyway. */
export async function readContent(content: CmsContent): Promise<Uint8Array> {
  if (content instanceof Uint8Array) return content;
  const parts: Uint8Array[] = [];
  for await (const chunk of 'path' in content ? createReadStream(content.path) : content) parts.push(chunk);
  return Buffer.concat(parts);
}
