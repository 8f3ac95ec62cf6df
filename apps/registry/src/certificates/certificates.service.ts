import { Injectable } from '@nestjs/common';
import { badRequest, conflict, notFound, unprocessable } from '@kyso/common';
import type { Acting } from '../audit/actor';
import { AuditLog } from '../audit/audit-log';
import { auditRefusals } from '../audit/refusals';
import type { Certificate } from '@kyso/pki';
import { KeyDevicesService } from '../devices/key-devices.service';
import { OfficialsService } from '../officials/officials.service';
import { OrganizationsService } from '../organizations/organizations.service';
import { Clock } from '@kyso/common';
import type { Page } from '../shared/list-query.dto';
import { parseCertificateInput } from '../shared/pem';
import { isForeignKeyViolation, isUniqueViolation } from '../shared/pg-errors';
import { Transactions } from '../shared/transactions';
import {
  CertificateRecord,
  certificateSnapshot,
  CertificateStatus,
  CertificateView,
  effectiveStatus,
  RevocationReason,
  SubjectType,
  toCertificateView,
} from './certificate';
import { CERTIFICATE_SHA256_KEY, CertificateFilter, CertificatesRepository } from './certificates.repository';
import { publicKeySha256, requireIssuerChain, requireKeyOfSubject } from './key-binding';
import { CertificateTrust } from './certificate-trust.service';
import { PinHasher } from './pin-hasher';
import { checkValidityLimits } from './validity';

const SERVICE: Acting = { actor: { kind: 'service', id: 'registry', name: 'registry' }, requestId: null };

export interface RegisterCertificate {
  /** PEM text, or the certificate's DER (or PEM) bytes. */
  certificate: string | Uint8Array;
  chainPem: string[];
  subjectType: SubjectType;
  holderOfficialId: string | null;
  organizationId: string;
  deviceId: string | null;
  keyUri: string;
  signingPin: string;
  renewalOfId?: string | null;
}

@Injectable()
export class CertificatesService {
  constructor(
    private readonly certificates: CertificatesRepository,
    private readonly organizations: OrganizationsService,
    private readonly officials: OfficialsService,
    private readonly devices: KeyDevicesService,
    private readonly pins: PinHasher,
    private readonly clock: Clock,
    private readonly tx: Transactions,
    private readonly audit: AuditLog,
    private readonly trust: CertificateTrust,
  ) {}

  /** Registers an issued certificate; a refusal past parsing (not trusted, key of another subject...) is audited. */
  async register(input: RegisterCertificate, acting: Acting = SERVICE): Promise<CertificateView> {
    const field = typeof input.certificate === 'string' ? 'certificatePem' : 'certificate';
    const cert = parseCertificateInput(input.certificate, field);
    const chain = input.chainPem.map((pem, i) => parseCertificateInput(pem, `chainPem[${i}]`));
    const refused = {
      action: 'certificate.registration_refused',
      entityType: 'certificate',
      entityId: null,
      attempt: {
        sha256: cert.sha256Hex,
        serialNumber: cert.serialNumberHex,
        subject: cert.subject.toString(),
        issuer: cert.issuer.toString(),
        subjectType: input.subjectType,
        organizationId: input.organizationId,
        holderOfficialId: input.holderOfficialId,
        deviceId: input.deviceId,
      },
    };
    return auditRefusals(this.audit, acting, refused, () => this.registerParsed(input, cert, chain, acting));
  }

