import { Injectable } from '@nestjs/common';
import { PkiFormatError } from '@kyso/pki';
import { createHash } from 'node:crypto';
import { PdfEngine } from './pdf-engine';
import { Refused, SigningGate, SigningRequest } from './signing-gate';

export type { Refusal } from './signing-gate';

export interface SignPdfInput extends SigningRequest {
  pdf: Uint8Array;
  reason?: string;
  location?: string;
}

export type SignPdfResult = { outcome: 'signed'; signatureId: string; pdf: Uint8Array } | Refused;

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/**
 * PAdES signing for an official: structure check, then the shared gate (authorisation, key/certificate
 * match), the signature on the token, and an audit event for every attempt, refused ones included.
 */
@Injectable()
export class SigningService {
  constructor(
    private readonly pdfEngine: PdfEngine,
    private readonly gate: SigningGate,
  ) {}

  async signPdf(input: SignPdfInput): Promise<SignPdfResult> {
    const documentSha256 = sha256(input.pdf);
    try {
      await this.pdfEngine.checkStructure(input.pdf);
    } catch (e) {
      if (!(e instanceof PkiFormatError)) throw e;
      return this.gate.refuse(
        input,
        documentSha256,
        e.code === 'EMPTY_FILE'
          ? { code: 'EMPTY_FILE', detail: e.message }
          : { code: 'INVALID_PDF', reason: e.code, detail: e.message },
      );
    }

    const opened = await this.gate.open(input);
    if (!opened.ok) return this.gate.refuse(input, documentSha256, opened.refusal, opened.serial);
    const { certificate, chain, serial, signer } = opened.authorised;

    const signingTime = this.gate.now();
    let signed: Uint8Array;
    try {
      signed = await this.pdfEngine.sign(input.pdf, {
        signer,
        certificate,
        chain,
        signingTime,
        reason: input.reason,
        location: input.location,
      });
    } catch (e) {
      // e.g. an existing field of the same name, or a structure signPdf cannot update.
      if (e instanceof PkiFormatError)
        return this.gate.refuse(
          input,
          documentSha256,
          { code: 'INVALID_PDF', reason: e.code, detail: e.message },
          serial,
        );
      throw e;
    }
    const signatureId = await this.gate.signed(input, {
      serial,
      documentSha256,
      signedDocumentSha256: sha256(signed),
      at: signingTime,
    });
    return { outcome: 'signed', signatureId, pdf: signed };
  }
}
