import { ProblemError } from '@kyso/common';
import {
  AppendAuditEventDto,
  CertificateViewDto,
  check,
  checkList,
  createdAnswer,
  OwnershipDto,
  ownershipAnswer,
  parseInput,
  serviceOpenApiAnswer,
  SignPdfFieldsDto,
  signedPdfAnswer,
  signingAuthorizationAnswer,
  SigningAuthorizationRequestDto,
  TrustAnchorDto,
  trustStoreSnapshotAnswer,
  trustStoreVersionAnswer,
  ValidatePdfQueryDto,
  ValidationResultDto,
} from './index';

const UUID = '6f1c2b9e-8d4a-4f3b-9c2e-1a2b3c4d5e6f';
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

const certificate: CertificateViewDto = {
  id: UUID,
  serialNumber: '5A0F3C',
  subject: 'CN=Nguyễn Văn An, C=VN',
  issuer: 'CN=Kyso Dev Government CA, C=VN',
  notBefore: '2026-01-01T00:00:00.000Z',
  notAfter: '2028-01-01T00:00:00.000Z',
  status: 'active',
  subjectType: 'person',
  holderOfficialId: UUID,
  organizationId: UUID,
  deviceId: null,
  keyUri: 'pkcs11:token=kyso;object=k1',
  sha256: 'AB'.repeat(32),
  revocationReason: null,
  revokedAt: null,
  certificatePem: PEM,
  chainPem: [PEM],
  renewalOfId: null,
  createdAt: '2026-01-01T00:00:00.000Z',
};
const anchor: TrustAnchorDto = {
  id: UUID,
  name: 'Kyso Dev Root CA',
  sha256: '9F'.repeat(32),
  subject: 'CN=Kyso Dev Root CA, C=VN',
  certificatePem: PEM,
  purpose: 'document-signing',
  enabled: true,
  disabledAt: null,
  createdAt: '2026-01-05T08:00:00.000Z',
};
const owned: OwnershipDto = {
  kind: 'certificate',
  id: UUID,
  organizationId: UUID,
  managingOrganizationId: UUID,
  holderOfficialId: null,
};

/** The problem a parser throws, or 'ok'. */
const outcome = (run: () => unknown): string => {
  try {
    run();
    return 'ok';
  } catch (e) {
    return e instanceof ProblemError ? `${e.status} ${e.code}` : `threw ${(e as Error).message}`;
  }
};
const from = 'the registry';

