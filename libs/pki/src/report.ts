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
  signingTime: { claimed: string | null; timestamped: string | null };
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

export interface DocumentReport {
  conclusion: Indication;
  validationTime: string;
  documentSha256: string;
  signatureCount: number;
  signatures: SignatureReport[];
  reasons: Reason[]; // document-level reasons (e.g. no signature)
}
