import { PdfDocument } from './document';
import { PDF_LIMITS, PdfFormatError } from './errors';
import { dictOf, PdfDict, PdfObject, PdfRef, PdfStream, PdfString, PdfName } from './objects';

export type PdfChangeKind = 'added' | 'changed' | 'deleted';

/** What an object is for, as far as judging a change needs to know. */
export type PdfObjectRole =
  | 'structure' // xref or object stream
  | 'signature' // /Type /Sig or /DocTimeStamp
  | 'signature-field' // /FT /Sig field or its widget
  | 'signature-appearance' // reached from a signature field's /AP
  | 'dss' // reached from the catalog's /DSS (PAdES LTV data)
  | 'catalog'
  | 'acroform'
  | 'info'
  | 'page'
  | 'array'
  | 'other';

export interface PdfChange {
  objectNumber: number;
  generation: number;
  change: PdfChangeKind;
  type: string | null;
  subtype: string | null;
  fieldType: string | null;
  role: PdfObjectRole;
  isStream: boolean;
  /** For a changed dictionary or stream: keys added, removed, or with another value. */
  keys?: { added: string[]; removed: string[]; modified: string[] };
  /** For a page (/Annots), catalog or AcroForm (/Fields), or array: object numbers referenced now and not before, and the reverse. */
  references?: { added: number[]; removed: number[]; directAdded: number };
}

/** Objects added, changed or deleted by the revisions whose xref sections start at or after `offset`. */
export function describeChangesAfter(pdf: Uint8Array, offset: number): PdfChange[] {
  const doc = PdfDocument.open(pdf);
  if (!Number.isSafeInteger(offset) || offset < 0 || offset > pdf.length) {
    throw new PdfFormatError('INVALID_OPTIONS', `offset ${offset} is not inside the file`);
  }
  const later = doc.chain.sections.filter((s) => s.offset >= offset);
  const old = doc.asOf(doc.chain.sections.filter((s) => s.offset < offset));
  const touched = new Set<number>();
  for (const s of later) for (const num of s.entries.keys()) touched.add(num);

  const roles = roleContext(doc);
  const out: PdfChange[] = [];
  for (const num of [...touched].sort((a, b) => a - b)) {
    const now = doc.entries.get(num);
    const before = old.entries.get(num);
    const inUseNow = !!now && now.type !== 'free';
    const inUseBefore = !!before && before.type !== 'free';
    if (!inUseNow && !inUseBefore) continue;
    const value = inUseNow ? doc.getObject(num) : old.getObject(num);
    const oldValue = inUseBefore ? old.getObject(num) : null;
    if (inUseNow && inUseBefore && sameValue(oldValue, value)) continue; // rewritten unchanged
    const change: PdfChangeKind = !inUseNow ? 'deleted' : inUseBefore ? 'changed' : 'added';
    const gen = now?.type === 'offset' ? now.gen : before?.type === 'offset' ? before.gen : 0;
    const dict = dictOf(value);
    const c: PdfChange = {
      objectNumber: num,
      generation: gen,
      change,
      type: dict?.name('Type') ?? null,
      subtype: dict?.name('Subtype') ?? null,
      fieldType: dict ? fieldTypeOf(doc, dict) : null,
      role: 'other',
      isStream: value instanceof PdfStream,
    };
    c.role = roleOf(c, num, value, roles);
    if (change === 'changed') {
      const oldDict = dictOf(oldValue);
      if (dict && oldDict) c.keys = keyDiff(oldDict, dict);
      if (c.role === 'page') c.references = referenceDiff(old.resolve(oldDict?.get('Annots')), doc.resolve(dict?.get('Annots')));
      if (c.role === 'array') c.references = referenceDiff(oldValue, value);
    }
    if (c.role === 'catalog' || c.role === 'acroform') {
      const fieldsOf = (d: PdfDocument, o: PdfObject): PdfObject => {
        const form = c.role === 'catalog' ? d.resolveDict(dictOf(o)?.get('AcroForm')) : dictOf(o);
        return d.resolve(form?.get('Fields'));
      };
      c.references = referenceDiff(inUseBefore ? fieldsOf(old, oldValue) : null, fieldsOf(doc, value));
    }
    out.push(c);
  }
  return out;
}

interface RoleContext {
  catalog: number;
  acroForm: number;
  info: number;
  dss: Set<number>;
  appearances: Set<number>;
}

