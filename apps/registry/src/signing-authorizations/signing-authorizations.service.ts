import { Injectable } from '@nestjs/common';
import type { Caller } from '@kyso/common';
import { AuditLog } from '../audit/audit-log';
import { CertificateView, toCertificateView } from '../certificates/certificate';
import { CertificatesService } from '../certificates/certificates.service';
import { PinHasher } from '../certificates/pin-hasher';
import { KeyDevicesService } from '../devices/key-devices.service';
import { OfficialsService } from '../officials/officials.service';
import { OrganizationsService } from '../organizations/organizations.service';
import { OwnershipService } from '../ownership/ownership.service';
import { Clock } from '@kyso/common';
import { KeyedQueue } from '../shared/keyed-queue';
import { Transactions } from '../shared/transactions';
import { PinLocksRepository } from './pin-locks.repository';
import { decideSigningAuthorization, LOCKED, SigningRefusal } from './signing-authorization';

const REGISTRY = { kind: 'service' as const, id: 'registry', name: 'registry' };

export type SigningAuthorizationResult = { allowed: true; certificate: CertificateView } | SigningRefusal;

@Injectable()
export class SigningAuthorizationsService {
  private readonly queue = new KeyedQueue();

  constructor(
    private readonly certificates: CertificatesService,
    private readonly officials: OfficialsService,
    private readonly organizations: OrganizationsService,
    private readonly ownership: OwnershipService,
    private readonly pins: PinHasher,
    private readonly clock: Clock,
    private readonly tx: Transactions,
    private readonly locks: PinLocksRepository,
    private readonly audit: AuditLog,
    private readonly devices: KeyDevicesService,
  ) {}

  /**
   * One decision per call. For a known certificate the decision runs in a transaction holding the
   * certificate's row lock (queued per certificate in this process first), so the lock state read,
   * the PIN check and the failure count cannot interleave with a parallel attempt.
   */
  async authorize(
    req: { certificateId: string; actingOfficialId: string; pin: string },
    caller?: Caller,
  ): Promise<SigningAuthorizationResult> {
    const known = await this.certificates.find(req.certificateId);
    if (!known) return this.decide(req, caller);
    return this.queue.run(known.id, () => this.tx.run(() => this.decide(req, caller)));
  }

  private async decide(
    req: { certificateId: string; actingOfficialId: string; pin: string },
    caller: Caller | undefined,
  ): Promise<SigningAuthorizationResult> {
    const certificate = (await this.locks.serialize(req.certificateId))
      ? await this.certificates.find(req.certificateId)
      : undefined;
    const official = await this.officials.find(req.actingOfficialId);
    const now = this.clock.now();
    const [officialManagingOrganizationId, locked, certificateOrganizationStatus] = await Promise.all([
      official ? this.ownership.managingOrganizationOf(official.organizationId) : undefined,
      certificate ? this.locks.isLocked(certificate.id) : false,
      certificate ? this.organizations.find(certificate.organizationId).then((o) => o?.status) : undefined,
    ]);
    const decision = await decideSigningAuthorization({
      certificate,
      official,
      now,
      caller: caller && caller.kind !== 'service' ? caller : undefined,
      officialManagingOrganizationId,
      certificateOrganizationStatus,
      locked,
      pinMatches: (hash) => this.pins.verify(req.pin, hash),
    });
    if (decision.allowed) {
      await this.locks.succeeded(certificate!.id);
      return { allowed: true, certificate: toCertificateView(certificate!, now) };
    }
    if (decision.code === 'WRONG_PIN' && (await this.locks.failed(certificate!.id))) {
      await this.audit.append({
        actor: REGISTRY,
        action: 'certificate.pin_locked',
        entityType: 'certificate',
        entityId: certificate!.id,
      });
      await this.lockDevice(certificate!.deviceId);
      return LOCKED;
    }
    return decision;
  }

  /** The token the PIN belongs to moves to `locked` (audited, with its hand-over record); a recovery moves it back. */
  private async lockDevice(deviceId: string | null): Promise<void> {
    const device = deviceId ? await this.devices.get(deviceId) : undefined;
    if (!device || device.state !== 'issued') return;
    await this.devices.move(
      device.id,
      {
        toState: 'locked',
        handedBy: device.holderOfficialId ? { officialId: device.holderOfficialId } : { name: 'không rõ người giữ' },
        receivedBy: { name: 'registry (khóa do nhập sai mã PIN)' },
        note: 'Nhập sai mã PIN quá số lần cho phép (R32)',
      },
      { actor: REGISTRY, requestId: null },
    );
  }
}
