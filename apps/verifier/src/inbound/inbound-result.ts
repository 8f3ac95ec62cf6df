import type { DocumentReport } from '@kyso/pki';
import type { InboundReasonCode } from './reasons';

export type InboundDecision = 'accepted' | 'rejected';

/** One reason for rejecting, in both languages; `attachment` names the document it is about. */
export interface InboundReason {
  code: InboundReasonCode;
  vi: string;
  en: string;
  attachment?: string;
}

/**
 * What the sender claims about the document: the edXML header (MessageHeader), or for a bare PDF the
 * caller's `sender` field. Nothing here is trusted: it is compared with the signatures and the text.
 */
export interface InboundHeader {
  organId: string | null;
  organName: string | null;
  codeNumber: string | null;
  codeNotation: string | null;
  /** YYYY-MM-DD. */
  promulgationDate: string | null;
  placeName: string | null;
  subject: string | null;
  documentType: string | null;
  signerFullName: string | null;
  signerPosition: string | null;
}

/** One attached document as checked: its bytes' hash, and the validation report for a PDF. */
export interface InboundDocument {
  name: string;
  contentType: string | null;
  size: number;
  sha256: string;
  /** Null for an attachment that is not a PDF (it cannot carry the signatures asked for). */
  report: DocumentReport | null;
  /** Valid (TOTAL-PASSED) signatures by holder kind, as the certificates' subjects tell (holder-kind.ts). */
  personalSignatures: number;
  organisationSignatures: number;
}

/** The notice to the sender (Art 31: refuse and tell the sender why), as data; notice-pdf.ts prints it. */
export interface InboundNotice {
  to: { organId: string | null; organName: string | null };
  subject: { vi: string; en: string };
  document: Pick<InboundHeader, 'codeNumber' | 'codeNotation' | 'promulgationDate' | 'subject'>;
  reasons: InboundReason[];
  validationId: string;
  checkedAt: string;
  /** The whole notice as plain text, ready to paste into a reply. */
  text: { vi: string; en: string };
}

export interface InboundOutcome {
  decision: InboundDecision;
  format: 'edxml' | 'pdf';
  header: InboundHeader;
  documents: InboundDocument[];
  reasons: InboundReason[];
  /** Present when rejected. */
  notice: InboundNotice | null;
}
