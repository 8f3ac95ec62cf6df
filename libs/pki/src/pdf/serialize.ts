import { isRegular } from './lexer';
import { PdfDict, PdfName, PdfObject, PdfRef, PdfStream, PdfString } from './objects';

/** Writes a value as PDF syntax (latin1 text: one char per byte). Streams are written with their raw data. */
export function serializeValue(o: PdfObject): string {
  if (o === null) return 'null';
  if (o === true) return 'true';
  if (o === false) return 'false';
  if (typeof o === 'number') return formatNumber(o);
  if (o instanceof PdfName) return serializeName(o.value);
  if (o instanceof PdfRef) return `${o.num} ${o.gen} R`;
  if (o instanceof PdfString) return serializeString(o);
  if (Array.isArray(o)) return `[${o.map(serializeValue).join(' ')}]`;
  if (o instanceof PdfDict) return serializeDict(o);
  if (o instanceof PdfStream) {
    const dict = o.dict.clone().set('Length', o.dataEnd - o.dataStart);
    return `${serializeDict(dict)}\nstream\n${Buffer.from(o.raw).toString('latin1')}\nendstream`;
  }
  throw new TypeError('not a PDF object');
}

function serializeDict(d: PdfDict): string {
  let s = '<<';
  for (const [k, v] of d.map) s += `${serializeName(k)} ${serializeValue(v)}`;
  return `${s}>>`;
}

function serializeName(name: string): string {
  let s = '/';
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i) & 0xff;
    s += c > 0x20 && c < 0x7f && c !== 0x23 && isRegular(c) ? name[i] : `#${c.toString(16).padStart(2, '0')}`;
  }
  return s;
}

function serializeString(o: PdfString): string {
  if (o.hex) return `<${Buffer.from(o.bytes).toString('hex')}>`;
  let s = '(';
  for (const c of o.bytes) {
    if (c === 0x28 || c === 0x29 || c === 0x5c) s += `\\${String.fromCharCode(c)}`;
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += `\\${c.toString(8).padStart(3, '0')}`;
  }
  return `${s})`;
}

/** Integers as is; reals in fixed notation (PDF has no exponent syntax). */
function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return '0';
  if (Number.isInteger(n)) return String(n);
  const s = n.toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}
