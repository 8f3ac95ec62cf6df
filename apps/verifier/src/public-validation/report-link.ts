import { createHash, randomBytes } from 'node:crypto';
import { serviceCaller, type Caller } from '@kyso/common';

/** How long the page may fetch its own result (poll, download the PDF) when no link was asked for. */
export const PAGE_LINK_MS = 30 * 60_000;
/** How long a link the visitor asked for stays readable. */
export const KEPT_LINK_MS = 30 * 86_400_000;

/** `<validation id>.<expiry, epoch seconds>.<32 random bytes, base64url>`: fits a canonical path segment. */
const TOKEN = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

export interface ReportLink {
  /** The capability: whoever holds it reads this one validation, nothing else. */
  token: string;
  expiresAt: Date;
  kept: boolean;
}

/**
 * A visitor of the public page is nobody the verifier knows, so the validation is owned by the
 * token itself: the stored owner is a service caller named after the secret's hash and the expiry.
 * Only the token rebuilds that owner (mayRead compares kind and id), so a changed expiry or a
 * guessed id reads nothing, and no organisation ever sees these validations.
 */
function ownerCaller(expiresEpoch: number, secret: string): Caller {
  const hash = createHash('sha256').update(secret).digest('base64url');
  return serviceCaller(`public:${expiresEpoch}:${hash}`);
}

/**
 * A new link: the caller to store the validation as, and the link once its id is known (the
 * owner depends only on the secret and the expiry, so it exists before the validation does).
 */
export function newReportLink(now: Date, kept: boolean): { owner: Caller; linkFor: (id: string) => ReportLink } {
  const expiresEpoch = Math.floor((now.getTime() + (kept ? KEPT_LINK_MS : PAGE_LINK_MS)) / 1000);
  const secret = randomBytes(32).toString('base64url');
  return {
    owner: ownerCaller(expiresEpoch, secret),
    linkFor: (id) => ({ token: `${id}.${expiresEpoch}.${secret}`, expiresAt: new Date(expiresEpoch * 1000), kept }),
  };
}

/** The validation a token names, the caller that may read it, and the link; undefined when malformed or expired. */
export function readReportLink(token: string, now: Date): { id: string; reader: Caller; link: ReportLink } | undefined {
  const m = TOKEN.exec(token);
  if (!m) return undefined;
  const expiresAt = new Date(Number(m[2]) * 1000);
  const left = expiresAt.getTime() - now.getTime();
  if (left <= 0) return undefined;
  // a page link never has more than PAGE_LINK_MS left; a kept one has, until its last half hour
  return {
    id: m[1].toLowerCase(),
    reader: ownerCaller(Number(m[2]), m[3]),
    link: { token, expiresAt, kept: left > PAGE_LINK_MS },
  };
}
