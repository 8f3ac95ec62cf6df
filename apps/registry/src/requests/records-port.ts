import { Injectable } from '@nestjs/common';
import type { Certificate } from '@kyso/pki';
import { publicKeySha256, requireIssuerChain, requireKeyOfSubject } from '../certificates/key-binding';
import { CertificatesRepository } from '../certificates/certificates.repository';
import { KeyDevicesRepository } from '../devices/key-devices.repository';
import type { Party } from '../devices/key-device';
import { DeviceMove, KeyDevicesService } from '../devices/key-devices.service';
import type { Acting } from '../audit/actor';
import type { RevocationReason } from '../certificates/certificate';
import { CertificatesService } from '../certificates/certificates.service';
import { CertificateTrust } from '../certificates/certificate-trust.service';

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
  /** A renewal: the certificate it renews (Decree 68's +3 years are counted from it). */
  renewalOfId: string | null;
}

/** A device move the lifecycle makes when a request is fulfilled. */
export type LifecycleDeviceState = 'returned' | 'locked' | 'issued' | 'lost';

/**
 * Port for the lifecycle's writes to certificates and devices (the records half), always inside
 * the caller's transaction. Status changes and device moves go through the records services, so
 * each is audited once there and a device move leaves its hand-over record.
 */
export abstract class LifecycleRecords {
  abstract certificate(id: string, lock?: boolean): Promise<CertificateFacts | undefined>;
  abstract setCertificateStatus(
    id: string,
    status: 'active' | 'suspended' | 'revoked',
    acting: Acting,
    revocation?: { reason: string; at: Date },
  ): Promise<void>;
  abstract insertCertificate(c: NewIssuedCertificate): Promise<string>;
  /** Moves the device unless it is already in `state`; `note` names the lifecycle request. */
  abstract moveDevice(id: string, state: LifecycleDeviceState, acting: Acting, note: string): Promise<void>;
}

@Injectable()
export class TypeOrmLifecycleRecords extends LifecycleRecords {
  constructor(
    private readonly certificates: CertificatesService,
    private readonly devices: KeyDevicesService,
    private readonly certificateRows: CertificatesRepository,
    private readonly deviceRows: KeyDevicesRepository,
    private readonly trust: CertificateTrust,
  ) {
    super();
  }

  async certificate(id: string, lock = false): Promise<CertificateFacts | undefined> {
    const c = lock ? await this.certificateRows.lock(id) : await this.certificateRows.findById(id);
    if (!c) return undefined;
    return {
      id: c.id,
      subjectType: c.subjectType,
      status: c.status,
      holderOfficialId: c.holderOfficialId,
      organizationId: c.organizationId,
      deviceId: c.deviceId,
      keyUri: c.keyUri,
      signingPinHash: c.signingPinHash,
      certificateDer: c.certificateDer,
      notAfter: c.notAfter,
    };
  }

  async setCertificateStatus(
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
      );
    else if (status === 'suspended') await this.certificates.suspend(id, acting);
    else await this.certificates.reinstate(id, acting);
  }

  async insertCertificate(c: NewIssuedCertificate): Promise<string> {
    requireIssuerChain(c.certificate, c.chain);
    await this.trust.require(c.certificate, c.chain, c.subjectType);
    const keySha256 = publicKeySha256(c.certificate);
    requireKeyOfSubject(await this.certificateRows.lockKeyHolders(keySha256), c);
    const saved = await this.certificateRows.insert({
      serialNumber: c.certificate.serialNumberHex,
      issuer: c.certificate.issuer.toString(),
      subject: c.certificate.subject.toString(),
      subjectType: c.subjectType,
      notBefore: c.certificate.notBefore,
      notAfter: c.certificate.notAfter,
      holderOfficialId: c.holderOfficialId,
      organizationId: c.organizationId,
      deviceId: c.deviceId,
      keyUri: c.keyUri,
      certificateDer: c.certificate.der,
      chainDer: c.chain.map((x) => x.der),
      sha256: c.certificate.sha256Hex,
      publicKeySha256: keySha256,
      signingPinHash: c.signingPinHash,
      renewalOfId: c.renewalOfId,
    });
    return saved.id;
  }

  async moveDevice(id: string, state: LifecycleDeviceState, acting: Acting, note: string): Promise<void> {
    const device = await this.deviceRows.findById(id);
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
    await this.devices.move(id, move, acting);
  }
}
