import { createHash } from 'node:crypto';
import { PdfDocument } from './document';
import { PdfDict, PdfName, PdfObject, PdfRef, PdfString } from './objects';
import { serializeValue } from './serialize';

/** One object written by an update: a new object, or a new version of an existing one (same number). */
export interface UpdateObject {
  num: number;
  gen: number;
  /** The serialized value (latin1 text or bytes), without the `obj`/`endobj` wrapper. */
  body: string | Uint8Array;
}

export interface IncrementalUpdate {
  /** Original bytes followed by the update: one allocation. */
  pdf: Uint8Array;
  /** File offset where each object's body starts. */
  bodyOffsets: Map<number, number>;
  /** Where the appended update begins (the original's length). */
  updateStart: number;
}

/** The appended bytes alone, for a file too large to copy: the output is the original followed by `update`. */
export type AppendedUpdate = Omit<IncrementalUpdate, 'pdf'> & { update: Uint8Array };

/**
 * Appends objects as an incremental update (ISO 32000-1, 7.5.6): the original bytes stay untouched,
 * a new cross-reference section with /Prev follows, of the same kind (table or stream) as the newest
 * one. /Root, /Info and /Encrypt are kept, /ID[0] kept and /ID[1] renewed from `idSeed`. The
 * objects of an encrypted document must come encrypted (encryptValue).
 */
export function appendIncrementalUpdate(
  doc: PdfDocument,
  objects: readonly UpdateObject[],
  idSeed: string,
): IncrementalUpdate {
  const { update, bodyOffsets, updateStart } = buildIncrementalUpdate(doc, objects, idSeed);
  const pdf = new Uint8Array(updateStart + update.length);
  pdf.set(doc.bytes, 0);
  pdf.set(update, updateStart);
  return { pdf, bodyOffsets, updateStart };
}

/** appendIncrementalUpdate without the copy of the original. */
export function buildIncrementalUpdate(
  doc: PdfDocument,
  objects: readonly UpdateObject[],
  idSeed: string,
): AppendedUpdate {
  const original = doc.bytes;
  const shift = doc.chain.shift;
  const parts: Uint8Array[] = [];
  let length = 0;
  const push = (p: string | Uint8Array): void => {
    const b = typeof p === 'string' ? Buffer.from(p, 'latin1') : p;
    parts.push(b);
    length += b.length;
  };
  const last = original[original.length - 1];
  if (last !== 0x0a && last !== 0x0d) push('\n');

  const bodyOffsets = new Map<number, number>();
  const xrefEntries: { num: number; gen: number; offset: number }[] = [];
  for (const o of objects) {
    const objOffset = original.length + length;
    push(`${o.num} ${o.gen} obj\n`);
    bodyOffsets.set(o.num, original.length + length);
    push(o.body);
    push('\nendobj\n');
    xrefEntries.push({ num: o.num, gen: o.gen, offset: objOffset - shift });
  }

  const old = doc.trailer;
  const oldSize = typeof old.get('Size') === 'number' ? (old.get('Size') as number) : 0;
  let size = Math.max(oldSize, nextObjectNumber(doc), ...objects.map((o) => o.num + 1));
  const trailer = new PdfDict();
  const asStream = doc.chain.sections[0].kind === 'stream';
  const xrefNum = size;
  if (asStream) size++;
  trailer.set('Size', size);
  for (const key of ['Root', 'Info', 'Encrypt']) {
    const v = old.get(key);
    if (v instanceof PdfRef || (key === 'Encrypt' && v instanceof PdfDict)) trailer.set(key, v);
  }
  trailer.set('ID', newId(old.get('ID'), idSeed, original.length));
  trailer.set('Prev', doc.chain.startxref);

  const xrefOffset = original.length + length;
  if (asStream) {
    xrefEntries.push({ num: xrefNum, gen: 0, offset: xrefOffset - shift });
    const maxOffset = Math.max(...xrefEntries.map((e) => e.offset));
    const w = Math.max(4, Math.ceil(Math.log2(maxOffset + 1) / 8));
    const sorted = [...xrefEntries].sort((a, b) => a.num - b.num);
    const data = Buffer.alloc(sorted.length * (1 + w + 2));
    sorted.forEach((e, i) => {
      const p = i * (3 + w);
      data[p] = 1;
      for (let k = 0; k < w; k++) data[p + 1 + k] = Math.floor(e.offset / 256 ** (w - 1 - k)) % 256;
      data.writeUInt16BE(Math.min(e.gen, 0xffff), p + 1 + w);
    });
    trailer.set('Type', new PdfName('XRef'));
    trailer.set('W', [1, w, 2]);
    trailer.set(
      'Index',
      subsections(sorted.map((e) => e.num)).flatMap(([first, count]) => [first, count]),
    );
    trailer.set('Length', data.length);
    push(`${xrefNum} 0 obj\n${serializeValue(trailer)}\nstream\n`);
    push(data);
    push('\nendstream\nendobj\n');
  } else {
    const sorted = [...xrefEntries].sort((a, b) => a.num - b.num);
    let text = 'xref\n';
    let i = 0;
    for (const [first, count] of subsections(sorted.map((e) => e.num))) {
      text += `${first} ${count}\n`;
      for (let k = 0; k < count; k++, i++) {
        text += `${String(sorted[i].offset).padStart(10, '0')} ${String(sorted[i].gen).padStart(5, '0')} n\r\n`;
      }
    }
    push(`${text}trailer\n${serializeValue(trailer)}\n`);
  }
  push(`startxref\n${xrefOffset - shift}\n%%EOF\n`);

  return { update: Buffer.concat(parts, length), bodyOffsets, updateStart: original.length };
}

/** Runs of consecutive object numbers: [first, count][]. */
function subsections(sortedNums: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const n of sortedNums) {
    const last = out[out.length - 1];
    if (last && last[0] + last[1] === n) last[1]++;
    else out.push([n, 1]);
  }
  return out;
}

function newId(old: PdfObject | undefined, seed: string, length: number): PdfString[] {
  const first = Array.isArray(old) && old[0] instanceof PdfString ? old[0] : null;
  const digest = createHash('md5')
    .update(seed)
    .update(String(length))
    .update(first ? first.bytes : new Uint8Array())
    .digest();
  const second = new PdfString(digest, true);
  return [first ? new PdfString(first.bytes, true) : second, second];
}

/** The first object number free for new objects: past /Size and past every number in the xref. */
export function nextObjectNumber(doc: PdfDocument): number {
  const size = doc.trailer.get('Size');
  let next = typeof size === 'number' && Number.isInteger(size) ? size : 1;
  for (const n of doc.entries.keys()) if (n >= next) next = n + 1;
  return next;
}
