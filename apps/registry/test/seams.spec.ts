import type { Caller } from '@kyso/common';
import { LifecycleWorld, operator, seedWorld, system, stepBody } from './lifecycle-support';
import { OpenSslPki, RunningRegistry, startRegistry, TestCert } from './support';

/**
 * Where the lifecycle half and the records half of the registry meet the gateway's identities:
 * lists filtered by caller, lifecycle writes through the records services, organisation events
 * raising drafts. Real Postgres, real certificates.
 */
describe('registry seams: caller-filtered lists, audited lifecycle writes, organisation events', () => {
  let reg: RunningRegistry;
  let pki: OpenSslPki;
  let ca: TestCert;
  let w: LifecycleWorld;
  /** An official and a certificate in the other agency. */
  let binh: string;
  let binhCert: string;
  let anOp: Caller;

  beforeAll(async () => {
    pki = await OpenSslPki.start();
    ca = pki.ca('Kyso Test CA');
    reg = await startRegistry();
    w = await seedWorld(reg, pki, ca);
    binh = (
      await reg.post('/officials', {
        fullName: 'Trần Thị Bình',
        email: `binh-${Date.now()}@stp.hue.gov.vn`,
        title: 'Chuyên viên',
        organizationId: w.other,
      })
    ).body.id;
    const c = await reg.post('/certificates', {
      certificatePem: pki.leaf('/C=VN/CN=Trần Thị Bình', ca, 200).pem,
      subjectType: 'person',
      holderOfficialId: binh,
      organizationId: w.other,
      keyUri: 'pkcs11:object=binh',
      signingPin: '246810',
    });
    binhCert = c.body.id;
    anOp = operator('an', [{ role: 'official', organizationId: w.unit }], w.an);
    // Something in the audit log and a request of each agency.
    expect(
      (
        await reg
          .call('post', '/requests', w.it)
          .send({ type: 'recover-device', certificateId: w.anCert, deviceId: w.device, reason: 'pin-locked' })
      ).status,
    ).toBeLessThan(500);
  });

  afterAll(async () => {
    await reg?.stop();
    pki?.cleanup();
  });

  const ids = (body: unknown, key = 'id'): string[] => {
    const rows = Array.isArray(body)
      ? body
      : ((body as { items?: unknown[]; rows?: unknown[] }).items ?? (body as { rows?: unknown[] }).rows ?? []);
    return (rows as Record<string, string>[]).map((r) => r[key]);
  };

  type Who =
    | 'admin'
    | 'it-officer (dept)'
    | 'agency-head (other)'
    | 'system (dept)'
    | 'system (none)'
    | 'official (An)'
    | 'service';
  const callers = (): Record<Who, Caller | undefined> => ({
    admin: w.admin,
    'it-officer (dept)': w.it,
    'agency-head (other)': w.otherHead,
    'system (dept)': system([w.dept], ['registry:read']),
    'system (none)': system([], ['registry:read']),
    'official (An)': anOp,
    service: undefined,
  });

  /** [list, the id field, who, what must be in it, what must not] — filled lazily since ids come from beforeAll. */
  const cases: [string, string, Who, () => string[], () => string[]][] = [
    ['/organizations', 'id', 'admin', () => [w.dept, w.unit, w.other], () => []],
    ['/organizations', 'id', 'it-officer (dept)', () => [w.dept, w.unit], () => [w.other]],
    ['/organizations', 'id', 'agency-head (other)', () => [w.other], () => [w.dept, w.unit]],
    ['/organizations', 'id', 'system (dept)', () => [w.dept, w.unit], () => [w.other]],
    ['/organizations', 'id', 'system (none)', () => [], () => [w.dept, w.unit, w.other]],
    ['/organizations', 'id', 'official (An)', () => [w.unit], () => [w.dept, w.other]],
    ['/officials', 'id', 'admin', () => [w.an, w.clerk, binh], () => []],
    ['/officials', 'id', 'it-officer (dept)', () => [w.an, w.clerk], () => [binh]],
    ['/officials', 'id', 'agency-head (other)', () => [binh], () => [w.an, w.clerk]],
    ['/officials', 'id', 'official (An)', () => [w.an], () => [w.clerk, binh]],
    ['/officials', 'id', 'service', () => [w.an, w.clerk, binh], () => []],
    ['/certificates', 'id', 'it-officer (dept)', () => [w.anCert, w.orgCert], () => [binhCert]],
    ['/certificates', 'id', 'system (dept)', () => [w.anCert, w.orgCert], () => [binhCert]],
    ['/certificates', 'id', 'official (An)', () => [w.anCert], () => [w.orgCert, binhCert]],
    ['/certificates', 'id', 'agency-head (other)', () => [binhCert], () => [w.anCert, w.orgCert]],
    ['/devices', 'id', 'it-officer (dept)', () => [w.device], () => []],
    ['/devices', 'id', 'agency-head (other)', () => [], () => [w.device]],
    ['/devices', 'id', 'official (An)', () => [w.device], () => []],
    [
      '/reports/expiring?days=3650',
      'certificateId',
      'it-officer (dept)',
      () => [w.anCert, w.orgCert],
      () => [binhCert],
    ],
    ['/reports/expiring?days=3650', 'certificateId', 'agency-head (other)', () => [binhCert], () => [w.anCert]],
    ['/reports/expiring?days=3650', 'certificateId', 'admin', () => [w.anCert, binhCert], () => []],
    [
      '/audit?limit=500',
      'entityId',
      'it-officer (dept)',
      () => [w.anCert, w.an, w.dept],
      () => [binhCert, binh, w.other],
    ],
    ['/audit?limit=500', 'entityId', 'admin', () => [w.anCert, binhCert], () => []],
    ['/requests', 'certificateId', 'it-officer (dept)', () => [w.anCert], () => []],
    ['/requests', 'certificateId', 'agency-head (other)', () => [], () => [w.anCert]],
    ['/requests', 'certificateId', 'official (An)', () => [w.anCert], () => []],
  ];

  it.each(cases)(
    'GET %s (%s) as %s shows only what its organisations manage',
    async (path, key, who, included, excluded) => {
      const res = await reg.call('get', path, callers()[who]);
      expect(res.status).toBe(200);
      const seen = ids(res.body, key);
      for (const id of included())
        expect({ who, path, id, seen: seen.includes(id) }).toEqual({ who, path, id, seen: true });
      for (const id of excluded())
        expect({ who, path, id, seen: seen.includes(id) }).toEqual({ who, path, id, seen: false });
    },
  );

  it('shows notifications to the IT officers of the managing agency only', async () => {
    const p = await reg
      .call('post', '/personnel-changes', w.admin)
      .send({ officialId: binh, kind: 'resignation', effectiveDate: '2026-07-01' });
    expect(p.status).toBe(201);
    const other = operator('other-it', [{ role: 'it-officer', organizationId: w.other }]);
    expect(ids((await reg.call('get', '/notifications', other)).body, 'changeEventId')).toContain(p.body.changeEventId);
    expect(ids((await reg.call('get', '/notifications', w.it)).body, 'changeEventId')).not.toContain(
      p.body.changeEventId,
    );
    expect((await reg.call('get', '/notifications', anOp)).body).toEqual([]);
    // The personnel change also updated the official's record, audited once.
    expect((await reg.get(`/officials/${binh}`)).body.employmentStatus).toBe('resigned');
    const audit = (await reg.get(`/audit?entityType=official&entityId=${binh}`)).body.items.map(
      (e: { action: string }) => e.action,
    );
    expect(audit).toEqual(['official.created', 'official.updated']);
  });

  it('fulfils a lost-token revocation through the records services: one audit entry per change and a hand-over record', async () => {
    const cert = await reg.post('/certificates', {
      certificatePem: pki.leaf('/C=VN/CN=Nguyễn Văn An', ca).pem,
      subjectType: 'person',
      holderOfficialId: w.an,
      organizationId: w.unit,
      deviceId: w.device,
      keyUri: 'pkcs11:object=an2',
      signingPin: '112233',
    });
    const certId = cert.body.id as string;
    const draft = await reg
      .call('post', '/requests', w.it)
      .send({ type: 'revoke', certificateId: certId, reason: 'device-lost' });
    expect(draft.status).toBe(201);
    const id = draft.body.id as string;
    for (const [step, who] of [
      ['submit', w.it],
      ['approve', w.head],
      ['send', w.it],
      ['fulfil', w.it],
    ] as const) {
      const res = await reg.call('post', `/requests/${id}/${step}`, who).send(stepBody(w, step));
      expect({ step, status: res.status, body: res.status === 200 ? undefined : res.body }).toEqual({
        step,
        status: 200,
        body: undefined,
      });
    }
    expect((await reg.get(`/certificates/${certId}`)).body.status).toBe('revoked');
    const actions = (await reg.get(`/audit?entityType=certificate&entityId=${certId}`)).body.items.map(
      (e: { action: string; actor: { name: string } }) => `${e.action} by ${e.actor.name}`,
    );
    expect(actions).toEqual([
      'certificate.registered by internal',
      'certificate.suspended by it',
      'certificate.revoked by it',
    ]);
    const handovers = (await reg.get(`/devices/${w.device}/handovers`)).body as {
      toState: string;
      note: string;
      receivedBy: { name: string };
    }[];
    expect(handovers.at(-1)).toMatchObject({
      toState: 'lost',
      note: expect.stringContaining(id),
      receivedBy: { name: 'it' },
    });
    expect((await reg.get(`/devices/${w.device}`)).body.state).toBe('lost');
    expect((await reg.get('/audit/verify')).body.ok).toBe(true);
  });

  it('a rename through the organisations API raises change drafts for every certificate of the organisation and its units, in one operation', async () => {
    const before = ids((await reg.call('get', '/requests?limit=500', w.admin)).body);
    const res = await reg
      .call('post', `/organizations/${w.dept}/rename`, w.admin)
      .send({ name: 'Sở Nội vụ thành phố Huế (mới)' });
    expect(res.status).toBe(200);
    const raised = (
      (await reg.call('get', '/requests?limit=500', w.admin)).body as {
        id: string;
        type: string;
        reason: string;
        certificateId: string;
        origin: string;
        status: string;
      }[]
    ).filter((r) => r.origin === 'organization-change' && !before.includes(r.id));
    // An's first certificate (the second is revoked), the head's and the organisation certificate; none of the other agency.
    expect(raised.map((r) => r.certificateId).sort()).toEqual([w.anCert, w.headCert, w.orgCert].sort());
    expect(
      raised.every((r) => r.type === 'change' && r.reason === 'organization-renamed' && r.status === 'draft'),
    ).toBe(true);
    const notices = (await reg.call('get', '/notifications', w.it)).body as { kind: string; requestIds: string[] }[];
    expect(notices.find((n) => n.kind === 'organization.rename')?.requestIds.sort()).toEqual(
      raised.map((r) => r.id).sort(),
    );
  });

  it('a failing reaction rolls the organisation event back with it', async () => {
    // A constraint makes the drafts fail: the merge recorded in the same transaction must not remain.
    const other = await reg.get(`/organizations/${w.other}`);
    await reg.sql(
      "ALTER TABLE registry.lifecycle_request ADD CONSTRAINT seams_no_merge_drafts CHECK (reason <> 'organization-merged' AND reason <> 'organization-reorganized')",
    );
    try {
      const res = await reg.call('post', `/organizations/${w.other}/merge`, w.admin).send({ intoId: w.dept });
      expect(res.status).toBe(500);
      expect((await reg.get(`/organizations/${w.other}`)).body).toEqual(other.body);
    } finally {
      await reg.sql('ALTER TABLE registry.lifecycle_request DROP CONSTRAINT seams_no_merge_drafts');
    }
    const merged = await reg.call('post', `/organizations/${w.other}/merge`, w.admin).send({ intoId: w.dept });
    expect(merged.status).toBe(200);
    const drafts = (
      (await reg.call('get', '/requests?limit=500', w.admin)).body as {
        certificateId: string;
        reason: string;
        origin: string;
      }[]
    ).filter((r) => r.certificateId === binhCert && r.origin === 'organization-change');
    expect(drafts.map((d) => d.reason)).toEqual(['organization-reorganized']);
  });
});
