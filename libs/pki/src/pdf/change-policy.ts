import { ModificationPermissions, NO_RESTRICTIONS, PdfChange, PdfObjectRole } from './changes';

/**
 * What a change needs the document's permissions to allow, in the order of DocMDP levels (as
 * pyHanko's ModificationLevel): long-term and metadata updates (allowed even by P=1, as pyHanko
 * and PAdES do for DSS and document timestamps), form filling and signing (P=2), annotations (P=3).
 */
const LEVEL = { none: 0, lta: 1, form: 2, annotations: 3 } as const;
type Level = (typeof LEVEL)[keyof typeof LEVEL];
type Verdict = { ok: true; level: Level } | { ok: false; why?: string };

const yes = (level: Level): Verdict => ({ ok: true, level });
const no = (why?: string): Verdict => ({ ok: false, why });

const ACROFORM_KEYS: Readonly<Record<string, Level>> = {
  Fields: LEVEL.lta,
  SigFlags: LEVEL.lta,
  DR: LEVEL.form,
  DA: LEVEL.form,
};
const CATALOG_KEYS: Readonly<Record<string, Level>> = {
  AcroForm: LEVEL.lta, // and what the form gains, judged on its own
  DSS: LEVEL.lta,
  Extensions: LEVEL.lta,
  Metadata: LEVEL.lta,
  StructTreeRoot: LEVEL.lta,
  MarkInfo: LEVEL.lta,
  Version: LEVEL.lta, // a later writer's PDF version (pyHanko's ROOT_EXEMPT_STRICT_COMPARISON too)
};
const SIGNATURE_FIELD_KEYS: Readonly<Record<string, Level>> = {
  V: LEVEL.form,
  AP: LEVEL.form,
  AS: LEVEL.form,
  MK: LEVEL.form,
};
const FORM_FILL_KEYS = new Set(['V', 'AP', 'AS']);
/** /Tabs (tab order, as Acrobat sets when adding a field) and /StructParents do not change what the page shows. */
const PAGE_KEYS: Readonly<Record<string, Level>> = { Annots: LEVEL.lta, Tabs: LEVEL.form, StructParents: LEVEL.lta };
const SIGNATURE_WIDGET_KEYS: Readonly<Record<string, Level>> = { AP: LEVEL.form, AS: LEVEL.form, MK: LEVEL.form };

/**
 * Comments that cannot cover the page: a note icon (its appearance bounded to an icon's size) and
 * text markup or pop-ups drawn by the viewer. FreeText, stamps, shapes, ink and anything with its
 * own large appearance can hide or replace content (the shadow attacks' "evil annotation").
 */
const ICON_SIZE = 64;
function commentAllowed(c: PdfChange): boolean {
  const a = c.annotation;
  if (!a || a.actions) return false;
  if (c.subtype === 'Text') return a.width <= ICON_SIZE && a.height <= ICON_SIZE;
  return ['Popup', 'Highlight', 'Underline', 'Squiggly', 'StrikeOut'].includes(c.subtype ?? '') && !a.appearance;
}

/**
 * ReadOnly, Required and NoExport (ISO 32000-2 table 227) change nothing shown: Acrobat sets
 * ReadOnly on the fields a signature locks, and pyHanko lets /Ff change. Other flags (password,
 * comb, multiline...) change how a value is drawn.
 */
const HARMLESS_FIELD_FLAGS = 0b111;
function flagsOnly(flags: PdfChange['fieldFlags']): Verdict {
  if (!flags || !Number.isInteger(flags.before) || !Number.isInteger(flags.after)) return no();
  return ((flags.before ^ flags.after) & ~HARMLESS_FIELD_FLAGS) === 0 ? yes(LEVEL.form) : no('field flags changed');
}

const ROLE_TEXT: Record<PdfObjectRole, string> = {
  structure: 'cross-reference or object stream',
  signature: 'signature dictionary',
  'signature-reference': 'signature reference (transform parameters)',
  'signature-field': 'signature field',
  'signature-appearance': 'signature appearance',
  dss: 'document security store (validation data)',
  extensions: 'developer extensions',
  catalog: 'document catalog',
  acroform: 'interactive form',
  info: 'document information (metadata)',
  metadata: 'XMP metadata',
  'structure-tree': 'structure tree (tagged PDF)',
  'form-resources': 'form default resources',
  page: 'page',
  'page-content': 'page content or resource',
  'form-field': 'form field',
  'field-appearance': 'form field appearance',
  annotation: 'annotation',
  'annotation-appearance': 'annotation appearance',
  'annots-or-fields': 'annotation or field list',
  unreferenced: 'unreferenced object',
  trailer: 'trailer /Root (document catalog replaced)',
  other: 'object',
};

