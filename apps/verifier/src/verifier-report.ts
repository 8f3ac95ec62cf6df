import type { DocumentReport } from '@kyso/pki';
import type { TrustStoreStamp } from './trust-anchors';

/**
 * When a signature is INDETERMINATE/TRY_LATER (a CA's CRL or OCSP could not be had, nor taken from
 * our cache or the document's own long-term data), validating again after this long may give a
 * final answer: long enough for the revocation workers' retries, short enough for a clerk to wait.
 */
export const TRY_LATER_RETRY_SEC = 300;

/**
 * The library's report with what only the verifier knows: which trust-store version judged it and,
 * when some signature is TRY_LATER, when to validate again (`retryAfter`, ISO). Stored and answered
 * as the validation's report.
 */
export type VerifierReport = DocumentReport & {
  trustStore?: TrustStoreStamp;
  retryAfter?: string;
};

export function withVerifierFacts(
  report: DocumentReport,
  trustStore: TrustStoreStamp | undefined,
  now: Date,
): VerifierReport {
  const tryLater = report.signatures.some(
    (s) => s.subIndication === 'TRY_LATER' || s.timestamps.some((t) => t.subIndication === 'TRY_LATER'),
  );
  return {
    ...report,
    ...(trustStore && { trustStore }),
    ...(tryLater && { retryAfter: new Date(now.getTime() + TRY_LATER_RETRY_SEC * 1000).toISOString() }),
  };
}
