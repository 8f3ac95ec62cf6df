import { Caller, RoleGrant, serviceCaller } from '@kyso/common';
import { REQUEST_STATUSES, REQUEST_STEPS } from './request';
import { mayTakeStep, nextStatus, WorkflowAction } from './workflow';

const ORG = 'org-a';
const operator = (...roles: RoleGrant[]): Caller => ({
  kind: 'operator',
  id: 'op',
  name: 'op',
  scopes: [],
  organizationIds: [],
  roles,
  officialId: null,
});

describe('workflow transitions', () => {
  const legal: Record<string, string> = {
    'draft/submit': 'submitted',
    'submitted/approve': 'approved',
    'submitted/reject': 'rejected',
    'approved/send': 'sent',
    'sent/fulfil': 'fulfilled',
    'draft/cancel': 'cancelled',
    'submitted/cancel': 'cancelled',
    'approved/cancel': 'cancelled',
  };
  for (const status of REQUEST_STATUSES) {
    for (const step of REQUEST_STEPS) {
      const expected = legal[`${status}/${step}`];
      it(`${step} from ${status} ${expected ? `leads to ${expected}` : 'is illegal'}`, () => {
        expect(nextStatus(status, step)).toBe(expected);
      });
    }
  }
});

describe('who may take each step', () => {
  const cases: [string, Caller, WorkflowAction[]][] = [
    [
      'an IT officer of the managing agency',
      operator({ role: 'it-officer', organizationId: ORG }),
      ['create', 'submit', 'cancel', 'send', 'fulfil'],
    ],
    ['the head of the managing agency', operator({ role: 'agency-head', organizationId: ORG }), ['approve', 'reject']],
    ['a clerk of the managing agency', operator({ role: 'clerk', organizationId: ORG }), ['send']],
    [
      'a province-wide admin',
      operator({ role: 'admin', organizationId: null }),
      ['create', 'submit', 'cancel', 'send', 'fulfil'],
    ],
    ['the head of another agency', operator({ role: 'agency-head', organizationId: 'org-b' }), []],
    ['an IT officer of another agency', operator({ role: 'it-officer', organizationId: 'org-b' }), []],
    ['an official', operator({ role: 'official', organizationId: ORG }), []],
    [
      'a system with registry:write serving the agency',
      { ...serviceCaller('x'), kind: 'system', scopes: ['registry:write'], organizationIds: [ORG] },
      ['create'],
    ],
    [
      'a system without registry:write',
      { ...serviceCaller('x'), kind: 'system', scopes: ['registry:read'], organizationIds: [ORG] },
      [],
    ],
    [
      'the registry itself',
      serviceCaller('registry'),
      ['create', 'submit', 'approve', 'reject', 'send', 'fulfil', 'cancel'],
    ],
  ];
  const all: WorkflowAction[] = ['create', 'submit', 'approve', 'reject', 'send', 'fulfil', 'cancel'];
  it.each(cases)('%s', (_name, caller, allowed) => {
    for (const action of all)
      expect([action, mayTakeStep(caller, action, ORG)]).toEqual([action, allowed.includes(action)]);
  });
});
