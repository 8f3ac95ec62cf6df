import { HttpStatus } from '@nestjs/common';

/** RFC 9457 problem details with a stable machine-readable `code`. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * Thrown by services for requests that cannot be served; the problem filter turns it into
 * problem+json. Expected domain outcomes are values, not this.
 */
export class ProblemError extends Error {
  /** What only the log may see (internal addresses, causes); never sent to the client. */
  logDetail?: string;
  /** Set when a dependency (readiness check name) failed: logged once per outage, not per request. */
  dependency?: string;

  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
  }

  toProblem(instance?: string): ProblemDetails {
    return {
      type: `https://kyso.invalid/problems/${this.code.toLowerCase().replace(/_/g, '-')}`,
      title: this.title,
      status: this.status,
      code: this.code,
      ...(this.detail ? { detail: this.detail } : {}),
      ...(instance ? { instance } : {}),
      ...this.extensions,
    };
  }
}

export const badRequest = (code: string, detail: string, ext?: Record<string, unknown>) =>
  new ProblemError(HttpStatus.BAD_REQUEST, code, 'Bad request', detail, ext);
export const notFound = (code: string, detail: string) =>
  new ProblemError(HttpStatus.NOT_FOUND, code, 'Not found', detail);
export const conflict = (code: string, detail: string) =>
  new ProblemError(HttpStatus.CONFLICT, code, 'Conflict', detail);
export const unprocessable = (code: string, detail: string, ext?: Record<string, unknown>) =>
  new ProblemError(HttpStatus.UNPROCESSABLE_ENTITY, code, 'Unprocessable content', detail, ext);
export const forbidden = (code: string, detail: string) =>
  new ProblemError(HttpStatus.FORBIDDEN, code, 'Forbidden', detail);
export const unauthorized = (code: string, detail: string) =>
  new ProblemError(HttpStatus.UNAUTHORIZED, code, 'Unauthorized', detail);
export const unavailable = (code: string, detail: string) =>
  new ProblemError(HttpStatus.SERVICE_UNAVAILABLE, code, 'Service unavailable', detail);
