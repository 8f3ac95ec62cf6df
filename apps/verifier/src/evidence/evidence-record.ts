import { createHash } from 'node:crypto';
import {
  parseSignedData,
  signatureFields,
  type Certificate,
  type DocumentReport,
  type ExternalProofOfExistence,
} from '@kyso/pki';
import type { FetchRecord } from '../revocation/queued-fetcher';

/** One signature as the evidence keeps it: what names it and whether it was TOTAL-PASSED, judged when. */
export interface SignatureEvidence {
  id: string;
  /** SHA-256 (hex, upper case) of the signature's /Contents, as the report's signatureSha256. */
  signatureSha256: string;
  indication: string;
  subIndication: string | null;
  totalPassed: boolean;
  /** The time the signature was judged at (the validation time, or an earlier proof of existence). */
  judgedAt: string;
}

/** A CRL or OCSP response the validation used, as fetched. */
export interface FetchedEvidence {
  url: string;
  fetchedAt: string;
  /** DER, base64. */
  der: string;
}

/** The certificates and revocation answers the validation rested on (R26), DER in base64. */
export interface EvidenceMaterial {
  certificates: string[];
  crls: FetchedEvidence[];
  ocspResponses: FetchedEvidence[];
}

/** A CRL or OCSP response of a format 2 record: its DER named by SHA-256. */
export interface NamedFetch {
  url: string;
  fetchedAt: string;
  /** SHA-256 of the DER, hex, lower case. */
  sha256: string;
}

/**
 * The material as a format 2 record stores and hashes it (issue 16.3): each DER named by its
 * SHA-256 (hex, lower case), in material's order, the DERs kept once each (verifier.evidence_der).
 */
export interface NamedMaterial {
  format: 2;
  certificates: string[];
  crls: NamedFetch[];
  ocspResponses: NamedFetch[];
}

/** What is kept of one finished validation; `recordSha256` is what the audit chain seals. */
export interface EvidenceRecord {
  id: string;
  validationId: string;
  /** Hex, upper case, as the report's documentSha256. */
  documentSha256: string;
  validatedAt: Date;
  signatures: SignatureEvidence[];
  /** The DERs themselves, whatever the format (what a reader is shown). */
  material: EvidenceMaterial;
  /**
   * Format 2: how the record names material's DERs, as stored; its hash covers these names, found
   * again from material's DERs when a stored record is checked. Absent: format 1 (records stored
   * before), material inline and hashed as it is.
   */
  named?: NamedMaterial;
  report: DocumentReport;
  recordSha256: string;
}

/** A stored record and its seal (null until the registry acknowledged the audit event). */
export interface StoredEvidence extends EvidenceRecord {
  seal: { auditSeq: string; auditHash: string; sealedAt: Date } | null;
}

/**
 * Base64 of the DERs seen lately, per bytes object: the certificates (parsed once per CMS content)
 * and the held CRLs and OCSP answers are the same objects in every validation of a document.
 */
