import { HttpStatus } from '@nestjs/common';
import { badRequest, conflict, ProblemError, unprocessable } from '@kyso/common';
import { Certificate } from '@kyso/pki';
import { randomBytes } from 'node:crypto';
import type { AuditActor, AuditLog } from '../audit/audit-log';
import { publicKeySha256 } from '../certificates/key-binding';
import type { PinHasher } from '../certificates/pin-hasher';
import { checkValidityLimits } from '../certificates/validity';
import type { CaAnswer } from '../ca-connector/ca-connector';
import { isUniqueViolation } from '../shared/pg-errors';
import type { PinLocksRepository } from '../signing-authorizations/pin-locks.repository';
import type { LifecycleRequest } from './request';
import { REVOCATION_CASES, RevocationCaseName } from './request-kinds';
import { requireNotSuspended } from './request-subject';
import type { LifecycleRecords } from './records-port';

/** Runs inside the request step's transaction: every write below commits or rolls back with it. */
export interface FulfilmentContext {
  records: LifecycleRecords;
  pinLocks: Pick<PinLocksRepository, 'lift'>;
  audit: AuditLog;
  pins: PinHasher;
  actor: AuditActor;
  requestId: string | null;
  now: Date;
  /** PIN for a newly issued certificate (issue), hashed at once, never stored in clear. */
  signingPin?: string;
}

/**
 * Applies the CA's answer to the registry: a certificate issued (the old one, on renewal or change,
 * is superseded), a revocation confirmed, a device recovered (its PIN lock lifted) or returned.
 * Returns the request's `result`.
 */
export async function applyAnswer(
  ctx: FulfilmentContext,
  r: LifecycleRequest,
  answer: CaAnswer,
): Promise<Record<string, unknown>> {
  const { records, audit, actor, requestId, now } = ctx;
  const log = (action: string, entityType: string, entityId: string, before?: unknown, after?: unknown) =>
    audit.append({ actor, action, entityType, entityId, before, after, requestId });
  // Status changes and device moves are audited (once) by the records services the port calls.
  const acting = { actor, requestId };
  const note = `Yêu cầu ${r.type} ${r.id}`;

  if (answer.kind === 'revocation') {
    if (r.type !== 'revoke' || !r.certificateId)
      throw badRequest('ANSWER_NOT_FOR_REQUEST', 'A revocation answers a revoke request only');
    const reason = r.crlReason ?? 'unspecified';
    // Already recorded as revoked (an operator acted first): the CA's confirmation completes the
    // request and the first record, reason and date stand; revoking twice would fail the request forever.
    const current = await records.certificate(r.certificateId, true);
    if (current?.status !== 'revoked')
      await records.setCertificateStatus(r.certificateId, 'revoked', acting, { reason, at: answer.revokedAt });
    if (r.deviceId && r.reason === 'device-lost') await records.moveDevice(r.deviceId, 'lost', acting, note);
    return {
      revokedAt: answer.revokedAt.toISOString(),
      crlReason: reason,
      caseVi: REVOCATION_CASES[r.reason as RevocationCaseName]?.vi ?? null,
    };
  }

  if (answer.kind === 'done') {
    if (r.type === 'recover-device' && r.certificateId) {
      await ctx.pinLocks.lift(r.certificateId);
      await log('certificate.pin_unlocked', 'certificate', r.certificateId, undefined, { lifecycleRequestId: r.id });
      if (r.deviceId) await records.moveDevice(r.deviceId, 'issued', acting, note);
    } else if (r.type === 'return-device' && r.deviceId) {
      await records.moveDevice(r.deviceId, 'returned', acting, note);
    } else {
      throw badRequest('ANSWER_NOT_FOR_REQUEST', `A ${r.type} request needs the CA's certificate or revocation`);
    }
    return {};
  }

  // A certificate: issue, renew, change, reissue.
  const old = r.certificateId ? await records.certificate(r.certificateId, true) : undefined;
  if (old && (r.type === 'renew' || r.type === 'change')) requireNotSuspended(old);
  if (
    old &&
    r.type === 'reissue' &&
    publicKeySha256(answer.certificate) === publicKeySha256(Certificate.fromDer(old.certificateDer))
  )
    throw new ProblemError(
      HttpStatus.UNPROCESSABLE_ENTITY,
      'REISSUE_NEEDS_NEW_KEY',
      'Unprocessable content',
      'A re-issued certificate must certify a new key pair, not the key of the certificate it replaces',
      { messageVi: 'Chứng thư số cấp lại phải gắn với cặp khóa mới, không dùng lại khóa của chứng thư số cũ.' },
    );
  // Decree 68's limits apply to what the CA answers too: new at most 5 years, a renewal at most +3.
  const validity = checkValidityLimits(answer.certificate, r.type === 'renew' ? old : undefined);
  if (validity) throw unprocessable(validity.code, validity.message);
  const subjectType = (r.type === 'issue' ? r.details.subjectType : old?.subjectType) as
    'person' | 'organization' | 'device';
  const keyUri =
    answer.keyUri ??
    (typeof r.details.keyUri === 'string' ? r.details.keyUri : undefined) ??
    (r.type !== 'reissue' ? old?.keyUri : undefined);
  if (!keyUri)
    throw badRequest('MISSING_FIELD', 'keyUri: where the key is (PKCS#11 URI), in details or the answer', {
      errors: [{ field: 'keyUri', problem: 'missing' }],
    });
  let signingPinHash = ctx.signingPin ? await ctx.pins.hash(ctx.signingPin) : old?.signingPinHash;
  if (!signingPinHash && subjectType === 'device')
    signingPinHash = await ctx.pins.hash(randomBytes(12).toString('base64url'));
  if (!signingPinHash)
    throw badRequest('MISSING_FIELD', 'signingPin: the PIN of the new certificate', {
      errors: [{ field: 'signingPin', problem: 'missing' }],
    });
  const organizationId =
    typeof r.details.newOrganizationId === 'string' ? r.details.newOrganizationId : r.organizationId;
  let id: string;
  try {
    id = await records.insertCertificate({
      certificate: answer.certificate,
      chain: answer.chain,
      subjectType,
      holderOfficialId: subjectType === 'person' ? r.officialId : null,
      organizationId,
      deviceId: r.deviceId,
      keyUri,
      signingPinHash,
      renewalOfId: r.type === 'renew' && old ? old.id : null,
    });
  } catch (e) {
    if (isUniqueViolation(e))
      throw conflict('CERTIFICATE_EXISTS', `Certificate ${answer.certificate.sha256Hex} is already registered`);
    throw e;
  }
  // What it renews (renewalOfId) or replaces (change, re-issue) is kept with the certificate's issue.
  const predecessor = old ? { [r.type === 'renew' ? 'renews' : 'replaces']: old.id } : {};
  await log('certificate.issued', 'certificate', id, undefined, {
    serialNumber: answer.certificate.serialNumberHex,
    subject: answer.certificate.subject.toString(),
    lifecycleRequestId: r.id,
    ...predecessor,
  });
  if (old && (r.type === 'renew' || r.type === 'change') && old.status !== 'revoked') {
    await records.setCertificateStatus(old.id, 'revoked', acting, { reason: 'superseded', at: now });
  }
  return { certificateId: id, serialNumber: answer.certificate.serialNumberHex, ...predecessor };
}
