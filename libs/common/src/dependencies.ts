import { ProblemError } from './problem';

/**
 * Dependency failures (PostgreSQL, Redis, the token host, a peer service) are the service's
 * trouble, not the caller's: they leave as 503 with Retry-After and a stable code, and are logged
 * once when the dependency goes and once when it is back (DependencyMonitor), not per request.
 */
export const RETRY_AFTER_SEC = 5;

/** Stable codes of a 503, and the dependency (readiness check name) each one stands for. */
export const DEPENDENCY_CODES = {
  DATABASE_UNAVAILABLE: 'postgres',
  QUEUE_UNAVAILABLE: 'redis',
  LIMITS_UNAVAILABLE: 'redis',
  TOKEN_UNAVAILABLE: 'token',
  SESSION_POOL_TIMEOUT: 'token',
} as const satisfies Record<string, string>;

export interface DependencyFailure {
  /** The readiness check name: postgres, redis, token, or the peer's name. */
  dependency: string;
  code: string;
  /** For the log only (driver message, address). */
  cause: string;
}

/** Socket-level errors: the peer is gone or unreachable. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL: admin/crash shutdown and "cannot connect now" (57P01-57P03), connection exceptions
 * (class 08), too many connections (53300); and node-postgres's own messages for a dropped or
 * never-made connection and for a pool that found no free client in time.
 */
const PG_STATES = /^(57P0[123]|08...|53300)$/;
const PG_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end|the database system is (starting up|shutting down|in recovery)|terminating connection due to administrator command/i;

/**
 * TypeORM releases a transaction's query runner when its connection dies (the server terminated
 * it); the transaction's next query then throws one of these instead of the driver's error.
 */
const LOST_IN_TRANSACTION = new Set(['QueryRunnerProviderAlreadyReleasedError', 'QueryRunnerAlreadyReleasedError']);

/** ioredis: the connection is down and the command was not (or no longer) queued. */
const REDIS_MESSAGES =
  /Connection is closed|Reached the max retries per request limit|Stream isn't writeable|enableOfflineQueue/i;

/** What a thrown error says about a dependency, if it is a dependency failure at all. */
export function dependencyFailure(e: unknown): DependencyFailure | undefined {
  if (e instanceof ProblemError) {
    const dependency = e.dependency ?? (DEPENDENCY_CODES as Record<string, string>)[e.code];
    return e.status === 503 && dependency ? { dependency, code: e.code, cause: e.logDetail ?? e.message } : undefined;
  }
  // TypeORM's QueryFailedError keeps the driver's error; a pool error may carry a cause.
  for (let err = e, depth = 0; err && typeof err === 'object' && depth < 4; depth++) {
    const { code, message, name } = err as { code?: unknown; message?: unknown; name?: unknown };
    const text = typeof message === 'string' ? message : '';
    if (name === 'MaxRetriesPerRequestError' || REDIS_MESSAGES.test(text))
      return { dependency: 'redis', code: 'QUEUE_UNAVAILABLE', cause: text };
    const pgCode = typeof code === 'string' && (PG_STATES.test(code) || NETWORK_CODES.has(code));
    if (pgCode || PG_MESSAGES.test(text) || LOST_IN_TRANSACTION.has(String(name)))
      return { dependency: 'postgres', code: 'DATABASE_UNAVAILABLE', cause: `${String(code ?? '')} ${text}`.trim() };
    err = (err as { driverError?: unknown }).driverError ?? (err as { cause?: unknown }).cause;
  }
  return undefined;
}

/** What is down, in English and Vietnamese (officials read these in their e-office). */
const WHAT: Record<string, [string, string]> = {
  postgres: ['The database is unavailable', 'Cơ sở dữ liệu tạm thời không khả dụng'],
  redis: ['The queue and limits store is unavailable', 'Hàng đợi tạm thời không khả dụng'],
  token: ['The signing token is unavailable', 'Thiết bị ký số tạm thời không khả dụng'],
};

/** The 503 a client sees for a dependency failure: which part is down, never its address or message. */
export function dependencyProblem(f: DependencyFailure): ProblemError {
  const [en, vi] = WHAT[f.dependency] ?? [`${f.dependency} is unavailable`, 'Dịch vụ tạm thời không khả dụng'];
  const message = `${en}; retry after ${RETRY_AFTER_SEC} s.`;
  const p = new ProblemError(503, f.code, 'Service unavailable', message, {
    retryAfter: RETRY_AFTER_SEC,
    message,
    messageVi: `${vi}; vui lòng thử lại sau ${RETRY_AFTER_SEC} giây.`,
  });
  p.dependency = f.dependency;
  p.logDetail = f.cause;
  return p;
}
