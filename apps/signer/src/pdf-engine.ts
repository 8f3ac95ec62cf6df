import { Certificate, RawSigner, TimestampClient } from '@kyso/pki';
// Sub-paths until the lead re-exports checkPdfStructure and signPdf from @kyso/pki.
import {
  fillTextFields,
  renderTextStamp,
  renderVisibleSignature,
  reserveTextFields,
  SignedPdfUpdate,
  signPdfUpdate,
} from '@kyso/pki/pades';
import { checkPdfStructure } from '@kyso/pki/pdf';
import type { Hash } from 'node:crypto';
import type { Drawing } from './appearance';

export interface PdfSignOptions {
  signer: RawSigner;
  certificate: Certificate;
  chain: Certificate[];
  signingTime: Date;
  reason?: string;
  location?: string;
  /** B-T and above: the TSA that timestamps the signature. */
  timestamp?: TimestampClient;
  /** Visible signature or stamp; throws an AppearanceError (with `code`) when it cannot be drawn. */
  drawing?: Drawing;
  /** A SHA-256 state fed with exactly the PDF's bytes (hashed at upload), continued instead of hashing again. */
  inputSha256?: Hash;
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

  async sign(pdf: Uint8Array, { drawing, ...opts }: PdfSignOptions): Promise<SignedPdfUpdate> {
    const appearance =
      drawing &&
      (drawing.kind === 'stamp'
        ? await renderTextStamp(pdf, drawing.spec)
        : await renderVisibleSignature(pdf, drawing.spec));
    const work = drawing?.form;
    const form = work?.fill?.length
      ? await fillTextFields(pdf, work.fill)
      : work?.reserve?.length
        ? reserveTextFields(pdf, work.reserve)
        : undefined;
    return signPdfUpdate(pdf, { ...opts, appearance, form });
  }
}
