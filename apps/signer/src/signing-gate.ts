import { Inject, Injectable } from '@nestjs/common';
import { Caller, Clock, ProblemError } from '@kyso/common';
import { isKeyStoreError, KeySigner, KeyStore } from '@kyso/keystore';
import type { CertificateViewDto } from '@kyso/contracts';
import { BoundedCache, Certificate, checkNameChaining, checkSignature } from '@kyso/pki';
import type { AppearanceErrorCode } from '@kyso/pki/pades';
import type { AppearanceRefusalCode } from './appearance';
import type { PurposeRuleRefusal } from './purpose-rules';
import { createPublicKey, randomUUID } from 'node:crypto';
import type { LevelRefusal } from './levels';
import { RegistryClient } from './registry-client';
import type { SigningCredential } from './signing-input';
import { SignatureEventsRepository, SignatureEvidence } from './signature-events.repository';
import { CertificateVerdicts } from './certificate-verdicts';
import { CertificateCheckResult, SigningEvidence } from './signing-seams';

export const KEY_STORE = Symbol('KEY_STORE');

/** Who signs with what: the part every signing path (PDF, CMS, hash) shares. */
export interface SigningRequest {
  certificateId: string;
  actingOfficialId: string;
  /** PIN (checked by the registry, never stored or logged here) or signing session token. */
  credential: SigningCredential;
  requestId?: string;
  /** Who asks, as forwarded by the gateway; passed on to the registry's signing authorisation. */
  caller?: Caller;
  /** What the signature is for (Decree 30/2020 purpose), kept in the audit. */
  purpose?: string;
}

/** Expected reasons not to sign: values the controller maps to problem+json. */
export type Refusal =
  | { code: 'EMPTY_FILE'; detail: string }
  | { code: 'INVALID_PDF'; reason: string; detail: string }
  | { code: 'SIGNING_NOT_ALLOWED'; reason: string; message: string; messageVi: string }
  | { code: 'KEY_CERTIFICATE_MISMATCH'; detail: string }
  | { code: 'CERTIFICATE_CHAIN_INVALID'; detail: string }
  | { code: 'KEY_NOT_FOUND'; detail: string }
  /** The pre-signing check (verifier) refused the signer's or the TSA's certificate; `reason` is its code. */
  | {
      code: 'CERTIFICATE_CHECK_FAILED';
      reason: string;
      message: string;
      messageVi: string;
      reasons: { code: string; message: string; messageVi: string }[];
      retryAfterSeconds?: number;
    }
  | Extract<LevelRefusal, { code: 'TSA_NOT_CONFIGURED' | 'TSA_UNAVAILABLE' }>
  /** The appearance cannot be drawn on this document or for this signer (422 with this code). */
  | { code: AppearanceErrorCode | AppearanceRefusalCode; appearance: true; detail: string }
  /** Who may sign what for this purpose (R17): 422 naming the rule, in English and Vietnamese. */
  | (PurposeRuleRefusal & { purposeRule: true });

/** A failed check as the refusal the controller answers. */
export function checkRefusal(r: Extract<CertificateCheckResult, { ok: false }>): Refusal {
  return {
    code: 'CERTIFICATE_CHECK_FAILED',
    reason: r.code,
    message: r.message,
    messageVi: r.messageVi,
    reasons: r.reasons ?? [],
    ...(r.retryAfterSeconds !== undefined && { retryAfterSeconds: r.retryAfterSeconds }),
  };
}

/** The gate's yes: a certificate the official may sign with now, and its key on the token. */
export interface Authorised {
  certificate: Certificate;
  chain: Certificate[];
  serial: string;
  /** The registry's view of the certificate (holder, organisation, subject type). */
  view: CertificateViewDto;
  signer: KeySigner;
  /** The signing session this signature opened (with its token) or used. */
  signingSession?: SessionUse;
  /** What proved the path good just now (Art 29, R14): B-LT embeds it, the signing record keeps it. */
  evidence: SigningEvidence;
}

/** The signing session a signature opened (with its token, shown once) or used. */
export interface SessionUse {
  id: string;
  token?: string;
  remainingUses: number;
}

export type GateOutcome = { ok: true; authorised: Authorised } | { ok: false; refusal: Refusal; serial?: string };

export type Refused<R = Refusal> = { outcome: 'refused'; eventId: string; refusal: R };

/** Canonical SPKI DER through node:crypto, so two encodings of one key compare equal. */
function sameKey(a: Uint8Array, b: Uint8Array): boolean {
  // Same bytes are the same key: the usual case, without two key imports and exports per signature.
  if (Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b)) return true;
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

/** A registry certificate and chain as parsed and checked once (they are pure functions of the PEM text). */
interface ParsedCertificate {
  certificate: Certificate;
  chain: Certificate[];
  chainProblem?: string;
}

/** Distinct certificates a signer sees in a while: parsed ones are kept, not re-read on every signature. */
const PARSED_CERTIFICATES = 1_000;

/**
 * The rules every signing path applies before the token signs — authorisation by the registry
 * (certificate status, holder, PIN), certificate parse, issuer chain, key lookup, key/certificate
 * match, the certificate's validation with revocation — and the audit event each attempt leaves,
 * refused ones included.
 */
