import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeCaller } from '@kyso/common';
import { Certificate, Crl } from '@kyso/pki';
import { asBuffer } from '../../../test/support/http';
import { pdfsig } from '../../../test/support/independent-verifiers';
import { LifecycleWorld, operator, seedWorld, stepBody } from './lifecycle-support';
import { LifecycleStack, startLifecycleStack } from './lifecycle-stack';
import { OpenSslPki } from './support';

function pdftotext(pdf: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'kyso-letter-'));
  try {
    writeFileSync(join(dir, 'l.pdf'), pdf);
    return execFileSync('pdftotext', ['-enc', 'UTF-8', join(dir, 'l.pdf'), '-'], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('request letters signed by the approving head through the signer contract (stub signer), and the dev CA connector', () => {
  let stack: LifecycleStack;
  let openssl: OpenSslPki;
  let w: LifecycleWorld;
  let chainPem: string[];

  const step = async (id: string, who: LifecycleWorld['it'], name: string, body: object = {}) =>
    stack.reg.call('post', `/requests/${id}/${name}`, who).send(body);

  beforeAll(async () => {
    stack = await startLifecycleStack();
    openssl = await OpenSslPki.start();
    const ca = openssl.ca('Kyso Test CA');
    chainPem = [stack.pki.subordinate.certificate.toPem(), stack.pki.root.certificate.toPem()];
    const key = await stack.keyStore.generateKey({
      label: `snv-${randomBytes(3).toString('hex')}`,
      id: randomBytes(8),
      algorithm: 'RSASSA-PKCS1-v1_5-SHA256',
    });
    const orgCert = await stack.pki.subordinate.issue({
      subject: { CN: 'SỞ NỘI VỤ', O: 'UBND thành phố Huế', L: 'Huế', C: 'VN' },
      publicKeySpki: key.publicKeySpki,
      profile: 'organization',
    });
    const headKey = await stack.keyStore.generateKey({
      label: `head-${randomBytes(3).toString('hex')}`,
      id: randomBytes(8),
      algorithm: 'ECDSA-P256-SHA256',
    });
    const headCert = await stack.pki.subordinate.issue({
      subject: { CN: 'Hoàng Văn Hải', O: 'Sở Nội vụ thành phố Huế', L: 'Huế', C: 'VN' },
      publicKeySpki: headKey.publicKeySpki,
      profile: 'person',
    });
    w = await seedWorld(stack.reg, openssl, ca, chainPem, orgCert.toPem(), key.ref.uri, {
      pem: headCert.toPem(),
      chainPem,
      keyUri: headKey.ref.uri,
    });
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
    openssl?.cleanup();
  });

  it('approving signs the letter with the approving head’s own certificate and PIN through the signing authorisation; pdfsig finds it valid', async () => {
    const created = await stack.reg.call('post', '/requests', w.it).send({
      type: 'revoke',
      certificateId: w.anCert,
      reason: 'retirement',
      details: { 'Ghi chú': 'Nghỉ hưu theo Quyết định số 12/QĐ-SNV' },
    });
    const id = created.body.id;
    await step(id, w.it, 'submit');
    const calls = stack.signer.calls.length;
    // No PIN, a wrong PIN, someone else's PIN, an account that is no official: refused, nothing approved.
    const noPin = await step(id, w.head, 'approve');
    expect([noPin.status, noPin.body.code, noPin.body.reason]).toEqual([403, 'SIGNING_NOT_ALLOWED', 'PIN_REQUIRED']);
    expect(noPin.body.messageVi).toEqual(expect.any(String));
    const wrong = await step(id, w.head, 'approve', { pin: '000000' });
    expect([wrong.status, wrong.body.code, wrong.body.reason]).toEqual([403, 'SIGNING_NOT_ALLOWED', 'WRONG_PIN']);
    const clerksPin = await step(id, w.head, 'approve', { pin: w.orgPin });
    expect([clerksPin.status, clerksPin.body.reason]).toEqual([403, 'WRONG_PIN']);
    const anonymousHead = operator('head-account', [{ role: 'agency-head', organizationId: w.dept }]);
    const noOfficial = await step(id, anonymousHead, 'approve', { pin: w.headPin });
    expect([noOfficial.status, noOfficial.body.reason]).toEqual([403, 'NOT_ACTING_OFFICIAL']);
    const outsider = await stack.reg.post('/officials', {
      fullName: 'Đinh Văn Ngoài',
      email: `ngoai-${randomBytes(3).toString('hex')}@stp.hue.gov.vn`,
      title: 'Chánh Văn phòng',
      organizationId: w.other,
    });
    const headFromElsewhere = operator(
      'head-elsewhere',
      [{ role: 'agency-head', organizationId: w.dept }],
      outsider.body.id,
    );
    const elsewhere = await step(id, headFromElsewhere, 'approve', { pin: w.headPin });
    expect([elsewhere.status, elsewhere.body.reason]).toEqual([403, 'NOT_OF_MANAGING_AGENCY']);
    expect((await stack.reg.get(`/requests/${id}`)).body).toMatchObject({ status: 'submitted', hasLetter: false });
    expect((await stack.reg.get(`/requests/${id}`)).body.steps.map((s: { step: string }) => s.step)).toEqual([
      'create',
      'submit',
    ]);
    // Only the two PIN attempts reached the signer, each as the head (never "the first clerk", never the registry).
    expect(stack.signer.calls.slice(calls).map((c) => [c.certificateId, c.actingOfficialId])).toEqual([
      [w.headCert, w.headOfficial],
      [w.headCert, w.headOfficial],
    ]);

    const approved = await step(id, w.head, 'approve', { pin: w.headPin });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', hasLetter: true });
    const call = stack.signer.calls.at(-1)!;
    expect(call).toMatchObject({
      certificateId: w.headCert,
      actingOfficialId: w.headOfficial,
      reason: expect.any(String),
    });
    expect(decodeCaller(call.caller)).toMatchObject({ kind: 'operator', officialId: w.headOfficial });
    const [stored] = await stack.reg.sql<{ signed_by_official_id: string; certificate_id: string }>(
      'SELECT signed_by_official_id, certificate_id FROM registry.request_letter WHERE request_id = $1',
      [id],
    );
    expect(stored).toEqual({ signed_by_official_id: w.headOfficial, certificate_id: w.headCert });
    const letter = await stack.reg
      .call('get', `/requests/${id}/letter`)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(letter.headers['content-type']).toContain('application/pdf');
    const pdf = new Uint8Array(letter.body as Buffer);
    const report = await pdfsig(pdf, stack.pki.root.certificate.toPem());
    expect(report).toMatch(/Signature Validation: Signature is Valid/);
    expect(report).toContain('Hoàng Văn Hải');
    const text = pdftotext(pdf);
    expect(text).toContain('Kính gửi: Cục Chứng thực số và Bảo mật thông tin');
    expect(text).toContain('Thu hồi chứng thư số'.toLocaleLowerCase('vi'));
    expect(text).toContain('Nguyễn Văn An');
    expect(text).toContain('Nghỉ hưu');
    expect(text).toContain('SỞ NỘI VỤ THÀNH PHỐ HUẾ');
    expect(stack.reg.bodies.join('\n')).not.toContain(w.headPin);

    // Signing again is the head's too, with their PIN; the clerk who keeps the seal may not.
    const byClerk = await stack.reg.call('post', `/requests/${id}/letter`, w.clerkOp).send({ pin: w.orgPin });
    expect([byClerk.status, byClerk.body.code]).toEqual([403, 'ROLE_NOT_ALLOWED_FOR_STEP']);
    const again = await stack.reg.call('post', `/requests/${id}/letter`, w.head).send({ pin: w.headPin });
    expect([again.status, again.body.hasLetter]).toEqual([200, true]);
  }, 60_000);

  it('the dev CA issues the certificate for a generated key at once when the request is sent', async () => {
    const key = await stack.keyStore.generateKey({
      label: `an-${randomBytes(3).toString('hex')}`,
      id: randomBytes(8),
      algorithm: 'ECDSA-P256-SHA256',
    });
    const created = await stack.reg.call('post', '/requests', w.it).send({
      type: 'issue',
      officialId: w.an,
      details: {
        subjectType: 'person',
        publicKeySpki: Buffer.from(key.publicKeySpki).toString('base64'),
        keyUri: key.ref.uri,
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    await step(id, w.it, 'submit');
    await step(id, w.head, 'approve', { pin: w.headPin });
    const sent = await step(id, w.clerkOp, 'send', { signingPin: '864209' });
    expect(sent.status).toBe(200);
    expect(sent.body.status).toBe('fulfilled');
    expect(sent.body.steps.slice(-2).map((s: { step: string; actor: { id: string } }) => [s.step, s.actor.id])).toEqual(
      [
        ['send', 'op-clerk'],
        ['fulfil', 'ca-connector:dev'],
      ],
    );
    const cert = (await stack.reg.get(`/certificates/${sent.body.result.certificateId}`)).body;
    expect(cert).toMatchObject({ status: 'active', holderOfficialId: w.an, keyUri: key.ref.uri });
    const parsed = Certificate.parse(cert.certificatePem);
    expect(Buffer.from(parsed.publicKeySpki).equals(Buffer.from(key.publicKeySpki))).toBe(true);
    expect(parsed.issuer.toString()).toBe(stack.pki.subordinate.certificate.subject.toString());
    expect(parsed.subject.toString()).toContain('Nguyễn Văn An');
    expect(
      (
        await stack.reg.post('/signing-authorizations', {
          certificateId: cert.id,
          actingOfficialId: w.an,
          pin: '864209',
        })
      ).body.allowed,
    ).toBe(true);
  });

  it('the dev CA refuses a person issue without the token key, and certifies a software key for a device', async () => {
    const person = await stack.reg
      .call('post', '/requests', w.it)
      .send({ type: 'issue', officialId: w.an, details: { subjectType: 'person', keyUri: 'pkcs11:object=x' } });
    await step(person.body.id, w.it, 'submit');
    await step(person.body.id, w.head, 'approve', { pin: w.headPin });
    const refused = await step(person.body.id, w.it, 'send', { signingPin: '111111' });
    expect([refused.status, refused.body.code]).toEqual([400, 'MISSING_FIELD']);
    expect((await stack.reg.get(`/requests/${person.body.id}`)).body.status).toBe('approved');

    const device = await stack.reg.call('post', '/requests', w.it).send({
      type: 'issue',
      organizationId: w.dept,
      details: { subjectType: 'device', deviceName: 'Cổng dịch vụ công' },
    });
    await step(device.body.id, w.it, 'submit');
    await step(device.body.id, w.head, 'approve', { pin: w.headPin });
    const sent = await step(device.body.id, w.it, 'send');
    expect(sent.body.status).toBe('fulfilled');
    const cert = (await stack.reg.get(`/certificates/${sent.body.result.certificateId}`)).body;
    expect(cert).toMatchObject({ subjectType: 'device', organizationId: w.dept, status: 'active' });
  });

  it('the dev CA revokes at once with the CRLReason of the case', async () => {
    const created = await stack.reg
      .call('post', '/requests', w.it)
      .send({ type: 'revoke', certificateId: w.anCert, reason: 'key-compromise' });
    const id = created.body.id;
    await step(id, w.it, 'submit');
    expect((await stack.reg.get(`/certificates/${w.anCert}`)).body.status).toBe('suspended');
    await step(id, w.head, 'approve', { pin: w.headPin });
    expect((await step(id, w.it, 'send')).body.status).toBe('fulfilled');
    expect((await stack.reg.get(`/certificates/${w.anCert}`)).body).toMatchObject({
      status: 'revoked',
      revocationReason: 'keyCompromise',
    });
  });

  it('publishes the revocation in the dev CA CRL and OCSP responses', async () => {
    const key = await stack.keyStore.generateKey({
      label: `crl-${randomBytes(3).toString('hex')}`,
      id: randomBytes(8),
      algorithm: 'ECDSA-P256-SHA256',
    });
    const issued = await stack.reg.call('post', '/requests', w.it).send({
      type: 'issue',
      officialId: w.an,
      details: {
        subjectType: 'person',
        publicKeySpki: Buffer.from(key.publicKeySpki).toString('base64'),
        keyUri: key.ref.uri,
      },
    });
    for (const s of ['submit', 'approve', 'send'] as const)
      await step(
        issued.body.id,
        s === 'approve' ? w.head : w.it,
        s,
        s === 'send' ? { signingPin: '975310' } : stepBody(w, s),
      );
    const certId = (await stack.reg.get(`/requests/${issued.body.id}`)).body.result.certificateId;
    const certPem = (await stack.reg.get(`/certificates/${certId}`)).body.certificatePem as string;
    const revoke = await stack.reg
      .call('post', '/requests', w.it)
      .send({ type: 'revoke', certificateId: certId, reason: 'device-lost' });
    for (const s of ['submit', 'approve', 'send'] as const)
      await step(revoke.body.id, s === 'approve' ? w.head : w.it, s, stepBody(w, s));

    const dir = mkdtempSync(join(tmpdir(), 'kyso-devca-status-'));
    try {
      const crl = await asBuffer(stack.reg.call('get', '/dev-ca/crl'));
      expect(crl.headers['content-type']).toContain('application/pkix-crl');
      writeFileSync(join(dir, 'crl.der'), crl.body as Buffer);
      const crlText = execFileSync(
        'openssl',
        ['crl', '-inform', 'DER', '-in', join(dir, 'crl.der'), '-noout', '-text'],
        { encoding: 'utf8' },
      );
      const serial = Certificate.parse(certPem).serialNumberHex;
      expect(crlText.replace(/[:\s]/g, '').toUpperCase()).toContain(`SERIALNUMBER${serial}`);
      expect(crlText).toContain('Key Compromise');

      writeFileSync(join(dir, 'leaf.pem'), certPem);
      writeFileSync(join(dir, 'issuer.pem'), stack.pki.subordinate.certificate.toPem());
      execFileSync('openssl', [
        'ocsp',
        '-issuer',
        join(dir, 'issuer.pem'),
        '-cert',
        join(dir, 'leaf.pem'),
        '-reqout',
        join(dir, 'req.der'),
        '-no_nonce',
      ]);
      const resp = await asBuffer(
        stack.reg
          .call('post', '/dev-ca/ocsp')
          .set('content-type', 'application/ocsp-request')
          .send(readFileSync(join(dir, 'req.der'))),
      );
      expect(resp.status).toBe(200);
      writeFileSync(join(dir, 'resp.der'), resp.body as Buffer);
      const ocspText = execFileSync('openssl', ['ocsp', '-respin', join(dir, 'resp.der'), '-resp_text', '-noverify'], {
        encoding: 'utf8',
      });
      expect(ocspText).toMatch(/Cert Status: revoked/);
      const times = /This Update: (.+)\n\s*Next Update: (.+)\n/.exec(ocspText)!;
      expect(Date.parse(times[2]) - Date.parse(times[1])).toBe(3_600_000);

      // A serial the CA key signed but the registry never recorded: `unknown`, never `good`.
      const stranger = await stack.pki.subordinate.issue({
        subject: { CN: 'Không có trong sổ' },
        publicKeySpki: key.publicKeySpki,
        profile: 'person',
      });
      writeFileSync(join(dir, 'stranger.pem'), stranger.toPem());
      const args = ['ocsp', '-issuer', join(dir, 'issuer.pem'), '-no_nonce', '-reqout', join(dir, 'req2.der')];
      execFileSync('openssl', [...args, '-cert', join(dir, 'stranger.pem')]);
      const unknown = await asBuffer(
        stack.reg
          .call('post', '/dev-ca/ocsp')
          .set('content-type', 'application/ocsp-request')
          .send(readFileSync(join(dir, 'req2.der'))),
      );
      writeFileSync(join(dir, 'resp2.der'), unknown.body as Buffer);
      expect(
        execFileSync('openssl', ['ocsp', '-respin', join(dir, 'resp2.der'), '-resp_text', '-noverify'], {
          encoding: 'utf8',
        }),
      ).toMatch(/Cert Status: unknown/);
      const bad = await stack.reg
        .call('post', '/dev-ca/ocsp')
        .set('content-type', 'application/ocsp-request')
        .send(Buffer.from('not ocsp'));
      expect([bad.status, bad.body.code]).toEqual([400, 'MALFORMED_OCSP_REQUEST']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('numbers every dev CA CRL strictly above the last, in parallel too, from a counter that outlives the process', async () => {
    const numberOf = async (path: string) =>
      Crl.fromDer(new Uint8Array((await asBuffer(stack.reg.call('get', path))).body as Buffer)).crlNumber!;
    const parallel = await Promise.all(['/dev-ca/crl', '/dev-ca/root.crl', '/dev-ca/crl', '/dev-ca/crl'].map(numberOf));
    expect(new Set(parallel.map(String)).size).toBe(4); // within one second: no repeat
    const next = await numberOf('/dev-ca/crl');
    expect(parallel.every((n) => n < next)).toBe(true);
    // The counter is in the database (a restart continues above it), never below the epoch seconds.
    const [row] = await stack.reg.sql<{ n: string }>('SELECT last_number::text AS n FROM registry.dev_ca_crl_number');
    expect(BigInt(row.n)).toBe(next);
    expect(next >= BigInt(Math.floor(Date.now() / 1000) - 60)).toBe(true);
  });

  // Last: it locks the head's certificate.
  it('the lockout applies to approvals: three wrong PINs lock the head’s certificate, and then even the right PIN approves nothing', async () => {
    const created = await stack.reg
      .call('post', '/requests', w.it)
      .send({ type: 'recover-device', certificateId: w.anCert });
    const id = created.body.id as string;
    await step(id, w.it, 'submit');
    const reasons: string[] = [];
    for (const pin of ['111111', '222222', '333333', w.headPin])
      reasons.push((await step(id, w.head, 'approve', { pin })).body.reason);
    expect(reasons).toEqual(['WRONG_PIN', 'WRONG_PIN', 'CERTIFICATE_LOCKED', 'CERTIFICATE_LOCKED']);
    expect((await stack.reg.get(`/requests/${id}`)).body).toMatchObject({ status: 'submitted', hasLetter: false });
    const [lock] = await stack.reg.sql<{ n: number }>(
      "SELECT count(*)::int AS n FROM registry.audit_event WHERE entity_id = $1 AND action = 'certificate.pin_locked'",
      [w.headCert],
    );
    expect(lock.n).toBe(1);
  }, 60_000);
});
