import { Injectable } from '@nestjs/common';
import type { Certificate } from '@kyso/pki';
import type { EntityManager } from 'typeorm';
import { publicKeySha256, requireIssuerChain, requireKeyOfSubject } from '../certificates/key-binding';
import { CertificateEntity } from '../certificates/certificate.entity';
import { KeyDeviceEntity } from '../devices/key-device.entity';
import type { Party } from '../devices/key-device';
import { DeviceMove, KeyDevicesService } from '../devices/key-devices.service';
import type { Acting } from '../audit/actor';
import type { RevocationReason } from '../certificates/certificate';
import { CertificatesService } from '../certificates/certificates.service';

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

/** A device move the lifecycle makes when a request is fulfilled. */
export type LifecycleDeviceState = 'returned' | 'locked' | 'issued' | 'lost';

/**
 * Port for the lifecycle's writes to certificates and devices (the records half), always inside
 * the caller's transaction. Status changes and device moves go through the records services, so
 * each is audited once there and a device move leaves its hand-over record.
 */
export abstract class LifecycleRecords {
  abstract certificate(m: EntityManager, id: string, lock?: boolean): Promise<CertificateFacts | undefined>;
  abstract setCertificateStatus(
    m: EntityManager,
    id: string,
    status: 'active' | 'suspended' | 'revoked',
    acting: Acting,
    revocation?: { reason: string; at: Date },
  ): Promise<void>;
  abstract insertCertificate(m: EntityManager, c: NewIssuedCertificate): Promise<string>;
  /** Moves the device unless it is already in `state`; `note` names the lifecycle request. */
  abstract moveDevice(
    m: EntityManager,
    id: string,
    state: LifecycleDeviceState,
    acting: Acting,
    note: string,
  ): Promise<void>;
}

@Injectable()
export class TypeOrmLifecycleRecords extends LifecycleRecords {
  constructor(
    private readonly certificates: CertificatesService,
    private readonly devices: KeyDevicesService,
  ) {
    super();
  }

  async certificate(m: EntityManager, id: string, lock = false): Promise<CertificateFacts | undefined> {
    const e = await m
      .getRepository(CertificateEntity)
      .findOne({ where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
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

  async setCertificateStatus(
    m: EntityManager,
    id: string,
    status: 'active' | 'suspended' | 'revoked',
    acting: Acting,
    revocation?: { reason: string; at: Date },
  ): Promise<void> {
    if (status === 'revoked')
      await this.certificates.revoke(
        id,
        { reason: (revocation?.reason ?? 'unspecified') as RevocationReason, at: revocation?.at },
        acting,
        m,
      );
    else if (status === 'suspended') await this.certificates.suspend(id, acting, m);
    else await this.certificates.reinstate(id, acting, m);
  }

  async insertCertificate(m: EntityManager, c: NewIssuedCertificate): Promise<string> {
    requireIssuerChain(c.certificate, c.chain);
    const keySha256 = publicKeySha256(c.certificate);
    await requireKeyOfSubject(m, keySha256, c);
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
        publicKeySha256: keySha256,
        signingPinHash: c.signingPinHash,
      }),
    );
    return saved.id;
  }

  async moveDevice(
    m: EntityManager,
    id: string,
    state: LifecycleDeviceState,
    acting: Acting,
    note: string,
  ): Promise<void> {
    const device = await m.getRepository(KeyDeviceEntity).findOneBy({ id });
    if (!device || device.state === state) return;
    // The holder hands the token back (or reports it lost) to whoever records the step; a recovered token stays with its holder.
    const holder: Partial<Party> = device.holderOfficialId
      ? { officialId: device.holderOfficialId }
      : { name: 'không rõ người giữ (unknown holder)' };
    const recorder: Partial<Party> = { name: acting.actor.name };
    const move: DeviceMove =
      state === 'issued'
        ? { toState: 'issued', holderOfficialId: device.holderOfficialId, handedBy: recorder, receivedBy: holder, note }
        : { toState: state, handedBy: holder, receivedBy: recorder, note };
    if (state === 'issued' && !device.holderOfficialId) return;
    await this.devices.move(id, move, acting, m);
  }
}
