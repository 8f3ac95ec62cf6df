import { readTlv, TAG } from '../x509/tlv';

/**
 * Whether bytes are DER (X.690 section 10), as RFC 5280 4.1 and 5.1 require of certificates and
 * CRLs: the reader is lenient (pkijs reads BER), this check is not. Walks every element, descending
 * into constructed ones, and returns the first problem found: a length or INTEGER not in minimal
 * form, a BOOLEAN other than 00/FF, a bad BIT STRING, a time with fractions or offsets. Extension
 * values (OCTET STRINGs holding DER) are walked by the caller. Budgeted by MAX_DER_ELEMENTS.
 */
export const MAX_DER_ELEMENTS = 20_000;
/** Nesting depth budget: certificates nest about ten levels; this bounds the recursion. */
export const MAX_DER_DEPTH = 64;

const TIME_FORMS: Record<number, RegExp> = { [TAG.UTC_TIME]: /^\d{12}Z$/, [TAG.GENERALIZED_TIME]: /^\d{14}Z$/ };

export function derProblem(bytes: Uint8Array): string | undefined {
  try {
    const top = readTlv(bytes);
    if (top.end !== bytes.length) return 'data after the structure';
    return walk(bytes, 0, bytes.length, { left: MAX_DER_ELEMENTS }, 0);
  } catch (e) {
    return (e as Error).message;
  }
}

function walk(b: Uint8Array, start: number, end: number, budget: { left: number }, depth: number): string | undefined {
  if (depth > MAX_DER_DEPTH) return 'nesting too deep';
  for (let p = start; p < end;) {
    if (--budget.left < 0) return 'too many elements';
    const t = readTlv(b, p, end);
    const problem = elementProblem(b, p, t.valueStart, t.end, t.tag);
    if (problem) return problem;
    if (t.tag & 0x20) {
      const inner = walk(b, t.valueStart, t.end, budget, depth + 1);
      if (inner) return inner;
    }
    p = t.end;
  }
  return undefined;
}

function elementProblem(
  b: Uint8Array,
  start: number,
  valueStart: number,
  end: number,
  tag: number,
): string | undefined {
  const len = end - valueStart;
  if (valueStart - start > 2 && (len < 0x80 || b[start + 2] === 0)) return 'length not in minimal form';
  const v = b.subarray(valueStart, end);
  if (tag === TAG.BOOLEAN && (v.length !== 1 || (v[0] !== 0 && v[0] !== 0xff))) return 'BOOLEAN not 00 or FF';
  if (tag === TAG.INTEGER || tag === TAG.ENUMERATED) {
    if (v.length === 0) return 'empty INTEGER';
    if (v.length > 1 && ((v[0] === 0 && v[1] < 0x80) || (v[0] === 0xff && v[1] >= 0x80)))
      return 'INTEGER not in minimal form';
  }
  if (tag === TAG.BIT_STRING && (v.length === 0 || v[0] > 7 || (v.length === 1 && v[0] !== 0))) return 'bad BIT STRING';
  const form = TIME_FORMS[tag];
  if (form && !form.test(Buffer.from(v).toString('latin1'))) return 'time not in DER form (whole seconds, Z)';
  return undefined;
}
