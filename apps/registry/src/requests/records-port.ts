import { Injectable } from '@nestjs/common';
import type { Certificate } from '@kyso/pki';
import type { EntityManager } from 'typeorm';
import { CertificateEntity } from '../certificates/certificate.entity';
import { KeyDeviceEntity } from '../devices/key-device.entity';

/** The few certificate fields the lifecycle reads. */
export interface CertificateFacts {
  id: string;
  subjectType: 'person' | 'organization' | 'device';
  status: string;
  holderOfficialId: string | null;
  organizationId: string;
  deviceId: string | null;
  keyUri: string;
  signingPinHash: string;
  certificateDer: Uint8Array;
  notAfter: Date;
}

export interface NewIssuedCertificate {
  certificate: Certificate;
  chain: Certificate[];
  subjectType: 'person' | 'organization' | 'device';
  holderOfficialId: string | null;
  organizationId: string;
  deviceId: string | null;
  keyUri: string;
  signingPinHash: string;
}

/**
 * Port for the lifecycle's writes to certificates and devices (tables of the records half): status
 * changes and certificates the CA issued, always inside the caller's transaction.
 */
export abstract class LifecycleRecords {
  abstract certificate(m: EntityManager, id: string, lock?: boolean): Promise<CertificateFacts | undefined>;
  abstract setCertificateStatus(m: EntityManager, id: string, status: 'active' | 'suspended' | 'revoked', revocation?: { reason: string; at: Date }): Promise<void>;
  abstract insertCertificate(m: EntityManager, c: NewIssuedCertificate): Promise<string>;
  abstract setDeviceState(m: EntityManager, id: string, state: 'returned' | 'locked' | 'issued' | 'lost'): Promise<void>;
}

@Injectable()
export class TypeOrmLifecycleRecords extends LifecycleRecords {
  async certificate(m: EntityManager, id: string, lock = false): Promise<CertificateFacts | undefined> {
    const e = await m.getRepository(CertificateEntity).findOne({ where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    if (!e) return undefined;
    return {
      id: e.id,
      subjectType: e.subjectType as CertificateFacts['subjectType'],
      status: e.status,
      holderOfficialId: e.holderOfficialId,
      organizationId: e.organizationId,
      deviceId: e.deviceId,
      keyUri: e.keyUri,
      signingPinHash: e.signingPinHash,
      certificateDer: new Uint8Array(e.certificateDer),
      notAfter: e.notAfter,
    };
  }

  async setCertificateStatus(m: EntityManager, id: string, status: 'active' | 'suspended' | 'revoked', revocation?: { reason: string; at: Date }): Promise<void> {
    await m.getRepository(CertificateEntity).update({ id }, { status, revocationReason: revocation?.reason ?? null, revokedAt: revocation?.at ?? null });
  }

  async insertCertificate(m: EntityManager, c: NewIssuedCertificate): Promise<string> {
    const repo = m.getRepository(CertificateEntity);
    const saved = await repo.save(
      repo.create({
        serialNumber: c.certificate.serialNumberHex,
        issuer: c.certificate.issuer.toString(),
        subject: c.certificate.subject.toString(),
        subjectType: c.subjectType,
        notBefore: c.certificate.notBefore,
        notAfter: c.certificate.notAfter,
        status: 'active',
        holderOfficialId: c.holderOfficialId,
        organizationId: c.organizationId,
        deviceId: c.deviceId,
        keyUri: c.keyUri,
        certificateDer: Buffer.from(c.certificate.der),
        chainDer: c.chain.map((x) => Buffer.from(x.der)),
        sha256: c.certificate.sha256Hex,
        signingPinHash: c.signingPinHash,
      }),
    );
    return saved.id;
  }

  async setDeviceState(m: EntityManager, id: string, state: 'returned' | 'locked' | 'issued' | 'lost'): Promise<void> {
    // A returned device has no holder any more; the hand-over record is the records half's.
    await m.getRepository(KeyDeviceEntity).update({ id }, state === 'returned' ? { state, holderOfficialId: null } : { state });
  }
}
