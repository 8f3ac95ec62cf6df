import { PkiFormatError } from '../../errors';
import { AlgorithmPolicy, algorithmRefusal, STRICT_ALGORITHM_POLICY } from '../../validation/algorithm-policy';
import { ConstraintLevel, DEFAULT_CONSTRAINTS } from '../../validation/constraints';
import { validatePath } from '../../validation/validate-path';
import { Certificate } from '../../x509/certificate';
import { keyUsage, subjectKeyIdentifier } from '../../x509/extensions';
import { ALL_REASONS, crlDistributionPoints, DistributionPoint, freshestCrl } from '../../x509/policy-extensions';
import {
  describeSpki,
  describeSignatureAlgorithm,
  lacksDsaParameters,
  verifyWithSpki,
  workingPublicKey,
} from '../../x509/signature-check';
import {
  fetchFailureProblem,
  RevocationChecker,
  RevocationFetcher,
  RevocationQuery,
  RevocationStatus,
  unknownStatus,
} from '../types';
import { Crl, CrlEntry } from './crl';
import { entriesFor, matchScope, sameScope } from './crl-scope';
import { MAX_CRL_FETCHES, MAX_CRL_ISSUER_DEPTH } from '../../budgets';

export interface CrlCheckerOptions {
  /** CRLs at hand (complete and delta). */
  crls?: readonly Crl[];
  /** Certificates that may issue CRLs or lead to them: separate CRL-signing keys, indirect CRL issuers. */
  certificates?: readonly Certificate[];
  /** Anchors for CRL-issuer paths; default the anchor of the path being checked (RFC 5280 6.3.3 (f)). */
  trustAnchors?: readonly Certificate[];
  /** Downloads CRLs from the certificate's distribution points when those at hand do not decide. */
  fetcher?: RevocationFetcher;
  maxFetches?: number;
  /** For CRL signatures; default STRICT_ALGORITHM_POLICY. */
  algorithmPolicy?: AlgorithmPolicy;
  /** Apply delta CRLs (RFC 5280 6.3.3 use-deltas); default true. */
  useDeltas?: boolean;
  /**
   * Level of the CRL profile check (5.2.3: every CRL has a non-critical CRL number); default `fail`
   * (DEFAULT_CONSTRAINTS.crlNumber): such a CRL is not used. Other levels use it.
   */
  crlNumber?: ConstraintLevel;
  /** The validation's own "now": a CRL issued after it (beyond the skew) is not evidence. Default the system clock. */
  clock?: () => Date;
  /** Tolerance for the CRL issuer's clock; default DEFAULT_CRL_CLOCK_SKEW_MS. */
  clockSkewMs?: number;
}

/** As for OCSP: a CRL up to 5 minutes ahead of our clock is the issuer's clock, not a forgery. */
export const DEFAULT_CRL_CLOCK_SKEW_MS = 5 * 60_000;

interface Context {
  /** CRL issuers whose own path is being validated further up: accepted as is, to end the recursion. */
  inProgress: ReadonlySet<string>;
  depth: number;
  fetches: { left: number };
}

interface Signer {
  certificate: Certificate;
  spki: Uint8Array;
}

/**
 * Revocation status from CRLs, RFC 5280 6.3.3, decided as of the query time: an entry dated after
 * it means good then; certificateHold counts as revoked while it lasts; removeFromCRL in a delta
 * CRL lifts a hold. Each CRL is used only if in scope (issuer, distribution point, IDP flags,
 * reasons), fresh (nextUpdate not before the time), free of unknown critical extensions, and
 * signed by a key whose certificate has cRLSign and a valid path (itself checked for revocation).
 * Instances cache fetched CRLs: make one per validation (or per cache lifetime).
 */
export class CrlRevocationChecker implements RevocationChecker {
  private readonly local: Crl[];
  private readonly fetched = new Map<string, Crl[]>();
  private readonly policy: AlgorithmPolicy;

  constructor(private readonly opts: CrlCheckerOptions = {}) {
    this.local = [...(opts.crls ?? [])];
    this.policy = opts.algorithmPolicy ?? STRICT_ALGORITHM_POLICY;
  }

  check(query: RevocationQuery): Promise<RevocationStatus> {
    return this.checkIn(query, {
      inProgress: new Set(),
      depth: 0,
      fetches: { left: this.opts.maxFetches ?? MAX_CRL_FETCHES },
    });
  }