const LEVEL_TEXT: Record<Level, string> = {
  0: 'any change',
  1: 'validation data and metadata',
  2: 'form filling and signing',
  3: 'annotations',
};

/**
 * Judges changes made after a signature, as EU DSS and pyHanko do. Allowed: a later signature's or
 * document timestamp's own objects (dictionary, field, widget, appearance and its fonts and images,
 * the form's /DR and /DA), DSS/VRI, XMP metadata, the document information dictionary, the
 * structure tree, unreferenced objects, and — where the certification (DocMDP) and field locks
 * (FieldMDP) allow — filling empty form fields and adding comments that cannot cover the page.
 * Not allowed: anything a page uses (content, resources, fonts, images, existing appearances),
 * pages added, removed or reordered, other annotations, a signed field value replaced, another
 * /Root, deleted objects, and anything the permissions forbid.
 */
export function classifyChanges(
  changes: readonly PdfChange[],
  permissions: ModificationPermissions = NO_RESTRICTIONS,
): { allowed: boolean; description: string[] } {
  const permitted: Level = permissions.docMdp ?? LEVEL.annotations;
  const added = (role: PdfObjectRole) => changes.filter((c) => c.role === role && c.change === 'added');
  const newSignatures = new Map(added('signature').map((c) => [c.objectNumber, c]));
  const signatureLevel = (n: number | null | undefined): Level =>
    n != null && newSignatures.get(n)?.signatureType === 'DocTimeStamp' ? LEVEL.lta : LEVEL.form;
  const newSignatureFields = new Map(
    added('signature-field')
      .filter((c) => c.signatureValue != null && newSignatures.has(c.signatureValue))
      .map((c) => [c.objectNumber, signatureLevel(c.signatureValue)]),
  );
  // Existing empty signature fields that are signed now (they gain /V with a new signature).
  const signedFields = new Map(
    changes
      .filter((c) => c.role === 'signature-field' && c.change === 'changed' && c.keys?.added.includes('V'))
      .filter((c) => c.signatureValue != null && newSignatures.has(c.signatureValue))
      .map((c) => [c.objectNumber, signatureLevel(c.signatureValue)]),
  );
  const newComments = new Set(
    added('annotation')
      .filter(commentAllowed)
      .map((c) => c.objectNumber),
  );
  const appearanceLevel: Level = [...newSignatures.values()].every((c) => c.signatureType === 'DocTimeStamp')
    ? LEVEL.lta
    : LEVEL.form;
  // Fields that gain a value: their widgets may get a new appearance.
  const filled = new Set(
    changes.filter((c) => c.role === 'form-field' && c.keys?.added.includes('V')).map((c) => c.objectNumber),
  );

  const keysWithin = (keys: PdfChange['keys'], allowed: Readonly<Record<string, Level>>): Verdict => {
    if (!keys) return yes(LEVEL.none);
    if (keys.removed.length > 0) return no();
    let level: Level = LEVEL.none;
    for (const k of [...keys.added, ...keys.modified]) {
      if (!(k in allowed)) return no();
      level = Math.max(level, allowed[k]) as Level;
    }
    return yes(level);
  };
  /** References gained by /Annots or /Fields: only new signature fields and allowed comments. */
  const referencesWithin = (c: PdfChange): Verdict => {
    const r = c.references;
    if (!r) return yes(LEVEL.none);
    if (r.removed.length > 0 || r.directAdded > 0) return no();
    let level: Level = LEVEL.none;
    for (const n of r.added) {
      const l = newSignatureFields.get(n) ?? (newComments.has(n) ? LEVEL.annotations : undefined);
      if (l === undefined) return no();
      level = Math.max(level, l) as Level;
    }
    return yes(level);
  };
  const all = (...verdicts: Verdict[]): Verdict => {
    let level: Level = LEVEL.none;
    for (const v of verdicts) {
      if (!v.ok) return v;
      level = Math.max(level, v.level) as Level;
    }
    return yes(level);
  };
  const locked = (name: string | null | undefined): boolean =>
    permissions.lockedFields.some((l) => {
      const listed = name != null && l.fields.some((f) => name === f || name.startsWith(`${f}.`));
      return l.action === 'All' || (l.action === 'Include' ? listed : !listed);
    });

  const verdict = (c: PdfChange): Verdict => {
    if (c.change === 'deleted') return no();
    // An empty signature field's placeholder appearance, redrawn in place by the signature that fills it.
    if (c.change === 'changed' && c.placeholderOf !== undefined && signedFields.has(c.placeholderOf))
      return yes(signedFields.get(c.placeholderOf)!);
    // Existing streams (page content, fonts, images, object streams) never change, except XMP metadata.
    if (c.change === 'changed' && c.isStream && c.role !== 'metadata') return no();
    const isNew = c.change === 'added';
    switch (c.role) {
      case 'unreferenced':
        return yes(LEVEL.none);
      case 'structure':
        return isNew ? yes(LEVEL.none) : no();
      case 'signature':
        return isNew && !c.isStream ? yes(signatureLevel(c.objectNumber)) : no();
      case 'signature-reference':
        return isNew ? yes(LEVEL.form) : no();
      case 'signature-field': {
        // A widget of a field that is signed now may get its appearance (the field holds /V).
        if (!c.isStream && !isNew && c.signatureValue == null && signedFields.has(c.parent ?? -1))
          return all(keysWithin(c.keys, SIGNATURE_WIDGET_KEYS), yes(signedFields.get(c.parent!)!));
        // An empty signature field may be signed (gains /V); a signed one stays as it is.
        if (c.isStream || c.signatureValue == null || !newSignatures.has(c.signatureValue)) return no();
        if (isNew) return yes(signatureLevel(c.signatureValue));
        if (!c.keys?.added.includes('V')) return no();
        return all(keysWithin(c.keys, SIGNATURE_FIELD_KEYS), yes(signatureLevel(c.signatureValue)));
      }
      case 'signature-appearance':
        return isNew ? yes(appearanceLevel) : no();
      case 'dss':
        return isNew || c.type === null || c.type === 'DSS' || c.type === 'VRI' ? yes(LEVEL.lta) : no();
      // A later writer declares the extensions it uses (pyHanko: ISO/TS 32002 for EdDSA) in new
      // objects; an existing one may be reached another way too, so it stays as signed.
      case 'extensions':
        return isNew && !c.isStream ? yes(LEVEL.lta) : no();
      case 'info':
      case 'metadata':
      case 'structure-tree':
        return yes(LEVEL.lta);
      case 'form-resources':
        return yes(LEVEL.form);
      case 'page':
        return isNew ? no() : all(keysWithin(c.keys, PAGE_KEYS), referencesWithin(c));
      case 'catalog': {
        if (isNew) return no();
        const acroFormKeys = c.acroFormKeys ? keysWithin(c.acroFormKeys, ACROFORM_KEYS) : yes(LEVEL.none);
        return all(keysWithin(c.keys, CATALOG_KEYS), acroFormKeys, referencesWithin(c));
      }
      case 'acroform':
        return all(keysWithin(c.keys, ACROFORM_KEYS), referencesWithin(c));
      case 'annots-or-fields':
        return referencesWithin(c);
      case 'form-field': {
        if (isNew || !c.keys || c.keys.removed.length > 0) return no();
        const keys = [...c.keys.added, ...c.keys.modified];
        if (keys.length === 1 && keys[0] === 'Ff') return flagsOnly(c.fieldFlags);
        if (!keys.every((k) => FORM_FILL_KEYS.has(k))) return no();
        if (c.keys.modified.includes('V')) return no('a signed field value was replaced');
        const fills = c.keys.added.includes('V') || filled.has(c.parent ?? -1);
        if (!fills) return no('a signed field appearance was replaced');
        const name = c.keys.added.includes('V')
          ? c.fieldName
          : (changes.find((x) => x.objectNumber === c.parent)?.fieldName ?? c.fieldName);
        return locked(name) ? no(`field "${name ?? '?'}" is locked by a signature (FieldMDP)`) : yes(LEVEL.form);
      }
      case 'field-appearance':
        return isNew ? yes(LEVEL.form) : no();
      case 'annotation':
        return isNew && newComments.has(c.objectNumber) ? yes(LEVEL.annotations) : no();
      case 'annotation-appearance':
        return isNew ? yes(LEVEL.annotations) : no();
      default:
        return no();
    }
  };

  let allowed = true;
  const description = changes.map((c) => {
    let v = verdict(c);
    if (v.ok && v.level > permitted) {
      v = no(`the certification (DocMDP P=${permitted}) permits no more than ${LEVEL_TEXT[permitted]}`);
    }
    allowed &&= v.ok;
    const type = c.type ?? c.fieldType ?? (c.role === 'other' ? 'untyped' : null);
    const why = !v.ok && v.why ? ` (${v.why})` : '';
    return `${v.ok ? 'allowed' : 'not allowed'}: ${ROLE_TEXT[c.role]} ${c.objectNumber} ${c.generation}${type ? ` (${type})` : ''} ${c.change}${why}`;
  });
  return { allowed, description };
}
