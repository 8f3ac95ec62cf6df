import type { Request } from 'express';
// The characters refused (FORBIDDEN_TEXT) are shared with the signer's and verifier's form fields.
import { badRequest, FORBIDDEN_TEXT as FORBIDDEN } from '@kyso/common';
import { queryOf } from '../authz/paths';

/** Largest page a list may ask for, and the largest offset (PostgreSQL's int4; beyond, an error, not a page). */
export const MAX_PAGE_LIMIT = 1000;
export const MAX_PAGE_OFFSET = 2 ** 31 - 1;

/**
 * Checks what the gateway reads or forwards before anything uses it: paging numbers in range, and
 * every string of the query and the JSON body (keys included) free of forbidden characters and in
 * Unicode NFC, so "Nguyễn" typed precomposed or decomposed is one name. Refusals are 400 with the
 * field named, never the value.
 */
export function checkInput(req: Request): void {
  for (const [name, value] of new URLSearchParams(queryOf(req.originalUrl))) {
    checkText(name, 'query');
    checkText(value, `query ${name}`);
    if (name === 'limit') checkPaging(name, value, 1, MAX_PAGE_LIMIT);
    if (name === 'offset') checkPaging(name, value, 0, MAX_PAGE_OFFSET);
  }
  if (req.body !== undefined && req.body !== null && typeof req.body === 'object') req.body = normalise(req.body, '');
}

function checkPaging(name: string, value: string, min: number, max: number): void {
  if (!/^\d{1,10}$/.test(value) || Number(value) < min || Number(value) > max)
    throw badRequest('INVALID_PAGING', `${name} must be an integer from ${min} to ${max}`, { field: name });
}

function checkText(s: string, field: string): void {
  if (FORBIDDEN.test(s))
    throw badRequest(
      'INVALID_TEXT',
      `${field.slice(0, 100) || 'the body'} contains a control, zero-width or bidi-control character`,
      { field: field.slice(0, 100) || '(root)' },
    );
}

function normalise(v: unknown, path: string): unknown {
  if (typeof v === 'string') {
    checkText(v, path);
    return v.normalize('NFC');
  }
  if (Array.isArray(v)) return v.map((x, i) => normalise(x, `${path}[${i}]`));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      checkText(k, path);
      const field = path ? `${path}.${k}` : k;
      // defineProperty: a "__proto__" key stays a key, as JSON.parse made it.
      Object.defineProperty(out, k.normalize('NFC'), {
        value: normalise(x, field),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return v;
}
