import type { Caller } from '@kyso/common';
import { makePng } from './png';
import { OpenSslPki, RunningRegistry, startRegistry, TestCert, trustCa } from './support';

const NATIONAL_ID = '035095001234';
const PIN = '482915';
const IT_OFFICER: Caller = {
  kind: 'operator',
  id: 'op-7',
  name: 'cntt@hue.gov.vn',
  scopes: [],
  organizationIds: [],
  roles: [],
  officialId: null,
};

const derBase64 = (pem: string) => pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');

describe('registry records (real Postgres, in-process app)', () => {
  let reg: RunningRegistry;
  let pki: OpenSslPki;
  let ca: TestCert;
  let province: string;
  let department: string;

  const org = async (body: Record<string, unknown>) => {
    const res = await reg.post('/organizations', { legalEntity: true, ...body });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const official = async (organizationId: string, fullName: string, extra: Record<string, unknown> = {}) => {
    const res = await reg.post('/officials', {
      fullName,
      email: `${Math.random().toString(36).slice(2, 8)}@hue.gov.vn`,
      title: 'Chuyên viên',
      organizationId,
      ...extra,
    });
    expect(res.status).toBe(201);
    return res.body;
  };
  const certificate = async (body: Record<string, unknown>) =>
    reg.post('/certificates', {
      chainPem: [ca.pem],
      keyUri: 'pkcs11:token=kyso-test;object=k',
      signingPin: PIN,
      ...body,
    });
  const auditOf = async (entityType: string, entityId: string) =>
    (await reg.get(`/audit?entityType=${entityType}&entityId=${entityId}`)).body.items;

  beforeAll(async () => {
    pki = await OpenSslPki.start();
    ca = pki.ca('Kyso Records Test CA');
    reg = await startRegistry();
    await trustCa(reg, ca);
    province = await org({ code: 'HUE', name: 'UBND thành phố Huế' });
    department = await org({ code: 'HUE-SNV', name: 'Sở Nội vụ thành phố Huế', parentId: province });
  });

  afterAll(async () => {
    await reg?.stop();
    pki?.cleanup();
  });

  describe('organisations', () => {
    it('renames, recording the event and an audit entry with the forwarded actor', async () => {
      const id = await org({ code: 'TTH-STP', name: 'Sở Tư pháp tỉnh Thừa Thiên Huế', parentId: province });
      const res = await reg
        .call('post', `/organizations/${id}/rename`, IT_OFFICER)
        .send({ name: 'Sở Tư pháp thành phố Huế', code: 'HUE-STP' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ name: 'Sở Tư pháp thành phố Huế', code: 'HUE-STP', status: 'active' });
      const events = (await reg.get(`/organizations/${id}/events`)).body;
      expect(events).toEqual([
        expect.objectContaining({
          type: 'renamed',
          details: {
            before: { name: 'Sở Tư pháp tỉnh Thừa Thiên Huế', code: 'TTH-STP' },
            after: { name: 'Sở Tư pháp thành phố Huế', code: 'HUE-STP' },
          },
        }),
      ]);
      const audit = await auditOf('organization', id);
      expect(audit.map((e: { action: string }) => e.action)).toEqual(['organization.created', 'organization.renamed']);
      expect(audit[1]).toMatchObject({
        actor: { kind: 'operator', id: 'op-7' },
        before: { name: 'Sở Tư pháp tỉnh Thừa Thiên Huế' },
        after: { name: 'Sở Tư pháp thành phố Huế' },
      });
    });

    it('moves in the tree and to a new address, and refuses a move under its own unit', async () => {
      const parent = await org({ code: 'MV-1', name: 'Đơn vị cha', parentId: province });
      const unit = await org({ code: 'MV-2', name: 'Đơn vị con', parentId: parent, legalEntity: false });
      const cycle = await reg.post(`/organizations/${parent}/move`, { parentId: unit });
      expect(cycle.status).toBe(422);
      expect(cycle.body.code).toBe('ORGANIZATION_CYCLE');
      const moved = await reg.post(`/organizations/${unit}/move`, {
        parentId: department,
        address: '06 Tôn Đức Thắng, Huế',
      });
      expect(moved.body).toMatchObject({ parentId: department, address: '06 Tôn Đức Thắng, Huế' });
    });

    it('merges: units and officials move to the successor, the organisation ends, and later events are refused', async () => {
      const absorbed = await org({ code: 'MG-1', name: 'Sở Thông tin và Truyền thông', parentId: province });
      const unit = await org({ code: 'MG-1-1', name: 'Trung tâm CNTT', parentId: absorbed, legalEntity: false });
      const staff = await official(absorbed, 'Hồ Thị Mai');
      const into = await org({ code: 'MG-2', name: 'Sở Khoa học và Công nghệ', parentId: province });
      const res = await reg.post(`/organizations/${absorbed}/merge`, { intoId: into });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'merged', successorId: into });
      expect(res.body.endedAt).toBeTruthy();
      expect((await reg.get(`/organizations/${unit}`)).body.parentId).toBe(into);
      expect((await reg.get(`/officials/${staff.id}`)).body.organizationId).toBe(into);
      const [event] = (await reg.get(`/organizations/${absorbed}/events`)).body;
      expect(event.details).toEqual({ intoId: into, movedUnitIds: [unit], movedOfficialIds: [staff.id] });
      expect((await reg.post(`/organizations/${absorbed}/rename`, { name: 'x' })).body.code).toBe('ORGANIZATION_ENDED');
      expect(
        (await reg.post('/officials', { fullName: 'A', email: 'a@hue.gov.vn', title: 't', organizationId: absorbed }))
          .body.code,
      ).toBe('ORGANIZATION_ENDED');
    });

    it('splits into new organisations under the same parent', async () => {
      const whole = await org({ code: 'SP-1', name: 'Sở Văn hóa, Thể thao và Du lịch', parentId: province });
      const res = await reg.post(`/organizations/${whole}/split`, {
        into: [
          { code: 'SP-1A', name: 'Sở Văn hóa và Thể thao', legalEntity: true },
          { code: 'SP-1B', name: 'Sở Du lịch', legalEntity: true },
        ],
      });
      expect(res.status).toBe(200);
      expect(res.body.organization).toMatchObject({ status: 'split' });
      expect(res.body.parts.map((p: { parentId: string }) => p.parentId)).toEqual([province, province]);
      const dup = await reg.post(`/organizations/${res.body.parts[0].id}/split`, {
        into: [{ code: 'HUE', name: 'dup', legalEntity: true }],
      });
      expect(dup.status).toBe(409);
      expect(dup.body.code).toBe('ORGANIZATION_CODE_EXISTS');
      expect((await reg.get(`/organizations/${res.body.parts[0].id}`)).body.status).toBe('active');
    });

    it('dissolves only an organisation without active units', async () => {
      const parent = await org({ code: 'DS-1', name: 'Ban Quản lý dự án', parentId: province });
      const unit = await org({ code: 'DS-1-1', name: 'Phòng Kế hoạch', parentId: parent, legalEntity: false });
      expect((await reg.post(`/organizations/${parent}/dissolve`, {})).body.code).toBe('ORGANIZATION_HAS_UNITS');
      expect((await reg.post(`/organizations/${unit}/dissolve`, { reason: 'Quyết định 1/QĐ' })).body.status).toBe(
        'dissolved',
      );
      expect((await reg.post(`/organizations/${parent}/dissolve`, {})).body.status).toBe('dissolved');
      expect((await reg.get('/organizations?status=dissolved')).body.map((o: { id: string }) => o.id).sort()).toEqual(
        [parent, unit].sort(),
      );
    });
  });

  describe('officials', () => {
    it('stores the national ID encrypted with a blind index, shows it masked, and finds by it', async () => {
      const o = await official(department, 'Nguyễn Văn An', { nationalId: NATIONAL_ID });
      expect(o).toMatchObject({ nationalIdKind: 'cccd', nationalIdMasked: '*********234' });
      const [row] = await reg.sql<{ national_id_encrypted: Buffer; national_id_index: string }>(
        'SELECT national_id_encrypted, national_id_index FROM registry.official WHERE id = $1',
        [o.id],
      );
      expect(row.national_id_encrypted.toString('latin1')).not.toContain(NATIONAL_ID);
      expect(row.national_id_index).toMatch(/^[0-9a-f]{64}$/);
      const found = await reg.post('/officials/lookup', { nationalId: NATIONAL_ID });
      expect(found.body.map((x: { id: string }) => x.id)).toEqual([o.id]);
      expect((await reg.post('/officials/lookup', { nationalId: '001095001234' })).body).toEqual([]);
    });

    it('refuses an invalid national ID without echoing it', async () => {
      const res = await reg.post('/officials', {
        fullName: 'B',
        email: 'b@hue.gov.vn',
        title: 't',
        organizationId: department,
        nationalId: '003095009876',
      });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('INVALID_NATIONAL_ID');
      expect(res.text).not.toContain('003095009876');
    });

    it('updates data, auditing the change without the national ID in clear', async () => {
      const o = await official(department, 'Trần Văn Bảo');
      const res = await reg
        .call('patch', `/officials/${o.id}`, IT_OFFICER)
        .send({ title: 'Phó Giám đốc', employmentStatus: 'active', nationalId: '168123456' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        title: 'Phó Giám đốc',
        employmentStatus: 'active',
        nationalIdKind: 'cmnd',
        nationalIdMasked: '******456',
      });
      const audit = await auditOf('official', o.id);
      expect(audit[1]).toMatchObject({
        action: 'official.updated',
        before: { title: 'Chuyên viên', nationalId: null },
        after: { title: 'Phó Giám đốc', nationalId: '[encrypted cmnd]', nationalIdChanged: true },
      });
      expect((await reg.patch(`/officials/${o.id}`, { employmentStatus: 'gone' })).status).toBe(400);
      // A retirement is a personnel change (the reports below see him retired).
      const retired = await reg.post('/personnel-changes', {
        officialId: o.id,
        kind: 'retirement',
        effectiveDate: '2026-01-02',
      });
      expect(retired.status).toBe(201);
      expect((await reg.get(`/officials/${o.id}`)).body.employmentStatus).toBe('retired');
    });

    it('refuses a change of employment status by PATCH with 422 EMPLOYMENT_STATUS_IS_PERSONNEL_CHANGE, changing nothing', async () => {
      const o = await official(department, 'Đỗ Văn Hưng');
      const res = await reg
        .call('patch', `/officials/${o.id}`, IT_OFFICER)
        .send({ title: 'Trưởng phòng', employmentStatus: 'retired' });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('EMPLOYMENT_STATUS_IS_PERSONNEL_CHANGE');
      expect(res.body.messageVi).toMatch(/biến động nhân sự/);
      expect((await reg.get(`/officials/${o.id}`)).body).toMatchObject({
        employmentStatus: 'active',
        title: 'Chuyên viên',
      });
    });

    it('keeps a transparent signature PNG and returns it; refuses an opaque or broken one', async () => {
      const o = await official(department, 'Lê Thị Cúc');
      const png = makePng({ width: 400, height: 150, colorType: 6 });
      const put = await reg
        .call('put', `/officials/${o.id}/signature-image`)
        .attach('file', png, { filename: 'chu-ky.png', contentType: 'image/png' });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ width: 400, height: 150 });
      const got = await reg
        .call('get', `/officials/${o.id}/signature-image`)
        .buffer(true)
        .parse((res, cb) => {
          const parts: Buffer[] = [];
          res.on('data', (c: Buffer) => parts.push(c));
          res.on('end', () => cb(null, Buffer.concat(parts)));
        });
      expect(got.status).toBe(200);
      expect(got.headers['content-type']).toBe('image/png');
      expect(Buffer.compare(got.body as Buffer, png)).toBe(0);
      const opaque = await reg
        .call('put', `/officials/${o.id}/signature-image`)
        .attach('file', makePng({ width: 400, height: 150, colorType: 2 }), 'x.png');
      expect(opaque.status).toBe(422);
      expect(opaque.body.code).toBe('PNG_NOT_TRANSPARENT');
      const jpeg = await reg
        .call('put', `/officials/${o.id}/signature-image`)
        .attach('file', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]), 'x.jpg');
      expect(jpeg.body.code).toBe('NOT_A_PNG');
      expect((await reg.call('put', `/officials/${o.id}/signature-image`).field('x', 'y')).body.code).toBe(
        'MISSING_FIELD',
      );
      expect((await reg.del(`/officials/${o.id}/signature-image`)).status).toBe(204);
      expect((await reg.get(`/officials/${o.id}/signature-image`)).body.code).toBe('SIGNATURE_IMAGE_NOT_FOUND');
    });

    it('refuses to store a national ID when no data key is configured', async () => {
      const keyless = await startRegistry({ dataKey: undefined });
      try {
        const o = (await keyless.post('/organizations', { code: 'K', name: 'k', legalEntity: true })).body;
        const res = await keyless.post('/officials', {
          fullName: 'C',
          email: 'c@hue.gov.vn',
          title: 't',
          organizationId: o.id,
          nationalId: NATIONAL_ID,
        });
        expect(res.status).toBe(503);
        expect(res.body.code).toBe('NATIONAL_ID_KEY_NOT_CONFIGURED');
      } finally {
        await keyless.stop();
      }
    });
  });

  describe('certificates and key devices', () => {
    let holder: { id: string; fullName: string; email: string };
    let itOfficer: { id: string };
    let device: string;
    let certId: string;

    beforeAll(async () => {
      holder = await official(department, 'Phạm Văn Dũng');
      itOfficer = await official(department, 'Võ Thị Hoa');
      device = (
        await reg.post('/devices', {
          serialNumber: 'TK-0001',
          model: 'ePass2003',
          organizationId: department,
          state: 'in-stock',
        })
      ).body.id;
    });

    it('imports a certificate as base64 DER and as an uploaded DER file, linked to key and device', async () => {
      const a = pki.leaf(
        `/C=VN/O=UBND thành phố Huế/OU=Sở Nội vụ/CN=${holder.fullName}/emailAddress=${holder.email}`,
        ca,
      );
      const res = await certificate({
        certificateDer: derBase64(a.pem),
        subjectType: 'person',
        holderOfficialId: holder.id,
        organizationId: department,
        deviceId: device,
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ subjectType: 'person', deviceId: device, status: 'active', renewalOfId: null });
      expect(res.body.subject).toContain(`CN=${holder.fullName}`);
      certId = res.body.id;
      const b = pki.leaf('/C=VN/CN=Máy chủ cổng dịch vụ công', ca);
      const up = await reg
        .call('post', '/certificates/upload')
        .attach('file', Buffer.from(derBase64(b.pem), 'base64'), 'server.cer')
        .field('subjectType', 'device')
        .field('organizationId', department)
        .field('keyUri', 'pkcs11:token=kyso-test;object=server')
        .field('signingPin', PIN);
      expect(up.status).toBe(201);
      expect(up.body.subjectType).toBe('device');
      const garbage = await reg
        .call('post', '/certificates/upload')
        .attach('file', Buffer.from('not a certificate'), 'x.cer')
        .field('subjectType', 'device')
        .field('organizationId', department)
        .field('keyUri', 'pkcs11:x=y')
        .field('signingPin', PIN);
      expect(garbage.body.code).toBe('MALFORMED_CERTIFICATE');
    });

    it('enforces the decree limits: new at most 5 years, a renewal at most 3 more', async () => {
      const long = await certificate({
        certificatePem: pki.leaf('/CN=Dài hạn', ca, 5 * 366 + 3).pem,
        subjectType: 'device',
        organizationId: department,
      });
      expect(long.status).toBe(422);
      expect(long.body.code).toBe('VALIDITY_TOO_LONG');
      const tooFar = await certificate({
        certificatePem: pki.leaf(`/CN=${holder.fullName}`, ca, 5 * 365).pem,
        subjectType: 'person',
        holderOfficialId: holder.id,
        organizationId: department,
        renewalOfId: certId,
      });
      expect(tooFar.body.code).toBe('RENEWAL_EXTENDS_TOO_LONG');
      const mismatch = await certificate({
        certificatePem: pki.leaf('/CN=Khác', ca, 400).pem,
        subjectType: 'device',
        organizationId: department,
        renewalOfId: certId,
      });
      expect(mismatch.body.code).toBe('RENEWAL_MISMATCH');
      const renewal = await certificate({
        certificatePem: pki.leaf(`/CN=${holder.fullName}`, ca, 2 * 365).pem,
        subjectType: 'person',
        holderOfficialId: holder.id,
        organizationId: department,
        renewalOfId: certId,
      });
      expect(renewal.status).toBe(201);
      expect(renewal.body.renewalOfId).toBe(certId);
      await reg.post(`/certificates/${renewal.body.id}/revoke`, { reason: 'superseded' });
    });

    it('issues the device with a hand-over record and refuses an illegal move', async () => {
      const res = await reg.post(`/devices/${device}/moves`, {
        toState: 'issued',
        holderOfficialId: holder.id,
        handedBy: { officialId: itOfficer.id },
        receivedBy: { officialId: holder.id },
        note: 'Biên bản 01',
      });
      expect(res.status).toBe(201);
      expect(res.body.device).toMatchObject({ state: 'issued', holderOfficialId: holder.id });
      expect(res.body.handover).toMatchObject({
        fromState: 'in-stock',
        toState: 'issued',
        handedBy: { officialId: itOfficer.id, name: 'Võ Thị Hoa' },
        receivedBy: { name: 'Phạm Văn Dũng' },
      });
      const illegal = await reg.post(`/devices/${device}/moves`, {
        toState: 'destroyed',
        handedBy: { name: 'a' },
        receivedBy: { name: 'b' },
      });
      expect(illegal.status).toBe(409);
      expect(illegal.body.code).toBe('ILLEGAL_DEVICE_MOVE');
      expect(
        (await reg.post(`/devices/${device}/moves`, { toState: 'returned', handedBy: {}, receivedBy: { name: 'b' } }))
          .body.code,
      ).toBe('MISSING_FIELD');
      expect((await reg.get(`/devices/${device}`)).body.returnOwedSince).toBeNull();
    });

    it('suspends, reinstates and revokes, then tracks the device as owed until it is returned', async () => {
      expect((await reg.post(`/certificates/${certId}/suspend`, {})).body.status).toBe('suspended');
      expect((await reg.post(`/certificates/${certId}/suspend`, {})).body.code).toBe('ILLEGAL_STATUS_CHANGE');
      expect((await reg.post(`/certificates/${certId}/reinstate`, {})).body.status).toBe('active');
      const revoked = await reg.post(`/certificates/${certId}/revoke`, { reason: 'keyCompromise' });
      expect(revoked.body).toMatchObject({ status: 'revoked', revocationReason: 'keyCompromise' });
      expect((await reg.post(`/certificates/${certId}/revoke`, { reason: 'keyCompromise' })).body.code).toBe(
        'CERTIFICATE_ALREADY_REVOKED',
      );
      expect((await reg.post(`/certificates/${certId}/revoke`, { reason: 'certificateHold' })).status).toBe(400);

      expect((await reg.get(`/devices/${device}`)).body.returnOwedSince).toBe(revoked.body.revokedAt);
      const owed = await reg.get('/reports/devices-not-returned');
      expect(owed.body.rows).toEqual([
        expect.objectContaining({
          deviceId: device,
          serialNumber: 'TK-0001',
          holderName: 'Phạm Văn Dũng',
          daysOwed: 0,
        }),
      ]);

      await reg.post(`/devices/${device}/moves`, {
        toState: 'returned',
        handedBy: { officialId: holder.id },
        receivedBy: { officialId: itOfficer.id },
      });
      expect((await reg.get('/reports/devices-not-returned')).body.rows).toEqual([]);
      const handovers = (await reg.get(`/devices/${device}/handovers`)).body;
      expect(handovers.map((h: { toState: string }) => h.toState)).toEqual(['issued', 'returned']);
      const audit = await auditOf('certificate', certId);
      expect(audit.map((e: { action: string }) => e.action)).toEqual([
        'certificate.registered',
        'certificate.suspended',
        'certificate.reinstated',
        'certificate.revoked',
      ]);
      expect(JSON.stringify(audit)).not.toContain('scrypt$');
    });
  });

  describe('trust anchors', () => {
    it('adds with a purpose, disables (hidden from the verifier’s list), enables and deletes', async () => {
      const root = pki.ca('Kyso Records Root');
      const added = await reg.post('/trust-anchors', {
        name: 'Root',
        certificatePem: root.pem,
        purpose: 'timestamping',
      });
      expect(added.body).toMatchObject({ purpose: 'timestamping', enabled: true });
      const id = added.body.id;
      expect(
        (await reg.get('/trust-anchors?purpose=document-signing')).body.map((a: { id: string }) => a.id),
      ).not.toContain(id);
      expect((await reg.post(`/trust-anchors/${id}/disable`, {})).body).toMatchObject({ enabled: false });
      expect((await reg.get('/trust-anchors')).body.map((a: { id: string }) => a.id)).not.toContain(id);
      expect((await reg.get('/trust-anchors?includeDisabled=true')).body.map((a: { id: string }) => a.id)).toContain(
        id,
      );
      expect((await reg.post(`/trust-anchors/${id}/enable`, {})).body.enabled).toBe(true);
      expect((await reg.del(`/trust-anchors/${id}`)).status).toBe(204);
      expect((await reg.get(`/trust-anchors/${id}`)).status).toBe(404);
      expect((await auditOf('trust_anchor', id)).map((e: { action: string }) => e.action)).toEqual([
        'trust_anchor.added',
        'trust_anchor.disabled',
        'trust_anchor.enabled',
        'trust_anchor.deleted',
      ]);
    });

    it('bumps the trust-store version with every change, and serves it with the set it makes up', async () => {
      const version = async () => (await reg.get('/trust-anchors/version')).body.version as number;
      const v0 = await version();
      const added = await reg.post('/trust-anchors', { name: 'Versioned', certificatePem: pki.ca('Kyso V Root').pem });
      expect(await version()).toBe(v0 + 1);
      const snapshot = (await reg.get('/trust-anchors/snapshot')).body;
      expect(snapshot.version).toBe(v0 + 1);
      expect(snapshot.anchors.map((a: { id: string }) => a.id)).toContain(added.body.id);
      await reg.post(`/trust-anchors/${added.body.id}/disable`, {});
      const disabled = (await reg.get('/trust-anchors/snapshot')).body;
      expect(disabled.version).toBe(v0 + 2);
      expect(disabled.anchors.map((a: { id: string }) => a.id)).not.toContain(added.body.id);
      await reg.del(`/trust-anchors/${added.body.id}`);
      expect(await version()).toBe(v0 + 3);
      // A refused change (a duplicate) rolls its bump back with it.
      const twice = pki.ca('Kyso V2 Root').pem;
      await reg.post('/trust-anchors', { name: 'Twice', certificatePem: twice });
      const dup = await reg.post('/trust-anchors', { name: 'Twice', certificatePem: twice });
      expect(dup.status).toBe(409);
      expect(await version()).toBe(v0 + 4);
    });
  });

  describe('reports', () => {
    it('lists certificates expiring within N days, also as an Excel-ready CSV', async () => {
      const o = await official(department, 'Đặng Thị Én');
      const soon = await certificate({
        certificatePem: pki.leaf('/CN=Đặng Thị Én', ca, 10).pem,
        subjectType: 'person',
        holderOfficialId: o.id,
        organizationId: department,
      });
      const r = await reg.get('/reports/expiring?days=30');
      expect(r.body.parameters).toEqual({ days: 30 });
      expect(r.body.rows.map((x: { certificateId: string }) => x.certificateId)).toEqual([soon.body.id]);
      expect(r.body.rows[0]).toMatchObject({ holderName: 'Đặng Thị Én', organizationName: 'Sở Nội vụ thành phố Huế' });
      expect((await reg.get('/reports/expiring?days=5')).body.rows).toEqual([]);
      const csv = await reg.get('/reports/expiring?days=30&format=csv');
      expect(csv.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
      expect(csv.headers['content-disposition']).toMatch(/attachment; filename="expiring-\d{4}-\d{2}-\d{2}\.csv"/);
      expect(csv.text.charCodeAt(0)).toBe(0xfeff);
      expect(csv.text).toContain('\r\n');
      expect(csv.text).toContain('Đặng Thị Én');
      expect((await reg.get('/reports/expiring?days=0')).status).toBe(400);
    });

    it('lists officials in service without a usable personal certificate', async () => {
      const rows = (await reg.get('/reports/officials-without-certificate')).body.rows as { fullName: string }[];
      const names = rows.map((r) => r.fullName);
      expect(names).toContain('Nguyễn Văn An');
      expect(names).toContain('Phạm Văn Dũng'); // revoked
      expect(names).not.toContain('Đặng Thị Én');
      expect(names).not.toContain('Trần Văn Bảo'); // retired
    });

    it('finds certificates whose subject drifted from the registry', async () => {
      const o = await official(department, 'Ngô Văn Phúc', { email: 'phuc@hue.gov.vn' });
      const c = await certificate({
        certificatePem: pki.leaf(
          '/C=VN/O=UBND thành phố Huế/OU=Sở Nội vụ/CN=Ngô Văn Phúc/emailAddress=phuc@hue.gov.vn',
          ca,
        ).pem,
        subjectType: 'person',
        holderOfficialId: o.id,
        organizationId: department,
      });
      const mine = async () =>
        ((await reg.get('/reports/subject-drift')).body.rows as { certificateId: string; field: string }[]).filter(
          (r) => r.certificateId === c.body.id,
        );
      expect(await mine()).toEqual([]);
      await reg.patch(`/officials/${o.id}`, { fullName: 'Ngô Văn Phước', email: 'phuoc@hue.gov.vn' });
      await reg.post(`/organizations/${province}/rename`, { name: 'UBND tỉnh Thừa Thiên Huế' });
      expect((await mine()).map((r) => r.field)).toEqual(['CN', 'E', 'O/OU']);
      await reg.post(`/organizations/${province}/rename`, { name: 'UBND thành phố Huế' });
    });

    it('lists lifecycle requests past their deadline', async () => {
      const r = await reg.get('/reports/overdue-requests?format=json');
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ report: 'overdue-requests', available: true, rows: [] });
    });
  });

  it('leaves an intact audit chain and never lets the national ID or a PIN out', async () => {
    expect((await reg.get('/audit/verify')).body.ok).toBe(true);
    const [{ n }] = await reg.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM registry.audit_event WHERE before::text LIKE $1 OR after::text LIKE $1`,
      [`%${NATIONAL_ID}%`],
    );
    expect(n).toBe(0);
    for (const body of reg.bodies) {
      expect(body).not.toContain(NATIONAL_ID);
      expect(body).not.toContain('scrypt$');
    }
  });
});
