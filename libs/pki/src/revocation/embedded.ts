import { CMS_OID } from '../cms/oids';
import { PkiFormatError } from '../errors';
import { Certificate } from '../x509/certificate';
import { children, readTlv, TAG, tlvBytes } from '../asn1';
import { Crl, CrlRevocationChecker } from './crl';
import { CombinedRevocationChecker, OcspRevocationChecker } from './ocsp';
import { RevocationChecker } from './types';

/** Adobe's revocation archive, a signed CMS attribute (ISO 32000-1 12.8.3.3.2). */
export const OID_ADBE_REVOCATION_INFO_ARCHIVAL = CMS_OID.adbeRevocationInfoArchival;

/** Evidence that came with the document (PDF DSS/VRI, CMS archive), DER, not yet trusted. */
export interface EmbeddedEvidence {
  certs: Uint8Array[];
  crls: Uint8Array[];
  ocsps: Uint8Array[];
}

export const noEvidence = (): EmbeddedEvidence => ({ certs: [], crls: [], ocsps: [] });

export const hasEvidence = (e: EmbeddedEvidence): boolean => e.crls.length > 0 || e.ocsps.length > 0;

export function mergeEvidence(...parts: EmbeddedEvidence[]): EmbeddedEvidence {
  return {
    certs: parts.flatMap((p) => p.certs),
    crls: parts.flatMap((p) => p.crls),
    ocsps: parts.flatMap((p) => p.ocsps),
  };
}

/**
 * RevocationInfoArchival ::= SEQUENCE { crl [0] EXPLICIT SEQUENCE OF CertificateList OPTIONAL,
 * ocsp [1] EXPLICIT SEQUENCE OF OCSPResponse OPTIONAL, otherRevInfo [2] ... OPTIONAL }.
 * A malformed archive gives no evidence (it is untrusted input, not a reason to fail the signature).
 */
export function readRevocationInfoArchival(value: Uint8Array): EmbeddedEvidence {
  const out = noEvidence();
  try {
    for (const part of children(value, readTlv(value))) {
      const inner = children(value, part)[0];
      if (!inner || inner.tag !== TAG.SEQUENCE) continue;
      const items = children(value, inner).map((t) => tlvBytes(value, t));
      if (part.tag === TAG.context(0)) out.crls.push(...items);
      else if (part.tag === TAG.context(1)) out.ocsps.push(...items);
    }
  } catch (e) {
    if (!(e instanceof PkiFormatError)) throw e;
  }
  return out;
}

function parsed<T>(items: Uint8Array[], parse: (b: Uint8Array) => T): T[] {
  return items.flatMap((b) => {
    try {
      return [parse(b)];
    } catch (e) {
      if (e instanceof PkiFormatError) return [];
      throw e;
    }
  });
}

/**
 * A checker over the document's own evidence only: OCSP responses first, then CRLs, each verified
 * as fetched ones are (signature, responder or CRL-issuer authority, scope, freshness as of the
 * time asked, which the caller sets to the proof of existence). Nothing is fetched.
 */
export function embeddedRevocationChecker(
  evidence: EmbeddedEvidence,
  opts: { trustAnchors: readonly Certificate[]; clock: () => Date },
): RevocationChecker {
  const certificates = parsed(evidence.certs, (b) => Certificate.fromDer(b));
  const crl = new CrlRevocationChecker({
    crls: parsed(evidence.crls, (b) => Crl.fromDer(b)),
    certificates,
    trustAnchors: opts.trustAnchors,
    clock: opts.clock,
  });
  const ocsp = new OcspRevocationChecker({ responses: evidence.ocsps, clock: opts.clock, responderStatusChecker: crl });
  return new CombinedRevocationChecker([ocsp, crl]);
}
