import { HttpStatus } from '@nestjs/common';
import { badRequest, conflict, notFound, ProblemError, unprocessable } from '@kyso/common';
import { Certificate } from '@kyso/pki';
import { effectiveStatus } from '../certificates/certificate';
import type { SubjectFacts } from '../ca-connector/ca-connector';
import type { RequestType } from './request';
import { CHANGE_CASES, isChangeCase, isRevocationCase, REVOCATION_CASES } from './request-kinds';
import type { CertificateFacts, LifecycleRecords } from './records-port';
import type { RequestsRepository } from './requests.repository';

/** The registry facts a request's subject is resolved from. */
export type SubjectLookup = Pick<RequestsRepository, 'deviceOwner' | 'officialFacts' | 'organizationFacts'>;

export interface CreateRequestInput {
  type: RequestType;
  certificateId?: string;
  officialId?: string;
  organizationId?: string;
  deviceId?: string;
  reason?: string;
  details?: Record<string, unknown>;
}

/** The request's subject, resolved from the registry's records (never trusted from the body). */
export interface ResolvedSubject {
  certificateId: string | null;
  officialId: string | null;
  deviceId: string | null;
  organizationId: string;
  reason: string | null;
  crlReason: string | null;
  details: Record<string, unknown>;
}

const missing = (field: string, why: string) =>
  badRequest('MISSING_FIELD', `${field}: ${why}`, { errors: [{ field, problem: 'missing' }] });
const invalid = (field: string, why: string) =>
  badRequest('INVALID_FIELD', `${field}: ${why}`, { errors: [{ field, problem: 'invalid' }] });

/** PINs are never stored: a details object carrying one is refused rather than silently kept. */
const SECRET_KEY = /pin|password|secret/i;

export function checkDetails(details: Record<string, unknown>): void {
  for (const k of Object.keys(details))
    if (SECRET_KEY.test(k)) throw invalid(`details.${k}`, 'secrets (PINs, passwords) are never stored in a request');
  if (details.publicKeySpki !== undefined) {
    const v = details.publicKeySpki;
    if (typeof v !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(v) || Buffer.from(v, 'base64').length < 32) {
      throw invalid('details.publicKeySpki', 'base64 DER SubjectPublicKeyInfo expected');
    }
  }
}

/**
 * A suspended certificate is never renewed or changed: suspension follows a suspected key
 * compromise or a lost token, and a renewal or change would certify that key again. It is
 * revoked, then re-issued over a new key (Art 17, 21). Checked on creation and again at fulfilment.
 */
export function requireNotSuspended(c: Pick<CertificateFacts, 'id' | 'status'>): void {
  if (c.status === 'suspended')
    throw new ProblemError(
      HttpStatus.CONFLICT,
      'CERTIFICATE_SUSPENDED',
      'Conflict',
      `Certificate ${c.id} is suspended: its key may be compromised, so it is never renewed or changed; revoke it and request a re-issue with a new key`,
      {
        messageVi:
          'Chứng thư số đang bị tạm dừng (nghi lộ khóa bí mật hoặc mất thiết bị) nên không được gia hạn hoặc thay đổi nội dung; đề nghị thu hồi và cấp lại với cặp khóa mới.',
      },
    );
}

/** Checks the input against the request type and the records, and finds the subject's organisation. */
export async function resolveSubject(
  lookup: SubjectLookup,
  records: LifecycleRecords,
  input: CreateRequestInput,
  now: Date,
): Promise<ResolvedSubject> {
  const details = input.details ?? {};
  checkDetails(details);
  const certificate = async (): Promise<CertificateFacts> => {
    if (!input.certificateId) throw missing('certificateId', `required for a ${input.type} request`);
    const c = await records.certificate(input.certificateId);
    if (!c) throw notFound('CERTIFICATE_NOT_FOUND', `No certificate ${input.certificateId}`);
    return c;
  };
  const fromCertificate = (c: CertificateFacts, extra: Partial<ResolvedSubject> = {}): ResolvedSubject => ({
    certificateId: c.id,
    officialId: c.holderOfficialId,
    deviceId: input.deviceId ?? c.deviceId,
    organizationId: c.organizationId,
    reason: input.reason ?? null,
    crlReason: null,
    details,
    ...extra,
  });

  switch (input.type) {
    case 'revoke': {
      const c = await certificate();
      if (!input.reason) throw missing('reason', `the Art 17 case: one of ${Object.keys(REVOCATION_CASES).join(', ')}`);
      if (!isRevocationCase(input.reason))
        throw invalid('reason', `not an Art 17 case; one of ${Object.keys(REVOCATION_CASES).join(', ')}`);
      const kase = REVOCATION_CASES[input.reason];
      if (!(kase.subjects as readonly string[]).includes(c.subjectType))
        throw unprocessable(
          'REASON_NOT_APPLICABLE',
          `"${input.reason}" does not apply to a ${c.subjectType} certificate`,
        );
      if (c.status === 'revoked')
        throw conflict('CERTIFICATE_ALREADY_REVOKED', `Certificate ${c.id} is already revoked`);
      return fromCertificate(c, { crlReason: kase.crlReason });
    }
    case 'change': {
      const c = await certificate();
      if (!input.reason) throw missing('reason', `the Art 15 case: one of ${Object.keys(CHANGE_CASES).join(', ')}`);
      if (!isChangeCase(input.reason))
        throw invalid('reason', `not an Art 15 case; one of ${Object.keys(CHANGE_CASES).join(', ')}`);
      if (!(CHANGE_CASES[input.reason].subjects as readonly string[]).includes(c.subjectType)) {
        throw unprocessable(
          'REASON_NOT_APPLICABLE',
          `"${input.reason}" does not apply to a ${c.subjectType} certificate`,
        );
      }
      if (c.status === 'revoked')
        throw conflict('CERTIFICATE_ALREADY_REVOKED', `Certificate ${c.id} is revoked: request a re-issue`);
      requireNotSuspended(c);
      return fromCertificate(c);
    }
    case 'renew': {
      const c = await certificate();
      requireNotSuspended(c);
      if (effectiveStatus({ status: c.status as 'active', notAfter: c.notAfter }, now) !== 'active')
        throw conflict('CERTIFICATE_NOT_RENEWABLE', `Certificate ${c.id} is ${c.status}: request a re-issue`);
      return fromCertificate(c);
    }
    case 'reissue': {
      const c = await certificate();
      const st = effectiveStatus({ status: c.status as 'active', notAfter: c.notAfter }, now);
      if (st !== 'revoked' && st !== 'expired')
        throw conflict('CERTIFICATE_STILL_VALID', 'Re-issue follows expiry or revocation (Art 21)');
      return fromCertificate(c);
    }
    case 'recover-device': {
      const c = await certificate();
      return fromCertificate(c);
    }
    case 'return-device': {
      if (!input.deviceId) throw missing('deviceId', 'required for a return-device request');
      const d = await lookup.deviceOwner(input.deviceId);
      if (!d) throw notFound('DEVICE_NOT_FOUND', `No device ${input.deviceId}`);
      return {
        certificateId: input.certificateId ?? null,
        officialId: d.holderOfficialId,
        deviceId: input.deviceId,
        organizationId: d.organizationId,
        reason: input.reason ?? null,
        crlReason: null,
        details,
      };
    }
    case 'issue':
      return resolveIssue(lookup, input, details);
  }
}

