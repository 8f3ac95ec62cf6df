import { addYears, checkValidityLimits, VALIDITY_GRACE_MS } from './validity';

const d = (s: string) => new Date(s);

describe('Decree 68 validity limits', () => {
  it('accepts a new certificate of exactly 5 years, and refuses one a grace period longer', () => {
    const notBefore = d('2026-03-01T00:00:00Z');
    expect(checkValidityLimits({ notBefore, notAfter: d('2031-03-01T00:00:00Z') })).toBeUndefined();
    expect(
      checkValidityLimits({
        notBefore,
        notAfter: new Date(d('2031-03-01T00:00:00Z').getTime() + VALIDITY_GRACE_MS + 1),
      }),
    ).toMatchObject({ code: 'VALIDITY_TOO_LONG' });
  });

  it('measures a renewal from the renewed certificate’s end: at most 3 more years', () => {
    const renewalOf = { notAfter: d('2027-06-30T00:00:00Z') };
    expect(
      checkValidityLimits({ notBefore: d('2027-06-01T00:00:00Z'), notAfter: d('2030-06-30T00:00:00Z') }, renewalOf),
    ).toBeUndefined();
    expect(
      checkValidityLimits({ notBefore: d('2027-06-01T00:00:00Z'), notAfter: d('2030-08-01T00:00:00Z') }, renewalOf),
    ).toMatchObject({ code: 'RENEWAL_EXTENDS_TOO_LONG' });
  });

  it('adds calendar years in UTC', () => {
    expect(addYears(d('2028-02-29T12:00:00Z'), 1).toISOString()).toBe('2029-03-01T12:00:00.000Z');
    expect(addYears(d('2026-12-31T23:59:59Z'), 5).toISOString()).toBe('2031-12-31T23:59:59.000Z');
  });
});
