import { Injectable } from '@nestjs/common';
import { CadesEvidence, CadesLevel, signCms, signCmsDigest, TimestampClient } from '@kyso/pki';
import { createHash } from 'node:crypto';
import { Authorised, Refusal, Refused, SessionUse, SigningGate, SigningRequest } from './signing-gate';
import { tsaFailure, tsaFor } from './levels';
import { TimestampAuthority } from './signing-seams';

export type CmsResult =
  { outcome: 'signed'; signatureId: string; cms: Uint8Array; signingSession?: SessionUse } | Refused;

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

/**
 * CAdES signing of any file, and of a digest for clients that build their own container: the same
 * gate and audit as PDF signing; B-T and up need the configured TSA, B-LT and up embed the evidence
 * the gate's certificate check gathered. A level that cannot be honoured is refused, never silently lowered.
 */
@Injectable()
export class CmsSigningService {
  constructor(
    private readonly gate: SigningGate,
    private readonly tsa: TimestampAuthority,
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
    const refuse = (r: Refusal, serial?: string) => this.gate.refuse(req, documentSha256, r, serial);
    // A level the configuration cannot make is refused before the PIN is even checked.
    const tsa = tsaFor(level, this.tsa);
    if (!tsa.ok) return refuse(tsa.refusal as Refusal);

    const opened = await this.gate.open(req);
    if (!opened.ok) return refuse(opened.refusal, opened.serial);
    const a = opened.authorised;
    const needsEvidence = level === 'B-LT' || level === 'B-LTA';
    const at = this.gate.now();
    let cms: Uint8Array;
    try {
      cms = await make(a, { timestamp: tsa.tsa, evidence: needsEvidence ? a.evidence : undefined });
    } catch (e) {
      // The TSA answered nothing usable, or not at all: a clear 503, not a weaker level.
      const tsaDown = tsaFailure(e);
      if (tsaDown) return refuse(tsaDown as Refusal, a.serial);
      throw e;
    }
    const signatureId = await this.gate.signed(req, {
      serial: a.serial,
      documentSha256,
      signedDocumentSha256: hex(createHash('sha256').update(cms).digest()),
      at,
      level: `CAdES-${level}`,
      signingSessionId: a.signingSession?.id,
    });
    return { outcome: 'signed', signatureId, cms, signingSession: a.signingSession };
  }
}
