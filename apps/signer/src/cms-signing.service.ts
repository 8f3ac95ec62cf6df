import { Injectable, Optional } from '@nestjs/common';
import { CadesEvidence, CadesLevel, PkiFormatError, signCms, signCmsDigest, TimestampClient } from '@kyso/pki';
import { createHash } from 'node:crypto';
import { Authorised, Refusal, Refused, SigningGate, SigningRequest } from './signing-gate';
import { CertificateCheck, TimestampAuthority } from './signing-seams';

/** Why a CMS was not made, beyond the gate's reasons. */
export type CmsRefusal =
  | Refusal
  | { code: 'TSA_NOT_CONFIGURED'; detail: string }
  | { code: 'CERTIFICATE_CHECK_NOT_CONFIGURED'; detail: string }
  | { code: 'TSA_UNAVAILABLE'; detail: string }
  | { code: 'CERTIFICATE_NOT_VALID'; reason: string; message: string; messageVi: string; retryAfterSeconds?: number };

export type CmsResult = { outcome: 'signed'; signatureId: string; cms: Uint8Array } | Refused<CmsRefusal>;

export interface SignCmsInput extends SigningRequest {
  content: Uint8Array;
  detached: boolean;
  level: CadesLevel;
}

export interface SignHashInput extends SigningRequest {
  /** A SHA-256 digest (the only digest the token's signature algorithms use). */
  sha256: Uint8Array;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** A failure of the TSA's transport, told apart from the token's. */
class TsaFailure extends Error {}

const tagged =
  (client: TimestampClient): TimestampClient =>
  (request) =>
    client(request).catch((e: unknown) => Promise.reject(new TsaFailure((e as Error)?.message ?? String(e))));

/**
 * CAdES signing of any file, and of a digest for clients that build their own container: the same
 * gate and audit as PDF signing; B-T and up need the configured TSA, B-LT and up the certificate
 * check's evidence. A level that cannot be honoured is refused, never silently lowered.
 */
@Injectable()
export class CmsSigningService {
  constructor(
    private readonly gate: SigningGate,
    @Optional() private readonly tsa?: TimestampAuthority,
    @Optional() private readonly certificateCheck?: CertificateCheck,
  ) {}

  async signCms(input: SignCmsInput): Promise<CmsResult> {
    const documentSha256 = hex(createHash('sha256').update(input.content).digest());
    return this.sign(input, documentSha256, input.level, (a, extra) =>
      signCms(input.content, { ...this.base(a), detached: input.detached, level: input.level, ...extra }),
    );
  }

  async signHash(input: SignHashInput): Promise<CmsResult> {
    return this.sign(input, hex(input.sha256), 'B-B', (a) => signCmsDigest(input.sha256, this.base(a)));
  }

  private base(a: Authorised) {
    return { signer: a.signer, certificate: a.certificate, chain: a.chain, signingTime: this.gate.now() };
  }

  private async sign(
    req: SigningRequest,
    documentSha256: string,
    level: CadesLevel,
    make: (a: Authorised, extra: { timestamp?: TimestampClient; evidence?: CadesEvidence }) => Promise<Uint8Array>,
  ): Promise<CmsResult> {
    const refuse = (r: CmsRefusal, serial?: string) => this.gate.refuse<CmsRefusal>(req, documentSha256, r, serial);
    const client = level === 'B-B' ? undefined : this.tsa?.client();
    const timestamp = client && tagged(client);
    if (level !== 'B-B' && !timestamp)
      return refuse({ code: 'TSA_NOT_CONFIGURED', detail: `Level ${level} needs a TSA and none is configured` });
    const needsEvidence = level === 'B-LT' || level === 'B-LTA';
    if (needsEvidence && !this.certificateCheck)
      return refuse({
        code: 'CERTIFICATE_CHECK_NOT_CONFIGURED',
        detail: `Level ${level} embeds revocation evidence and no certificate check is configured`,
      });

    const opened = await this.gate.open(req);
    if (!opened.ok) return refuse(opened.refusal, opened.serial);
    const a = opened.authorised;
    let evidence: CadesEvidence | undefined;
    if (this.certificateCheck) {
      const checked = await this.certificateCheck.check(a.certificate, a.chain, req.requestId);
      if (!checked.ok) {
        const { code, message, messageVi, retryAfterSeconds } = checked;
        return refuse({ code: 'CERTIFICATE_NOT_VALID', reason: code, message, messageVi, retryAfterSeconds }, a.serial);
      }
      evidence = checked.evidence;
    }
    const at = this.gate.now();
    let cms: Uint8Array;
    try {
      cms = await make(a, { timestamp, evidence: needsEvidence ? evidence : undefined });
    } catch (e) {
      // The TSA answered nothing usable, or not at all: a clear 503, not a weaker level.
      if (e instanceof TsaFailure || (e instanceof PkiFormatError && e.code === 'TSP_RESPONSE_REFUSED'))
        return refuse({ code: 'TSA_UNAVAILABLE', detail: `The TSA failed: ${(e as Error).message}` }, a.serial);
      throw e;
    }
    const signatureId = await this.gate.signed(req, {
      serial: a.serial,
      documentSha256,
      signedDocumentSha256: hex(createHash('sha256').update(cms).digest()),
      at,
    });
    return { outcome: 'signed', signatureId, cms };
  }
}
