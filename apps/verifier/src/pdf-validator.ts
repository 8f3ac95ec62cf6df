import {
  checkPdfHeader,
  DocumentReport,
  PkiFormatError,
  verifyPdf,
  type Certificate,
  type IssuerFetcher,
  type ExternalProofOfExistence,
  type RevocationChecker,
} from '@kyso/pki';

/** How revocation is checked: a new checker per signature, and whether unknown status fails it. */
export interface RevocationPolicy {
  checker: () => RevocationChecker;
  /** Unknown status gives INDETERMINATE/TRY_LATER; false only for explicit offline setups. */
  required: boolean;
}

/** The registry's anchors by use: a timestamping root anchors TSAs only, never a signer. */
export interface VerifierAnchors {
  documentSigning: Certificate[];
  timestamping: Certificate[];
}

/** What a validation may add beyond anchors and revocation. */
export interface VerifyExtras {
  issuerFetcher?: IssuerFetcher;
  proofsOfExistence?: readonly ExternalProofOfExistence[];
  /** The SHA-256 of these bytes when already computed (the upload's, hashed as it arrived). */
  documentSha256?: string;
}

/**
 * The PDF checks the verifier needs, behind one port so the service and the worker depend on
 * what they use rather than on the library's surface.
 */
export abstract class PdfValidator {
  /**
   * Throws a PdfFormatError (EMPTY_FILE, NOT_A_PDF) when the bytes are not a PDF at all. A damaged
   * PDF passes: it gets a report, with what cannot be checked as FORMAT_FAILURE (issue 10).
   */
  abstract checkIsPdf(pdf: Uint8Array): Promise<void>;
  /**
   * Without `revocation` no revocation is checked (the report says so). `extras.issuerFetcher`
   * completes a leaf-only chain through AIA caIssuers; `extras.proofsOfExistence` is our own sealed
   * evidence of earlier validations of these bytes, counted like timestamps.
   */
  abstract verify(
    pdf: Uint8Array,
    anchors: VerifierAnchors,
    validationTime: Date,
    revocation?: RevocationPolicy,
    extras?: VerifyExtras,
  ): Promise<DocumentReport>;
}

export class PkiPdfValidator extends PdfValidator {
  async checkIsPdf(pdf: Uint8Array): Promise<void> {
    await checkPdfHeader(pdf);
  }

  verify(
    pdf: Uint8Array,
    anchors: VerifierAnchors,
    validationTime: Date,
    revocation?: RevocationPolicy,
    extras: VerifyExtras = {},
  ): Promise<DocumentReport> {
    return verifyPdf(pdf, {
      trustAnchors: anchors.documentSigning,
      timestampTrustAnchors: anchors.timestamping,
      validationTime,
      issuerFetcher: extras.issuerFetcher,
      proofsOfExistence: extras.proofsOfExistence,
      documentSha256: extras.documentSha256,
      ...(revocation && { revocationChecker: revocation.checker, requireRevocation: revocation.required }),
    });
  }
}

/**
 * The stable code of a format error (PdfFormatError and any other PkiFormatError), or undefined
 * for any other error. Format errors are facts about the input: retrying cannot change them.
 */
export function formatErrorCode(e: unknown): string | undefined {
  return e instanceof PkiFormatError ? e.code : undefined;
}
