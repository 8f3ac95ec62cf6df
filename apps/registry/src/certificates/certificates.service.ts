import { Injectable } from '@nestjs/common';
import { badRequest, conflict, notFound, unprocessable } from '@kyso/common';
import { KeyDevicesService } from '../devices/key-devices.service';
import { OfficialsService } from '../officials/officials.service';
import { OrganizationsService } from '../organizations/organizations.service';
import { Clock } from '../shared/clock';
import { parseCertificatePem } from '../shared/pem';
import type { Page } from '../shared/list-query.dto';
import { isForeignKeyViolation, isUniqueViolation } from '../shared/pg-errors';
import { CertificateRecord, CertificateView, SubjectType, toCertificateView } from './certificate';
import { CERTIFICATE_SHA256_KEY, CertificateFilter, CertificatesRepository } from './certificates.repository';
import { PinHasher } from './pin-hasher';

export interface RegisterCertificate {
  certificatePem: string;
  chainPem: string[];
  subjectType: SubjectType;
  holderOfficialId: string | null;
  organizationId: string;
  deviceId: string | null;
  keyUri: string;
  signingPin: string;
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
  ) {}

  async register(input: RegisterCertificate): Promise<CertificateView> {
    const cert = parseCertificatePem(input.certificatePem, 'certificatePem');
    const chain = input.chainPem.map((pem, i) => parseCertificatePem(pem, `chainPem[${i}]`));
    if (input.subjectType === 'person' && !input.holderOfficialId) {
      throw badRequest('MISSING_FIELD', 'holderOfficialId is required for a person certificate', { errors: [{ field: 'holderOfficialId', problem: 'missing' }] });
    }
    await this.organizations.requireReferenced(input.organizationId);
    if (input.holderOfficialId) {
      const holder = await this.officials.requireReferenced(input.holderOfficialId);
      if (input.subjectType === 'person' && holder.organizationId !== input.organizationId) {
        throw unprocessable('HOLDER_NOT_IN_ORGANIZATION', 'The holder of a person certificate must be an official of organizationId');
      }
    }
    if (input.deviceId) await this.devices.requireReferenced(input.deviceId);
    const signingPinHash = await this.pins.hash(input.signingPin);
    try {
      const saved = await this.certificates.insert({
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
        chainDer: chain.map((c) => c.der),
        sha256: cert.sha256Hex,
        signingPinHash,
      });
      return toCertificateView(saved, this.clock.now());
    } catch (e) {
      if (isUniqueViolation(e, CERTIFICATE_SHA256_KEY)) throw conflict('CERTIFICATE_EXISTS', `Certificate ${cert.sha256Hex} is already registered`);
      if (isForeignKeyViolation(e)) throw unprocessable('REFERENCE_NOT_FOUND', 'An organisation, official or device was removed concurrently');
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
}
