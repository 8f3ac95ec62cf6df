import type { Clock } from '@kyso/common';
import type { Certificate } from '@kyso/pki';
import type { RevocationPolicy } from '../pdf-validator';
import type { ProcessorRevocation } from '../validation-processor';
import type { QueuedRevocationFetcher } from './queued-fetcher';
import { verifierRevocationChecker } from './revocation-checker';

/**
 * One validation's revocation policy: a fresh fetcher (and checker) per signature, each fetcher
 * pushed to `fetchers` so the evidence keeps what was fetched. Undefined without `revocation`.
 */
export function validationRevocationPolicy(
  revocation: ProcessorRevocation | undefined,
  trustAnchors: Certificate[],
  fetchers: QueuedRevocationFetcher[],
  clock: Clock,
): RevocationPolicy | undefined {
  if (!revocation) return undefined;
  return {
    checker: () => {
      const fetcher = revocation.fetcher();
      fetchers.push(fetcher);
      return verifierRevocationChecker(fetcher, trustAnchors, () => clock.now());
    },
    required: revocation.required,
  };
}
