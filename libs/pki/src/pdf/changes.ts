import { PdfDocument } from './document';
import { malformed, PDF_LIMITS, PdfFormatError } from './errors';
import { asBuffer, readUInt } from './lexer';
import { dictOf, PdfDict, PdfName, PdfObject, PdfRef, PdfStream, PdfString } from './objects';
import { decodeTextString } from './text';

export type PdfChangeKind = 'added' | 'changed' | 'deleted';

/** What an object is for, as far as judging a change needs to know. */
export type PdfObjectRole =
  | 'structure' // xref or object stream
  | 'signature' // /Type /Sig or /DocTimeStamp
  | 'signature-reference' // reached from a signature's /Reference (DocMDP, FieldMDP transform parameters)
  | 'signature-field' // /FT /Sig field or its widget
  | 'signature-appearance' // reached from a signature field's /AP
  | 'dss' // reached from the catalog's /DSS (PAdES LTV data)
  | 'extensions' // reached from the catalog's /Extensions (developer extensions, ISO 32000-2 7.12)
  | 'catalog'
  | 'acroform'
  | 'info'
  | 'metadata' // the catalog's XMP /Metadata stream
  | 'structure-tree' // reached from /StructTreeRoot (tagged PDF), not used by a page
  | 'form-resources' // reached from the form's /DR, not used by a page
  | 'page'
  | 'page-content' // used by a page: content streams, resources, fonts, images, appearances
  | 'form-field' // a field (other than a signature field) or its widget
  | 'field-appearance' // reached from such a widget's /AP
  | 'annotation' // an annotation other than a widget
  | 'annotation-appearance' // reached from such an annotation's /AP
  | 'annots-or-fields' // an indirect /Annots array of a page or /Fields array of the form
  | 'unreferenced' // an added object nothing in the document refers to
  | 'trailer' // the trailer's /Root (objectNumber 0)
  | 'other';

export interface PdfChange {
  objectNumber: number;
  generation: number;
  change: PdfChangeKind;
  type: string | null;
  subtype: string | null;
  fieldType: string | null;
  /** Fully qualified name of a form field or widget (signature fields too). */
  fieldName?: string | null;
  /** The /Parent of a widget or field (object number), to tie a widget to the field it belongs to. */
  parent?: number | null;
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
  /** For a signature dictionary: /Type (Sig or DocTimeStamp). */
  signatureType?: string | null;
  /** For a changed form field: its /Ff before and after (0 when absent). */
  fieldFlags?: { before: number; after: number };
  /** For an annotation: its /Rect width and height, and whether it carries actions (/A, /AA) or an /AP. */
  annotation?: { width: number; height: number; actions: boolean; appearance: boolean };
  /**
   * For a changed signature appearance: the empty signature field (object number) whose placeholder
   * appearance it was, when nothing else in the signed revision reached it (a signer may redraw it).
   */
  placeholderOf?: number;
}

type KeyDiff = { added: string[]; removed: string[]; modified: string[] };

/**
 * What the signed revision allows later (ISO 32000-2, 12.8.2.2 DocMDP and 12.8.2.4 FieldMDP):
 * `docMdp` is the P of a certification signature (1 no changes, 2 form filling and signing,
 * 3 also annotations), null without one; `lockedFields` are the fields locked by the /Lock or
 * FieldMDP references of the signatures made so far.
 */
export interface ModificationPermissions {
  docMdp: 1 | 2 | 3 | null;
  lockedFields: FieldLock[];
}

export interface FieldLock {
  action: 'All' | 'Include' | 'Exclude';
  fields: string[];
}

export const NO_RESTRICTIONS: ModificationPermissions = { docMdp: null, lockedFields: [] };

/**
 * Objects added, changed or deleted by the revisions whose xref sections start at or after `offset`.
 * A changed object keeps the role it had in the signed revision: what an update makes of an old
 * object (a /Type, a place under /DSS or /Info) must not launder the change. Throws
 * PdfFormatError when the chain does not pass through the signed revision's own xref section.
 */
