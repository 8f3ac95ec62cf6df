import { Certificate, RawSigner } from '@kyso/pki';
// Sub-paths until the lead re-exports checkPdfStructure and signPdf from @kyso/pki.
import { SignedPdfUpdate, signPdfUpdate } from '@kyso/pki/pades';
import { checkPdfStructure } from '@kyso/pki/pdf';

export interface PdfSignOptions {
  signer: RawSigner;
  certificate: Certificate;
  chain: Certificate[];
  signingTime: Date;
  reason?: string;
  location?: string;
}

/** Port: the PDF mechanics the signer uses; they never see a key, only a RawSigner. */
export abstract class PdfEngine {
  /** Throws a PdfFormatError (with `code`) when the bytes are not a PDF we can sign. */
  abstract checkStructure(pdf: Uint8Array): Promise<void>;
  /** The signed PDF is `pdf` followed by the returned update (the input is never copied: it may be 100 MB). */
  abstract sign(pdf: Uint8Array, opts: PdfSignOptions): Promise<SignedPdfUpdate>;
}

export class PkiPdfEngine extends PdfEngine {
  async checkStructure(pdf: Uint8Array): Promise<void> {
    await checkPdfStructure(pdf);
  }

  sign(pdf: Uint8Array, opts: PdfSignOptions): Promise<SignedPdfUpdate> {
    return signPdfUpdate(pdf, opts);
  }
}
