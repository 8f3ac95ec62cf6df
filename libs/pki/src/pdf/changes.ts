import { PdfDocument } from './document';
import { malformed, PDF_LIMITS, PdfFormatError } from './errors';
import { asBuffer, readUInt } from './lexer';
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
  | 'annots-or-fields' // an indirect /Annots array of a page or /Fields array of the form
  | 'trailer' // the trailer's /Root (objectNumber 0)
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
  /** For a page (/Annots), catalog or AcroForm (/Fields), or annots-or-fields: object numbers referenced now and not before, and the reverse. */
  references?: { added: number[]; removed: number[]; directAdded: number };
  /** For the catalog: keys of the interactive form dictionary (resolved, direct or not) added, removed or changed. */
  acroFormKeys?: { added: string[]; removed: string[]; modified: string[] };
  /** For a signature field: the object number its /V refers to (null when /V is absent or direct). */
  signatureValue?: number | null;
}

type KeyDiff = { added: string[]; removed: string[]; modified: string[] };

/**
 * Objects added, changed or deleted by the revisions whose xref sections start at or after `offset`.
 * A changed object keeps the role it had in the signed revision: what an update makes of an old
 * object (a /Type, a place under /DSS or /Info) must not launder the change. Throws
 * PdfFormatError when the chain does not pass through the signed revision's own xref section.
 */
