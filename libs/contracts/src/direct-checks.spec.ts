import { ProblemError } from '@kyso/common';
import { answerOf } from './answers';
import { isCertificateView } from './certificate-view.contract';
import { readSignPdfFields, SignPdfFieldsDto } from './sign-pdf.contract';
import { readSignatureRecordBatch, SignatureRecordBatchDto } from './signature-record.contract';
import {
  isSigningAuthorization,
  readSigningAuthorizationRequest,
  SigningAuthorizationRequestDto,
  SigningAuthorizationResultDto,
  signingAuthorizationAnswer,
} from './signing-authorization.contract';
import { check, parseInput } from './validation';

// The hot paths' direct checks against the contract classes they stand for: never looser, equal
// where they accept, and the readers built on them answer exactly as the classes do.

const ID = '3f2a6c1e-8b4d-4e2f-9a1b-5c6d7e8f9a0b';
const VALUES: unknown[] = [
  undefined,
  null,
  '',
  ' ',
  'x',
  '\uFE0F',
  '😀',
  '😀'.repeat(101),
  'a'.repeat(10),
  'a'.repeat(11),
  'a'.repeat(100),
  'a'.repeat(101),
  'a'.repeat(200),
  'a'.repeat(201),
  0,
  1,
  -1,
  1.5,
  1e6,
  true,
  false,
  {},
  [],
  ['x'],
  ['x', 1],
  Array(8).fill('p'),
  Array(9).fill('p'),
  ID,
  ID.toUpperCase(),
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '3f2a6c1e-8b4d-4e2f-9a1b-5c6d7e8f9a0',
  '2026-12-03T08:00:00Z',
  '2026-12-03T08:00:00.123+07:00',
  '2026-12-03',
  '2026-13-03T08:00:00Z',
  ...['active', 'suspended', 'revoked', 'expired', 'not-yet-valid', 'person', 'organization', 'device'],
];

const certificate = {
  id: ID,
  serialNumber: '5A0F3C',
  subject: 'CN=A',
  issuer: 'CN=CA',
  notBefore: '2026-01-01T00:00:00.000Z',
  notAfter: '2027-01-01T00:00:00.000Z',
  status: 'active',
  subjectType: 'person',
  holderOfficialId: ID,
  organizationId: ID,
  deviceId: null,
  keyUri: 'pkcs11:object=k',
  sha256: 'AB',
  revocationReason: null,
  revokedAt: null,
  certificatePem: '-----BEGIN CERTIFICATE-----',
  chainPem: ['-----BEGIN CERTIFICATE-----'],
  renewalOfId: null,
  createdAt: '2026-01-01T00:00:00.000Z',
};
const session = { id: ID, token: 't', remainingUses: 3, expiresAt: '2026-12-03T09:00:00.000Z' };
const refusal = { allowed: false, code: 'WRONG_PIN', message: 'm', messageVi: 'v', certificateStatus: 'suspended' };
const with_ = (o: object, key: string, v: unknown) => ({ ...o, [key]: v });

const SIGNING_RESULT_KEYS: Record<keyof SigningAuthorizationResultDto, true> = {
  allowed: true,
  certificate: true,
  signingSession: true,
  code: true,
  message: true,
  messageVi: true,
  certificateStatus: true,
};