/** Forms 01 (person), 02 (organisation), 03 (device/service/software). */
async function resolveIssue(
  lookup: SubjectLookup,
  input: CreateRequestInput,
  details: Record<string, unknown>,
): Promise<ResolvedSubject> {
  const subjectType = details.subjectType;
  if (subjectType === undefined)
    throw missing('details.subjectType', 'person (form 01), organization (form 02) or device (form 03)');
  if (subjectType !== 'person' && subjectType !== 'organization' && subjectType !== 'device')
    throw invalid('details.subjectType', 'person, organization or device');
  const base = {
    certificateId: null,
    deviceId: input.deviceId ?? null,
    reason: input.reason ?? null,
    crlReason: null,
    details,
  };
  if (subjectType === 'person') {
    if (!input.officialId) throw missing('officialId', 'form 01 names the official');
    const o = await lookup.officialFacts(input.officialId);
    if (!o) throw notFound('OFFICIAL_NOT_FOUND', `No official ${input.officialId}`);
    return { ...base, officialId: input.officialId, organizationId: o.organizationId };
  }
  if (!input.organizationId)
    throw missing('organizationId', `form ${subjectType === 'organization' ? '02' : '03'} names the organisation`);
  const org = await lookup.organizationFacts(input.organizationId);
  if (!org) throw notFound('ORGANIZATION_NOT_FOUND', `No organisation ${input.organizationId}`);
  if (subjectType === 'device' && typeof details.deviceName !== 'string')
    throw missing('details.deviceName', 'form 03 names the device, service or software');
  return { ...base, officialId: null, organizationId: input.organizationId };
}

/** What the CA needs to know of the subject, read when the request is sent. */
export async function subjectFacts(
  lookup: SubjectLookup,
  records: LifecycleRecords,
  r: {
    type: RequestType;
    certificateId: string | null;
    officialId: string | null;
    organizationId: string;
    details: Record<string, unknown>;
  },
): Promise<SubjectFacts> {
  const old = r.certificateId ? await records.certificate(r.certificateId) : undefined;
  const subjectType = (r.type === 'issue' ? r.details.subjectType : old?.subjectType) as SubjectFacts['subjectType'];
  const orgId = typeof r.details.newOrganizationId === 'string' ? r.details.newOrganizationId : r.organizationId;
  const org = await lookup.organizationFacts(orgId);
  const official = r.officialId ? await lookup.officialFacts(r.officialId) : undefined;
  const given =
    typeof r.details.publicKeySpki === 'string'
      ? new Uint8Array(Buffer.from(r.details.publicKeySpki, 'base64'))
      : undefined;
  // Renewal and change keep the key; re-issue follows the issue procedure and needs a new one (Art 21).
  const kept = r.type === 'renew' || r.type === 'change' ? publicKeyOf(old) : undefined;
  return {
    subjectType,
    organization: { name: org?.name ?? '', parentName: org?.parentName ?? null, address: org?.address ?? null },
    official:
      subjectType === 'device'
        ? { fullName: String(r.details.deviceName ?? ''), email: '', title: '' }
        : official && { fullName: official.fullName, email: official.email, title: official.title },
    publicKeySpki: given ?? kept,
  };
}

function publicKeyOf(c: CertificateFacts | undefined): Uint8Array | undefined {
  return c && Certificate.fromDer(c.certificateDer).publicKeySpki;
}