@Injectable()
export class SigningGate {
  constructor(
    private readonly registry: RegistryClient,
    private readonly events: SignatureEventsRepository,
    @Inject(KEY_STORE) private readonly keys: KeyStore,
    private readonly clock: Clock,
    private readonly verdicts: CertificateVerdicts,
  ) {}

  private readonly parsed = new BoundedCache<string, ParsedCertificate>(PARSED_CERTIFICATES);

  async open(req: SigningRequest): Promise<GateOutcome> {
    const auth = await this.registry.authorize(
      { certificateId: req.certificateId, actingOfficialId: req.actingOfficialId, ...req.credential },
      req.requestId,
      req.caller,
    );
    // The registry's word on the certificate is fresher than a remembered verdict: a refusal
    // (revoked, suspended, wrong holder...) or a status other than active drops it.
    if (!auth.allowed || auth.certificate.status !== 'active') this.verdicts.forget(req.certificateId);
    if (!auth.allowed) {
      return {
        ok: false,
        refusal: { code: 'SIGNING_NOT_ALLOWED', reason: auth.code, message: auth.message, messageVi: auth.messageVi },
      };
    }

    let parsed: ParsedCertificate;
    try {
      parsed = this.parse(auth.certificate.certificatePem, auth.certificate.chainPem ?? []);
    } catch (e) {
      throw new ProblemError(
        502,
        'DEPENDENCY_ERROR',
        'Bad gateway',
        `The registry sent an unreadable certificate: ${(e as Error).message}`,
      );
    }
    const { certificate, chain, chainProblem } = parsed;
    const serial = certificate.serialNumberHex;
    if (chainProblem)
      return { ok: false, refusal: { code: 'CERTIFICATE_CHAIN_INVALID', detail: chainProblem }, serial };
    const ref = { uri: auth.certificate.keyUri };
    const key = await this.findKey(ref.uri);
    if (!key)
      return {
        ok: false,
        refusal: { code: 'KEY_NOT_FOUND', detail: `The token holds no key ${ref.uri} for this certificate` },
        serial,
      };
    if (!sameKey(key.publicKeySpki, certificate.publicKeySpki)) {
      return {
        ok: false,
        refusal: {
          code: 'KEY_CERTIFICATE_MISMATCH',
          detail: `The key ${ref.uri} does not belong to certificate ${serial}`,
        },
        serial,
      };
    }
    // Art 29 / R14: validated as the verifier would, revocation included, before the key is used.
    const check = await this.verdicts.check(req.certificateId, certificate, chain, req.requestId);
    if (!check.ok) return { ok: false, refusal: checkRefusal(check), serial };
    return {
      ok: true,
      authorised: {
        certificate,
        chain,
        serial,
        view: auth.certificate,
        signingSession: auth.signingSession && {
          id: auth.signingSession.id,
          token: auth.signingSession.token,
          remainingUses: auth.signingSession.remainingUses,
        },
        signer: await this.keys.signer(ref),
        evidence: check.evidence,
      },
    };
  }

  /** Records a refusal (the document's hash, never the document) and returns it as the outcome. */
  async refuse<R extends { code: string }>(
    req: SigningRequest,
    documentSha256: string,
    refusal: R,
    serial?: string,
  ): Promise<Refused<R>> {
    const eventId = randomUUID();
    await this.events.record({
      id: eventId,
      certificateId: req.certificateId,
      certificateSerial: serial,
      actingOfficialId: req.actingOfficialId,
      documentSha256,
      at: this.clock.now(),
      outcome: 'refused',
      refusalCode: refusal.code,
      refusalReason: 'reason' in refusal && typeof refusal.reason === 'string' ? refusal.reason : undefined,
      requestId: req.requestId,
      caller: req.caller,
      purpose: req.purpose,
    });
    return { outcome: 'refused', eventId, refusal };
  }

  /** Records a signature, with its evidence when given (in one statement); returns its id. */
  async signed(
    req: SigningRequest,
    s: {
      serial: string;
      documentSha256: string;
      signedDocumentSha256: string;
      at: Date;
      level: string;
      timestampTime?: Date;
      signingSessionId?: string;
    },
    evidence?: SignatureEvidence,
  ): Promise<string> {
    const signatureId = randomUUID();
    await this.events.record(
      {
        id: signatureId,
        certificateId: req.certificateId,
        certificateSerial: s.serial,
        actingOfficialId: req.actingOfficialId,
        documentSha256: s.documentSha256,
        signedDocumentSha256: s.signedDocumentSha256,
        at: s.at,
        outcome: 'signed',
        requestId: req.requestId,
        caller: req.caller,
        purpose: req.purpose,
        level: s.level,
        timestampTime: s.timestampTime,
        signingSessionId: s.signingSessionId,
      },
      evidence,
    );
    return signatureId;
  }

  now(): Date {
    return this.clock.now();
  }

  private parse(certificatePem: string, chainPem: string[]): ParsedCertificate {
    const key = [certificatePem, ...chainPem].join('\n');
    return this.parsed.getOrCompute(key, () => {
      const certificate = Certificate.parse(certificatePem);
      const chain = chainPem.map((pem) => Certificate.parse(pem));
      return { certificate, chain, chainProblem: issuerChainProblem(certificate, chain) };
    });
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
