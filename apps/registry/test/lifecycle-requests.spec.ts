import type { Caller } from '@kyso/common';
import { ownershipAnswer } from '@kyso/contracts';
import { LifecycleWorld, operator, seedWorld, system, stepBody } from './lifecycle-support';
import { OpenSslPki, RunningRegistry, startRegistry, TestCert } from './support';

describe('lifecycle requests: workflow on real Postgres', () => {
  let reg: RunningRegistry;
  let pki: OpenSslPki;
  let ca: TestCert;
  let w: LifecycleWorld;

  const call = (caller: Caller | undefined, path: string, body: unknown = {}) =>
    reg.call('post', path, caller).send(body as object);
  const create = async (body: Record<string, unknown>, caller: Caller = w.it) => {
    const res = await call(caller, '/requests', body);
    expect([res.status, res.body.code]).toEqual([201, undefined]);
    return res.body as { id: string; status: string; managingOrganizationId: string };
  };
  const status = async (certificateId: string) =>
    (await reg.get(`/certificates/${certificateId}`)).body.status as string;

  beforeAll(async () => {
    pki = await OpenSslPki.start();
    ca = pki.ca('Kyso Test CA');
    reg = await startRegistry({ caConnector: 'manual', holidays: [] });
    w = await seedWorld(reg, pki, ca);
  });

  afterAll(async () => {
    await reg?.stop();
    pki?.cleanup();
  });

  it('walks a revocation draft → submitted → approved → sent → fulfilled, recording who did each step', async () => {
    const r = await create({ type: 'revoke', certificateId: w.anCert, reason: 'retirement' });
    expect(r).toMatchObject({
      status: 'draft',
      managingOrganizationId: w.dept,
      crlReason: 'affiliationChanged',
      officialId: w.an,
      organizationId: w.unit,
    });
    expect((await call(w.it, `/requests/${r.id}/submit`)).body.status).toBe('submitted');
    expect((await call(w.head, `/requests/${r.id}/approve`, { note: 'Đồng ý', pin: w.headPin })).body.status).toBe(
      'approved',
    );
    const sent = await call(w.clerkOp, `/requests/${r.id}/send`);
    expect(sent.body).toMatchObject({ status: 'sent', overdue: false });
    expect(sent.body.dueAt).toEqual(expect.any(String));
    expect(await status(w.anCert)).toBe('active');
    const done = await call(w.it, `/requests/${r.id}/fulfil`, { revokedAt: '2026-01-02T03:04:05Z' });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('fulfilled');
    expect(done.body.steps.map((s: { step: string; actor: { name: string } }) => [s.step, s.actor.name])).toEqual([
      ['create', 'it'],
      ['submit', 'it'],
      ['approve', 'head'],
      ['send', 'clerk'],
      ['fulfil', 'it'],
    ]);
    const cert = (await reg.get(`/certificates/${w.anCert}`)).body;
    expect(cert).toMatchObject({
      status: 'revoked',
      revocationReason: 'affiliationChanged',
      revokedAt: '2026-01-02T03:04:05.000Z',
    });
    const audit = await reg.sql<{ action: string }>(
      `SELECT action FROM registry.audit_event WHERE entity_id = $1 ORDER BY seq`,
      [r.id],
    );
    expect(audit.map((a) => a.action)).toEqual([
      'request.created',
      'request.submitted',
      'request.approved',
      'request.sent',
      'request.fulfilled',
    ]);
  });

  describe('refusals', () => {
    let fresh: () => Promise<string>;
    beforeAll(() => {
      fresh = async () => (await create({ type: 'recover-device', certificateId: w.orgCert })).id;
    });

    it.each([
      ['approve', 'draft'],
      ['send', 'draft'],
      ['fulfil', 'draft'],
      ['reject', 'draft'],
    ])('refuses %s from %s with 409 ILLEGAL_TRANSITION', async (step, _from) => {
      const id = await fresh();
      const actor = step === 'approve' || step === 'reject' ? w.head : w.it;
      const res = await call(actor, `/requests/${id}/${step}`);
      expect(res.status).toBe(409);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.code).toBe('ILLEGAL_TRANSITION');
    });

    it('refuses to cancel a fulfilled or to submit a cancelled request', async () => {
      const id = await fresh();
      expect((await call(w.it, `/requests/${id}/cancel`)).body.status).toBe('cancelled');
      expect((await call(w.it, `/requests/${id}/submit`)).body.code).toBe('ILLEGAL_TRANSITION');
      expect((await call(w.it, `/requests/${id}/cancel`)).body.code).toBe('ILLEGAL_TRANSITION');
    });

    it.each<[string, () => Caller, string]>([
      ['the IT officer approving', () => w.it, 'approve'],
      ['the clerk approving', () => w.clerkOp, 'approve'],
      ['an admin approving in the agency’s name', () => w.admin, 'approve'],
      ['the head of another agency approving', () => w.otherHead, 'approve'],
      ['the head submitting', () => w.head, 'submit'],
      ['an official submitting', () => operator('an', [{ role: 'official', organizationId: w.dept }], w.an), 'submit'],
      ['a system submitting', () => system([w.dept], ['registry:write']), 'submit'],
    ])('refuses %s with 403 ROLE_NOT_ALLOWED_FOR_STEP', async (_name, who, step) => {
      const id = await fresh();
      if (step === 'approve') await call(w.it, `/requests/${id}/submit`);
      const res = await call(who(), `/requests/${id}/${step}`);
      expect([res.status, res.body.code]).toEqual([403, 'ROLE_NOT_ALLOWED_FOR_STEP']);
    });

    it('lets the head of the managing agency approve a request about a unit under it', async () => {
      const id = await fresh();
      await call(w.it, `/requests/${id}/submit`);
      expect((await call(w.head, `/requests/${id}/reject`, { note: 'Thiếu hồ sơ' })).body.status).toBe('rejected');
    });

    it('refuses the IT officer of another agency from preparing a request', async () => {
      const res = await call(operator('x', [{ role: 'it-officer', organizationId: w.other }]), '/requests', {
        type: 'recover-device',
        certificateId: w.orgCert,
      });
      expect([res.status, res.body.code]).toEqual([403, 'ROLE_NOT_ALLOWED_FOR_STEP']);
    });

    it.each([
      [{ type: 'revoke', certificateId: 'x' }, 400, 'INVALID_ID'],
      [{ type: 'revoke' }, 400, 'MISSING_FIELD'],
      [{ type: 'nonsense' }, 400, 'INVALID_FIELD'],
      [
        { type: 'revoke', certificateId: '7a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d', reason: 'retirement' },
        404,
        'CERTIFICATE_NOT_FOUND',
      ],
      [{ type: 'issue', details: { subjectType: 'person' } }, 400, 'MISSING_FIELD'],
      [{ type: 'change', certificateId: null, reason: 'person-email-changed' }, 400, 'MISSING_FIELD'],
      [{ type: 'return-device', details: { signingPin: '1234' } }, 400, 'INVALID_FIELD'],
    ])('refuses bad input %j with %d %s', async (body, statusCode, code) => {
      const b = { ...body } as Record<string, unknown>;
      if (b.certificateId === null) b.certificateId = undefined;
      const res = await call(w.it, '/requests', b);
      expect([res.status, res.body.code]).toEqual([statusCode, code]);
    });

    it('refuses a revocation case that does not apply to the subject type', async () => {
      const res = await call(w.it, '/requests', { type: 'revoke', certificateId: w.orgCert, reason: 'death' });
      expect([res.status, res.body.code]).toEqual([422, 'REASON_NOT_APPLICABLE']);
      const bad = await call(w.it, '/requests', { type: 'revoke', certificateId: w.orgCert, reason: 'bored' });
      expect([bad.status, bad.body.code]).toEqual([400, 'INVALID_FIELD']);
    });
  });

  it('suspends the certificate at submission of a revocation for a lost device, and restores it when rejected', async () => {
    const cert = (
      await reg.post('/certificates', {
        certificatePem: pki.leaf('/C=VN/CN=Lost Token', ca).pem,
        subjectType: 'organization',
        organizationId: w.dept,
        keyUri: 'pkcs11:object=lost',
        signingPin: '123456',
      })
    ).body.id as string;
    const r = await create({ type: 'revoke', certificateId: cert, reason: 'device-lost' });
    expect(await status(cert)).toBe('active');
    await call(w.it, `/requests/${r.id}/submit`);
    expect(await status(cert)).toBe('suspended');
    const auth = await reg.post('/signing-authorizations', {
      certificateId: cert,
      actingOfficialId: w.clerk,
      pin: '123456',
    });
    expect(auth.body).toMatchObject({ allowed: false, code: 'CERTIFICATE_NOT_ACTIVE', certificateStatus: 'suspended' });
    await call(w.head, `/requests/${r.id}/reject`);
    expect(await status(cert)).toBe('active');
    // Resubmitted as a new request and carried through: stays blocked, then revoked with keyCompromise.
    const again = await create({ type: 'revoke', certificateId: cert, reason: 'key-compromise-suspected' });
    for (const [who, step] of [
      [w.it, 'submit'],
      [w.head, 'approve'],
      [w.it, 'send'],
      [w.it, 'fulfil'],
    ] as const) {
      expect((await call(who, `/requests/${again.id}/${step}`, stepBody(w, step))).status).toBe(200);
    }
    expect((await reg.get(`/certificates/${cert}`)).body).toMatchObject({
      status: 'revoked',
      revocationReason: 'keyCompromise',
    });
  });

  it('resolves two concurrent approvals to one: one 200, one 409', async () => {
    const r = await create({ type: 'recover-device', certificateId: w.orgCert });
    await call(w.it, `/requests/${r.id}/submit`);
    const results = await Promise.all([
      call(w.head, `/requests/${r.id}/approve`, { pin: w.headPin }),
      call(w.head, `/requests/${r.id}/approve`, { pin: w.headPin }),
      call(w.head, `/requests/${r.id}/reject`),
    ]);
    expect(results.map((x) => x.status).sort()).toEqual([200, 409, 409]);
    const steps = await reg.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM registry.lifecycle_request_step WHERE request_id = $1 AND step IN ('approve', 'reject')`,
      [r.id],
    );
    expect(steps[0].n).toBe(1);
  });

  it('computes the due date in working days when sent, and reports overdue requests', async () => {
    const r = await create({ type: 'return-device', deviceId: w.device });
    for (const [who, step] of [
      [w.it, 'submit'],
      [w.head, 'approve'],
      [w.clerkOp, 'send'],
    ] as const)
      await call(who, `/requests/${r.id}/${step}`, stepBody(w, step));
    const sent = (await reg.get(`/requests/${r.id}`)).body;
    const due = new Date(sent.dueAt);
    // 5 working days: at least 7 calendar days minus a bit, at most 9.
    const days = (due.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(5);
    expect(days).toBeLessThan(10);
    expect(sent.overdue).toBe(false);
    await reg.sql(`UPDATE registry.lifecycle_request SET due_at = now() - interval '1 hour' WHERE id = $1`, [r.id]);
    expect((await reg.get(`/requests/${r.id}`)).body.overdue).toBe(true);
    const overdue = (await reg.call('get', '/requests?overdue=true', w.it)).body as { id: string }[];
    expect(overdue.map((x) => x.id)).toContain(r.id);
    const done = await call(w.it, `/requests/${r.id}/fulfil`);
    expect(done.body.status).toBe('fulfilled');
    expect((await reg.get(`/devices/${w.device}`)).body.state).toBe('returned');
  });

  it('lists only the requests of the caller’s managing agencies', async () => {
    const mine = (await reg.call('get', '/requests', w.it)).body as { managingOrganizationId: string }[];
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((x) => x.managingOrganizationId === w.dept)).toBe(true);
    expect((await reg.call('get', '/requests', w.otherHead)).body).toEqual([]);
    expect(((await reg.call('get', '/requests', w.admin)).body as unknown[]).length).toBe(mine.length);
  });

  it('imports a certificate the CA issued for an issue request (manual connector)', async () => {
    const r = await create({
      type: 'issue',
      officialId: w.an,
      details: { subjectType: 'person', keyUri: 'pkcs11:object=an-2' },
    });
    for (const [who, step] of [
      [w.it, 'submit'],
      [w.head, 'approve'],
      [w.it, 'send'],
    ] as const)
      await call(who, `/requests/${r.id}/${step}`, stepBody(w, step));
    const noPin = await call(w.it, `/requests/${r.id}/fulfil`, {
      certificatePem: pki.leaf('/C=VN/CN=Nguyễn Văn An 2', ca).pem,
    });
    expect([noPin.status, noPin.body.code]).toEqual([400, 'MISSING_FIELD']);
    const bad = await call(w.it, `/requests/${r.id}/fulfil`, { certificatePem: 'junk', signingPin: '246810' });
    expect([bad.status, bad.body.code]).toEqual([400, 'MALFORMED_CERTIFICATE']);
    // What the CA answers must chain to an enabled trust anchor too; the refusal is audited.
    const stranger = pki.ca('Kyso Not An Anchor CA');
    const untrusted = await call(w.it, `/requests/${r.id}/fulfil`, {
      certificatePem: pki.leaf('/C=VN/CN=Nguyễn Văn An 2', stranger).pem,
      chainPem: [stranger.pem],
      signingPin: '246810',
    });
    expect([untrusted.status, untrusted.body.code]).toEqual([422, 'CERTIFICATE_NOT_TRUSTED']);
    expect(
      (await reg.get(`/audit?entityType=request&entityId=${r.id}&action=request.fulfil_refused`)).body.items,
    ).toEqual([
      expect.objectContaining({
        after: expect.objectContaining({ outcome: 'refused', code: 'CERTIFICATE_NOT_TRUSTED' }),
      }),
    ]);
    const ok = await call(w.it, `/requests/${r.id}/fulfil`, {
      certificatePem: pki.leaf('/C=VN/CN=Nguyễn Văn An 2', ca).pem,
      chainPem: [ca.pem],
      signingPin: '246810',
    });
    expect(ok.body.status).toBe('fulfilled');
    const issued = (await reg.get(`/certificates/${ok.body.result.certificateId}`)).body;
    expect(issued).toMatchObject({
      status: 'active',
      holderOfficialId: w.an,
      organizationId: w.unit,
      keyUri: 'pkcs11:object=an-2',
      subjectType: 'person',
    });
    const auth = await reg.post('/signing-authorizations', {
      certificateId: issued.id,
      actingOfficialId: w.an,
      pin: '246810',
    });
    expect(auth.body.allowed).toBe(true);
    expect(reg.bodies.join('\n')).not.toContain('246810');
  });

  it('answers ownership for every kind, with the managing agency', async () => {
    const r = await create({ type: 'recover-device', certificateId: w.anCert });
    const cases: [string, string, Record<string, unknown>][] = [
      ['organization', w.unit, { organizationId: w.unit, managingOrganizationId: w.dept, holderOfficialId: null }],
      ['official', w.an, { organizationId: w.unit, managingOrganizationId: w.dept, holderOfficialId: w.an }],
      ['certificate', w.anCert, { organizationId: w.unit, managingOrganizationId: w.dept, holderOfficialId: w.an }],
      ['device', w.device, { organizationId: w.unit, managingOrganizationId: w.dept }],
      ['request', r.id, { organizationId: w.unit, managingOrganizationId: w.dept, holderOfficialId: w.an }],
      ['organization', w.other, { managingOrganizationId: w.other }],
    ];
    for (const [kind, id, expected] of cases) {
      const res = await reg.get(`/ownership/${kind}/${id}`);
      expect([kind, res.status, res.body]).toEqual([kind, 200, expect.objectContaining({ kind, id, ...expected })]);
      expect(ownershipAnswer(res.body, 'the registry')).toMatchObject({ kind, id }); // what the gateway reads
    }
    expect((await reg.get('/ownership/certificate/7a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d')).status).toBe(404);
    expect((await reg.get(`/ownership/planet/${w.an}`)).body.code).toBe('INVALID_KIND');
  });

  it('serves no dev CA CRL or OCSP when the manual connector is configured', async () => {
    const res = await reg.get('/dev-ca/crl');
    expect([res.status, res.body.code]).toEqual([404, 'DEV_CA_DISABLED']);
  });
});