describe('isSigningAuthorization against SigningAuthorizationResultDto', () => {
  const bases = [{ allowed: true, certificate }, { allowed: true, certificate, signingSession: session }, refusal];
  const inputs: unknown[] = [...bases, null, [], 'x', 1, [bases[0]]];
  for (const base of bases)
    for (const key of [...Object.keys(SIGNING_RESULT_KEYS), 'extra'])
      for (const v of [...VALUES, certificate, session]) inputs.push(with_(base, key, v));
  for (const key of Object.keys(certificate))
    for (const v of VALUES) inputs.push({ allowed: true, certificate: with_(certificate, key, v) });
  for (const key of [...Object.keys(session), 'extra'])
    for (const v of VALUES) inputs.push({ allowed: true, certificate, signingSession: with_(session, key, v) });
  // The class also takes a list where it names one object (ValidateNested walks arrays): the direct check does not
  // (the reader then asks the class, as before).
  const nestedList = (raw: unknown) =>
    [(raw as { certificate?: unknown })?.certificate, (raw as { signingSession?: unknown })?.signingSession].some(
      Array.isArray,
    );

  it('accepts the registry answers as they are sent', () => {
    for (const b of bases) expect(isSigningAuthorization(b)).toBe(true);
    expect(isCertificateView(certificate)).toBe(true);
  });

  it('accepts exactly what the class accepts (but nested lists), and the same value', () => {
    let accepted = 0;
    let refused = 0;
    for (const raw of inputs) {
      const byClass = check(SigningAuthorizationResultDto, raw);
      const direct = isSigningAuthorization(raw);
      if (!nestedList(raw)) expect({ raw, direct }).toEqual({ raw, direct: byClass.ok });
      else if (direct) expect(byClass.ok).toBe(true);
      if (direct && byClass.ok) expect(raw).toEqual(byClass.value);
      if (direct) accepted++;
      else refused++;
    }
    expect(accepted).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(500);
  });

  it('the answer reader returns and throws exactly as the class reader', () => {
    const byClass = answerOf(SigningAuthorizationResultDto);
    const outcome = (read: () => unknown) => {
      try {
        return { value: read() };
      } catch (e) {
        expect(e).toBeInstanceOf(ProblemError);
        return { status: (e as ProblemError).status, error: (e as Error).message, log: (e as ProblemError).logDetail };
      }
    };
    for (const raw of inputs)
      expect(outcome(() => signingAuthorizationAnswer(raw, 'registry'))).toEqual(
        outcome(() => byClass(raw, 'registry')),
      );
  });
});

describe('readSignPdfFields against SignPdfFieldsDto', () => {
  const FIELDS: Record<keyof SignPdfFieldsDto, true> = {
    certificateId: true,
    actingOfficialId: true,
    pin: true,
    session: true,
    signingSession: true,
    reason: true,
    location: true,
    level: true,
    appearance: true,
    purpose: true,
    copyForm: true,
    docNumber: true,
    issuedDate: true,
    incomingNumber: true,
    capacity: true,
  };
  const lengths = [0, 1, 10, 11, 200, 201, 500, 501, 4000, 4001].map((n) => 'a'.repeat(n));
  const values = [...VALUES, ...lengths, '😀'.repeat(300), '\uFE0F'.repeat(3), ['a', 'b']];
  const minimal = { certificateId: 'c', actingOfficialId: 'o', pin: '1' };
  const full = Object.fromEntries(Object.keys(FIELDS).map((k) => [k, 'v']));
  const inputs: Record<string, unknown>[] = [minimal, full, {}];
  for (const base of [minimal, full])
    for (const key of [...Object.keys(FIELDS), 'extra']) for (const v of values) inputs.push(with_(base, key, v));

  const byClass = (given: Record<string, unknown>) => {
    try {
      return { value: parseInput(SignPdfFieldsDto, given) };
    } catch (e) {
      return { error: (e as Error).message };
    }
  };

  it('accepts exactly what the class accepts (but null, which it leaves to the class), as the class returns it', () => {
    let accepted = 0;
    for (const given of inputs) {
      const direct = readSignPdfFields(given);
      const expected = byClass(given);
      if (direct) {
        accepted++;
        expect({ given, value: direct }).toEqual({ given, value: expected.value });
        const defined = (o: object) => Object.keys(o).filter((k) => (o as Record<string, unknown>)[k] !== undefined);
        expect(defined(direct).sort()).toEqual(defined(expected.value!).sort());
      } else if (!Object.values(given).includes(null))
        expect({ given, refused: true }).toEqual({ given, refused: 'error' in expected });
    }
    expect(accepted).toBeGreaterThan(100);
  });
});