  private scoped(ctx: Context): RevocationChecker {
    return { check: (q) => this.checkIn(q, ctx) };
  }

  private async checkIn(q: RevocationQuery, ctx: Context): Promise<RevocationStatus> {
    let dps: DistributionPoint[] | undefined;
    let deltaDps: DistributionPoint[] | undefined;
    try {
      dps = crlDistributionPoints(q.certificate);
      deltaDps = freshestCrl(q.certificate);
    } catch (e) {
      return unknownStatus('MALFORMED_CRL_DISTRIBUTION_POINTS', e instanceof PkiFormatError ? e.code : 'MALFORMED');
    }
    const first = await this.decide(q, dps, ctx);
    if (first.status !== 'unknown' || !this.opts.fetcher) return first;
    const fetchProblems = await this.fetchFor(
      [...(dps ?? []), ...(this.opts.useDeltas === false ? [] : (deltaDps ?? []))],
      ctx,
    );
    if (fetchProblems === null) return first;
    const second = await this.decide(q, dps, ctx);
    if (second.status === 'unknown') second.problems = [...new Set([...second.problems, ...fetchProblems])];
    return second;
  }

  /** Downloads what the distribution points name and we have not fetched yet; null when nothing new was tried. */
  private async fetchFor(dps: DistributionPoint[], ctx: Context): Promise<string[] | null> {
    const urls = [
      ...new Set(
        dps
          .flatMap((dp) => dp.names ?? [])
          .filter((n) => n.type === 'uniformResourceIdentifier')
          .map((n) => n.value),
      ),
    ].filter((u) => /^https?:\/\//i.test(u) && !this.fetched.has(u));
    if (urls.length === 0) return null;
    const problems: string[] = [];
    for (const url of urls) {
      if (ctx.fetches.left <= 0) {
        problems.push('CRL_FETCH_BUDGET_EXCEEDED');
        break;
      }
      ctx.fetches.left--;
      try {
        this.fetched.set(url, Crl.parseAll(await this.opts.fetcher!.fetchCrl(url)));
      } catch (e) {
        this.fetched.set(url, []);
        problems.push(e instanceof PkiFormatError ? `CRL_FETCHED_${e.code}` : 'CRL_FETCH_FAILED');
        const cause = fetchFailureProblem(e);
        if (cause) problems.push(cause);
      }
    }
    return problems;
  }

  private pool(): Crl[] {
    return [...this.local, ...[...this.fetched.values()].flat()];
  }

  /** 6.3.3 (a)-(l) over the CRLs at hand. */
  private async decide(
    q: RevocationQuery,
    dps: DistributionPoint[] | undefined,
    ctx: Context,
  ): Promise<RevocationStatus> {
    const cert = q.certificate;
    const time = q.time;
    const problems = new Set<string>();
    const crls = this.pool();
    // Newest first; the certificate issuer's own CRLs before indirect ones.
    const completes = crls
      .filter((c) => !c.isDelta)
      .sort(
        (a, b) =>
          Number(b.issuer.equals(cert.issuer)) - Number(a.issuer.equals(cert.issuer)) ||
          b.thisUpdate.getTime() - a.thisUpdate.getTime(),
      );
    let mask = 0;
    let used: { crl: Crl; delta?: Crl } | undefined;
    let later: ReturnType<typeof statusFrom>;
    for (const crl of completes) {
      if (mask === ALL_REASONS) break;
      const scope = matchScope(crl, cert, dps);
      if ('problem' in scope) {
        if (crl.issuer.equals(cert.issuer)) problems.add(scope.problem);
        continue;
      }
      const unusable = this.unusable(crl, cert, time);
      if (unusable) {
        problems.add(unusable);
        continue;
      }
      // (d), (e): the reasons this CRL can add
      const interim =
        (crl.issuingDistributionPoint?.onlySomeReasons ?? ALL_REASONS) & (scope.dp.reasons ?? ALL_REASONS);
      if ((interim & ~mask) === 0) continue;
      // (f), (g): the CRL issuer's key, certificate and path
      const signer = await this.findSigner(crl, q, ctx, problems);
      if (!signer) continue;
      // (c), (h): a delta CRL for this base
      const delta = this.opts.useDeltas === false ? undefined : this.findDelta(crl, cert, time, signer);
      // (i), (j), (k)
      const found = statusFrom(entriesFor(crl, cert), delta ? entriesFor(delta, cert) : [], time);
      if (found?.status === 'revoked')
        return {
          ...found,
          source: 'crl',
          thisUpdate: crl.thisUpdate,
          nextUpdate: crl.nextUpdate,
          problems: [],
          evidence: crl.der,
        };
      later ??= found;
      mask |= interim; // (l)
      used ??= { crl, delta };
    }
    if (mask === ALL_REASONS && used) {
      return {
        ...later,
        status: 'good',
        source: 'crl',
        thisUpdate: used.crl.thisUpdate,
        nextUpdate: used.crl.nextUpdate,
        problems: [],
        evidence: used.crl.der,
      };
    }
    if (mask !== 0) problems.add('CRL_REASONS_NOT_COVERED');
    if (problems.size === 0) problems.add('CRL_NOT_FOUND');
    return unknownStatus(...problems);
  }

  /** 6.3.3 (a) freshness, 5.2/5.3 unknown critical extensions, and the bounds of a certificate that expired. */
  private unusable(crl: Crl, cert: Certificate, time: Date): string | undefined {
    if (crl.unknownCriticalExtensions.length) return 'CRL_UNKNOWN_CRITICAL_EXTENSION';
    if ((this.opts.crlNumber ?? DEFAULT_CONSTRAINTS.crlNumber) === 'fail') {
      if (crl.crlNumber === undefined) return 'CRL_NUMBER_MISSING';
      if (crl.crlNumberCritical) return 'CRL_NUMBER_CRITICAL';
    }
    const skew = this.opts.clockSkewMs ?? DEFAULT_CRL_CLOCK_SKEW_MS;
    if (crl.nextUpdate && crl.nextUpdate.getTime() < time.getTime()) return 'CRL_EXPIRED';
    // Without nextUpdate (5.1.2.5: issuers MUST give it; clients' behaviour is left open) a CRL promises
    // nothing beyond its issue, as an OCSP answer without one: else a CRL of years ago, from before a
    // revocation, would be replayed as current evidence.
    if (!crl.nextUpdate && crl.thisUpdate.getTime() + skew < time.getTime()) return 'CRL_NEXT_UPDATE_MISSING';
    // A CRL dated after the validation is run cannot have been known then (a wrong clock or a forged
    // date); it is no evidence. "After the time asked about" is fine: later CRLs speak for earlier times.
    const now = (this.opts.clock ?? (() => new Date()))().getTime();
    if (crl.thisUpdate.getTime() > now + skew) return 'CRL_NOT_YET_VALID';
    // 3.3: an entry may leave the CRL once it has appeared on one issued after the certificate's expiry
    const keepsExpired = crl.expiredCertsOnCrl && crl.expiredCertsOnCrl.getTime() <= cert.notAfter.getTime();
    if (crl.thisUpdate.getTime() > cert.notAfter.getTime() && !keepsExpired)
      return 'CRL_ISSUED_AFTER_CERTIFICATE_EXPIRY';
    return undefined;
  }

  /**
   * 6.3.3 (f), (g): a certificate with the CRL issuer's name whose key verifies the CRL, with cRLSign
   * when it has key usage, and a valid path of its own. Certificates of the path being validated
   * are validated by the caller; any other is validated here, with revocation, to a bounded depth.
   */
  private async findSigner(
    crl: Crl,
    q: RevocationQuery,
    ctx: Context,
    problems: Set<string>,
  ): Promise<Signer | undefined> {
    const anchors = this.opts.trustAnchors?.length ? this.opts.trustAnchors : q.path.slice(-1);
    const seen = new Set<string>();
    const candidates = [...q.path.slice(1), q.path[0], ...(this.opts.certificates ?? []), ...anchors].filter((c) => {
      if (!c || seen.has(c.sha256Hex) || !c.subject.equals(crl.issuer)) return false;
      seen.add(c.sha256Hex);
      const ski = safe(() => subjectKeyIdentifier(c));
      return !crl.authorityKeyIdentifier || !ski || ski === crl.authorityKeyIdentifier;
    });
    for (const cand of candidates) {
      const inPath = q.path.findIndex((c) => c.sha256Hex === cand.sha256Hex);
      let spki = inPath >= 0 ? workingPublicKey(q.path, inPath) : cand.publicKeySpki;
      const needsChain = inPath < 0 && safe(() => lacksDsaParameters(spki)) === true;
      if (!needsChain && !this.signatureOk(crl, spki, q.time, problems)) continue;
      if (safe(() => keyUsage(cand))?.has('cRLSign') === false) {
        problems.add('CRL_ISSUER_NO_CRL_SIGN');
        continue;
      }
      if (inPath >= 0 || ctx.inProgress.has(cand.sha256Hex) || anchors.some((a) => a.sha256Hex === cand.sha256Hex))
        return { certificate: cand, spki };
      if (ctx.depth >= MAX_CRL_ISSUER_DEPTH) {
        problems.add('CRL_ISSUER_DEPTH_EXCEEDED');
        continue;
      }
      const inner: Context = {
        inProgress: new Set([...ctx.inProgress, cand.sha256Hex]),
        depth: ctx.depth + 1,
        fetches: ctx.fetches,
      };
      const r = await validatePath({
        leaf: cand,
        intermediates: [...(this.opts.certificates ?? []), ...q.path],
        trustAnchors: anchors,
        validationTime: q.time,
        purpose: 'any',
        keyUsage: ['cRLSign'],
        algorithmPolicy: this.policy,
        revocation: { checker: this.scoped(inner), required: true },
      });
      if (!r.valid) {
        problems.add('CRL_ISSUER_PATH_INVALID');
        continue;
      }
      spki = workingPublicKey(r.chain, 0);
      if (needsChain && !this.signatureOk(crl, spki, q.time, problems)) continue;
      return { certificate: cand, spki };
    }
    if (candidates.length === 0) problems.add('CRL_ISSUER_NOT_FOUND');
    return undefined;
  }

  private signatureOk(crl: Crl, spki: Uint8Array, time: Date, problems: Set<string>): boolean {
    const verdict = verifyWithSpki(spki, crl.signatureAlgorithm, crl.tbs, crl.signatureValue);
    if (verdict !== 'valid') {
      problems.add(verdict === 'invalid' ? 'CRL_SIGNATURE_INVALID' : 'CRL_SIGNATURE_UNSUPPORTED');
      return false;
    }
    const info = describeSignatureAlgorithm(crl.signatureAlgorithm)!;
    const refusal = algorithmRefusal(this.policy, info, describeSpki(spki), time);
    if (refusal) {
      problems.add('CRL_ALGORITHM_NOT_ALLOWED');
      return false;
    }
    return true;
  }

  /** 6.3.3 (c), (h): the newest usable delta CRL for `base`, signed by the same key. */
  private findDelta(base: Crl, cert: Certificate, time: Date, signer: Signer): Crl | undefined {
    if (base.crlNumber === undefined) return undefined;
    const deltas = this.pool()
      .filter(
        (d) => d.isDelta && d.issuer.equals(base.issuer) && sameScope(d, base) && d.baseCrlNumber! <= base.crlNumber!,
      )
      .filter((d) => d.crlNumber === undefined || d.crlNumber > base.crlNumber!)
      .filter((d) => !this.unusable(d, cert, time))
      .sort((a, b) => Number((b.crlNumber ?? 0n) - (a.crlNumber ?? 0n)));
    return deltas.find((d) => verifyWithSpki(signer.spki, d.signatureAlgorithm, d.tbs, d.signatureValue) === 'valid');
  }
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

/**
 * (i)-(k) as of `time`: a delta entry decides first (removeFromCRL lifts a hold), then the
 * complete CRL's. Undefined = not revoked then. An entry dated after `time` reports the later
 * revocation with status good (validatePath notes it).
 */
function statusFrom(
  base: CrlEntry[],
  delta: CrlEntry[],
  time: Date,
): Omit<RevocationStatus, 'source' | 'problems'> | undefined {
  const current = (e: CrlEntry) => e.revocationDate.getTime() <= time.getTime();
  const d = delta.find(current);
  if (d) return d.reason === 'removeFromCRL' ? undefined : revokedBy(d);
  const b = base.find((e) => e.reason !== 'removeFromCRL' && current(e));
  if (b) return revokedBy(b);
  const later = [...delta, ...base].find((e) => e.reason !== 'removeFromCRL');
  return later ? { status: 'good', revocationTime: later.revocationDate, reason: later.reason } : undefined;
}

const revokedBy = (e: CrlEntry): Omit<RevocationStatus, 'source' | 'problems'> => ({
  status: 'revoked',
  revocationTime: e.revocationDate,
  reason: e.reason ?? 'unspecified',
});
