import { makePng } from './png';
import { RunningRegistry, startRegistry } from './support';

/** The organisation seal image: stored as uploaded, checked like signature images, audited. */
describe('registry: organisation seal images (real Postgres)', () => {
  let reg: RunningRegistry;
  let orgId: string;
  const png = makePng({ width: 300, height: 300, colorType: 6 });
  const getPng = (id: string) =>
    reg
      .call('get', `/organizations/${id}/seal-image`)
      .buffer(true)
      .parse((res, cb) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => cb(null, Buffer.concat(parts)));
      });

  beforeAll(async () => {
    reg = await startRegistry();
    orgId = (await reg.post('/organizations', { code: 'SEAL.1', name: 'Ủy ban nhân dân tỉnh', legalEntity: true })).body
      .id;
  });
  afterAll(() => reg?.stop());

  it('stores the PNG, serves it back byte for byte, and audits the change', async () => {
    const put = await reg
      .call('put', `/organizations/${orgId}/seal-image`)
      .attach('file', png, { filename: 'dau.png', contentType: 'image/png' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ width: 300, height: 300 });
    const got = await getPng(orgId);
    expect(got.status).toBe(200);
    expect(got.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(got.body as Buffer, png)).toBe(0);
    const audit = await reg.sql<{ action: string }>(
      "SELECT action FROM registry.audit_event WHERE entity_id = $1 AND action LIKE 'organization.seal%'",
      [orgId],
    );
    expect(audit.map((a) => a.action)).toEqual(['organization.seal_image_set']);
  });

  it('refuses an opaque image and a non-PNG with the signature-image codes', async () => {
    const opaque = await reg
      .call('put', `/organizations/${orgId}/seal-image`)
      .attach('file', makePng({ width: 300, height: 300, colorType: 2 }), 'x.png');
    expect([opaque.status, opaque.body.code]).toEqual([422, 'PNG_NOT_TRANSPARENT']);
    const jpeg = await reg
      .call('put', `/organizations/${orgId}/seal-image`)
      .attach('file', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]), 'x.jpg');
    expect(jpeg.body.code).toBe('NOT_A_PNG');
  });

  it('answers 404 for an unknown organisation and after removal', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await reg.get(`/organizations/${unknown}/seal-image`)).body.code).toBe('ORGANIZATION_NOT_FOUND');
    expect((await reg.del(`/organizations/${orgId}/seal-image`)).status).toBe(204);
    expect((await reg.get(`/organizations/${orgId}/seal-image`)).body.code).toBe('SEAL_IMAGE_NOT_FOUND');
    expect((await reg.del(`/organizations/${orgId}/seal-image`)).body.code).toBe('SEAL_IMAGE_NOT_FOUND');
  });
});
