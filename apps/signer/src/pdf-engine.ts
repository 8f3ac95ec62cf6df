import { Certificate, RawSigner, TimestampClient } from '@kyso/pki';
// Sub-paths until the lead re-exports checkPdfStructure and signPdf from @kyso/pki.
import { signPdf } from '@kyso/pki/pades';
import { checkPdfStructure } from '@kyso/pki/pdf';

export interface PdfSignOptions {
  signer: RawSigner;
  certificate: Certificate;
  chain: Certificate[];
  signingTime: Date;
  reason?: string;
  location?: string;
  /** B-T and above: the TSA that timestamps the signature. */
  timestamp?: TimestampClient;
}

/** Port: the PDF mechanics the signer uses; they never see a key, only a RawSigner. */
export abstract class PdfEngine {
  /** Throws a PdfFormatError (with `code`) when the bytes are not a PDF we can sign. */
  abstract checkStructure(pdf: Uint8Array): Promise<void>;
  abstract sign(pdf: Uint8Array, opts: PdfSignOptions): Promise<Uint8Array>;
}

export class PkiPdfEngine extends PdfEngine {
  async checkStructure(pdf: Uint8Array): Promise<void> {
    await checkPdfStructure(pdf);
  }

  sign(pdf: Uint8Array, opts: PdfSignOptions): Promise<Uint8Array> {
    return signPdf(pdf, opts);
  }
}
