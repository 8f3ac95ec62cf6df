import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { Caller } from '@kyso/common';
import { InboundStack, officialDocument, operator, system } from './inbound-support';

interface Item {
  id: string;
  kind: string;
  result: string;
  fileName: string;
  sha256: string;
  checkedAt: string;
  checkedBy: { kind: string; id: string; name: string };
}

/**
 * GET /validations (issue 14.5): who checked what, when, with what result, for the operators who oversee
 * an organisation (its admin, IT officer, agency head), a province admin (all) and every caller (its own).
 */
describe('GET /validations: the validation history', () => {
  const stack = new InboundStack();
  const org1 = randomUUID();
  const org2 = randomUUID();
  const clerk1 = operator('clerk-1', [{ role: 'clerk', organizationId: org1 }]);
  const it1 = operator('it-1', [{ role: 'it-officer', organizationId: org1 }]);
  const head2 = operator('head-2', [{ role: 'agency-head', organizationId: org2 }]);
  const clerk2 = operator('clerk-2', [{ role: 'clerk', organizationId: org2 }]);
  const admin = operator('admin', [{ role: 'admin', organizationId: null }]);
  const dms1 = system('dms-1', [org1]);
  const ids: Record<string, string> = {};
  let startedAt: string;
  let midpoint: string;

  beforeAll(async () => {
    await stack.start('kyso_verifier_history');
    startedAt = new Date(Date.now() - 1000).toISOString();
    // No signature at all: a quick rejection, no revocation to fetch.
    const unsigned = Buffer.from(await officialDocument());
    const inbound = async (key: string, who: Caller, name: string) => {
      const res = await stack.post('/validations/inbound', who).attach('file', unsigned, name);
      expect(res.body.decision).toBe('rejected');
      ids[key] = res.body.id;
    };
    await inbound('clerk1a', clerk1, 'Công văn 15.pdf');
    await inbound('clerk1b', clerk1, 'b.pdf');
    await inbound('dms1', dms1, 'c.pdf');
    midpoint = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    await inbound('clerk2', clerk2, 'd.pdf');
    const pdf = await stack.post('/validations/pdf?wait=20', clerk1).attach('file', unsigned, 'e.pdf');
    expect(pdf.body.status).toBe('done');
    ids.pdf1 = pdf.body.id;
  });
  afterAll(() => stack.stop());

  const list = async (who: Caller, query = ''): Promise<{ items: Item[]; nextCursor: string | null }> => {
    const res = await stack.get(`/validations${query}`, who);
    expect(res.status).toBe(200);
    return res.body;
  };
  const idsOf = (items: Item[]) => items.map((i) => i.id);

  it('shows an IT officer the checks made for their organisation, by anyone, newest first, with who, what and the result', async () => {
    const { items } = await list(it1);
    expect(idsOf(items)).toEqual([ids.pdf1, ids.dms1, ids.clerk1b, ids.clerk1a]);
    expect(items[3]).toMatchObject({
      kind: 'inbound',
      result: 'rejected',
      fileName: 'Công văn 15.pdf',
      checkedBy: { kind: 'operator', id: 'clerk-1', name: 'operator clerk-1' },
    });
    expect(items[3].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(items[0]).toMatchObject({ kind: 'pdf', result: 'INDETERMINATE', fileName: 'e.pdf' });
  });

  it('shows another organisation’s operators nothing of it, a clerk and a system only their own, an admin everything', async () => {
    expect(idsOf((await list(head2)).items)).toEqual([ids.clerk2]);
    expect(idsOf((await list(clerk1)).items)).toEqual([ids.pdf1, ids.clerk1b, ids.clerk1a]);
    expect(idsOf((await list(dms1)).items)).toEqual([ids.dms1]);
    expect(idsOf((await list(system('stranger', [org1]))).items)).toEqual([]);
    expect((await list(admin)).items).toHaveLength(5);
    expect(idsOf((await list(admin, `?organizationId=${org2}`)).items)).toEqual([ids.clerk2]);
  });

  it('filters by kind, result, who and time', async () => {
    expect(idsOf((await list(admin, '?kind=pdf')).items)).toEqual([ids.pdf1]);
    expect((await list(admin, '?kind=inbound&result=rejected')).items).toHaveLength(4);
    expect((await list(admin, '?result=accepted')).items).toEqual([]);
    expect(idsOf((await list(admin, '?who=dms-1')).items)).toEqual([ids.dms1]);
    const before = await list(admin, `?from=${encodeURIComponent(startedAt)}&to=${encodeURIComponent(midpoint)}`);
    expect(idsOf(before.items)).toEqual([ids.dms1, ids.clerk1b, ids.clerk1a]);
    const bad = await stack.get('/validations?kind=xml', admin);
    expect(bad.status).toBe(400);
  });

  it('pages with limit and cursor: every check once, in order; a forged cursor is refused', async () => {
    const all = idsOf((await list(admin)).items);
    const seen: string[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      const page: { items: Item[]; nextCursor: string | null } = await list(
        admin,
        `?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...idsOf(page.items));
      cursor = page.nextCursor;
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(all);
    const forged = await stack.get(`/validations?cursor=${Buffer.from(randomUUID()).toString('base64url')}`, admin);
    expect([forged.status, forged.body.code]).toEqual([400, 'INVALID_CURSOR']);
  });
});
