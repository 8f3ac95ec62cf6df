import { Clock } from '@kyso/common';
import type { Certificate, IssuerFetcher } from '@kyso/pki';
import type { RevocationConfig } from '../config';
import type { RevocationPolicy } from '../pdf-validator';
import { CaIssuersCache } from './ca-issuers-cache.repository';
import { CrlCache } from './crl-cache.repository';
import { OcspCache } from './ocsp-cache.repository';
import { QueuedRevocationFetcher } from './queued-fetcher';
import { QueuedIssuerFetcher } from './queued-issuer-fetcher';
import { verifierRevocationChecker } from './revocation-checker';
import { RevocationJobs } from './revocation-queue';

/** The provider token of the API's InRequestRevocation (app.module.ts). */
export const IN_REQUEST_REVOCATION = Symbol('IN_REQUEST_REVOCATION');

/** The provider of IN_REQUEST_REVOCATION, for the API's and the worker's modules. */
export function inRequestRevocationProvider(config: RevocationConfig) {
  return {
    provide: IN_REQUEST_REVOCATION,
    inject: [CrlCache, OcspCache, CaIssuersCache, RevocationJobs, Clock],
    useFactory: (
      crls: CrlCache,
      ocsps: OcspCache,
      issuers: CaIssuersCache,
      jobs: RevocationJobs,
      clock: Clock,
    ): InRequestRevocation => ({ crls, ocsps, issuers, jobs, config, clock }),
  };
}

/** What a validation answered within the request needs to ask the revocation workers. */
export interface InRequestRevocation {
  crls: CrlCache;
  ocsps: OcspCache;
  issuers: CaIssuersCache;
  jobs: RevocationJobs;
  config: RevocationConfig;
  clock: Clock;
}

/**
 * Revocation and missing intermediates for a validation answered within the request (CMS, inbound
 * packages): the downloads run in the revocation workers and land in their caches, this waits for
 * them, bounded by the configured wait. A new checker per signature, as the worker does; `fetchers`
 * collects the fetchers made, so evidence can keep what they fetched.
 */
export function inRequestRevocation(
  d: InRequestRevocation,
  trustAnchors: Certificate[],
  fetchers: QueuedRevocationFetcher[] = [],
): { policy: RevocationPolicy; issuerFetcher: IssuerFetcher } {
  const fetcher = () => {
    const f = queuedRevocationFetcher(d);
    fetchers.push(f);
    return f;
  };
  return {
    policy: {
      checker: () => verifierRevocationChecker(fetcher(), trustAnchors, () => d.clock.now()),
      required: d.config.required,
    },
    issuerFetcher: queuedIssuerFetcher(d),
  };
}

/** Revocation checkers for the signer's synchronous checks: the workers' queue and caches, per trust anchor set. */
export function queuedRevocationCheckers(d: InRequestRevocation) {
  return (trustAnchors: readonly Certificate[]) =>
    verifierRevocationChecker(queuedRevocationFetcher(d), trustAnchors, () => d.clock.now());
}

/** A fetcher that asks the revocation workers for CRLs and OCSP answers and waits for their caches. */
export function queuedRevocationFetcher(
  d: InRequestRevocation,
  onCacheLookup?: (hit: boolean) => void,
): QueuedRevocationFetcher {
  return new QueuedRevocationFetcher({
    cache: d.crls,
    jobs: d.jobs,
    crlMaxAgeMs: d.config.crlMaxAgeMs,
    ocspCache: d.ocsps,
    ocspMaxAgeMs: d.config.ocspMaxAgeMs,
    waitMs: d.config.waitMs,
    clock: d.clock,
    onCacheLookup,
  });
}

/** A fetcher that asks the revocation workers for missing intermediates (caIssuers) and waits for their cache. */
export function queuedIssuerFetcher(
  d: InRequestRevocation,
  onCacheLookup?: (hit: boolean) => void,
): QueuedIssuerFetcher {
  return new QueuedIssuerFetcher({
    cache: d.issuers,
    jobs: d.jobs,
    maxAgeMs: d.config.caIssuersMaxAgeMs,
    waitMs: d.config.waitMs,
    clock: d.clock,
    onCacheLookup,
  });
}