export function describeChangesAfter(pdf: Uint8Array | PdfDocument, offset: number): PdfChange[] {
  const { doc, old, later } = splitAt(pdf, offset);
  const touched = new Set<number>();
  for (const s of later) for (const num of s.entries.keys()) touched.add(num);

  const ctxNow = roleContext(doc);
  const ctxOld = roleContext(old);
  let referenced: Set<number> | null = null; // computed only when an added object has no other role
  let placeholders: Map<number, number> | null = null; // computed only when a signature appearance changed
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
    const at = change === 'added' ? doc : old;
    const c: PdfChange = {
      objectNumber: num,
      generation: gen,
      change,
      type: dict?.name('Type') ?? null,
      subtype: dict?.name('Subtype') ?? null,
      fieldType: dict ? doc.fieldTypeOf(dict) : null,
      role: 'other',
      isStream: value instanceof PdfStream,
    };
    c.role = change === 'added' ? roleOf(doc, num, value, ctxNow) : roleOf(old, num, oldValue, ctxOld);
    if (c.role === 'other' && change === 'added') {
      referenced ??= reachable(doc, [doc.trailer.get('Root') ?? null, doc.trailer.get('Info') ?? null], [], Infinity);
      if (!referenced.has(num)) c.role = 'unreferenced';
    }
    if (c.role === 'signature') c.signatureType = c.type;
    if (c.role === 'signature-appearance' && change === 'changed') {
      placeholders ??= placeholderAppearances(old, ctxOld);
      const field = placeholders.get(num);
      if (field !== undefined) c.placeholderOf = field;
    }
    if (c.role === 'signature-field') {
      const v = dict?.get('V');
      c.signatureValue = v instanceof PdfRef ? v.num : null;
      c.signatureType = v instanceof PdfRef ? (doc.resolveDict(v)?.name('Type') ?? null) : null;
    }
    if (c.role === 'form-field' || c.role === 'signature-field') {
      const atDict = dictOf(change === 'added' ? value : oldValue);
      c.fieldName = atDict ? at.fieldNameOf(atDict) : null;
      const parent = atDict?.get('Parent');
      c.parent = parent instanceof PdfRef ? parent.num : null;
    }
    if (c.role === 'annotation' && dict) c.annotation = annotationFacts(doc, dict);
    if (change === 'changed') {
      const oldDict = dictOf(oldValue);
      if (dict && oldDict) c.keys = keyDiff(oldDict, dict);
      if (c.role === 'form-field' && dict && oldDict) {
        const ff = (d: PdfDocument, x: PdfDict) => {
          const v = d.resolve(x.get('Ff'));
          return typeof v === 'number' ? v : 0;
        };
        c.fieldFlags = { before: ff(old, oldDict), after: ff(doc, dict) };
      }
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

/** The DocMDP level and field locks in force in the revision that ends at `offset`. */
export function permissionsAt(pdf: Uint8Array | PdfDocument, offset: number): ModificationPermissions {
  const { old } = splitAt(pdf, offset);
  let docMdp: ModificationPermissions['docMdp'] = null;
  const lockedFields: FieldLock[] = [];
  const mdpP = (sig: PdfDict | null): void => {
    for (const ref of asArray(old.resolve(sig?.get('Reference')))) {
      const r = old.resolveDict(ref);
      const params = old.resolveDict(r?.get('TransformParams'));
      const method = nameIn(old, r, 'TransformMethod');
      if (method === 'DocMDP') {
        const p = old.resolve(params?.get('P')); // an indirect P=1 must not read as the default 2
        const level = p === 1 || p === 3 ? p : 2; // 2 is the default (ISO 32000-2, table 257)
        docMdp = docMdp === null ? level : (Math.min(docMdp, level) as 1 | 2 | 3);
      } else if (method === 'FieldMDP' && params) lockedFields.push(readLock(old, params));
    }
  };
  const perms = old.resolveDict(old.catalog().dict.get('Perms'));
  mdpP(old.resolveDict(perms?.get('DocMDP')));
  for (const field of old.signatureFields()) {
    const sig = old.resolveDict(field.dict.get('V'));
    if (!sig) continue;
    mdpP(sig);
    const lock = old.resolveDict(field.dict.get('Lock'));
    if (lock) lockedFields.push(readLock(old, lock));
  }
  return { docMdp, lockedFields };
}

/** A name entry, direct or indirect (pyHanko resolves both; an unresolved one must not drop a restriction). */
function nameIn(doc: PdfDocument, d: PdfDict | null | undefined, key: string): string | null {
  const v = doc.resolve(d?.get(key));
  return v instanceof PdfName ? v.value : null;
}

function readLock(doc: PdfDocument, d: PdfDict): FieldLock {
  const a = nameIn(doc, d, 'Action');
  const action = a === 'Include' || a === 'Exclude' ? a : 'All'; // an unknown action locks everything
  const fields = asArray(doc.resolve(d.get('Fields')))
    .map((f) => doc.resolve(f))
    .filter((f): f is PdfString => f instanceof PdfString)
    .map((f) => decodeTextString(f.bytes));
  return { action, fields };
}

/** The newest view, the signed revision's view (whose section ends at `offset`) and the later sections. */
function splitAt(source: Uint8Array | PdfDocument, offset: number) {
  const doc = source instanceof PdfDocument ? source : PdfDocument.open(source);
  const pdf = doc.bytes;
  if (!Number.isSafeInteger(offset) || offset < 0 || offset > pdf.length) {
    throw new PdfFormatError('INVALID_OPTIONS', `offset ${offset} is not inside the file`);
  }
  const later = doc.chain.sections.filter((s) => s.offset >= offset);
  const older = doc.chain.sections.filter((s) => s.offset < offset);
  const signedStartxref = startxrefBefore(pdf, offset);
  if (older.length === 0 || signedStartxref === null || older[0].offset !== signedStartxref + doc.chain.shift) {
    throw malformed('the cross-reference chain does not pass through the signed revision');
  }
  return { doc, old: doc.asOf(older), later };
}

interface RoleContext {
  catalog: number;
  /** The values (/V) of signature fields: signature dictionaries, whose /Type is optional. */
  signatureValues: Set<number>;
  /** Objects reached from the signatures' /Reference arrays (not through /Data, which names the document). */
  signatureReferences: Set<number>;
  acroForm: number;
  info: number;
  metadata: number;
  dss: Set<number>;
  extensions: Set<number>;
  structureTree: Set<number>;
  formResources: Set<number>;
  signatureAppearances: Set<number>;
  fieldAppearances: Set<number>;
  annotationAppearances: Set<number>;
  pageContent: Set<number>;
  annotsOrFields: Set<number>;
  /** The /AP values of empty signature fields (and their widgets), by field: placeholders. */
  emptySignatureAppearances: { field: number; aps: PdfObject[] }[];
  /** Every other /AP value: signed signature fields', form fields', annotations'. */
  otherAppearances: PdfObject[];
}

/** The value of the last `startxref` before `offset` (the signed revision's own), or null. */
function startxrefBefore(pdf: Uint8Array, offset: number): number | null {
  const at = offset >= 9 ? asBuffer(pdf).lastIndexOf('startxref', offset - 9, 'latin1') : -1;
  return at < 0 ? null : (readUInt(pdf, at + 9)?.value ?? null);
}

/** Keys that lead from a structure element to page content rather than to the structure tree. */
const STRUCT_TREE_SKIP = ['Pg', 'Obj', 'Stm', 'StmOwn', 'P', 'Parent'];

/** Role contexts already computed: the newest view's serves every signature of the file. */
const roleContexts = new WeakMap<PdfDocument, RoleContext>();

function roleContext(doc: PdfDocument): RoleContext {
  let ctx = roleContexts.get(doc);
  if (!ctx) roleContexts.set(doc, (ctx = computeRoleContext(doc)));
  return ctx;
}

function computeRoleContext(doc: PdfDocument): RoleContext {
  const catalog = doc.catalog();
  const acroForm = catalog.dict.get('AcroForm');
  const form = doc.resolveDict(acroForm);
  const info = doc.trailer.get('Info');
  const metadata = catalog.dict.get('Metadata');
  const pages = doc.pages();
  const ap = { sig: [] as PdfObject[], field: [] as PdfObject[], annot: [] as PdfObject[] };
  const signatureValues = new Set<number>();
  const references: PdfObject[] = [];
  const emptySignatureAppearances: RoleContext['emptySignatureAppearances'] = [];
  const signedAppearances: PdfObject[] = [];
  for (const f of doc.signatureFields()) {
    const v = f.dict.get('V');
    if (v instanceof PdfRef) signatureValues.add(v.num);
    references.push(doc.resolveDict(v)?.get('Reference') ?? null);
    const kids = asArray(doc.resolve(f.dict.get('Kids'))).map((k) => doc.resolveDict(k)?.get('AP') ?? null);
    const aps = [f.dict.get('AP') ?? null, ...kids];
    ap.sig.push(...aps);
    if (!f.dict.has('V') && f.ref) emptySignatureAppearances.push({ field: f.ref.num, aps });
    else signedAppearances.push(...aps);
  }
  const annotsOrFields = new Set<number>();
  const fields = form?.get('Fields');
  if (fields instanceof PdfRef) annotsOrFields.add(fields.num);
  for (const page of pages) {
    const annots = page.dict.get('Annots');
    if (annots instanceof PdfRef) annotsOrFields.add(annots.num);
    for (const a of asArray(doc.resolve(annots))) {
      const d = doc.resolveDict(a);
      if (!d || doc.fieldTypeOf(d) === 'Sig') continue;
      (d.name('Subtype') === 'Widget' ? ap.field : ap.annot).push(d.get('AP') ?? null);
    }
  }
  return {
    catalog: catalog.ref.num,
    signatureValues,
    signatureReferences: reachable(doc, references, ['Parent', 'P', 'Data']),
    acroForm: acroForm instanceof PdfRef ? acroForm.num : -1,
    info: info instanceof PdfRef ? info.num : -1,
    metadata: metadata instanceof PdfRef ? metadata.num : -1,
    dss: reachable(doc, [catalog.dict.get('DSS') ?? null]),
    extensions: reachable(doc, [catalog.dict.get('Extensions') ?? null]),
    structureTree: reachable(doc, [catalog.dict.get('StructTreeRoot') ?? null], STRUCT_TREE_SKIP),
    formResources: reachable(doc, [form?.get('DR') ?? null]),
    signatureAppearances: reachable(doc, ap.sig),
    fieldAppearances: reachable(doc, ap.field),
    annotationAppearances: reachable(doc, ap.annot),
    pageContent: reachable(
      doc,
      pages.map((p) => p.dict),
      ['Parent', 'P', 'V'],
      Infinity,
    ),
    annotsOrFields,
    emptySignatureAppearances,
    otherAppearances: [...signedAppearances, ...ap.field, ...ap.annot],
  };
}

const WIDGET_OR_FIELD = (dict: PdfDict | null, doc: PdfDocument) =>
  !!dict && (dict.name('Subtype') === 'Widget' || (dict.has('FT') && !dict.has('Type')) || !!doc.fieldTypeOf(dict));
const ANNOTATION = (dict: PdfDict | null) => !!dict && (dict.name('Type') === 'Annot' || dict.has('Rect'));

/** The role of object `num` with this value in this document (the old one for changed objects). */
function roleOf(doc: PdfDocument, num: number, value: PdfObject, ctx: RoleContext): PdfObjectRole {
  const dict = dictOf(value);
  const type = dict?.name('Type') ?? null;
  if (type === 'XRef' || type === 'ObjStm') return 'structure';
  if (type === 'Sig' || type === 'DocTimeStamp') return 'signature';
  // ISO 32000-2 table 255: /Type is optional in a signature dictionary (a field's /V); pyHanko and DSS find it so too
  if (type === null && ctx.signatureValues.has(num) && !(value instanceof PdfStream)) return 'signature';
  if (dict && doc.fieldTypeOf(dict) === 'Sig') return 'signature-field';
  if (num === ctx.catalog) return 'catalog';
  if (num === ctx.acroForm) return 'acroform';
  if (type === 'Page') return 'page';
  if (Array.isArray(value) && ctx.annotsOrFields.has(num)) return 'annots-or-fields';
  if (!(value instanceof PdfStream) && WIDGET_OR_FIELD(dict, doc)) return 'form-field';
  if (!(value instanceof PdfStream) && ANNOTATION(dict)) return 'annotation';
  // Appearances count only as added objects (the judgement refuses changed ones), so they come first.
  if (ctx.signatureAppearances.has(num)) return 'signature-appearance';
  if (ctx.fieldAppearances.has(num)) return 'field-appearance';
  if (ctx.annotationAppearances.has(num)) return 'annotation-appearance';
  // What a page uses is page content, whatever else refers to it (a shadow /Info, /DSS or tree).
  if (ctx.pageContent.has(num)) return 'page-content';
  if (num === ctx.info) return 'info';
  if (num === ctx.metadata) return 'metadata';
  if (ctx.dss.has(num)) return 'dss';
  if (ctx.extensions.has(num)) return 'extensions';
  if (ctx.structureTree.has(num)) return 'structure-tree';
  if (ctx.formResources.has(num)) return 'form-resources';
  // Acrobat writes a signature's /TransformParams as objects of their own (pyHanko allows them too)
  if (ctx.signatureReferences.has(num) && !(value instanceof PdfStream)) return 'signature-reference';
  return 'other';
}

function annotationFacts(doc: PdfDocument, dict: PdfDict): PdfChange['annotation'] {
  const rect = asArray(doc.resolve(dict.get('Rect'))).map((x) => doc.resolve(x));
  const [x1, y1, x2, y2] = rect.length === 4 && rect.every((x) => typeof x === 'number') ? (rect as number[]) : [];
  const known = x1 !== undefined;
  return {
    width: known ? Math.abs(x2 - x1) : Infinity,
    height: known ? Math.abs(y2 - y1) : Infinity,
    actions: dict.has('A') || dict.has('AA'),
    appearance: dict.has('AP'),
  };
}

function asArray(o: PdfObject | undefined): PdfObject[] {
  return Array.isArray(o) ? o : [];
}

/** Object numbers reachable from roots through references, not through `skip` keys (bounded). */
function reachable(
  doc: PdfDocument,
  roots: PdfObject[],
  skip: readonly string[] = ['Parent', 'P'],
  budget = 10_000,
): Set<number> {
  const found = new Set<number>();
  const limit = Math.min(budget, PDF_LIMITS.maxTreeNodes);
  const stack: { o: PdfObject; depth: number }[] = roots.map((o) => ({ o, depth: 0 }));
  while (stack.length > 0 && found.size < limit) {
    const { o, depth } = stack.pop()!;
    if (depth > PDF_LIMITS.maxNesting * 4) continue;
    if (o instanceof PdfRef) {
      if (found.has(o.num)) continue;
      found.add(o.num);
      stack.push({ o: doc.getObject(o.num), depth: depth + 1 });
    } else if (Array.isArray(o)) for (const x of o) stack.push({ o: x, depth: depth + 1 });
    else {
      const d = dictOf(o);
      if (d) for (const [k, x] of d.map) if (!skip.includes(k)) stack.push({ o: x, depth: depth + 1 });
    }
  }
  return found;
}

/**
 * The objects of empty signature fields' appearances that nothing else reaches (not the catalog
 * or /Info by another key, not another field's or annotation's appearance), each with its field:
 * the placeholder a signer may draw over in place (pyHanko does). Shared by two empty fields: none.
 */
function placeholderAppearances(doc: PdfDocument, ctx: RoleContext): Map<number, number> {
  const out = new Map<number, number>();
  if (ctx.emptySignatureAppearances.length === 0) return out;
  const roots = [doc.trailer.get('Root') ?? null, doc.trailer.get('Info') ?? null, ...ctx.otherAppearances];
  const elsewhere = reachable(doc, roots, ['AP', 'Parent', 'P'], Infinity);
  for (const { field, aps } of ctx.emptySignatureAppearances)
    for (const n of reachable(doc, aps, ['Parent', 'P'], Infinity)) {
      if (!elsewhere.has(n)) out.set(n, out.has(n) && out.get(n) !== field ? -1 : field);
    }
  return out;
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
  const nums = (o: PdfObject) =>
    new Set(
      asArray(o)
        .filter((x): x is PdfRef => x instanceof PdfRef)
        .map((r) => r.num),
    );
  const direct = (o: PdfObject) => asArray(o).filter((x) => !(x instanceof PdfRef)).length;
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