  private async registerParsed(
    input: RegisterCertificate,
    cert: Certificate,
    chain: Certificate[],
    acting: Acting,
  ): Promise<CertificateView> {
    if (input.subjectType === 'person' && !input.holderOfficialId) {
      throw badRequest('MISSING_FIELD', 'holderOfficialId is required for a person certificate', {
        errors: [{ field: 'holderOfficialId', problem: 'missing' }],
      });
    }
    await this.organizations.requireReferenced(input.organizationId);
    if (input.holderOfficialId) {
      const holder = await this.officials.requireReferenced(input.holderOfficialId);
      if (input.subjectType === 'person' && holder.organizationId !== input.organizationId) {
        throw unprocessable(
          'HOLDER_NOT_IN_ORGANIZATION',
          'The holder of a person certificate must be an official of organizationId',
        );
      }
    }
    if (input.deviceId) await this.devices.requireReferenced(input.deviceId);
    let renewalOf: CertificateRecord | undefined;
    if (input.renewalOfId) {
      renewalOf = await this.certificates.findById(input.renewalOfId);
      if (!renewalOf)
        throw unprocessable('CERTIFICATE_NOT_FOUND', `renewalOfId ${input.renewalOfId} names no certificate`);
      if (renewalOf.subjectType !== input.subjectType || renewalOf.holderOfficialId !== input.holderOfficialId) {
        throw unprocessable(
          'RENEWAL_MISMATCH',
          'A renewal keeps the subject type and holder of the certificate it renews',
        );
      }
    }
    requireIssuerChain(cert, chain);
    await this.trust.require(cert, chain, input.subjectType);
    const keySha256 = publicKeySha256(cert);
    const validity = checkValidityLimits(cert, renewalOf);
    if (validity) throw unprocessable(validity.code, validity.message);
    const signingPinHash = await this.pins.hash(input.signingPin);
    try {
      const saved = await this.tx.run(async () => {
        requireKeyOfSubject(await this.certificates.lockKeyHolders(keySha256), input);
        const c = await this.certificates.insert({
          serialNumber: cert.serialNumberHex,
          issuer: cert.issuer.toString(),
          subject: cert.subject.toString(),
          subjectType: input.subjectType,
          notBefore: cert.notBefore,
          notAfter: cert.notAfter,
          holderOfficialId: input.holderOfficialId,
          organizationId: input.organizationId,
          deviceId: input.deviceId,
          keyUri: input.keyUri,
          certificateDer: cert.der,
          chainDer: chain.map((x) => x.der),
          sha256: cert.sha256Hex,
          publicKeySha256: keySha256,
          signingPinHash,
          renewalOfId: input.renewalOfId ?? null,
        });
        await this.audit.append({
          ...acting,
          action: 'certificate.registered',
          entityType: 'certificate',
          entityId: c.id,
          after: certificateSnapshot(c),
        });
        return c;
      });
      return toCertificateView(saved, this.clock.now());
    } catch (e) {
      if (isUniqueViolation(e, CERTIFICATE_SHA256_KEY))
        throw conflict('CERTIFICATE_EXISTS', `Certificate ${cert.sha256Hex} is already registered`);
      if (isForeignKeyViolation(e))
        throw unprocessable('REFERENCE_NOT_FOUND', 'An organisation, official or device was removed concurrently');
      throw e;
    }
  }

  async get(id: string): Promise<CertificateView> {
    const record = await this.certificates.findById(id);
    if (!record) throw notFound('CERTIFICATE_NOT_FOUND', `No certificate ${id}`);
    return toCertificateView(record, this.clock.now());
  }

  async list(q: Page & CertificateFilter): Promise<CertificateView[]> {
    const now = this.clock.now();
    return (await this.certificates.list(q)).map((c) => toCertificateView(c, now));
  }

  /** The stored record with its PIN hash, for decisions inside the registry only. */
  find(id: string): Promise<CertificateRecord | undefined> {
    return this.certificates.findById(id);
  }

  /** Temporarily stops use (tạm dừng); only an active, unexpired certificate. */
  suspend(id: string, acting: Acting = SERVICE): Promise<CertificateView> {
    return this.setStatus(
      id,
      'suspended',
      acting,
      (c, now) => this.requireStatus(c, now, ['active'], 'suspended'),
      () => ({ revocationReason: null, revokedAt: null }),
    );
  }

  /** Lifts a suspension. */
  reinstate(id: string, acting: Acting = SERVICE): Promise<CertificateView> {
    return this.setStatus(
      id,
      'active',
      acting,
      (c, now) => this.requireStatus(c, now, ['suspended'], 'reinstated'),
      () => ({ revocationReason: null, revokedAt: null }),
    );
  }

  /** Revokes (thu hồi) with an RFC 5280 reason and date; final. */
  revoke(
    id: string,
    revocation: { reason: RevocationReason; at?: Date },
    acting: Acting = SERVICE,
  ): Promise<CertificateView> {
    return this.setStatus(
      id,
      'revoked',
      acting,
      (c) => {
        if (c.status === 'revoked') throw conflict('CERTIFICATE_ALREADY_REVOKED', 'The certificate is already revoked');
      },
      (now) => ({ revocationReason: revocation.reason, revokedAt: revocation.at ?? now }),
    );
  }

  private requireStatus(c: CertificateRecord, now: Date, from: CertificateStatus[], verb: string): void {
    const status = effectiveStatus(c, now);
    if (!from.includes(status))
      throw conflict('ILLEGAL_STATUS_CHANGE', `A certificate that is ${status} cannot be ${verb}`);
  }

  private async setStatus(
    id: string,
    status: CertificateStatus,
    acting: Acting,
    check: (c: CertificateRecord, now: Date) => void,
    revocation: (now: Date) => { revocationReason: string | null; revokedAt: Date | null },
  ): Promise<CertificateView> {
    const now = this.clock.now();
    const saved = await this.tx.run(async () => {
      const before = await this.certificates.lock(id);
      if (!before) throw notFound('CERTIFICATE_NOT_FOUND', `No certificate ${id}`);
      check(before, now);
      const after = await this.certificates.setStatus(id, { status, ...revocation(now) });
      await this.audit.append({
        ...acting,
        action: `certificate.${status === 'active' ? 'reinstated' : status}`,
        entityType: 'certificate',
        entityId: id,
        before: certificateSnapshot(before),
        after: certificateSnapshot(after),
      });
      return after;
    });
    return toCertificateView(saved, now);
  }
}
