import type { Caller } from '@kyso/common';
import { LifecycleWorld, operator, seedWorld, system } from './lifecycle-support';
import { OpenSslPki, RunningRegistry, startRegistry, TestCert } from './support';

/**
 * Issue 11 point 1: every route that can change an official's organisation or roles, per operator
 * role and API key. Routes: POST /officials (roles), PATCH /officials/{id} (organisation, roles),
 * POST /personnel-changes (transfer), POST /organizations/{id}/merge (officials move). The gateway
 * checks the official's current organisation; these are the registry's checks on top.
 */
describe('moving officials and granting the clerk role need authority over the organisations (real Postgres)', () => {
  let reg: RunningRegistry;
  let pki: OpenSslPki;
  let ca: TestCert;
  let w: LifecycleWorld;
  let itOther: Caller;
  let itBoth: Caller;
  let hrDept: Caller;

  const newOfficial = async (organizationId: string, roles: string[] = [], who?: Caller) =>
    reg.call('post', '/officials', who).send({
      fullName: 'Phan Văn Đức',
      email: `${Math.random().toString(36).slice(2)}@hue.gov.vn`,
      title: 'Chuyên viên',
      organizationId,
      roles,
    });
  /** The audit chain's refused attempts about an official, oldest first. */
  const refusalsOf = async (id: string) =>
    ((await reg.get(`/audit?entityType=official&entityId=${id}`)).body.items as { action: string }[]).filter(
      (e) => e.action.endsWith('_refused') || e.action.endsWith('.refused'),
    );
  const officialRow = async (id: string) =>
    (
      await reg.sql<{ organization_id: string; roles: string[] }>(
        'SELECT organization_id, roles FROM registry.official WHERE id = $1',
        [id],
      )
    )[0];
  const authorize = async (certificateId: string, actingOfficialId: string, pin: string) =>
    (await reg.post('/signing-authorizations', { certificateId, actingOfficialId, pin })).body as {
      allowed: boolean;
      code?: string;
    };

  beforeAll(async () => {
    pki = await OpenSslPki.start();
    ca = pki.ca('Kyso Authority Test CA');
    reg = await startRegistry();
    w = await seedWorld(reg, pki, ca);
    itOther = operator('it-other', [{ role: 'it-officer', organizationId: w.other }]);
    itBoth = operator('it-both', [
      { role: 'it-officer', organizationId: w.dept },
      { role: 'it-officer', organizationId: w.other },
    ]);
    hrDept = system([w.dept], ['registry:read', 'registry:write']);
  });

  afterAll(async () => {
    await reg?.stop();
    pki?.cleanup();
  });

  describe('PATCH /officials/{id}: never a change of organisation', () => {
    it.each([
      ['an admin', () => w.admin],
      ['an IT officer of both organisations', () => itBoth],
      ['an IT officer of the current one', () => w.it],
      ['a system serving both', () => system([w.dept, w.other], ['registry:write'])],
    ])('refuses a move by %s: a move is a transfer', async (_, who) => {
      const o = (await newOfficial(w.unit)).body.id as string;
      const res = await reg.call('patch', `/officials/${o}`, who()).send({ organizationId: w.other, title: 'x' });
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({ code: 'ORGANIZATION_CHANGE_IS_TRANSFER' });
      expect(res.body.messageVi).toContain('chuyển công tác');
      expect(await officialRow(o)).toMatchObject({ organization_id: w.unit });
      // Nothing changed, and the refused move is kept in the audit chain with who tried it.
      const audit = (await reg.get(`/audit?entityType=official&entityId=${o}`)).body.items as { action: string }[];
      expect(audit.map((e) => e.action)).toEqual(['official.created', 'official.update_refused']);
      expect(audit[1]).toMatchObject({
        actor: { id: who().id },
        after: { outcome: 'refused', code: 'ORGANIZATION_CHANGE_IS_TRANSFER', organizationId: w.other },
      });
    });

    it('accepts the current organisation unchanged alongside other data', async () => {
      const o = (await newOfficial(w.unit)).body.id as string;
      const res = await reg
        .call('patch', `/officials/${o}`, w.it)
        .send({ organizationId: w.unit, title: 'Phó Chánh VP' });
      expect([res.status, res.body.title, res.body.organizationId]).toEqual([200, 'Phó Chánh VP', w.unit]);
    });
  });

  describe('the clerk role', () => {
    it.each([
      ['an IT officer of the managing agency', () => w.it, 200],
      ['an admin', () => w.admin, 200],
      ['an IT officer of another organisation', () => itOther, 403],
      ['the agency head', () => w.head, 403],
      ['a system key with registry:write serving the organisation', () => hrDept, 403],
    ])('PATCH grants and withdraws it only for a competent operator: %s', async (_, who, status) => {
      const o = (await newOfficial(w.unit)).body.id as string;
      const grant = await reg.call('patch', `/officials/${o}`, who()).send({ roles: ['official', 'clerk'] });
      expect(grant.status).toBe(status);
      if (status === 403) {
        expect(grant.body.code).toBe('ROLE_GRANT_NOT_ALLOWED');
        expect((await officialRow(o)).roles).toEqual(['official']);
        // The refused grant is in the audit chain, with who tried and the code.
        expect(await refusalsOf(o)).toEqual([
          expect.objectContaining({
            action: 'official.update_refused',
            actor: expect.objectContaining({ id: who().id }),
            after: expect.objectContaining({
              outcome: 'refused',
              code: 'ROLE_GRANT_NOT_ALLOWED',
              roles: ['official', 'clerk'],
            }),
          }),
        ]);
        return;
      }
      expect(grant.body.roles).toEqual(['official', 'clerk']);
      const withdraw = await reg.call('patch', `/officials/${o}`, who()).send({ roles: ['official'] });
      expect(withdraw.body.roles).toEqual(['official']);
    });

    it('refuses withdrawal by someone not competent, and lets other data change without touching roles', async () => {
      const withdraw = await reg.call('patch', `/officials/${w.clerk}`, hrDept).send({ roles: ['official'] });
      expect([withdraw.status, withdraw.body.code]).toEqual([403, 'ROLE_GRANT_NOT_ALLOWED']);
      const same = await reg
        .call('patch', `/officials/${w.clerk}`, hrDept)
        .send({ roles: ['clerk'], title: 'Văn thư' });
      expect([same.status, same.body.roles]).toEqual([200, ['official', 'clerk']]);
    });

    it.each([
      ['an IT officer of the organisation', () => w.it, 201],
      ['an IT officer of another organisation', () => itOther, 403],
      ['a system key', () => hrDept, 403],
    ])('POST /officials with the clerk role: %s', async (_, who, status) => {
      const res = await newOfficial(w.dept, ['clerk'], who());
      expect(res.status).toBe(status);
      if (status === 403) expect(res.body.code).toBe('ROLE_GRANT_NOT_ALLOWED');
      // Without the clerk role a system may still register an official.
      if (who() === hrDept) expect((await newOfficial(w.dept, [], hrDept)).status).toBe(201);
    });
  });

  describe('POST /personnel-changes transfer: authority over both organisations', () => {
    it.each([
      ['an IT officer of the current organisation only', () => w.it],
      ['a system serving only the current organisation', () => hrDept],
    ])('refuses a transfer by %s', async (_, who) => {
      const res = await reg
        .call('post', '/personnel-changes', who())
        .send({ officialId: w.clerk, kind: 'transfer', effectiveDate: '2026-07-01', newOrganizationId: w.other });
      expect([res.status, res.body.code]).toEqual([403, 'TARGET_ORGANIZATION_NOT_COVERED']);
      expect(res.body.messageVi).toBeTruthy();
      expect(await officialRow(w.clerk)).toMatchObject({ organization_id: w.dept, roles: ['official', 'clerk'] });
      expect((await refusalsOf(w.clerk)).at(-1)).toMatchObject({
        action: 'personnel_change.refused',
        actor: { id: who().id },
        after: {
          outcome: 'refused',
          code: 'TARGET_ORGANIZATION_NOT_COVERED',
          kind: 'transfer',
          newOrganizationId: w.other,
        },
      });
    });

    it('refuses a transfer by an IT officer of the target organisation only', async () => {
      const res = await reg
        .call('post', '/personnel-changes', itOther)
        .send({ officialId: w.clerk, kind: 'transfer', effectiveDate: '2026-07-01', newOrganizationId: w.other });
      expect([res.status, res.body.code]).toEqual([403, 'ROLE_NOT_ALLOWED_FOR_STEP']);
    });

    it('a transfer by a competent operator moves the clerk, withdraws the clerk role, and the old seal no longer signs', async () => {
      expect((await authorize(w.orgCert, w.clerk, w.orgPin)).allowed).toBe(true);
      const res = await reg
        .call('post', '/personnel-changes', itBoth)
        .send({ officialId: w.clerk, kind: 'transfer', effectiveDate: '2026-07-01', newOrganizationId: w.other });
      expect(res.status).toBe(201);
      expect(await officialRow(w.clerk)).toEqual({ organization_id: w.other, roles: ['official'] });
      const audit = (await reg.get(`/audit?entityType=official&entityId=${w.clerk}`)).body.items as {
        action: string;
        actor: { name: string };
        after: { organizationId: string; roles: string[] };
      }[];
      expect(audit.at(-1)).toMatchObject({
        action: 'official.updated',
        actor: { name: 'it-both' },
        after: { organizationId: w.other, roles: ['official'] },
      });
      expect(await authorize(w.orgCert, w.clerk, w.orgPin)).toMatchObject({
        allowed: false,
        code: 'NOT_CERTIFICATE_HOLDER',
      });
      // Even made clerk of the new organisation (by its own IT officer), the old seal stays out of reach.
      expect((await reg.call('patch', `/officials/${w.clerk}`, itOther).send({ roles: ['clerk'] })).status).toBe(200);
      expect(await authorize(w.orgCert, w.clerk, w.orgPin)).toMatchObject({
        allowed: false,
        code: 'NOT_CERTIFICATE_HOLDER',
      });
    });
  });

  it('a merger moves officials to the successor without their clerk role', async () => {
    const u = Date.now().toString(36);
    const absorbed = (await reg.post('/organizations', { code: `M-${u}`, name: 'Chi cục', legalEntity: true })).body
      .id as string;
    const clerk = (await newOfficial(absorbed, ['clerk'])).body.id as string;
    const merged = await reg.call('post', `/organizations/${absorbed}/merge`, w.admin).send({ intoId: w.other });
    expect(merged.status).toBe(200);
    expect(await officialRow(clerk)).toEqual({ organization_id: w.other, roles: ['official'] });
  });
});
