import { Inject, Injectable } from '@nestjs/common';
import { Caller, Clock, ProblemError } from '@kyso/common';
import { isKeyStoreError, KeyStore } from '@kyso/keystore';
import { Certificate, checkNameChaining, checkSignature, PkiFormatError } from '@kyso/pki';
import type { SignedPdfUpdate } from '@kyso/pki/pades';
import { createHash, createPublicKey, randomUUID } from 'node:crypto';
import { PdfEngine } from './pdf-engine';
import { RegistryClient } from './registry-client';
import { SignatureEventsRepository } from './signature-events.repository';

export const KEY_STORE = Symbol('KEY_STORE');

export interface SignPdfInput {
  pdf: Uint8Array;
  certificateId: string;
  actingOfficialId: string;
  /** Checked by the registry; never stored or logged here. */
  pin: string;
  reason?: string;
  location?: string;
  requestId?: string;
  /** Who asks, as forwarded by the gateway; passed on to the registry's signing authorisation. */
  caller?: Caller;
}

/** Expected reasons not to sign: values the controller maps to problem+json. */
export type Refusal =
  | { code: 'EMPTY_FILE'; detail: string }
  | { code: 'INVALID_PDF'; reason: string; detail: string }
  | { code: 'SIGNING_NOT_ALLOWED'; reason: string; message: string; messageVi: string }
  | { code: 'KEY_CERTIFICATE_MISMATCH'; detail: string }
  | { code: 'CERTIFICATE_CHAIN_INVALID'; detail: string }
  | { code: 'KEY_NOT_FOUND'; detail: string };

export type SignPdfResult =
  /** The signed PDF is the input followed by `update` (the input is not copied). */
  | { outcome: 'signed'; signatureId: string; update: Uint8Array }
  | { outcome: 'refused'; eventId: string; refusal: Refusal };

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Canonical SPKI DER through node:crypto, so two encodings of one key compare equal. */
function sameKey(a: Uint8Array, b: Uint8Array): boolean {
  const norm = (k: Uint8Array) =>
    createPublicKey({ key: Buffer.from(k), format: 'der', type: 'spki' }).export({ type: 'spki', format: 'der' });
  try {
    return norm(a).equals(norm(b));
  } catch {
    return false;
  }
}

/**
 * The chain embedded in a signature must be the certificate's issuer chain, leaf-most first (each
 * names the next as issuer and verifies with its key); the registry checks this on registration,
 * the signer again before putting it into a signed document.
 */
function issuerChainProblem(cert: Certificate, chain: Certificate[]): string | undefined {
  let child = cert;
  for (const [i, issuer] of chain.entries()) {
    const problems = [...checkNameChaining(child, issuer, i), ...checkSignature(child, issuer, i)];
    if (problems.length)
      return `Chain certificate ${i} did not issue ${i === 0 ? 'the certificate' : `chain certificate ${i - 1}`} (${problems.map((p) => p.code).join(', ')})`;
    child = issuer;
  }
  return undefined;
}

/**
 * PAdES signing for an official: structure check, authorisation by the registry (certificate
 * status, holder, PIN), key/certificate match, signature on the token, and an audit event for
 * every attempt, refused ones included.
 */
@Injectable()
export class SigningService {
  constructor(
    private readonly pdfEngine: PdfEngine,
    private readonly registry: RegistryClient,
    private readonly events: SignatureEventsRepository,
    @Inject(KEY_STORE) private readonly keys: KeyStore,
    private readonly clock: Clock,
  ) {}

  async signPdf(input: SignPdfInput): Promise<SignPdfResult> {
    const refuse = async (refusal: Refusal, certificateSerial?: string): Promise<SignPdfResult> => {
      const eventId = randomUUID();
      await this.events.record({
        id: eventId,
        certificateId: input.certificateId,
        certificateSerial,
        actingOfficialId: input.actingOfficialId,
        // Hashed here only: a signed document's digest comes from the signing pass over it.
        documentSha256: sha256(input.pdf),
        at: this.clock.now(),
        outcome: 'refused',
        refusalCode: refusal.code,
        refusalReason: 'reason' in refusal ? refusal.reason : undefined,
        requestId: input.requestId,
      });
      return { outcome: 'refused', eventId, refusal };
    };

    try {
      await this.pdfEngine.checkStructure(input.pdf);
    } catch (e) {
      if (!(e instanceof PkiFormatError)) throw e;
      return refuse(
        e.code === 'EMPTY_FILE'
          ? { code: 'EMPTY_FILE', detail: e.message }
          : { code: 'INVALID_PDF', reason: e.code, detail: e.message },
      );
    }

    const auth = await this.registry.authorize(
      { certificateId: input.certificateId, actingOfficialId: input.actingOfficialId, pin: input.pin },
      input.requestId,
      input.caller,
    );
    if (!auth.allowed) {
      return refuse({
        code: 'SIGNING_NOT_ALLOWED',
        reason: auth.code,
        message: auth.message,
        messageVi: auth.messageVi,
      });
    }

    let certificate: Certificate;
    let chain: Certificate[];
    try {
      certificate = Certificate.parse(auth.certificate.certificatePem);
      chain = (auth.certificate.chainPem ?? []).map((pem) => Certificate.parse(pem));
    } catch (e) {
      throw new ProblemError(
        502,
        'DEPENDENCY_ERROR',
        'Bad gateway',
        `The registry sent an unreadable certificate: ${(e as Error).message}`,
      );
    }
    const serial = certificate.serialNumberHex;
    const chainProblem = issuerChainProblem(certificate, chain);
    if (chainProblem) return refuse({ code: 'CERTIFICATE_CHAIN_INVALID', detail: chainProblem }, serial);
    const ref = { uri: auth.certificate.keyUri };
    const key = await this.findKey(ref.uri);
    if (!key)
      return refuse(
        { code: 'KEY_NOT_FOUND', detail: `The token holds no key ${ref.uri} for this certificate` },
        serial,
      );
    if (!sameKey(key.publicKeySpki, certificate.publicKeySpki)) {
      return refuse(
        { code: 'KEY_CERTIFICATE_MISMATCH', detail: `The key ${ref.uri} does not belong to certificate ${serial}` },
        serial,
      );
    }

    const signingTime = this.clock.now();
    let signed: SignedPdfUpdate;
    try {
      signed = await this.pdfEngine.sign(input.pdf, {
        signer: await this.keys.signer(ref),
        certificate,
        chain,
        signingTime,
        reason: input.reason,
        location: input.location,
      });
    } catch (e) {
      // e.g. an existing field of the same name, or a structure signPdf cannot update.
      if (e instanceof PkiFormatError)
        return refuse({ code: 'INVALID_PDF', reason: e.code, detail: e.message }, serial);
      throw e;
    }
    const signatureId = randomUUID();
    await this.events.record({
      id: signatureId,
      certificateId: input.certificateId,
      certificateSerial: serial,
      actingOfficialId: input.actingOfficialId,
      documentSha256: signed.inputSha256,
      signedDocumentSha256: signed.signedSha256,
      at: signingTime,
      outcome: 'signed',
      requestId: input.requestId,
    });
    return { outcome: 'signed', signatureId, update: signed.update };
  }

  private async findKey(uri: string) {
    try {
      return await this.keys.findKey({ uri });
    } catch (e) {
      // A registry keyUri we cannot read names no key of ours.
      if (isKeyStoreError(e, 'INVALID_KEY_URI')) return undefined;
      throw e;
    }
  }
}
