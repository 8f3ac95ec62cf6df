import 'reflect-metadata';
import request from 'supertest';
import { DevCa, generateSoftwareKey, signCms } from '@kyso/pki';
import { anchorView } from './registry-stub';
import { VerifierStack } from './stack';
import { TOKEN } from './support';

/**
 * POST /validations/cms through the API, with revocation fetched by the real workers from a real
 * CRL server, trust anchors from the registry stand-in, and the result stored for GET.
 */
describe('POST /validations/cms', () => {
  const stack = new VerifierStack('cms');
  let base: string;
  const { registry, server } = stack;
  const content = Buffer.from('Tờ trình số 12/TTr, bất kỳ tệp nào\n'.repeat(300));
  let sub: DevCa;
  const caller = (id: string) =>
    Buffer.from(JSON.stringify({ kind: 'system', id, name: id, scopes: ['validate'], organizationIds: [] })).toString(
      'base64url',
    );

  beforeAll(async () => {
    ({ base } = await stack.start('kyso_verifier_cms', {
      maxUploadBytes: 1024 * 1024,
      workerConcurrency: 2,
      jobAttempts: 2,
      revocation: {
        fetchTimeoutMs: 3_000,
        waitMs: 8_000,
        crlMaxAgeMs: 3_600_000,
        concurrency: 2,
        attempts: 2,
        required: true,
        fetchAllow: ['127.0.0.1'],
      },
    }));
    const root = await DevCa.createRoot({ commonName: 'CMS Root', crlUrls: [`${server.url}/cms/root.crl`] });
    sub = await root.createSubordinate({ commonName: 'CMS CA', crlUrls: [`${server.url}/cms/sub.crl`] });
    server.crl('/cms/root.crl', root);
    server.crl('/cms/sub.crl', sub);
    registry.anchors.push(anchorView(root.certificate.toPem(), 'cms'));
  });

  afterAll(async () => {
    await stack.stop();
  });

  async function signed(detached: boolean) {
    const key = generateSoftwareKey('ECDSA-P256-SHA256');
    const certificate = await sub.issue({
      subject: { CN: 'Phạm Thị D', O: 'Sở Y tế', C: 'VN' },
      publicKeySpki: key.publicKeySpki,
      profile: 'person',
    });
    return Buffer.from(
      await signCms(content, {
        signer: key.signer,
        certificate,
        chain: [sub.certificate],
        signingTime: new Date(),
        detached,
      }),
    );
  }

  const validate = (parts: { signature?: Buffer; file?: Buffer }, who = 'dms') => {
    let r = request(base)
      .post('/validations/cms')
      .set('x-kyso-internal-token', TOKEN)
      .set('x-kyso-caller', caller(who));
    if (parts.signature) r = r.attach('signature', parts.signature, 'sig.p7s');
    if (parts.file) r = r.attach('file', parts.file, 'to-trinh.txt');
    return r;
  };

  it('validates a detached signature with its file: TOTAL-PASSED, revocation from the CAs’ CRLs, readable by its submitter only', async () => {
    const res = await validate({ signature: await signed(true), file: content });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'done', report: { conclusion: 'TOTAL-PASSED', signatureCount: 1 } });
    expect(res.body.report.signatures[0]).toMatchObject({
      signer: { name: 'Phạm Thị D' },
      revocation: { checked: true, source: 'crl' },
    });
    const get = (who: string) =>
      request(base)
        .get(`/validations/${res.body.id}`)
        .set('x-kyso-internal-token', TOKEN)
        .set('x-kyso-caller', caller(who));
    expect((await get('dms')).body).toMatchObject({ status: 'done', report: { conclusion: 'TOTAL-PASSED' } });
    expect((await get('someone-else')).status).toBe(404);
  });

  it('validates an attached signature alone; a changed file is TOTAL-FAILED/HASH_FAILURE', async () => {
    const attached = await validate({ signature: await signed(false) });
    expect(attached.body.report.conclusion).toBe('TOTAL-PASSED');
    const changed = Buffer.from(content);
    changed[0] ^= 1;
    const res = await validate({ signature: await signed(true), file: changed });
    expect(res.body.report.signatures[0]).toMatchObject({ indication: 'TOTAL-FAILED', subIndication: 'HASH_FAILURE' });
  });

  it('a detached signature without its file is INDETERMINATE with SIGNED_DATA_NOT_FOUND', async () => {
    const res = await validate({ signature: await signed(true) });
    expect(res.status).toBe(200);
    expect(res.body.report).toMatchObject({
      conclusion: 'INDETERMINATE',
      reasons: [{ code: 'SIGNED_DATA_NOT_FOUND' }],
    });
  });

  it('refuses no signature (400 MISSING_FIELD) and bytes that are not a CMS (422 INVALID_CMS)', async () => {
    const none = await validate({ file: content });
    expect(none.status).toBe(400);
    expect(none.body.code).toBe('MISSING_FIELD');
    const junk = await validate({ signature: Buffer.from('not a cms at all') });
    expect(junk.status).toBe(422);
    expect(junk.body.code).toBe('INVALID_CMS');
  });
});
