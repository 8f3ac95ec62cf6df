import type { ServerResponse } from 'node:http';
import { badRequest, ProblemError, unavailable, unprocessable } from '@kyso/common';
import { isKeyStoreError } from '@kyso/keystore';
import { APPEARANCE_MESSAGES_VI } from './appearance';
import { LevelRefusal } from './levels';
import { checkRefusal, Refusal } from './signing-gate';

/** What the levels and the pre-signing check add: never a weaker signature, always a reason. */
function levelProblem(r: LevelRefusal | Refusal): ProblemError | undefined {
  switch (r.code) {
    case 'TSA_NOT_CONFIGURED':
      return unprocessable('TSA_NOT_CONFIGURED', r.detail, { field: 'level' });
    case 'TSA_UNAVAILABLE':
      return new ProblemError(503, 'TSA_UNAVAILABLE', 'Service unavailable', r.detail, {
        retryAfter: r.retryAfterSeconds,
      });
    case 'CERTIFICATE_CHECK_FAILED':
      return new ProblemError(
        r.retryAfterSeconds ? 503 : 403,
        r.code,
        r.retryAfterSeconds ? 'Service unavailable' : 'Forbidden',
        r.message,
        {
          reason: r.reason,
          message: r.message,
          messageVi: r.messageVi,
          reasons: r.reasons,
          ...(r.retryAfterSeconds && { retryAfter: r.retryAfterSeconds }),
        },
      );
    case 'EVIDENCE_REFUSED':
      return levelProblem(checkRefusal(r.check));
    case 'NO_SIGNATURES':
    case 'SIGNATURE_INVALID':
      return unprocessable(r.code, r.detail);
  }
  return undefined;
}

/** Sets Retry-After from the problem's `retryAfter`, so clients and the gateway see it as a header. */
export function withRetryAfter(res: Pick<ServerResponse, 'setHeader'>, p: ProblemError): ProblemError {
  const after = p.extensions.retryAfter;
  if (typeof after === 'number') res.setHeader('retry-after', String(after));
  return p;
}

export function refusalProblem(r: Refusal | LevelRefusal): ProblemError {
  const level = levelProblem(r);
  if (level) return level;
  if ('purposeRule' in r)
    return new ProblemError(422, r.code, 'Unprocessable content', r.message, {
      rule: r.rule,
      ruleVi: r.ruleVi,
      message: r.message,
      messageVi: r.messageVi,
    });
  if ('appearance' in r)
    return new ProblemError(422, r.code, 'Unprocessable content', r.detail, {
      field: 'appearance',
      message: r.detail,
      messageVi: APPEARANCE_MESSAGES_VI[r.code],
    });
  switch (r.code) {
    case 'EMPTY_FILE':
      return badRequest('EMPTY_FILE', r.detail);
    case 'INVALID_PDF':
      return new ProblemError(422, 'INVALID_PDF', 'Unprocessable content', r.detail, { reason: r.reason });
    case 'SIGNING_NOT_ALLOWED':
      return new ProblemError(403, 'SIGNING_NOT_ALLOWED', 'Forbidden', r.message, {
        reason: r.reason,
        message: r.message,
        messageVi: r.messageVi,
      });
    case 'KEY_CERTIFICATE_MISMATCH':
    case 'KEY_NOT_FOUND':
    case 'CERTIFICATE_CHAIN_INVALID':
      return new ProblemError(409, r.code, 'Conflict', r.detail);
  }
  throw new Error(`unmapped refusal ${r.code}`);
}

/** Token trouble is the service's, not the caller's: 503, try again. */
export function tokenProblem(e: unknown): unknown {
  if (
    isKeyStoreError(e, 'TOKEN_UNAVAILABLE') ||
    isKeyStoreError(e, 'TOKEN_TIMEOUT') ||
    isKeyStoreError(e, 'SESSION_POOL_TIMEOUT') ||
    isKeyStoreError(e, 'STORE_CLOSED')
  ) {
    return unavailable(e.code, e.message);
  }
  return e;
}