describe('internal contracts: answers', () => {
  it('reads a well-formed signing authorization, allowed or refused', () => {
    const allowed = signingAuthorizationAnswer({ allowed: true, certificate }, from);
    expect(allowed.allowed && allowed.certificate.keyUri).toBe(certificate.keyUri);
    const refused = {
      allowed: false,
      code: 'WRONG_PIN',
      message: 'The PIN is wrong.',
      messageVi: 'Mã PIN không đúng.',
    };
    expect(signingAuthorizationAnswer(refused, from)).toEqual(refused);
  });

  it.each([
    ['allowed without a certificate', { allowed: true }],
    ['allowed with a certificate lacking its key URI', { allowed: true, certificate: { ...certificate, keyUri: '' } }],
    ['allowed with an unknown certificate status', { allowed: true, certificate: { ...certificate, status: 'fine' } }],
    ['allowed with a chain that is not a list', { allowed: true, certificate: { ...certificate, chainPem: PEM } }],
    ['refused without the Vietnamese message', { allowed: false, code: 'WRONG_PIN', message: 'x' }],
    ['a decision that is a string', 'yes'],
    ['allowed as a string', { allowed: 'true', certificate }],
    ['no answer at all', undefined],
  ])('refuses a signing authorization %s with 502 DEPENDENCY_MALFORMED_ANSWER', (_what, raw) => {
    expect(outcome(() => signingAuthorizationAnswer(raw, from))).toBe('502 DEPENDENCY_MALFORMED_ANSWER');
  });

  it('names the peer and the contract in the detail, and the fields only in the log detail', () => {
    try {
      signingAuthorizationAnswer({ allowed: true, certificate: { ...certificate, keyUri: 7 } }, from);
      throw new Error('accepted');
    } catch (e) {
      const p = e as ProblemError;
      expect(p.detail).toBe('the registry answered a SigningAuthorizationResultDto outside its contract');
      expect(p.logDetail).toContain('certificate.keyUri');
      expect(JSON.stringify(p.toProblem())).not.toContain('keyUri');
    }
  });

  it('reads the trust-store snapshot and version, and refuses malformed ones', () => {
    const snapshot = (anchors: unknown) => ({ version: 2, changedAt: '2026-01-01T00:00:00.000Z', anchors });
    expect(trustStoreSnapshotAnswer(snapshot([anchor]), from).anchors).toHaveLength(1);
    expect(trustStoreSnapshotAnswer(snapshot([]), from).anchors).toEqual([]);
    expect(trustStoreVersionAnswer({ version: 2, changedAt: '2026-01-01T00:00:00.000Z' }, from).version).toBe(2);
    for (const bad of [
      [anchor],
      { ...snapshot([anchor]), version: '2' },
      snapshot({ items: [anchor] }),
      snapshot([{ ...anchor, sha256: 'x' }]),
      snapshot([anchor, { ...anchor, purpose: 'all' }]),
    ])
      expect(outcome(() => trustStoreSnapshotAnswer(bad, from))).toBe('502 DEPENDENCY_MALFORMED_ANSWER');
    expect(outcome(() => trustStoreVersionAnswer({ version: 0, changedAt: 'x' }, from))).toBe(
      '502 DEPENDENCY_MALFORMED_ANSWER',
    );
    const r = checkList(TrustAnchorDto, [anchor, { ...anchor, enabled: 'yes' }]);
    expect(r.ok ? [] : r.errors.map((e) => e.field)).toEqual(['[1].enabled']);
  });

  it('keeps fields a newer peer adds, and checks every field the contract names', () => {
    expect(check(TrustAnchorDto, { ...anchor, note: 'new' })).toMatchObject({ ok: true, value: { note: 'new' } });
    expect(check(TrustAnchorDto, { ...anchor, disabledAt: '2026-02-01T00:00:00Z' }).ok).toBe(true);
    expect(check(TrustAnchorDto, { ...anchor, disabledAt: 'yesterday' }).ok).toBe(false);
  });

  it('reads an ownership answer, and refuses a malformed one', () => {
    expect(ownershipAnswer(owned, from)).toEqual(owned);
    expect(ownershipAnswer({ ...owned, holderOfficialId: UUID }, from).holderOfficialId).toBe(UUID);
    for (const bad of [
      { ...owned, managingOrganizationId: undefined },
      { ...owned, organizationId: 'everyone' },
      { ...owned, kind: 'planet' },
      { ...owned, holderOfficialId: 'me' },
      [owned],
    ])
      expect(outcome(() => ownershipAnswer(bad, from))).toBe('502 DEPENDENCY_MALFORMED_ANSWER');
  });

  it("reads a service's OpenAPI document, and refuses what is not one", () => {
    expect(serviceOpenApiAnswer({ openapi: '3.0.0', info: {}, paths: {} }, from).openapi).toBe('3.0.0');
    expect(outcome(() => serviceOpenApiAnswer({ swagger: '2.0', paths: {} }, from))).toBe(
      '502 DEPENDENCY_MALFORMED_ANSWER',
    );
    expect(outcome(() => serviceOpenApiAnswer({ openapi: '3.0.0', paths: [] }, from))).toBe(
      '502 DEPENDENCY_MALFORMED_ANSWER',
    );
  });

  it('reads the id of a created resource', () => {
    expect(createdAnswer({ id: UUID, name: 'x' }, from).id).toBe(UUID);
    expect(outcome(() => createdAnswer({ id: 7 }, from))).toBe('502 DEPENDENCY_MALFORMED_ANSWER');
  });
});

describe('internal contracts: the signed PDF answer', () => {
  const pdf = Buffer.from('%PDF-1.7\n...');
  const answer = (body: Buffer, headers: Record<string, string>) => new Response(body, { headers });

  it('reads the signed PDF and its signature id', async () => {
    const r = await signedPdfAnswer(
      answer(pdf, { 'content-type': 'application/pdf', 'x-kyso-signature-id': UUID.toUpperCase() }),
      'the signer',
    );
    expect(Buffer.from(r.pdf).equals(pdf)).toBe(true);
    expect(r.signatureId).toBe(UUID);
  });

  it.each([
    ['without a signature id', pdf, { 'content-type': 'application/pdf' }],
    ['as JSON', Buffer.from('{}'), { 'content-type': 'application/json', 'x-kyso-signature-id': UUID }],
    ['that is not a PDF', Buffer.from('<html>'), { 'content-type': 'application/pdf', 'x-kyso-signature-id': UUID }],
  ])('refuses an answer %s with 502 DEPENDENCY_MALFORMED_ANSWER', async (_what, body, headers) => {
    await expect(signedPdfAnswer(answer(body, headers), 'the signer')).rejects.toMatchObject({
      status: 502,
      code: 'DEPENDENCY_MALFORMED_ANSWER',
    });
  });
});

