import { PdfDocument } from './document';
import { PdfString } from './objects';
import { decodeTextString } from './text';

/** The degrees of state secrets (Law on Protection of State Secrets 2018, Art 8), as written on documents. */
export const STATE_SECRET_DEGREES = ['MẬT', 'TỐI MẬT', 'TUYỆT MẬT'] as const;
export type StateSecretDegree = (typeof STATE_SECRET_DEGREES)[number];

/** Where a document says it holds state secrets: the information key, or the form field, of this name. */
export const CONFIDENTIALITY_KEY = 'Confidentiality';

/**
 * The state-secret degree a document is marked with, or null. The marker is machine-readable, as an
 * e-office system sets it: the document information entry /Confidentiality, or a form field named
 * "Confidentiality" (any case), whose value is MẬT, TỐI MẬT or TUYỆT MẬT (any case, with or without
 * diacritics). Page text is not read: "mật" is also part of ordinary words ("bảo mật").
 */
export function stateSecretMarking(pdf: Uint8Array | PdfDocument): StateSecretDegree | null {
  const doc = pdf instanceof PdfDocument ? pdf : PdfDocument.open(pdf);
  const values: string[] = [];
  const info = doc.resolveDict(doc.trailer.get('Info'));
  const entry = info && doc.resolve(info.get(CONFIDENTIALITY_KEY));
  if (entry instanceof PdfString) values.push(decodeTextString(entry.bytes));
  for (const f of doc.fields()) {
    if (f.name?.toLowerCase() !== CONFIDENTIALITY_KEY.toLowerCase()) continue;
    const v = doc.resolve(f.dict.get('V'));
    if (v instanceof PdfString) values.push(decodeTextString(v.bytes));
  }
  for (const v of values) {
    const degree = degreeOf(v);
    if (degree) return degree;
  }
  return null;
}

/** Vietnamese text compared loosely: without diacritics (đ as d), runs of white space as one space, trimmed. */
export const withoutDiacritics = (s: string) =>
  s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/gi, 'd').replace(/\s+/g, ' ').trim();

const plain = (s: string) => withoutDiacritics(s).toUpperCase();

function degreeOf(value: string): StateSecretDegree | null {
  const v = plain(value);
  return STATE_SECRET_DEGREES.find((d) => plain(d) === v) ?? null;
}
