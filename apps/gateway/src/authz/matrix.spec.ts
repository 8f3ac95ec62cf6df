import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Caller } from '@kyso/common';
import type { OwnershipKind } from '@kyso/contracts';
import { decide, Ownership } from './decide';
import { ACCESS_MATRIX, findRule } from './matrix';
import { withMatrix } from './readme';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const O1 = '00000000-0000-4000-8000-0000000000f1';
const op = (roles: Caller['roles'], officialId: string | null = null): Caller => ({
  kind: 'operator',
  id: 'op',
  name: 'op',
  scopes: [],
  organizationIds: [],
  roles,
  officialId,
});
const sys = (scopes: string[], organizationIds: string[]): Caller => ({
  kind: 'system',
  id: 'k',
  name: 'k',
  scopes,
  organizationIds,
  roles: [],
  officialId: null,
});
const owned = (managing: string, holder: string | null = null, kind: OwnershipKind = 'certificate'): Ownership => ({
  kind,
  id: 'x',
  organizationId: managing,
  managingOrganizationId: managing,
  holderOfficialId: holder,
});
const rule = (m: string, p: string) => findRule(m, p)!.rule;

describe('access matrix', () => {
  it('has one entry per method and path', () => {
    const keys = ACCESS_MATRIX.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('finds the most literal rule and the path parameters', () => {
    expect(findRule('GET', '/api/v1/audit/verify')!.rule.summary).toMatch(/hash chain/);
    expect(findRule('POST', `/api/v1/requests/${A}/approve`)).toMatchObject({ params: { id: A } });
    expect(findRule('GET', '/api/v1/nothing')).toBeUndefined();
    expect(findRule('DELETE', '/api/v1/certificates')).toBeUndefined();
  });

  it('is what the README shows (run `npm run docs:authz` after changing it)', () => {
    const readme = readFileSync(join(__dirname, '../../../../README.md'), 'utf8');
    expect(withMatrix(readme)).toBe(readme);
  });

  it.each([
    [
      'an it-officer reads a certificate their organisation manages',
      op([{ role: 'it-officer', organizationId: A }]),
      'GET',
      `/api/v1/certificates/${A}`,
      owned(A),
      true,
    ],
    [
      'an it-officer of another organisation does not',
      op([{ role: 'it-officer', organizationId: B }]),
      'GET',
      `/api/v1/certificates/${A}`,
      owned(A),
      false,
    ],
    [
      'an official reads their own certificate',
      op([{ role: 'official', organizationId: A }], O1),
      'GET',
      `/api/v1/certificates/${A}`,
      owned(A, O1),
      true,
    ],
    [
      'an official does not read a colleague’s',
      op([{ role: 'official', organizationId: A }], O1),
      'GET',
      `/api/v1/certificates/${A}`,
      owned(A, 'someone'),
      false,
    ],
    [
      'an it-officer may not approve (the head approves)',
      op([{ role: 'it-officer', organizationId: A }]),
      'POST',
      `/api/v1/requests/${A}/approve`,
      owned(A, null, 'request'),
      false,
    ],
    [
      'the head of the managing agency approves',
      op([{ role: 'agency-head', organizationId: A }]),
      'POST',
      `/api/v1/requests/${A}/approve`,
      owned(A, null, 'request'),
      true,
    ],
    [
      'a system never approves',
      sys(['registry:write'], [A]),
      'POST',
      `/api/v1/requests/${A}/approve`,
      owned(A, null, 'request'),
      false,
    ],
    [
      'a system reads what its organisations manage',
      sys(['registry:read'], [A]),
      'GET',
      `/api/v1/certificates/${A}`,
      owned(A),
      true,
    ],
    [
      'a system does not read another department’s',
      sys(['registry:read'], [A]),
      'GET',
      `/api/v1/certificates/${A}`,
      owned(B),
      false,
    ],
    ['a system without the scope is refused', sys(['sign'], [A]), 'GET', `/api/v1/certificates/${A}`, owned(A), false],
    [
      'a clerk may not create API keys',
      op([{ role: 'clerk', organizationId: A }]),
      'POST',
      '/api/v1/api-keys',
      undefined,
      false,
    ],
    [
      'an admin creates API keys',
      op([{ role: 'admin', organizationId: null }]),
      'POST',
      '/api/v1/api-keys',
      undefined,
      true,
    ],
    [
      'a system may not manage operators',
      sys(['sign', 'validate', 'registry:read', 'registry:write'], [A]),
      'GET',
      '/api/v1/operators',
      undefined,
      false,
    ],
    [
      'an it-officer does not create officials elsewhere',
      op([{ role: 'it-officer', organizationId: A }]),
      'POST',
      '/api/v1/officials',
      owned(B, null, 'organization'),
      false,
    ],
  ])('%s', (_name, caller, method, path, target, allowed) => {
    expect(decide(rule(method, path), caller, target).allow).toBe(allowed);
  });
});
