/**
 * Decree 68's limits on a certificate's validity: a new certificate is valid at most 5 years; a
 * renewal (gia hạn) extends the renewed certificate by at most 3 years. Years are calendar years
 * (29 February plus one year is 1 March). CAs commonly backdate notBefore by minutes to absorb
 * clock skew, so a small grace is allowed on the end date.
 */
export const MAX_NEW_VALIDITY_YEARS = 5;
export const MAX_RENEWAL_EXTENSION_YEARS = 3;
export const VALIDITY_GRACE_MS = 24 * 60 * 60 * 1000;

export type ValidityProblem = { code: 'VALIDITY_TOO_LONG' | 'RENEWAL_EXTENDS_TOO_LONG'; message: string };

export function addYears(d: Date, years: number): Date {
  const r = new Date(d.getTime());
  r.setUTCFullYear(r.getUTCFullYear() + years);
  return r;
}

export function checkValidityLimits(
  cert: { notBefore: Date; notAfter: Date },
  renewalOf?: { notAfter: Date },
): ValidityProblem | undefined {
  if (renewalOf) {
    const limit = addYears(renewalOf.notAfter, MAX_RENEWAL_EXTENSION_YEARS);
    if (cert.notAfter.getTime() > limit.getTime() + VALIDITY_GRACE_MS) {
      return {
        code: 'RENEWAL_EXTENDS_TOO_LONG',
        message: `A renewal may extend the certificate by at most ${MAX_RENEWAL_EXTENSION_YEARS} years (until ${limit.toISOString()}); this one is valid until ${cert.notAfter.toISOString()}`,
      };
    }
    return undefined;
  }
  const limit = addYears(cert.notBefore, MAX_NEW_VALIDITY_YEARS);
  if (cert.notAfter.getTime() > limit.getTime() + VALIDITY_GRACE_MS) {
    return {
      code: 'VALIDITY_TOO_LONG',
      message: `A new certificate may be valid for at most ${MAX_NEW_VALIDITY_YEARS} years (until ${limit.toISOString()})`,
    };
  }
  return undefined;
}
