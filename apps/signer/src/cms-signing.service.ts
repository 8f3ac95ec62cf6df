import { Injectable } from '@nestjs/common';
import type { DigestAlgorithm } from '@kyso/keystore';
import { CadesEvidence, CadesLevel, SignatureAlgorithm, signCms, signCmsDigest, TimestampClient } from '@kyso/pki';
import { createHash } from 'node:crypto';
import { Authorised, checkRefusal, Refusal, Refused, SessionUse, SigningGate, SigningRequest } from './signing-gate';
import { EvidenceRefused, tsaFailure, tsaFor, withTsaEvidence } from './levels';
import { CertificateCheck, TimestampAuthority } from './signing-seams';

type Signed<T> = { outcome: 'signed'; signatureId: string; signingSession?: SessionUse } & T;
export type CmsResult = Signed<{ cms: Uint8Array }> | Refused;
export type RawResult = Signed<{ signature: Uint8Array; signatureAlgorithm: string }> | Refused;

export interface SignCmsInput extends SigningRequest {
  content: Uint8Array;
  detached: boolean;
  level: CadesLevel;
}

export interface SignHashInput extends SigningRequest {
  /** A SHA-256 digest (the only digest a CMS from the token's signature algorithms uses). */
  sha256: Uint8Array;
}

export interface SignRawInput extends SigningRequest {
  hashAlgorithm: DigestAlgorithm;
  digest: Uint8Array;
}

type CadesEvidenceSource = CadesEvidence | ((signatureTimestampToken: Uint8Array) => Promise<CadesEvidence>);

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** OpenSSL's names (and RFC 4055 / RFC 5758's) for a key's signature over a digest of this algorithm. */
export function signatureAlgorithmName(key: SignatureAlgorithm, hash: DigestAlgorithm): string {
  const bits = hash.slice(4);
  return key === 'ECDSA-P256-SHA256' ? `ecdsa-with-SHA${bits}` : `sha${bits}WithRSAEncryption`;
}

/**
 * CAdES signing of any file, and of a digest for clients that build their own container: the same
 * gate and audit as PDF signing; B-T and up need the configured TSA, B-LT and up embed the evidence
 * the gate's certificate check gathered and the TSA's (its path and revocation data). A level that cannot be honoured is refused, never silently lowered.
 */
@Injectable()
export class CmsSigningService {
  constructor(
    private readonly gate: SigningGate,
    private readonly tsa: TimestampAuthority,
    private readonly checks: CertificateCheck,
  ) {}

  async signCms(input: SignCmsInput): Promise<CmsResult> {
    const documentSha256 = hex(createHash('sha256').update(input.content).digest());
    const r = await this.sign(input, documentSha256, input.level, `CAdES-${input.level}`, (a, extra) =>
      signCms(input.content, { ...this.base(a), detached: input.detached, level: input.level, ...extra }),
    );
    return r.outcome === 'signed' ? { ...r, cms: r.bytes } : r;
  }

  async signHash(input: SignHashInput): Promise<CmsResult> {
    const r = await this.sign(input, hex(input.sha256), 'B-B', 'CAdES-B-B', (a) =>
      signCmsDigest(input.sha256, this.base(a)),
    );
    return r.outcome === 'signed' ? { ...r, cms: r.bytes } : r;
  }

  /**
   * The bare signature value over the caller's digest. The record's document hash is the digest
   * when it is a SHA-256; of a SHA-384/512 digest Kyso never sees the document's SHA-256, so the
   * record keeps the SHA-256 of the given digest and says so in its level (`raw-SHA-384`).
   */
  async signRaw(input: SignRawInput): Promise<RawResult> {
    const sha256 = input.hashAlgorithm === 'SHA-256';
    const documentSha256 = hex(sha256 ? input.digest : createHash('sha256').update(input.digest).digest());
    let signatureAlgorithm = '';
    const r = await this.sign(input, documentSha256, 'B-B', sha256 ? 'raw' : `raw-${input.hashAlgorithm}`, (a) => {
      signatureAlgorithm = signatureAlgorithmName(a.signer.algorithm, input.hashAlgorithm);
      return a.signer.signDigest(input.hashAlgorithm, input.digest);
    });
    return r.outcome === 'signed' ? { ...r, signature: r.bytes, signatureAlgorithm } : r;
  }

  private base(a: Authorised) {
    return { signer: a.signer, certificate: a.certificate, chain: a.chain, signingTime: this.gate.now() };
  }

  private async sign(
    req: SigningRequest,
    documentSha256: string,
    level: CadesLevel,
    recordLevel: string,
    make: (
      a: Authorised,
      extra: { timestamp?: TimestampClient; evidence?: CadesEvidenceSource },
    ) => Promise<Uint8Array>,
  ): Promise<Signed<{ bytes: Uint8Array }> | Refused> {
    const refuse = (r: Refusal, serial?: string) => this.gate.refuse(req, documentSha256, r, serial);
    // A level the configuration cannot make is refused before the PIN is even checked.
    const tsa = tsaFor(level, this.tsa);
    if (!tsa.ok) return refuse(tsa.refusal as Refusal);

    const opened = await this.gate.open(req);
    if (!opened.ok) return refuse(opened.refusal, opened.serial);
    const a = opened.authorised;
    const needsEvidence = level === 'B-LT' || level === 'B-LTA';
    const at = this.gate.now();
    let bytes: Uint8Array;
    try {
      const evidence = (token: Uint8Array) => withTsaEvidence(this.checks, a.evidence, token, req.requestId);
      bytes = await make(a, { timestamp: tsa.tsa, evidence: needsEvidence ? evidence : undefined });
    } catch (e) {
      if (e instanceof EvidenceRefused) return refuse(checkRefusal(e.check), a.serial);
      // The TSA answered nothing usable, or not at all: a clear 503, not a weaker level.
      const tsaDown = tsaFailure(e);
      if (tsaDown) return refuse(tsaDown as Refusal, a.serial);
      throw e;
    }
    const signatureId = await this.gate.signed(req, {
      serial: a.serial,
      documentSha256,
      signedDocumentSha256: hex(createHash('sha256').update(bytes).digest()),
      at,
      level: recordLevel,
      signingSessionId: a.signingSession?.id,
    });
    return { outcome: 'signed', signatureId, bytes, signingSession: a.signingSession };
  }
}
