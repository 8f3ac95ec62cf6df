import { ProblemError } from './problem';
import { JSON_MAX_DEPTH } from './limits';

const OPEN = new Set([0x5b, 0x7b]); // [ {
const CLOSE = new Set([0x5d, 0x7d]); // ] }

/**
 * The body parser's `verify` hook: refuses JSON nested deeper than JSON_MAX_DEPTH before it is
 * parsed, so no validator, walker or JSON.stringify downstream recurses until the stack overflows
 * (a 500). One pass over the bytes, skipping strings.
 */
export function refuseDeepJson(_req: unknown, _res: unknown, body: Buffer): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (OPEN.has(c)) {
      if (++depth > JSON_MAX_DEPTH)
        throw new ProblemError(
          400,
          'JSON_TOO_DEEP',
          'Bad request',
          `The JSON body is nested deeper than ${JSON_MAX_DEPTH} levels.`,
          { limit: JSON_MAX_DEPTH },
        );
    } else if (CLOSE.has(c)) depth--;
  }
}

/** JSON.parse's message quotes the body (a password, a PIN): say what is wrong, not what was sent. */
export function notJson(e: unknown): unknown {
  if ((e as { type?: unknown } | undefined)?.type !== 'entity.parse.failed') return e;
  return new ProblemError(400, 'INVALID_JSON', 'Bad request', 'The request body is not valid JSON.');
}
