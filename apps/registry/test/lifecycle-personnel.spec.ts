import { LifecycleWorld, operator, seedWorld } from './lifecycle-support';
import { OpenSslPki, RunningRegistry, startRegistry, TestCert } from './support';

describe('personnel and organisation changes raise drafts in one operation (real Postgres)', () => {
  let reg: RunningRegistry;
  let pki: OpenSslPki;
  let ca: TestCert;
  let w: LifecycleWorld;

  const person = async (organizationId: string, name: string) => {
    const id = (
      await reg.post('/officials', {
        fullName: name,
        email: `${Math.random().toString(36).slice(2)}@hue.gov.vn`,
        title: 'Chuyên viên',
        organizationId,
      })
    ).body.id as string;
    const cert = await reg.post('/certificates', {
      certificatePem: pki.leaf(`/C=VN/CN=${name}`, ca).pem,
      subjectType: 'person',
      holderOfficialId: id,
      organizationId,
      keyUri: 'pkcs11:object=x',
      signingPin: '135790',
    });
    expect(cert.status).toBe(201);
    return { id, certificateId: cert.body.id as string };
  };

  beforeAll(async () => {
    pki = await OpenSslPki.start();
    ca = pki.ca('Kyso Test CA');
    reg = await startRegistry();
    w = await seedWorld(reg, pki, ca);
  });

  afterAll(async () => {
    await reg?.stop();
    pki?.cleanup();
  });

  it('a retirement raises a revoke draft for the certificate and a return draft for the token, and notifies the IT officer', async () => {
    const res = await reg
      .call('post', '/personnel-changes', w.it)
      .send({ officialId: w.an, kind: 'retirement', effectiveDate: '2026-07-01' });
    expect(res.status).toBe(201);
    const requests = res.body.requests as {
      type: string;
      status: string;
      reason: string;
      certificateId: string | null;
      deviceId: string | null;
      origin: string;
      crlReason: string | null;
    }[];
    expect(requests.map((r) => [r.type, r.status, r.reason, r.origin])).toEqual([
      ['revoke', 'draft', 'retirement', 'personnel-change'],
      ['return-device', 'draft', 'retirement', 'personnel-change'],
    ]);
    expect(requests[0]).toMatchObject({ certificateId: w.anCert, crlReason: 'affiliationChanged' });
    expect(requests[1].deviceId).toBe(w.device);
    const notices = (await reg.call('get', '/notifications', w.it)).body as {
      message: string;
      kind: string;
      requestIds: string[];
    }[];
    expect(notices[0]).toMatchObject({ kind: 'personnel.retirement' });
    expect(notices[0].message).toContain('Nguyễn Văn An nghỉ hưu');
    expect(notices[0].requestIds).toHaveLength(2);
    expect((await reg.call('get', '/notifications', w.otherHead)).body).toEqual([]);
    const report = (await reg.call('get', '/reports/personnel-changes', w.it)).body as {
      requestId: string;
      changeKind: string;
    }[];
    expect(report.map((r) => r.changeKind)).toEqual(['retirement', 'retirement']);
    // A draft goes through the normal workflow and drops off the report once cancelled.
    await reg.call('post', `/requests/${report[1].requestId}/cancel`, w.it).send({});
    expect(((await reg.call('get', '/reports/personnel-changes', w.it)).body as unknown[]).length).toBe(1);
  });

  it('a transfer raises change-of-information drafts and needs the new organisation', async () => {
    const p = await person(w.unit, 'Trần Văn Bảo');
    const bad = await reg
      .call('post', '/personnel-changes', w.it)
      .send({ officialId: p.id, kind: 'transfer', effectiveDate: '2026-07-01' });
    expect([bad.status, bad.body.code]).toEqual([400, 'MISSING_FIELD']);
    // The IT officer of the department alone may not move someone into another agency.
    const foreign = await reg
      .call('post', '/personnel-changes', w.it)
      .send({ officialId: p.id, kind: 'transfer', effectiveDate: '2026-07-01', newOrganizationId: w.other });
    expect([foreign.status, foreign.body.code]).toEqual([403, 'TARGET_ORGANIZATION_NOT_COVERED']);
    const res = await reg
      .call('post', '/personnel-changes', w.admin)
      .send({ officialId: p.id, kind: 'transfer', effectiveDate: '2026-07-01', newOrganizationId: w.other });
    expect(res.body.requests).toEqual([
      expect.objectContaining({
        type: 'change',
        reason: 'person-transferred',
        certificateId: p.certificateId,
        details: expect.objectContaining({ newOrganizationId: w.other }),
      }),
    ]);
  });

  it('records a death as death: the official deceased, the certificate revoke draft for the death', async () => {
    const p = await person(w.unit, 'Đoàn Văn Tâm');
    const res = await reg
      .call('post', '/personnel-changes', w.it)
      .send({ officialId: p.id, kind: 'death', effectiveDate: '2026-07-01' });
    expect(res.status).toBe(201);
    expect(res.body.requests).toEqual([
      expect.objectContaining({ type: 'revoke', reason: 'death', certificateId: p.certificateId }),
    ]);
    expect((await reg.get(`/officials/${p.id}`)).body.employmentStatus).toBe('deceased');
  });

  it('refuses personnel changes from someone who is not the IT officer of the managing agency', async () => {
    const p = await person(w.unit, 'Hồ Thị Cam');
    for (const who of [w.head, operator('x', [{ role: 'it-officer', organizationId: w.other }])]) {
      const res = await reg
        .call('post', '/personnel-changes', who)
        .send({ officialId: p.id, kind: 'death', effectiveDate: '2026-07-01' });
      expect([res.status, res.body.code]).toEqual([403, 'ROLE_NOT_ALLOWED_FOR_STEP']);
    }
    expect(
      (
        await reg.sql<{ n: number }>(
          'SELECT count(*)::int AS n FROM registry.lifecycle_request WHERE certificate_id = $1',
          [p.certificateId],
        )
      )[0].n,
    ).toBe(0);
  });

  it('a merger raises, in one operation, drafts for every certificate of the merged organisations and their units', async () => {
    const u = Date.now().toString(36);
    const district = (
      await reg.post('/organizations', { code: `PV-${u}`, name: 'UBND huyện Phú Vang', legalEntity: true })
    ).body.id;
    const office = (
      await reg.post('/organizations', {
        code: `PV-VP-${u}`,
        name: 'Văn phòng HĐND-UBND',
        parentId: district,
        legalEntity: false,
      })
    ).body.id;
    const people = await Promise.all(
      ['Lê Văn Một', 'Lê Văn Hai', 'Lê Văn Ba'].map((n, i) => person(i === 0 ? district : office, n)),
    );
    const orgCert = (
      await reg.post('/certificates', {
        certificatePem: pki.leaf('/C=VN/CN=UBND HUYỆN PHÚ VANG', ca).pem,
        subjectType: 'organization',
        organizationId: district,
        keyUri: 'pkcs11:object=pv',
        signingPin: '112233',
      })
    ).body.id;
    const admin = operator('admin', [{ role: 'admin', organizationId: null }]);
    const denied = await reg
      .call('post', '/organization-changes', w.it)
      .send({ kind: 'merge', organizationIds: [district], effectiveDate: '2025-07-01', targetOrganizationId: w.dept });
    expect([denied.status, denied.body.code]).toEqual([403, 'ROLE_NOT_ALLOWED_FOR_STEP']);
    expect(
      (
        await reg.sql<{ n: number }>(
          'SELECT count(*)::int AS n FROM registry.change_event WHERE $1 = ANY (organization_ids)',
          [district],
        )
      )[0].n,
    ).toBe(0);

    const res = await reg
      .call('post', '/organization-changes', admin)
      .send({ kind: 'merge', organizationIds: [district], effectiveDate: '2025-07-01', targetOrganizationId: w.dept });
    expect(res.status).toBe(201);
    const byCert = new Map(
      (
        res.body.requests as { certificateId: string; type: string; reason: string; managingOrganizationId: string }[]
      ).map((r) => [r.certificateId, r]),
    );
    expect(byCert.size).toBe(4);
    for (const p of people)
      expect(byCert.get(p.certificateId)).toMatchObject({
        type: 'change',
        reason: 'organization-reorganized',
        managingOrganizationId: district,
      });
    expect(byCert.get(orgCert)).toMatchObject({ type: 'revoke', reason: 'organization-merged' });
    expect(res.body.notificationIds).toHaveLength(1);
  });

  it('a rename raises change drafts for all certificates; a dissolution revokes and asks the tokens back', async () => {
    const admin = operator('admin', [{ role: 'admin', organizationId: null }]);
    const u = Date.now().toString(36);
    const org = (
      await reg.post('/organizations', { code: `TT-${u}`, name: 'Trung tâm Hành chính công', legalEntity: true })
    ).body.id;
    const p = await person(org, 'Ngô Thị Tư');
    await reg.post('/devices', {
      serialNumber: `TT-${u}`,
      model: 'token',
      organizationId: org,
      holderOfficialId: p.id,
      state: 'issued',
    });
    const renamed = await reg.call('post', '/organization-changes', admin).send({
      kind: 'rename',
      organizationIds: [org],
      effectiveDate: '2025-07-01',
      newName: 'Trung tâm Phục vụ hành chính công thành phố Huế',
    });
    expect(renamed.body.requests).toEqual([
      expect.objectContaining({
        type: 'change',
        reason: 'organization-renamed',
        details: expect.objectContaining({ newName: 'Trung tâm Phục vụ hành chính công thành phố Huế' }),
      }),
    ]);
    const dissolved = await reg
      .call('post', '/organization-changes', admin)
      .send({ kind: 'dissolve', organizationIds: [org], effectiveDate: '2025-08-01' });
    expect((dissolved.body.requests as { type: string; reason: string }[]).map((r) => [r.type, r.reason])).toEqual([
      ['revoke', 'position-changed'],
      ['return-device', 'organization-dissolved'],
    ]);
    const unknown = await reg.call('post', '/organization-changes', admin).send({
      kind: 'dissolve',
      organizationIds: ['7a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d'],
      effectiveDate: '2025-08-01',
    });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'ORGANIZATION_NOT_FOUND']);
    const bad = await reg
      .call('post', '/organization-changes', admin)
      .send({ kind: 'explode', organizationIds: [org], effectiveDate: '2025-08-01' });
    expect([bad.status, bad.body.code]).toEqual([400, 'INVALID_FIELD']);
  });
});
