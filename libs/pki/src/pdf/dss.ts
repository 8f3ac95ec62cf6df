import { createHash } from 'node:crypto';
import { PdfDocument } from './document';
import { PdfFormatError } from './errors';
import { appendIncrementalUpdate, nextObjectNumber, UpdateObject } from './incremental';
import { PdfDict, PdfName, PdfObject, PdfRef, PdfStream } from './objects';
import { serializeValue } from './serialize';

/**
 * Long-term validation data of a PDF (ETSI EN 319 142-1 5.4.2, PAdES B-LT): the Document Security
 * Store's certificates, CRLs and OCSP responses, DER, from /DSS and every /VRI entry together.
 */
export interface DssData {
  certs: Uint8Array[];
  crls: Uint8Array[];
  ocsps: Uint8Array[];
}

/** Budgets: items read from a DSS (its arrays and every VRI's), and VRI entries visited. */
export const MAX_DSS_ITEMS = 1024;
export const MAX_VRI_ENTRIES = 1024;

const KEYS = [
  ['certs', 'Certs', 'Cert'],
  ['crls', 'CRLs', 'CRL'],
  ['ocsps', 'OCSPs', 'OCSP'],
] as const;

const empty = (): DssData => ({ certs: [], crls: [], ocsps: [] });

/**
 * The DSS of the newest revision (a DSS is only ever extended). Evidence is untrusted data here:
 * each item is checked by the revocation checkers that use it (signatures, scope, freshness).
 * A PDF without DSS, or with one that cannot be read, gives no evidence rather than an error. An
 * already opened document is read as it is (the verifier opens each file once).
 */
export function readDss(pdf: Uint8Array | PdfDocument): DssData {
  const out = empty();
  let doc: PdfDocument;
  try {
    doc = pdf instanceof PdfDocument ? pdf : PdfDocument.open(pdf);
  } catch {
    return out;
  }
  const seen = new Set<string>();
  let count = 0;
  const add = (kind: keyof DssData, o: PdfObject | undefined) => {
    const items = doc.resolve(o);
    if (!Array.isArray(items)) return;
    for (const item of items) {
      if (count >= MAX_DSS_ITEMS) return;
      const stream = doc.resolve(item);
      if (!(stream instanceof PdfStream)) continue;
      const bytes = doc.decode(stream);
      const key = `${kind}:${createHash('sha256').update(bytes).digest('hex')}`;
      if (seen.has(key)) continue;
      seen.add(key);
      count++;
      out[kind].push(bytes);
    }
  };
  try {
    const dss = doc.resolveDict(doc.catalog().dict.get('DSS'));
    if (!dss) return out;
    for (const [kind, arrayKey] of KEYS) add(kind, dss.get(arrayKey));
    const vri = doc.resolveDict(dss.get('VRI'));
    for (const entry of [...(vri?.map.values() ?? [])].slice(0, MAX_VRI_ENTRIES)) {
      const v = doc.resolveDict(entry);
      if (v) for (const [kind, , vriKey] of KEYS) add(kind, v.get(vriKey));
    }
  } catch (e) {
    if (!(e instanceof PdfFormatError)) throw e;
  }
  return out;
}

/** ETSI EN 319 142-1 5.4.2.2: a VRI key is the upper-case hex SHA-1 of the signature's /Contents value. */
export function vriKey(signatureContents: Uint8Array): string {
  return createHash('sha1').update(signatureContents).digest('hex').toUpperCase();
}

export interface AppendDssOptions extends DssData {
  /** /Contents (CMS or timestamp token bytes) of the signatures to write a VRI entry for, naming all the data. */
  vriFor?: Uint8Array[];
}

/**
 * Adds LTV data as an incremental update (PAdES B-LT): one stream per item, the catalog's /DSS
 * extended (its earlier entries kept), no other object touched, so signatures before it stay intact
 * and the change is an allowed DSS addition.
 */
export function appendDss(pdf: Uint8Array, data: AppendDssOptions): Uint8Array {
  const doc = PdfDocument.open(pdf);
  const catalog = doc.catalog();
  let next = nextObjectNumber(doc);
  const objects: UpdateObject[] = [];
  const streamsOf = (items: Uint8Array[]): PdfRef[] =>
    items.map((bytes) => {
      const ref = new PdfRef(next++, 0);
      const head = Buffer.from(`<</Length ${bytes.length}>>\nstream\n`, 'latin1');
      const body = Buffer.concat([head, bytes, Buffer.from('\nendstream', 'latin1')]);
      objects.push({ num: ref.num, gen: 0, body });
      return ref;
    });
  const dssValue = catalog.dict.get('DSS');
  const old = doc.resolveDict(dssValue);
  const dss = old?.clone() ?? new PdfDict().set('Type', new PdfName('DSS'));
  const refs: Record<keyof DssData, PdfRef[]> = { certs: [], crls: [], ocsps: [] };
  for (const [kind, arrayKey] of KEYS) {
    refs[kind] = streamsOf(data[kind]);
    const existing = doc.resolve(dss.get(arrayKey));
    const all = [...(Array.isArray(existing) ? existing : []), ...refs[kind]];
    if (all.length) dss.set(arrayKey, all);
  }
  if (data.vriFor?.length) {
    const vri = doc.resolveDict(dss.get('VRI'))?.clone() ?? new PdfDict();
    for (const contents of data.vriFor) {
      const entry = new PdfDict();
      for (const [kind, , vriKeyName] of KEYS) if (refs[kind].length) entry.set(vriKeyName, refs[kind]);
      vri.set(vriKey(contents), entry);
    }
    dss.set('VRI', vri);
  }
  if (dssValue instanceof PdfRef && old) {
    objects.push({ num: dssValue.num, gen: dssValue.gen, body: serializeValue(dss) });
  } else {
    const ref = new PdfRef(next++, 0);
    objects.push({ num: ref.num, gen: 0, body: serializeValue(dss) });
    const newCatalog = catalog.dict.clone().set('DSS', ref);
    objects.push({ num: catalog.ref.num, gen: catalog.ref.gen, body: serializeValue(newCatalog) });
  }
  return appendIncrementalUpdate(doc, objects, `DSS|${pdf.length}`).pdf;
}
