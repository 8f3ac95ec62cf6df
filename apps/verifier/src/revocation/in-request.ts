import type { Clock } from '@kyso/common';
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
  const { crls: cache, ocsps: ocspCache, jobs, config: rev, clock } = d;
  const fetcher = () => {
    const f = new QueuedRevocationFetcher({
      cache,
      jobs,
      crlMaxAgeMs: rev.crlMaxAgeMs,
      ocspCache,
      ocspMaxAgeMs: rev.ocspMaxAgeMs,
      waitMs: rev.waitMs,
      clock,
    });
    fetchers.push(f);
    return f;
  };
  return {
    policy: {
      checker: () => verifierRevocationChecker(fetcher(), trustAnchors, () => clock.now()),
      required: rev.required,
    },
    issuerFetcher: new QueuedIssuerFetcher({
      cache: d.issuers,
      jobs,
      maxAgeMs: rev.caIssuersMaxAgeMs,
      waitMs: rev.waitMs,
      clock,
    }),
  };
}
