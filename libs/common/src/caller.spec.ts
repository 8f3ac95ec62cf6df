import { Caller, decodeCaller, encodeCaller, serviceCaller } from './caller';

describe('encodeCaller', () => {
  const frozen = (): Caller =>
    Object.freeze({
      ...serviceCaller('dms'),
      kind: 'system',
      scopes: Object.freeze(['sign']) as string[],
      organizationIds: Object.freeze([]) as unknown as string[],
      roles: Object.freeze([]) as unknown as Caller['roles'],
    } satisfies Caller);

  it('round-trips through decodeCaller, kept or not', () => {
    const c = frozen();
    expect(decodeCaller(encodeCaller(c))).toEqual(c);
    expect(decodeCaller(encodeCaller(c))).toEqual(c);
    expect(decodeCaller(encodeCaller({ ...c }))).toEqual(c);
  });

  it('encodes again a caller that can still change (not frozen all the way down)', () => {
    const open = { ...serviceCaller('dms'), scopes: ['sign'] };
    encodeCaller(open);
    open.name = 'other';
    expect(decodeCaller(encodeCaller(open))?.name).toBe('other');
    const shallow = Object.freeze({ ...serviceCaller('dms'), scopes: ['sign'] });
    encodeCaller(shallow);
    shallow.scopes.push('validate');
    expect(decodeCaller(encodeCaller(shallow))?.scopes).toEqual(['sign', 'validate']);
    const grants = Object.freeze({
      ...frozen(),
      kind: 'operator' as const,
      roles: Object.freeze([{ role: 'clerk' as const, organizationId: 'a' }]) as Caller['roles'],
    });
    encodeCaller(grants);
    grants.roles[0].organizationId = 'b';
    expect(decodeCaller(encodeCaller(grants))?.roles).toEqual([{ role: 'clerk', organizationId: 'b' }]);
  });
});