function roleContext(doc: PdfDocument): RoleContext {
  const catalog = doc.catalog();
  const acroForm = catalog.dict.get('AcroForm');
  const info = doc.trailer.get('Info');
  const sigFields = doc.fields().filter((f) => f.fieldType === 'Sig');
  const appearanceRoots: PdfObject[] = [];
  for (const f of sigFields) {
    appearanceRoots.push(f.dict.get('AP') ?? null);
    const kids = doc.resolve(f.dict.get('Kids'));
    if (Array.isArray(kids)) for (const k of kids) appearanceRoots.push(doc.resolveDict(k)?.get('AP') ?? null);
  }
  return {
    catalog: catalog.ref.num,
    acroForm: acroForm instanceof PdfRef ? acroForm.num : -1,
    info: info instanceof PdfRef ? info.num : -1,
    dss: reachable(doc, [catalog.dict.get('DSS') ?? null]),
    appearances: reachable(doc, appearanceRoots),
  };
}

function roleOf(c: PdfChange, num: number, value: PdfObject, ctx: RoleContext): PdfObjectRole {
  if (c.type === 'XRef' || c.type === 'ObjStm') return 'structure';
  if (c.type === 'Sig' || c.type === 'DocTimeStamp') return 'signature';
  if (c.fieldType === 'Sig') return 'signature-field';
  if (num === ctx.catalog) return 'catalog';
  if (num === ctx.acroForm) return 'acroform';
  if (c.type === 'Page') return 'page';
  if (num === ctx.info) return 'info';
  if (ctx.dss.has(num)) return 'dss';
  if (ctx.appearances.has(num)) return 'signature-appearance';
  if (Array.isArray(value)) return 'array';
  return 'other';
}

/** /FT of a field or widget, inherited through /Parent. */
function fieldTypeOf(doc: PdfDocument, dict: PdfDict): string | null {
  let d: PdfDict | null = dict;
  for (let i = 0; d && i < PDF_LIMITS.maxTreeDepth; i++) {
    const ft = d.name('FT');
    if (ft) return ft;
    d = d.get('Parent') instanceof PdfRef ? doc.resolveDict(d.get('Parent')) : null;
  }
  return null;
}

/** Object numbers reachable from roots through references (bounded). */
function reachable(doc: PdfDocument, roots: PdfObject[]): Set<number> {
  const found = new Set<number>();
  const stack: { o: PdfObject; depth: number }[] = roots.map((o) => ({ o, depth: 0 }));
  while (stack.length > 0 && found.size < 10_000) {
    const { o, depth } = stack.pop()!;
    if (depth > PDF_LIMITS.maxNesting) continue;
    if (o instanceof PdfRef) {
      if (found.has(o.num)) continue;
      found.add(o.num);
      stack.push({ o: doc.getObject(o.num), depth: depth + 1 });
    } else if (Array.isArray(o)) for (const x of o) stack.push({ o: x, depth: depth + 1 });
    else {
      const d = dictOf(o);
      if (d) for (const [k, x] of d.map) if (k !== 'Parent' && k !== 'P') stack.push({ o: x, depth: depth + 1 });
    }
  }
  return found;
}

function keyDiff(a: PdfDict, b: PdfDict): { added: string[]; removed: string[]; modified: string[] } {
  const added = [...b.map.keys()].filter((k) => !a.has(k));
  const removed = [...a.map.keys()].filter((k) => !b.has(k));
  const modified = [...b.map.keys()].filter((k) => a.has(k) && !sameValue(a.get(k)!, b.get(k)!));
  return { added, removed, modified };
}

function referenceDiff(before: PdfObject, after: PdfObject): { added: number[]; removed: number[]; directAdded: number } {
  const list = (o: PdfObject) => (Array.isArray(o) ? o : []);
  const nums = (o: PdfObject) => new Set(list(o).filter((x): x is PdfRef => x instanceof PdfRef).map((r) => r.num));
  const direct = (o: PdfObject) => list(o).filter((x) => !(x instanceof PdfRef)).length;
  const [a, b] = [nums(before), nums(after)];
  return {
    added: [...b].filter((n) => !a.has(n)),
    removed: [...a].filter((n) => !b.has(n)),
    directAdded: Math.max(0, direct(after) - direct(before)),
  };
}

