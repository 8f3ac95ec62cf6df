import { randomBytes } from 'node:crypto';
import type { Role } from '@kyso/common';
import { gatewayDataSource } from '../../apps/gateway/src/data-source';
import { Operators } from '../../apps/gateway/src/identity/operators';
import { PgOperatorsRepository } from '../../apps/gateway/src/identity/operators.repository';
import type { DemoData } from './demo';

export interface DemoOperator {
  username: string;
  password: string;
  role: Role;
  organizationId: string | null;
  officialId: string | null;
}

/**
 * One operator account per role for the demo: the province admin, and in the department its IT
 * officer, its head (the director), its records clerk and an official (the deputy).
 */
export async function createDemoOperators(databaseUrl: string, demo: DemoData): Promise<DemoOperator[]> {
  const staff = (key: string) => demo.staff.find((s) => s.key === key)!;
  const plan: Omit<DemoOperator, 'password'>[] = [
    { username: 'admin', role: 'admin', organizationId: null, officialId: null },
    { username: 'tuan.hm', role: 'it-officer', organizationId: demo.organizationId, officialId: staff('tuan').id },
    { username: 'an.nv', role: 'agency-head', organizationId: demo.organizationId, officialId: staff('an').id },
    { username: 'cuc.lt', role: 'clerk', organizationId: demo.organizationId, officialId: staff('cuc').id },
    { username: 'binh.tt', role: 'official', organizationId: demo.organizationId, officialId: staff('binh').id },
  ];
  const ds = gatewayDataSource(databaseUrl);
  await ds.initialize();
  try {
    const operators = new Operators(new PgOperatorsRepository(ds));
    const out: DemoOperator[] = [];
    for (const p of plan) {
      const password = randomBytes(12).toString('base64url');
      await operators.create(
        {
          username: p.username,
          password,
          officialId: p.officialId,
          roles: [{ role: p.role, organizationId: p.organizationId }],
        },
        'quickstart',
      );
      out.push({ ...p, password });
    }
    return out;
  } finally {
    await ds.destroy();
  }
}