const base64s = new WeakMap<Uint8Array, string>();
function b64(der: Uint8Array): string {
  let text = base64s.get(der);
  if (text === undefined)
    base64s.set(der, (text = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64')));
  return text;
}
const sha256 = (der: Uint8Array) => createHash('sha256').update(der).digest('hex');

/** A DER and its name (SHA-256, hex, lower case). */
interface Der {
  sha256: string;
  der: Uint8Array;
}

/** Names of the CRLs and OCSP answers seen lately: the revocation caches hand the same bytes again. */
const fetchedNames = new WeakMap<Uint8Array, string>();
function nameOf(der: Uint8Array): string {
  let name = fetchedNames.get(der);
  if (name === undefined) fetchedNames.set(der, (name = sha256(der)));
  return name;
}

/**
 * The certificates of every signature's CMS and the trust anchors its chain ended in. A file whose
 * structure cannot be read yields what could be read (its report says it is damaged).
 */
function certificatesOf(pdf: Uint8Array, report: DocumentReport, trustAnchors: readonly Certificate[]): Der[] {
  const found = new Map<string, Uint8Array>();
  try {
    // The fields verifyPdf read from these same bytes: neither the PDF nor the CMS is parsed again.
    for (const field of signatureFields(pdf)) {
      try {
        for (const c of parseSignedData(field.contents).certificates) found.set(c.sha256Hex, c.der);
      } catch {
        // a CMS that cannot be parsed carries no certificate to keep
      }
    }
  } catch {
    // damaged structure: the report records it
  }
  const used = new Set(report.signatures.flatMap((s) => s.chain.map((c) => c.sha256)));
  for (const a of trustAnchors) if (used.has(a.sha256Hex)) found.set(a.sha256Hex, a.der);
  return [...found].map(([hex, der]) => ({ sha256: hex.toLowerCase(), der }));
}

/** The record of a finished validation (format 2), its hash computed over everything it holds, DERs by name. */
export function buildEvidence(input: {
  id: string;
  validationId: string;
  pdf: Uint8Array;
  report: DocumentReport;
  trustAnchors: readonly Certificate[];
  fetches: readonly FetchRecord[];
}): EvidenceRecord {
  const { report } = input;
  const certificates = certificatesOf(input.pdf, report, input.trustAnchors);
  const fetched = (kind: FetchRecord['kind']) =>
    input.fetches
      .filter((f) => f.kind === kind)
      .map((f) => ({ url: f.url, fetchedAt: f.fetchedAt.toISOString(), sha256: nameOf(f.der), der: f.der }));
  const crls = fetched('crl');
  const ocspResponses = fetched('ocsp');
  const inline = ({ url, fetchedAt, der }: (typeof crls)[number]) => ({ url, fetchedAt, der: b64(der) });
  const byName = ({ url, fetchedAt, sha256 }: (typeof crls)[number]) => ({ url, fetchedAt, sha256 });
  const record: Omit<EvidenceRecord, 'recordSha256'> = {
    id: input.id,
    validationId: input.validationId,
    documentSha256: report.documentSha256,
    validatedAt: new Date(report.validationTime),
    signatures: report.signatures.map((s) => ({
      id: s.id,
      signatureSha256: s.signatureSha256,
      indication: s.indication,
      subIndication: s.subIndication,
      totalPassed: s.indication === 'TOTAL-PASSED',
      judgedAt: s.signingTime.judgedAt,
    })),
    material: {
      certificates: certificates.map((c) => b64(c.der)),
      crls: crls.map(inline),
      ocspResponses: ocspResponses.map(inline),
    },
    named: {
      format: 2,
      certificates: certificates.map((c) => c.sha256),
      crls: crls.map(byName),
      ocspResponses: ocspResponses.map(byName),
    },
    report,
  };
  return { ...record, recordSha256: contentSha256(record, record.named!, true) };
}

/**
 * Format 2's material with the DERs given by name (base64); a DER not given is shown empty, so the
 * record no longer hashes to what was sealed.
 */
export function materialOf(named: NamedMaterial, derOf: (sha256: string) => string | undefined): EvidenceMaterial {
  const inline = ({ url, fetchedAt, sha256 }: NamedFetch) => ({ url, fetchedAt, der: derOf(sha256) ?? '' });
  return {
    certificates: named.certificates.map((h) => derOf(h) ?? ''),
    crls: named.crls.map(inline),
    ocspResponses: named.ocspResponses.map(inline),
  };
}

/** Every DER name of format 2's material. */
export const derNames = (named: NamedMaterial): string[] => [
  ...named.certificates,
  ...named.crls.map((f) => f.sha256),
  ...named.ocspResponses.map((f) => f.sha256),
];

/** Whether stored material is of format 2 (DERs by name). */
export const isNamed = (material: EvidenceMaterial | NamedMaterial): material is NamedMaterial =>
  (material as NamedMaterial).format === 2;

/** Names of material's DERs, each hashed from its bytes: what a format 2 record's hash covers. */
function namesOf(material: EvidenceMaterial): NamedMaterial {
  const name = (der: string) => sha256(Buffer.from(der, 'base64'));
  const byName = ({ url, fetchedAt, der }: FetchedEvidence) => ({ url, fetchedAt, sha256: name(der) });
  return {
    format: 2,
    certificates: material.certificates.map(name),
    crls: material.crls.map(byName),
    ocspResponses: material.ocspResponses.map(byName),
  };
}

/** Object keys as JSON members begin (quoted, escaped, then `:`): the same few names recur in every record. */
const KEY_PREFIXES = new Map<string, string>();
const KEY_PREFIXES_MAX = 4096;
function keyPrefix(k: string): string {
  let q = KEY_PREFIXES.get(k);
  if (q === undefined) {
    q = `${JSON.stringify(k)}:`;
    if (KEY_PREFIXES.size < KEY_PREFIXES_MAX) KEY_PREFIXES.set(k, q);
  }
  return q;
}

/** Above this many keys sortedKeys leaves insertion (quadratic) for sort(). */
const INSERTION_SORT_MAX = 32;

/**
 * The object's own keys in the order Array.prototype.sort gives them (UTF-16 code units, as `<`
 * compares strings), sorted in place by insertion: a record's objects have a dozen keys at most,
 * and sort() would first copy them to a work array of its own (garbage on every object).
 */
function sortedKeys(o: object): string[] {
  const keys = Object.keys(o);
  if (keys.length > INSERTION_SORT_MAX) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i];
    let j = i - 1;
    for (; j >= 0 && keys[j] > k; j--) keys[j + 1] = keys[j];
    keys[j + 1] = k;
  }
  return keys;
}