describe('internal contracts: requests and public inputs', () => {
  it('checks a signing authorization request', () => {
    expect(check(SigningAuthorizationRequestDto, { certificateId: UUID, actingOfficialId: UUID, pin: '1' }).ok).toBe(
      true,
    );
    expect(outcome(() => parseInput(SigningAuthorizationRequestDto, { certificateId: UUID, pin: '1' }))).toBe(
      '400 MISSING_FIELD',
    );
    expect(
      outcome(() =>
        parseInput(SigningAuthorizationRequestDto, { certificateId: 'c', actingOfficialId: 'o', pin: '1' }),
      ),
    ).toBe('400 INVALID_ID');
  });

  it('checks an audit event', () => {
    expect(check(AppendAuditEventDto, { action: 'auth.login', entityType: 'operator', entityId: null }).ok).toBe(true);
    expect(outcome(() => parseInput(AppendAuditEventDto, { action: 'Login', entityType: 'operator' }))).toBe(
      '400 INVALID_FIELD',
    );
  });

  it('checks the sign-PDF form fields, naming the field', () => {
    const base = { certificateId: UUID, actingOfficialId: UUID, pin: '123456' };
    expect(parseInput(SignPdfFieldsDto, { ...base, reason: 'Phê duyệt', extra: 'x' })).toEqual({
      ...base,
      reason: 'Phê duyệt',
    });
    try {
      parseInput(SignPdfFieldsDto, { certificateId: UUID, pin: '123456' });
      throw new Error('accepted');
    } catch (e) {
      expect((e as ProblemError).toProblem()).toMatchObject({
        status: 400,
        code: 'MISSING_FIELD',
        field: 'actingOfficialId',
      });
    }
    expect(outcome(() => parseInput(SignPdfFieldsDto, { ...base, pin: ['1', '2'] }))).toBe('400 INVALID_FIELD');
  });

  it('reads ?wait as whole seconds from 0 to 60', () => {
    const wait = (raw: unknown) => parseInput(ValidatePdfQueryDto, { wait: raw }).wait;
    expect(wait(undefined)).toBeUndefined();
    expect(wait('')).toBeUndefined();
    expect(wait('0')).toBe(0);
    expect(wait('60')).toBe(60);
    for (const bad of ['61', '-1', '1.5', 'abc', '1e1', '0x10', ['1', '2']])
      expect(outcome(() => wait(bad))).toBe('400 INVALID_FIELD');
  });
});

describe('internal contracts: the validation result', () => {
  const report = {
    conclusion: 'INDETERMINATE',
    validationTime: '2026-01-01T00:00:00.000Z',
    documentSha256: 'ab'.repeat(32),
    signatureCount: 0,
    signatures: [],
    reasons: [{ code: 'NO_SIGNATURE', message: 'No signature.', messageVi: 'Không có chữ ký.' }],
  };

  it('accepts pending, done with a report and failed with an error code', () => {
    expect(check(ValidationResultDto, { id: UUID, status: 'pending' }).ok).toBe(true);
    expect(check(ValidationResultDto, { id: UUID, status: 'done', report }).ok).toBe(true);
    expect(check(ValidationResultDto, { id: UUID, status: 'failed', error: { code: 'MALFORMED_PDF' } }).ok).toBe(true);
  });

  it('accepts the trust-store version and the retry time, and refuses them malformed', () => {
    const trustStore = { version: 3, changedAt: '2026-01-01T00:00:00.000Z', fetchedAt: '2026-01-02T00:00:00.000Z' };
    const done = (r: object) =>
      check(ValidationResultDto, { id: UUID, status: 'done', report: { ...report, ...r } }).ok;
    expect(done({ trustStore, retryAfter: '2026-01-02T00:05:00.000Z' })).toBe(true);
    expect(done({ trustStore: { ...trustStore, version: 0 } })).toBe(false);
    expect(done({ trustStore: { version: 3 } })).toBe(false);
    expect(done({ retryAfter: 'later' })).toBe(false);
  });

  it.each([
    ['done without its report', { id: UUID, status: 'done' }],
    ['done with an unknown conclusion', { id: UUID, status: 'done', report: { ...report, conclusion: 'OK' } }],
    [
      'done with a reason lacking Vietnamese',
      { id: UUID, status: 'done', report: { ...report, reasons: [{ code: 'X', message: 'x' }] } },
    ],
    ['failed without its code', { id: UUID, status: 'failed' }],
    ['of an unknown status', { id: UUID, status: 'queued' }],
  ])('refuses a result %s', (_what, raw) => {
    expect(check(ValidationResultDto, raw).ok).toBe(false);
  });
});
