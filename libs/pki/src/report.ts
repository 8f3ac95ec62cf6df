import { Indication, IndeterminateSubIndication, Reason, TotalFailedSubIndication } from './indication';

/** One certificate of a chain as shown in a report. */
export interface ChainEntry {
  subject: string;
  issuer: string;
  serialNumber: string; // hex, upper case
  notBefore: string; // ISO 8601
  notAfter: string;
  sha256: string; // fingerprint of the DER, hex upper case
  trustAnchor: boolean;
}

export interface SignerInfoSummary {
  name: string | null; // CN of the signer's certificate
  organisation: string | null; // O (and OU) of the signer's certificate
  title: string | null; // title attribute when the certificate carries one
  email: string | null;
  certificateSerial: string | null;
  issuer: string | null;
}

/** One signature's verdict: the report shape of the architecture doc. */
export interface SignatureReport {
  id: string; // e.g. the field name
  fieldName: string | null;
  indication: Indication;
  subIndication: TotalFailedSubIndication | IndeterminateSubIndication | null;
  signer: SignerInfoSummary;
  /**
   * claimed: what the signer wrote (proves nothing); timestamped: the earliest time a valid
   * timestamp proves the signature existed (POE); judgedAt: the time the path was judged at
   * (the earliest proof of existence, else the validation time). ETSI EN 319 102-1 5.6.2.1.
   * provenBy: what judgedAt rests on: 'timestamp', 'kyso-evidence' (the verifier's own sealed
   * record of an earlier validation of the same bytes, whose id is evidenceId), or null (none:
   * judged at the validation time).
   */
  signingTime: {
    claimed: string | null;
    timestamped: string | null;
    judgedAt: string;
    provenBy: 'timestamp' | 'kyso-evidence' | null;
    evidenceId: string | null;
  };
  /** SHA-256 (hex, upper case) of the signature's /Contents (the CMS): names this signature in evidence records. */
  signatureSha256: string;
  /** Signature timestamps and the document timestamps covering this signature. */
  timestamps: TimestampReport[];
  subFilter: string | null;
  digestAlgorithm: string | null;
  signatureAlgorithm: string | null;
  coverage: {
    byteRange: number[];
    coversWholeRevision: boolean; // byte range = the revision it signed, minus /Contents
    coversWholeDocument: boolean; // no bytes were appended after this signature's revision
    signedRevisionLength: number;
  };
  modifications: { changedAfterSigning: boolean; allowed: boolean | null; description: string[] };
  chain: ChainEntry[];
  revocation: { checked: boolean; source: 'crl' | 'ocsp' | null; producedAt: string | null; fetchedAt: string | null };
  reasons: Reason[];
}

/** A timestamp (RFC 3161) over a signature or over the document, as validated. */
export interface TimestampReport {
  type: 'signature' | 'document';
  fieldName: string | null; // the document timestamp's field
  genTime: string | null;
  indication: Indication;
  subIndication: TotalFailedSubIndication | IndeterminateSubIndication | null;
  tsa: SignerInfoSummary;
  chain: ChainEntry[];
  reasons: Reason[];
}

export interface DocumentReport {
  conclusion: Indication;
  validationTime: string;
  documentSha256: string;
  signatureCount: number;
  signatures: SignatureReport[];
  reasons: Reason[]; // document-level reasons (e.g. no signature)
}