/**
 * JSON with object keys sorted: the same value gives the same bytes after a jsonb round trip. The
 * bytes of every stored record's hash: what this writes must never change (evidence-record.spec
 * compares it with the first version over varied values). Loops, keys sorted in place and their
 * quoted form remembered, one concatenation per member, for speed and less garbage: it runs over
 * each record, report included.
 */
export function canonicalJson(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i) out += ',';
      out += canonicalJson(value[i]) ?? '';
    }
    return out + ']';
  }
  const o = value as Record<string, unknown>;
  const keys = sortedKeys(o);
  let out = '{';
  let first = true;
  for (let i = 0; i < keys.length; i++) {
    const v = o[keys[i]];
    if (v === undefined) continue;
    if (first) first = false;
    else out += ',';
    // A value JSON cannot write (a function) gives "undefined", as the first version did.
    out += keyPrefix(keys[i]) + canonicalJson(v);
  }
  return out + '}';
}

/**
 * SHA-256 (hex) of the record's canonical JSON: what the audit event carries. Format 1 hashes the
 * DERs themselves; format 2 their names (and `format: 2`, so no content of one format passes for
 * the other's), computed here from material's DERs: a DER changed or missing changes the hash.
 */
export function evidenceSha256(record: Omit<EvidenceRecord, 'recordSha256'>): string {
  return record.named ? contentSha256(record, namesOf(record.material), true) : contentSha256(record, record.material);
}

function contentSha256(
  record: Omit<EvidenceRecord, 'recordSha256'>,
  material: EvidenceMaterial | NamedMaterial,
  named = false,
): string {
  const { id, validationId, documentSha256, validatedAt, signatures, report } = record;
  const content = { id, validationId, documentSha256, validatedAt, signatures, material, report };
  // Format 2's content carries its format at the top, where format 1's has nothing.
  const hashed = named ? { ...content, format: 2 } : content;
  return createHash('sha256').update(canonicalJson(hashed)!).digest('hex');
}

/**
 * The evidence rule (issue 10): a record proves a signature existed at the time it was judged at
 * then, when (1) the record is sealed (the registry's hash chain holds its hash), (2) its content
 * still hashes to what was sealed, and (3) it shows the signature TOTAL-PASSED. Anything else proves
 * nothing (`intact` checks (2); a caller may remember records it checked). The proof is only of existence: the later validation still checks the path, revocation
 * included, as of that time.
 */
export function proofsFromEvidence(
  records: readonly StoredEvidence[],
  intact = (r: StoredEvidence) => evidenceSha256(r) === r.recordSha256,
): ExternalProofOfExistence[] {
  return records
    .filter((r) => r.seal !== null && intact(r))
    .flatMap((r) =>
      r.signatures
        .filter((s) => s.totalPassed)
        .map((s) => ({
          signatureSha256: s.signatureSha256,
          time: new Date(s.judgedAt),
          source: 'kyso-evidence' as const,
          evidenceId: r.id,
        })),
    );
}
