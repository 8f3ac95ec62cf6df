import { badRequest } from '@kyso/common';

/**
 * One canonical form for public paths, checked before the matrix and reused for forwarding.
 *
 * The gateway matches the raw (still percent-encoded) path, while the HTTP client that forwards
 * applies WHATWG URL rules: `\` becomes `/`, and `..`, `.%2e`, `%2e%2e` segments are resolved. A
 * path the two read differently could match a public rule here and reach an internal-only route
 * (`/ownership`, `/signing-authorizations`, `/metrics`) there. No public route needs a percent
 * sign, a backslash, a dot segment, an empty segment or a `;`: such paths are refused outright.
 */
const SEGMENT = /^[A-Za-z0-9_~-]+(?:\.[A-Za-z0-9_~-]+)*$/;

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The path in canonical form (one trailing slash dropped), or a 400 INVALID_PATH problem. */
export function canonicalPath(path: string): string {
  const p = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  if (p === '/') return p; // the home page
  const segs = p.split('/');
  if (segs[0] !== '' || !segs.slice(1).every((s) => SEGMENT.test(s))) {
    throw badRequest(
      'INVALID_PATH',
      'The path is not in canonical form (no encoded characters, dot or empty segments, backslashes or parameters).',
    );
  }
  return p;
}

/** The query string of a raw request target, `?` included ('' when none); a fragment never goes on. */
export function queryOf(originalUrl: string): string {
  const q = originalUrl.indexOf('?');
  if (q < 0) return '';
  const h = originalUrl.indexOf('#', q);
  const query = originalUrl.slice(q, h < 0 ? undefined : h);
  return query === '?' ? '' : query;
}

/** A rule's service path with its (validated) parameters put in. */
export function fillTemplate(template: string, params: Record<string, string>): string {
  return template.replace(/:([A-Za-z_]\w*)/g, (_, name: string) => encodeURIComponent(params[name]));
}