describe('readSigningAuthorizationRequest against SigningAuthorizationRequestDto', () => {
  const keys: (keyof SigningAuthorizationRequestDto)[] = [
    'certificateId',
    'actingOfficialId',
    'pin',
    'session',
    'signingSession',
  ];
  const values = [...VALUES, 'a'.repeat(256), 'a'.repeat(257), 1_000_000, 1_000_001, 2];
  const bases = [
    { certificateId: ID, actingOfficialId: ID, pin: '123456' },
    { certificateId: ID, actingOfficialId: ID, pin: '123456', session: 5 },
    { certificateId: ID, actingOfficialId: ID, signingSession: 'kss_x' },
  ];
  const inputs: unknown[] = [...bases, null, [], 'x', {}, [bases[0]]];
  for (const base of bases)
    for (const key of [...keys, 'extra']) for (const v of values) inputs.push(with_(base, key, v));
  const byClass = (raw: unknown) => {
    try {
      return { value: parseInput(SigningAuthorizationRequestDto, raw) };
    } catch (e) {
      return { error: (e as Error).message };
    }
  };

  it('accepts exactly what the class accepts (but null, and a PIN beside a session), as the class returns it', () => {
    let accepted = 0;
    for (const raw of inputs) {
      const direct = readSigningAuthorizationRequest(raw);
      const expected = byClass(raw);
      const leftToClass =
        Object.values(raw ?? {}).includes(null) ||
        ((raw as { signingSession?: unknown })?.signingSession !== undefined &&
          (raw as { pin?: unknown })?.pin !== undefined);
      if (direct) {
        accepted++;
        expect({ raw, value: direct }).toEqual({ raw, value: expected.value });
      } else if (!leftToClass) expect({ raw, refused: true }).toEqual({ raw, refused: 'error' in expected });
    }
    for (const b of bases) expect(readSigningAuthorizationRequest(b)).toEqual(b);
    expect(accepted).toBeGreaterThan(50);
  });
});

describe('readSignatureRecordBatch against SignatureRecordBatchDto', () => {
  const caller = { kind: 'system', id: 'sys-1', name: 'Một cửa' };
  const record = {
    id: ID,
    at: '2026-12-03T08:00:00.000Z',
    outcome: 'signed',
    caller,
    actingOfficialId: ID,
    certificateId: ID,
    documentSha256: 'a'.repeat(64),
  };
  const full = {
    ...record,
    outcome: 'refused',
    refusalCode: 'WRONG_PIN',
    refusalReason: 'r',
    certificateSerial: '5A',
    signedDocumentSha256: 'b'.repeat(64),
    level: 'B-B',
    purpose: '',
    timestampTime: '2026-12-03T08:00:01Z',
    signingSessionId: ID,
    requestId: 'req-1',
  };
  const lengths = [20, 21, 100, 101, 200, 201, 500, 501].map((n) => 'a'.repeat(n));
  const values = [
    ...VALUES,
    ...lengths,
    'f'.repeat(64),
    'F'.repeat(64),
    'f'.repeat(63),
    'refused',
    'system',
    'service',
  ];
  const batches: unknown[] = [
    { records: [] },
    { records: [record, full] },
    null,
    {},
    { records: {} },
    { records: [1] },
  ];
  batches.push({ records: Array(500).fill(record) }, { records: Array(501).fill(record) }, { records: [[record]] });
  for (const base of [record, full])
    for (const key of [...Object.keys(full), 'extra'])
      for (const v of values) batches.push({ records: [with_(base, key, v)] });
  for (const key of [...Object.keys(caller), 'extra'])
    for (const v of values) batches.push({ records: [record, with_(record, 'caller', with_(caller, key, v))] });
  batches.push({ records: [record], extra: 1 });
  const byClass = (raw: unknown) => {
    try {
      return { value: parseInput(SignatureRecordBatchDto, raw) };
    } catch (e) {
      return { error: (e as Error).message };
    }
  };
  // As above, the class takes a list where it names one object (a record, a caller), and a record
  // without its caller (ValidateNested alone skips undefined): the direct check leaves those to it.
  const nestedList = (raw: unknown) =>
    ((raw as { records?: unknown })?.records as unknown[] | undefined)?.some?.((r) => {
      const caller = (r as { caller?: unknown })?.caller;
      return Array.isArray(r) || Array.isArray(caller) || caller === undefined;
    }) === true;
  const hasNull = (v: unknown): boolean =>
    v === null || (typeof v === 'object' && Object.values(v as object).some(hasNull));

  it('accepts exactly what the class accepts (but null), as the class returns it, unknown properties left out', () => {
    let accepted = 0;
    for (const raw of batches) {
      const direct = readSignatureRecordBatch(raw);
      const expected = byClass(raw);
      if (direct) {
        accepted++;
        expect({ raw, value: direct }).toEqual({ raw, value: expected.value });
        expect(JSON.stringify(direct)).toBe(JSON.stringify(expected.value));
      } else if (!hasNull(raw) && !nestedList(raw))
        expect({ raw, refused: true }).toEqual({ raw, refused: 'error' in expected });
    }
    expect(readSignatureRecordBatch({ records: [{ ...full, caller: { ...caller, x: 1 } }], y: 2 })).toEqual({
      records: [full],
    });
    expect(accepted).toBeGreaterThan(50);
  });
});