/** Structural equality; references compare by number and generation, streams by raw bytes. */
export function sameValue(a: PdfObject, b: PdfObject, depth = 0): boolean {
  if (depth > PDF_LIMITS.maxNesting) return false;
  if (a === b) return true;
  if (a instanceof PdfName && b instanceof PdfName) return a.value === b.value;
  if (a instanceof PdfRef && b instanceof PdfRef) return a.num === b.num && a.gen === b.gen;
  if (a instanceof PdfString && b instanceof PdfString) return Buffer.from(a.bytes).equals(Buffer.from(b.bytes));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i], depth + 1));
  if (a instanceof PdfStream && b instanceof PdfStream) return sameValue(a.dict, b.dict, depth + 1) && Buffer.from(a.raw).equals(Buffer.from(b.raw));
  if (a instanceof PdfDict && b instanceof PdfDict) {
    if (a.map.size !== b.map.size) return false;
    for (const [k, v] of a.map) if (!b.has(k) || !sameValue(v, b.get(k)!, depth + 1)) return false;
    return true;
  }
  return false;
}

const ALLOWED_KEYS: Partial<Record<PdfObjectRole, ReadonlySet<string>>> = {
  'signature-field': new Set(['V', 'AP', 'MK']),
  page: new Set(['Annots']),
  catalog: new Set(['AcroForm', 'DSS', 'Extensions']),
  acroform: new Set(['Fields', 'SigFlags']),
};

const ROLE_TEXT: Record<PdfObjectRole, string> = {
  structure: 'cross-reference or object stream',
  signature: 'signature dictionary',
  'signature-field': 'signature field',
  'signature-appearance': 'signature appearance',
  dss: 'document security store (validation data)',
  catalog: 'document catalog',
  acroform: 'interactive form',
  info: 'document information (metadata)',
  page: 'page',
  array: 'array',
  other: 'object',
};

/**
 * Judges changes made after a signature: a later signature (its dictionary, field/widget, the
 * page's /Annots and the form's /Fields gaining it), signature appearances, DSS/VRI data and
 * document timestamps are allowed; anything else (content streams, fonts, page content) is not.
 * Changes to the document information dictionary are metadata only and are allowed.
 */
export function classifyChanges(changes: readonly PdfChange[]): { allowed: boolean; description: string[] } {
  const newSignatureFields = new Set(changes.filter((c) => c.role === 'signature-field' && c.change === 'added').map((c) => c.objectNumber));
  const onlyNewSignatureFields = (c: PdfChange): boolean =>
    !c.references || (c.references.removed.length === 0 && c.references.directAdded === 0 && c.references.added.every((n) => newSignatureFields.has(n)));
  const onlyAllowedKeys = (c: PdfChange): boolean => {
    const allowed = ALLOWED_KEYS[c.role];
    if (!c.keys || !allowed) return true;
    return c.keys.removed.length === 0 && [...c.keys.added, ...c.keys.modified].every((k) => allowed.has(k));
  };
  const verdict = (c: PdfChange): boolean => {
    if (c.change === 'deleted') return false;
    // Existing streams (page content, fonts, images) never change, whatever points at them.
    if (c.change === 'changed' && c.isStream && c.role !== 'structure') return false;
    switch (c.role) {
      case 'structure':
        return true;
      case 'dss':
      case 'info':
        return c.change === 'added' || c.type === null || c.type === 'DSS' || c.type === 'VRI';
      case 'signature':
      case 'signature-appearance':
        return c.change === 'added';
      case 'signature-field':
        // An empty signature field may be signed (gains /V); a signed one stays as it is.
        return c.change === 'added' || (onlyAllowedKeys(c) && !!c.keys?.added.includes('V'));
      case 'page':
        return c.change === 'changed' && onlyAllowedKeys(c) && onlyNewSignatureFields(c);
      case 'catalog':
        return c.change === 'changed' && onlyAllowedKeys(c) && onlyNewSignatureFields(c);
      case 'acroform':
      case 'array':
        return onlyAllowedKeys(c) && onlyNewSignatureFields(c);
      default:
        return false;
    }
  };
  let allowed = true;
  const description = changes.map((c) => {
    const ok = verdict(c);
    allowed &&= ok;
    const type = c.type ?? c.fieldType ?? (c.role === 'other' ? 'untyped' : null);
    return `${ok ? 'allowed' : 'not allowed'}: ${ROLE_TEXT[c.role]} ${c.objectNumber} ${c.generation}${type ? ` (${type})` : ''} ${c.change}`;
  });
  return { allowed, description };
}
