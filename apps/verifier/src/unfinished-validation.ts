import { ProblemError, RETRY_AFTER_SEC } from '@kyso/common';
import { TRUST_STORE_UNAVAILABLE } from './trust-store/trust-store';
import type { ValidationResult } from './validation.service';

/** Stored when a validation's job failed every retry (a dependency stayed away): answered as 503. */
export const RETRIES_EXHAUSTED = 'VALIDATION_UNAVAILABLE';

/**
 * Codes of validations that ended for our dependencies' sake (registry, Redis, database, a retried
 * job), not for anything in the document. The caller is not told "failed" (200) as if the document
 * were at fault: it gets 503 with Retry-After, and submits the document again (its bytes are gone).
 */
const DEPENDENCY_CODES = new Set([RETRIES_EXHAUSTED, 'QUEUE_UNAVAILABLE', TRUST_STORE_UNAVAILABLE]);

export function unfinishedProblem(result: ValidationResult): ProblemError | undefined {
  if (result.status !== 'failed' || !DEPENDENCY_CODES.has(result.error.code)) return undefined;
  const message = `Validation ${result.id} could not be finished: a service it depends on was unavailable. Submit the document again after ${RETRY_AFTER_SEC} s.`;
  return new ProblemError(503, result.error.code, 'Service unavailable', message, {
    retryAfter: RETRY_AFTER_SEC,
    validationId: result.id,
    message,
    messageVi: `Không thể hoàn tất kiểm tra ${result.id} vì một dịch vụ phụ thuộc tạm thời không khả dụng. Vui lòng gửi lại tài liệu sau ${RETRY_AFTER_SEC} giây.`,
  });
}

/** The result as it is answered, or the 503 it stands for. */
export function answerable(result: ValidationResult): ValidationResult {
  const problem = unfinishedProblem(result);
  if (problem) throw problem;
  return result;
}
