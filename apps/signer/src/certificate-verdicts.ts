import { BoundedCache, Certificate, Crl, parseOcspResponse } from '@kyso/pki';
import type { CertificateCheck, CertificateCheckResult, SigningEvidence } from './signing-seams';

type Good = Extract<CertificateCheckResult, { ok: true }>;

/**
 * Until when a good verdict may be reused (ms since the epoch): no later than `maxAgeMs` from now,
 * nor than the earliest nextUpdate of the CRLs and OCSP responses behind it (after that the
 * verifier would fetch newer ones). Revocation data without nextUpdate, or unreadable, is never
 * reused: `now`.
 */
export function verdictExpiry(evidence: SigningEvidence, now: number, maxAgeMs: number): number {
  let until = now + maxAgeMs;
  try {
    for (const der of evidence.crls) until = Math.min(until, Crl.fromDer(der).nextUpdate?.getTime() ?? now);
    for (const der of evidence.ocsps)
      for (const r of parseOcspResponse(der).basic?.responses ?? [])
        until = Math.min(until, r.nextUpdate?.getTime() ?? now);
  } catch {
    return now;
  }
  return until;
}

export interface VerdictCacheOptions {
  /** Longest reuse of a good verdict; 0 checks before every signature. */
  maxAgeMs: number;
  /** Certificates remembered at most (least recently used go first). */
  maxEntries: number;
  now?: () => number;
}

interface Entry {
  /** The certificate and chain the verdict is about: the registry may re-key a certificate id. */
  material: string;
  until: number;
  result: Good;
}

/**
 * The pre-signing check (Art 29, R14) with its good verdicts remembered per registry certificate,
 * so that a run of signatures with one certificate asks the verifier once per freshness period,
 * not once per signature. Only TOTAL-PASSED is remembered (a revoked or unknown status is asked
 * again every time); concurrent checks of one certificate share one call. The registry's answer on
 * every signature is the other half: a refusal or a status other than active makes the gate call
 * `forget`, so a revocation or suspension in the registry takes effect on the next signature.
 */
export class CertificateVerdicts {
  /** Good verdicts by certificate id, least recently used evicted first. */
  private readonly entries: BoundedCache<string, Entry>;
  /** Checks in flight by certificate id and material; `forget` marks them stale (their verdict is not kept). */
  private readonly pending = new Map<string, { id: string; call: Promise<CertificateCheckResult>; stale: boolean }>();
  private readonly now: () => number;

  constructor(
    private readonly checks: CertificateCheck,
    private readonly opts: VerdictCacheOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.entries = new BoundedCache(opts.maxEntries);
  }

  async check(
    certificateId: string,
    certificate: Certificate,
    chain: Certificate[],
    requestId?: string,
  ): Promise<CertificateCheckResult> {
    if (this.opts.maxAgeMs <= 0 || this.opts.maxEntries <= 0) return this.checks.check(certificate, chain, requestId);
    const material = [certificate, ...chain].map((c) => c.sha256Hex).join(':');
    const hit = this.entries.get(certificateId);
    if (hit && hit.material === material && this.now() < hit.until) return hit.result;
    const key = `${certificateId}|${material}`;
    const shared = this.pending.get(key);
    if (shared) return shared.call;
    const flight = { id: certificateId, stale: false, call: undefined as unknown as Promise<CertificateCheckResult> };
    flight.call = this.checks
      .check(certificate, chain, requestId)
      .then((result) => {
        if (result.ok && !flight.stale) this.remember(certificateId, material, result);
        return result;
      })
      .finally(() => {
        if (this.pending.get(key) === flight) this.pending.delete(key);
      });
    this.pending.set(key, flight);
    return flight.call;
  }

  /** Drops what is known of a certificate (refused by the registry, revoked, suspended). */
  forget(certificateId: string): void {
    this.entries.delete(certificateId);
    for (const [key, flight] of this.pending)
      if (flight.id === certificateId) {
        flight.stale = true;
        this.pending.delete(key);
      }
  }

  private remember(certificateId: string, material: string, result: Good): void {
    const now = this.now();
    const until = verdictExpiry(result.evidence, now, this.opts.maxAgeMs);
    if (until <= now) return;
    this.entries.set(certificateId, { material, until, result });
  }
}
