import type { LoggerService } from '@nestjs/common';
import pino, { DestinationStream, Logger as Pino } from 'pino';
import { currentRequestId } from './request-context';

/**
 * Keys whose values never reach a log line, at any of the first four levels of nesting. pino
 * matches keys exactly, so each spelling the code base uses is listed (headers arrive lower-case,
 * but objects built by hand may say `Authorization`).
 */
export const REDACTED_KEYS = [
  'authorization',
  'Authorization',
  'cookie',
  'Cookie',
  'set-cookie',
  'pin',
  'newPin',
  'signingPin',
  'password',
  'newPassword',
  'currentPassword',
  'apiKey',
  'key',
  'token',
  'accessToken',
  'refreshToken',
  'secret',
  'privateKey',
  'nationalId',
  'x-kyso-internal-token',
  'internalToken',
  'x-api-key',
];

const redactPaths = REDACTED_KEYS.flatMap((k) => {
  const p = /^[A-Za-z_$][\w$]*$/.test(k) ? k : `["${k}"]`;
  const dot = p.startsWith('[') ? '' : '.';
  return [p, `*${dot}${p}`, `*.*${dot}${p}`, `*.*.*${dot}${p}`, `*.*.*.*${dot}${p}`];
});

export interface LoggerOptions {
  /** The service name, on every line. */
  name: string;
  level?: string;
  /** Where lines go; stdout by default (tests pass a stream to read them). */
  destination?: DestinationStream;
}

export function defaultLogLevel(): string {
  if (process.env.KYSO_LOG_LEVEL) return process.env.KYSO_LOG_LEVEL;
  return process.env.KYSO_QUIET === '1' ? 'warn' : 'info';
}

/** pino JSON logging with the house redaction, and the current request id on every line. */
export function createLogger(opts: LoggerOptions): Pino {
  return pino(
    {
      level: opts.level ?? defaultLogLevel(),
      base: { service: opts.name },
      redact: { paths: redactPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
    },
    opts.destination,
  );
}

/** Nest's LoggerService on pino: Nest's (message, ...params, context) calls become JSON lines. */
export class PinoLoggerService implements LoggerService {
  constructor(readonly pino: Pino) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    // Nest passes (message, stack, context).
    const [stack, ...rest] = params;
    if (typeof stack === 'string' && stack.includes('\n')) this.write('error', message, rest, { stack });
    else this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: pino.Level, message: unknown, params: unknown[], extra: Record<string, unknown> = {}): void {
    const context =
      params.length && typeof params[params.length - 1] === 'string'
        ? (params[params.length - 1] as string)
        : undefined;
    const fields = { ...extra, ...(context ? { context } : {}) };
    if (message instanceof Error) this.pino[level]({ ...fields, err: message }, message.message);
    else if (message && typeof message === 'object') this.pino[level]({ ...fields, ...(message as object) });
    else this.pino[level](fields, String(message));
  }
}
