import type { ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';

/** The API answers JSON and PDFs only: nothing may be framed, scripted or sniffed. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/** Swagger UI loads its own scripts and styles and shows inline SVG icons. */
const DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * Security headers on every response (no helmet: these few are all an API needs). Every API answer
 * is `no-store`: tokens, keys, PIN forms and personal records must not stay in a browser or proxy
 * cache, and telling those apart route by route would miss one; only the static docs may be cached.
 */
export function securityHeadersMiddleware(req: Request, res: Response, next: NextFunction): void {
  setSecurityHeaders(res, req.path === '/docs' || req.path.startsWith('/docs/'));
  next();
}

/** The headers securityHeadersMiddleware sets, for a handler that runs before Express. */
export function setSecurityHeaders(res: ServerResponse, docs: boolean): void {
  res.setHeader('Content-Security-Policy', docs ? DOCS_CSP : API_CSP);
  if (!docs) res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
}
