import { CMS_OID, parseSignedData } from '../cms';
import { PkiFormatError } from '../errors';
import { failed } from '../indication';
import { PdfFormatError, PdfSignatureField, signedByteRanges } from '../pdf';
import {
  EmbeddedEvidence,
  noEvidence,
  OID_ADBE_REVOCATION_INFO_ARCHIVAL,
  readRevocationInfoArchival,
} from '../revocation/embedded';
import type { RevocationChecker } from '../revocation/types';
import { TimestampValidation, validateTimestamp } from '../tsp/validate';
import { AlgorithmPolicy } from '../validation/algorithm-policy';
import { Certificate } from '../x509/certificate';
import { TimestampFact } from './poe';

/** Budget: signature timestamps validated per signature (each costs a path validation). */
export const MAX_SIGNATURE_TIMESTAMPS = 4;

export interface TimestampContext {
  trustAnchors: readonly Certificate[];
  intermediates: readonly Certificate[];
  validationTime: Date;
  /** Revocation for a TSA path: the document's evidence, then the caller's checker; undefined = not checked. */
  revocation: () => { checker: RevocationChecker; required: boolean } | undefined;
  /** The caller's policy, for the tokens' own algorithms and the TSAs' paths. */
  algorithmPolicy?: AlgorithmPolicy;
}

/** A validated timestamp and what it covers. */
export interface CheckedTimestamp {
  type: 'signature' | 'document';
  fieldName: string | null;
  validation: TimestampValidation;
}

export function timestampFact(t: CheckedTimestamp): TimestampFact {
  return {
    type: t.type,
    genTime: t.validation.genTime,
    valid: t.validation.valid,
    accuracyMs: t.validation.token.tstInfo?.accuracyMs,
  };
}

function firstSignerInfo(cms: Uint8Array) {
  try {
    return parseSignedData(cms).signerInfos[0];
  } catch (e) {
    if (e instanceof PkiFormatError) return undefined;
    throw e;
  }
}

/** The adbe-revocationInfoArchival signed attribute of a signature's CMS (PAdES-compatible LTV of Acrobat). */
export function archivedRevocationInfo(cms: Uint8Array): EmbeddedEvidence {
  const value = firstSignerInfo(cms)?.signedAttributes.find((a) => a.type === OID_ADBE_REVOCATION_INFO_ARCHIVAL)
    ?.values[0];
  return value ? readRevocationInfoArchival(value) : noEvidence();
}

/**
 * The signature timestamps of a CMS (unsigned attribute id-aa-signatureTimeStampToken, RFC 3161
 * Appendix A): each must be over the SignerInfo's signature value, so it proves the signature, not
 * just some data, existed at genTime. The TSA's path is judged at `tsaTime` (the validation time,
 * or a covering document timestamp's POE).
 */
export async function checkSignatureTimestamps(
  cms: Uint8Array,
  ctx: TimestampContext,
  tsaTime: Date,
): Promise<CheckedTimestamp[]> {
  const si = firstSignerInfo(cms);
  if (!si) return [];
  const tokens = si.unsignedAttributes
    .filter((a) => a.type === CMS_OID.timeStampToken)
    .flatMap((a) => a.values)
    .slice(0, MAX_SIGNATURE_TIMESTAMPS);
  const out: CheckedTimestamp[] = [];
  for (const token of tokens) {
    const validation = await validateTimestamp({
      token,
      data: [si.signature],
      trustAnchors: ctx.trustAnchors,
      intermediates: ctx.intermediates,
      validationTime: tsaTime,
      revocation: ctx.revocation(),
      algorithmPolicy: ctx.algorithmPolicy,
    });
    out.push({ type: 'signature', fieldName: null, validation });
  }
  return out;
}

/** A document timestamp covers a signature when the signature's whole revision lies before its /Contents. */
export function covers(docTimestamp: PdfSignatureField, field: PdfSignatureField): boolean {
  return (
    docTimestamp !== field &&
    docTimestamp.byteRangeValid &&
    field.revisionLength > 0 &&
    field.revisionLength <= docTimestamp.byteRange[1]
  );
}

/**
 * The document timestamps (sub-filter ETSI.RFC3161, ETSI EN 319 142-1 5.4.3), newest first: the
 * imprint is over the byte ranges. A newer valid one is the POE of the older ones, whose TSA is
 * then judged at that time (so an archive timestamp keeps an expired TSA's proof usable).
 */
export async function checkDocumentTimestamps(
  pdf: Uint8Array,
  fields: readonly PdfSignatureField[],
  ctx: TimestampContext,
): Promise<Map<PdfSignatureField, CheckedTimestamp>> {
  const out = new Map<PdfSignatureField, CheckedTimestamp>();
  const newestFirst = fields
    .filter((f) => f.subFilter === 'ETSI.RFC3161')
    .sort((a, b) => b.revisionLength - a.revisionLength);
  for (const field of newestFirst) {
    const tsaTime = poeFromDocumentTimestamps(field, out) ?? ctx.validationTime;
    let data: Uint8Array[] = [];
    try {
      if (field.byteRangeValid) data = signedByteRanges(pdf, field.byteRange);
    } catch (e) {
      if (!(e instanceof PdfFormatError)) throw e;
    }
    const validation = await validateTimestamp({
      token: field.contents,
      data: data.length ? data : [new Uint8Array()],
      trustAnchors: ctx.trustAnchors,
      intermediates: ctx.intermediates,
      validationTime: tsaTime,
      revocation: ctx.revocation(),
      algorithmPolicy: ctx.algorithmPolicy,
    });
    if (!field.byteRangeValid) {
      // The imprint cannot be over "the document" when the range is not the revision: no proof.
      validation.valid = false;
      validation.result = failed('FORMAT_FAILURE');
    }
    out.set(field, { type: 'document', fieldName: field.fieldName, validation });
  }
  return out;
}

/** The earliest genTime of a valid document timestamp covering `field`, if any. */
export function poeFromDocumentTimestamps(
  field: PdfSignatureField,
  documentTimestamps: ReadonlyMap<PdfSignatureField, CheckedTimestamp>,
): Date | null {
  const times = [...documentTimestamps]
    .filter(([ts, c]) => c.validation.valid && c.validation.genTime && covers(ts, field))
    .map(([, c]) => c.validation.genTime!.getTime());
  return times.length ? new Date(Math.min(...times)) : null;
}

/** The document timestamps covering a field, as they stand. */
export function coveringDocumentTimestamps(
  field: PdfSignatureField,
  documentTimestamps: ReadonlyMap<PdfSignatureField, CheckedTimestamp>,
): CheckedTimestamp[] {
  return [...documentTimestamps].filter(([ts]) => covers(ts, field)).map(([, c]) => c);
}