export function describeChangesAfter(pdf: Uint8Array, offset: number): PdfChange[] {
  const doc = PdfDocument.open(pdf);
  if (!Number.isSafeInteger(offset) || offset < 0 || offset > pdf.length) {
    throw new PdfFormatError('INVALID_OPTIONS', `offset ${offset} is not inside the file`);
  }
  const later = doc.chain.sections.filter((s) => s.offset >= offset);
  const older = doc.chain.sections.filter((s) => s.offset < offset);
  const signedStartxref = startxrefBefore(pdf, offset);
  if (older.length === 0 || signedStartxref === null || older[0].offset !== signedStartxref + doc.chain.shift) {
    throw malformed('the cross-reference chain does not pass through the signed revision');
  }
  const old = doc.asOf(older);
  const touched = new Set<number>();
  for (const s of later) for (const num of s.entries.keys()) touched.add(num);

  const ctxNow = roleContext(doc);
  const ctxOld = roleContext(old);
  const out: PdfChange[] = [];
  if (!sameValue(doc.trailer.get('Root') ?? null, old.trailer.get('Root') ?? null)) {
    const keys = { added: [], removed: [], modified: ['Root'] };
    out.push({
      objectNumber: 0,
      generation: 0,
      change: 'changed',
      type: null,
      subtype: null,
      fieldType: null,
      role: 'trailer',
      isStream: false,
      keys,
    });
  }
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
    c.role = change === 'added' ? roleOf(doc, num, value, ctxNow) : roleOf(old, num, oldValue, ctxOld);
    if (c.role === 'signature-field')
      c.signatureValue = dict?.get('V') instanceof PdfRef ? (dict.get('V') as PdfRef).num : null;
    if (change === 'changed') {
      const oldDict = dictOf(oldValue);
      if (dict && oldDict) c.keys = keyDiff(oldDict, dict);
      if (c.role === 'page')
        c.references = referenceDiff(old.resolve(oldDict?.get('Annots')), doc.resolve(dict?.get('Annots')));
      if (c.role === 'annots-or-fields') c.references = referenceDiff(oldValue, value);
    }
    if (c.role === 'catalog') {
      const form = (d: PdfDocument, o: PdfObject) => d.resolveDict(dictOf(o)?.get('AcroForm')) ?? new PdfDict();
      c.acroFormKeys = keyDiff(form(old, oldValue), form(doc, value));
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
  annotsOrFields: Set<number>;
}

/** The value of the last `startxref` before `offset` (the signed revision's own), or null. */
function startxrefBefore(pdf: Uint8Array, offset: number): number | null {
  const at = offset >= 9 ? asBuffer(pdf).lastIndexOf('startxref', offset - 9, 'latin1') : -1;
  return at < 0 ? null : (readUInt(pdf, at + 9)?.value ?? null);
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
  const annotsOrFields = new Set<number>();
  const fields = doc.resolveDict(acroForm)?.get('Fields');
  if (fields instanceof PdfRef) annotsOrFields.add(fields.num);
  for (const page of pages(doc)) {
    const annots = page.get('Annots');
    if (annots instanceof PdfRef) annotsOrFields.add(annots.num);
  }
  return {
    catalog: catalog.ref.num,
    acroForm: acroForm instanceof PdfRef ? acroForm.num : -1,
    info: info instanceof PdfRef ? info.num : -1,
    dss: reachable(doc, [catalog.dict.get('DSS') ?? null]),
    appearances: reachable(doc, appearanceRoots),
    annotsOrFields,
  };
}

/** The page dictionaries of the page tree (bounded, loops ignored). */
function pages(doc: PdfDocument): PdfDict[] {
  const out: PdfDict[] = [];
  const seen = new Set<number>();
  const stack: { o: PdfObject | undefined; depth: number }[] = [{ o: doc.catalog().dict.get('Pages'), depth: 0 }];
  while (stack.length > 0 && seen.size < PDF_LIMITS.maxTreeNodes) {
    const { o, depth } = stack.pop()!;
    if (!(o instanceof PdfRef) || seen.has(o.num) || depth > PDF_LIMITS.maxTreeDepth) continue;
    seen.add(o.num);
    const dict = doc.resolveDict(o);
    const kids = dict && doc.resolve(dict.get('Kids'));
    if (Array.isArray(kids)) for (const k of kids) stack.push({ o: k, depth: depth + 1 });
    else if (dict) out.push(dict);
  }
  return out;
}

/** The role of object `num` with this value in this document (the old one for changed objects). */
function roleOf(doc: PdfDocument, num: number, value: PdfObject, ctx: RoleContext): PdfObjectRole {
  const dict = dictOf(value);
  const type = dict?.name('Type') ?? null;
  if (type === 'XRef' || type === 'ObjStm') return 'structure';
  if (type === 'Sig' || type === 'DocTimeStamp') return 'signature';
  if (dict && fieldTypeOf(doc, dict) === 'Sig') return 'signature-field';
  if (num === ctx.catalog) return 'catalog';
  if (num === ctx.acroForm) return 'acroform';
  if (type === 'Page') return 'page';
  if (num === ctx.info) return 'info';
  if (ctx.dss.has(num)) return 'dss';
  if (ctx.appearances.has(num)) return 'signature-appearance';
  if (Array.isArray(value) && ctx.annotsOrFields.has(num)) return 'annots-or-fields';
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

function keyDiff(a: PdfDict, b: PdfDict): KeyDiff {
  const added = [...b.map.keys()].filter((k) => !a.has(k));
  const removed = [...a.map.keys()].filter((k) => !b.has(k));
  const modified = [...b.map.keys()].filter((k) => a.has(k) && !sameValue(a.get(k)!, b.get(k)!));
  return { added, removed, modified };
}

function referenceDiff(
  before: PdfObject,
  after: PdfObject,
): { added: number[]; removed: number[]; directAdded: number } {
  const list = (o: PdfObject) => (Array.isArray(o) ? o : []);
  const nums = (o: PdfObject) =>
    new Set(
      list(o)
        .filter((x): x is PdfRef => x instanceof PdfRef)
        .map((r) => r.num),
    );
  const direct = (o: PdfObject) => list(o).filter((x) => !(x instanceof PdfRef)).length;
  const [a, b] = [nums(before), nums(after)];
  return {
    added: [...b].filter((n) => !a.has(n)),
    removed: [...a].filter((n) => !b.has(n)),
    directAdded: Math.max(0, direct(after) - direct(before)),
  };
}

/** Structural equality; references compare by number and generation, streams by raw bytes. */
function sameValue(a: PdfObject, b: PdfObject, depth = 0): boolean {
  if (depth > PDF_LIMITS.maxNesting) return false;
  if (a === b) return true;
  if (a instanceof PdfName && b instanceof PdfName) return a.value === b.value;
  if (a instanceof PdfRef && b instanceof PdfRef) return a.num === b.num && a.gen === b.gen;
  if (a instanceof PdfString && b instanceof PdfString) return Buffer.from(a.bytes).equals(Buffer.from(b.bytes));
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => sameValue(x, b[i], depth + 1));
  if (a instanceof PdfStream && b instanceof PdfStream)
    return sameValue(a.dict, b.dict, depth + 1) && Buffer.from(a.raw).equals(Buffer.from(b.raw));
  if (a instanceof PdfDict && b instanceof PdfDict) {
    if (a.map.size !== b.map.size) return false;
    for (const [k, v] of a.map) if (!b.has(k) || !sameValue(v, b.get(k)!, depth + 1)) return false;
    return true;
  }
  return false;
}

const ACROFORM_KEYS: ReadonlySet<string> = new Set(['Fields', 'SigFlags']);
const ALLOWED_KEYS: Partial<Record<PdfObjectRole, ReadonlySet<string>>> = {
  'signature-field': new Set(['V', 'AP', 'MK']),
  page: new Set(['Annots']),
  catalog: new Set(['AcroForm', 'DSS', 'Extensions']),
  acroform: ACROFORM_KEYS,
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
  'annots-or-fields': 'annotation or field list',
  trailer: 'trailer /Root (document catalog replaced)',
  other: 'object',
};

/**
 * Judges changes made after a signature: a later signature (its dictionary, its signed field/widget,
 * the page's /Annots and the form's /Fields gaining it), signature appearances, DSS/VRI data and
 * document timestamps are allowed; anything else (content streams, fonts, page content, another
 * /Root, a signature field that is not signed) is not. Changes to the document information
 * dictionary are metadata only and are allowed.
 */
export function classifyChanges(changes: readonly PdfChange[]): { allowed: boolean; description: string[] } {
  const added = (role: PdfObjectRole) =>
    new Set(changes.filter((c) => c.role === role && c.change === 'added').map((c) => c.objectNumber));
  const newSignatures = added('signature');
  const newSignatureFields = added('signature-field');
  const onlyNewSignatureFields = (c: PdfChange): boolean =>
    !c.references ||
    (c.references.removed.length === 0 &&
      c.references.directAdded === 0 &&
      c.references.added.every((n) => newSignatureFields.has(n)));
  const keysWithin = (keys: KeyDiff | undefined, allowed: ReadonlySet<string> | undefined): boolean =>
    !keys || !allowed || (keys.removed.length === 0 && [...keys.added, ...keys.modified].every((k) => allowed.has(k)));
  const onlyAllowedKeys = (c: PdfChange): boolean => keysWithin(c.keys, ALLOWED_KEYS[c.role]);
  // A signature field is fine only as the place of a new signature: an unsigned one could carry any appearance.
  const signsNewSignature = (c: PdfChange): boolean => c.signatureValue != null && newSignatures.has(c.signatureValue);
  const verdict = (c: PdfChange): boolean => {
    if (c.change === 'deleted') return false;
    // Existing streams (page content, fonts, images, object streams) never change, whatever points at them.
    if (c.change === 'changed' && c.isStream) return false;
    switch (c.role) {
      case 'structure':
      case 'signature-appearance':
        return c.change === 'added';
      case 'dss':
      case 'info':
        return c.change === 'added' || c.type === null || c.type === 'DSS' || c.type === 'VRI';
      case 'signature':
        return c.change === 'added' && !c.isStream;
      case 'signature-field':
        // An empty signature field may be signed (gains /V); a signed one stays as it is.
        return (
          !c.isStream &&
          signsNewSignature(c) &&
          (c.change === 'added' || (onlyAllowedKeys(c) && !!c.keys?.added.includes('V')))
        );
      case 'page':
        return c.change === 'changed' && !c.isStream && onlyAllowedKeys(c) && onlyNewSignatureFields(c);
      case 'catalog':
        return (
          c.change === 'changed' &&
          onlyAllowedKeys(c) &&
          onlyNewSignatureFields(c) &&
          keysWithin(c.acroFormKeys, ACROFORM_KEYS)
        );
      case 'acroform':
      case 'annots-or-fields':
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
