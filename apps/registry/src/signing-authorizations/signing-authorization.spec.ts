import fc from 'fast-check';
import { decideSigningAuthorization, SigningAuthorizationInput } from './signing-authorization';

const ORG = 'org-1';
const NOW = new Date('2026-06-01T00:00:00Z');
const cert = (
  over: Partial<NonNullable<SigningAuthorizationInput['certificate']>> = {},
): NonNullable<SigningAuthorizationInput['certificate']> => ({
  subjectType: 'person',
  holderOfficialId: 'an',
  organizationId: ORG,
  status: 'active',
  notBefore: new Date('2026-01-01T00:00:00Z'),
  notAfter: new Date('2027-01-01T00:00:00Z'),
  signingPinHash: 'hash-of-1234',
  ...over,
});
const official = (
  over: Partial<NonNullable<SigningAuthorizationInput['official']>> = {},
): NonNullable<SigningAuthorizationInput['official']> => ({
  id: 'an',
  organizationId: ORG,
  roles: ['official'],
  employmentStatus: 'active',
  ...over,
});
const pinIs = (pin: string) => jest.fn(async (hash: string) => hash === `hash-of-${pin}`);

describe('decideSigningAuthorization', () => {
  it('allows the holder of an active person certificate with the right PIN', async () => {
    expect(
      await decideSigningAuthorization({
        certificate: cert(),
        official: official(),
        now: NOW,
        pinMatches: pinIs('1234'),
      }),
    ).toEqual({ allowed: true });
  });

  it.each([
    ['unknown certificate', { certificate: undefined }, 'CERTIFICATE_NOT_FOUND'],
    ['unknown official', { official: undefined }, 'OFFICIAL_NOT_FOUND'],
    ["someone else's person certificate", { official: official({ id: 'binh' }) }, 'NOT_CERTIFICATE_HOLDER'],
    [
      'an organisation certificate used by a non-clerk',
      { certificate: cert({ subjectType: 'organization', holderOfficialId: null }) },
      'NOT_CERTIFICATE_HOLDER',
    ],
    [
      'a clerk of another organisation',
      {
        certificate: cert({ subjectType: 'organization' }),
        official: official({ organizationId: 'org-2', roles: ['official', 'clerk'] }),
      },
      'NOT_CERTIFICATE_HOLDER',
    ],
    ['a device certificate', { certificate: cert({ subjectType: 'device' }) }, 'NOT_CERTIFICATE_HOLDER'],
    ['an official who left', { official: official({ employmentStatus: 'retired' }) }, 'OFFICIAL_NOT_ACTIVE'],
    ['a revoked certificate', { certificate: cert({ status: 'revoked' }) }, 'CERTIFICATE_NOT_ACTIVE'],
    ['a suspended certificate', { certificate: cert({ status: 'suspended' }) }, 'CERTIFICATE_NOT_ACTIVE'],
    ['an expired certificate stored as active', { now: new Date('2027-01-01T00:00:01Z') }, 'CERTIFICATE_NOT_ACTIVE'],
    ['a certificate not yet valid', { now: new Date('2025-12-31T23:59:59Z') }, 'CERTIFICATE_NOT_ACTIVE'],
    ['a wrong PIN', { pinMatches: pinIs('0000') }, 'WRONG_PIN'],
  ] as const)('refuses %s', async (_name, over, code) => {
    const input: SigningAuthorizationInput = {
      certificate: cert(),
      official: official(),
      now: NOW,
      pinMatches: pinIs('1234'),
      ...over,
    };
    const result = await decideSigningAuthorization(input);
    expect(result).toMatchObject({ allowed: false, code });
    if (!result.allowed) {
      expect(result.message.length).toBeGreaterThan(0);
      expect(result.messageVi).toMatch(/[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i);
    }
  });

  it('allows a clerk of the organisation to use its certificate', async () => {
    const result = await decideSigningAuthorization({
      certificate: cert({ subjectType: 'organization', holderOfficialId: null }),
      official: official({ id: 'binh', roles: ['official', 'clerk'] }),
      now: NOW,
      pinMatches: pinIs('1234'),
    });
    expect(result).toEqual({ allowed: true });
  });

  it('names the state that stops a certificate, in Vietnamese too', async () => {
    const result = await decideSigningAuthorization({
      certificate: cert({ status: 'revoked' }),
      official: official(),
      now: NOW,
      pinMatches: pinIs('1234'),
    });
    expect(result).toMatchObject({
      certificateStatus: 'revoked',
      messageVi: 'Chứng thư số đã bị thu hồi, không được sử dụng để ký số.',
    });
  });

  it('accepts the validity bounds themselves (inclusive)', async () => {
    for (const now of [cert().notBefore, cert().notAfter]) {
      expect(
        await decideSigningAuthorization({ certificate: cert(), official: official(), now, pinMatches: pinIs('1234') }),
      ).toEqual({ allowed: true });
    }
  });

  it('never checks the PIN when the request is refused for another reason', async () => {
    const pinMatches = pinIs('1234');
    await decideSigningAuthorization({
      certificate: cert({ status: 'revoked' }),
      official: official(),
      now: NOW,
      pinMatches,
    });
    await decideSigningAuthorization({ certificate: cert(), official: official({ id: 'binh' }), now: NOW, pinMatches });
    expect(pinMatches).not.toHaveBeenCalled();
  });

  it('allows exactly when holder, employment, status, validity and PIN all agree', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...(['person', 'organization', 'device'] as const)),
        fc.constantFrom('an', 'binh'),
        fc.constantFrom(ORG, 'org-2'),
        fc.boolean(),
        fc.constantFrom(...(['active', 'retired'] as const)),
        fc.constantFrom(...(['active', 'suspended', 'revoked', 'expired'] as const)),
        fc.integer({ min: -400, max: 400 }),
        fc.boolean(),
        async (subjectType, officialId, officialOrg, clerk, employmentStatus, status, dayOffset, rightPin) => {
          const c = cert({ subjectType, status });
          const o = official({
            id: officialId,
            organizationId: officialOrg,
            roles: clerk ? ['official', 'clerk'] : ['official'],
            employmentStatus,
          });
          const now = new Date(NOW.getTime() + dayOffset * 86_400_000);
          const result = await decideSigningAuthorization({
            certificate: c,
            official: o,
            now,
            pinMatches: async () => rightPin,
          });
          const holderOk =
            subjectType === 'person'
              ? officialId === 'an'
              : subjectType === 'organization'
                ? officialOrg === ORG && clerk
                : false;
          const inValidity = now >= c.notBefore && now <= c.notAfter;
          const expected = holderOk && employmentStatus === 'active' && status === 'active' && inValidity && rightPin;
          expect(result.allowed).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  describe('the caller forwarded by the gateway', () => {
    const sys = (organizationIds: string[]) => ({ kind: 'system' as const, organizationIds, officialId: null });
    const op = (officialId: string | null) => ({ kind: 'operator' as const, organizationIds: [], officialId });
    const base = {
      certificate: cert(),
      official: official(),
      now: NOW,
      pinMatches: pinIs('1234'),
      officialManagingOrganizationId: 'managing-1',
    };

    it('refuses a system that does not serve the acting official’s managing organisation', async () => {
      expect(await decideSigningAuthorization({ ...base, caller: sys([ORG]) })).toMatchObject({
        allowed: false,
        code: 'ORGANIZATION_NOT_SERVED',
      });
      expect(await decideSigningAuthorization({ ...base, caller: sys(['managing-1']) })).toEqual({ allowed: true });
    });

    it('refuses an operator signing as someone else', async () => {
      expect(await decideSigningAuthorization({ ...base, caller: op('binh') })).toMatchObject({
        allowed: false,
        code: 'NOT_ACTING_OFFICIAL',
      });
      expect(await decideSigningAuthorization({ ...base, caller: op(null) })).toMatchObject({
        allowed: false,
        code: 'NOT_ACTING_OFFICIAL',
      });
      expect(await decideSigningAuthorization({ ...base, caller: op('an') })).toEqual({ allowed: true });
    });

    it('refuses a locked certificate without checking the PIN, in Vietnamese naming device recovery', async () => {
      const pinMatches = pinIs('1234');
      const result = await decideSigningAuthorization({ ...base, locked: true, pinMatches });
      expect(result).toMatchObject({ allowed: false, code: 'CERTIFICATE_LOCKED' });
      if (!result.allowed) expect(result.messageVi).toContain('khôi phục thiết bị');
      expect(pinMatches).not.toHaveBeenCalled();
    });
  });
});
