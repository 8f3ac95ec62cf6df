import { Inject, Injectable } from '@nestjs/common';
import type { Caller } from '@kyso/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditLog } from '../audit/audit-log';
import { CertificateView, toCertificateView } from '../certificates/certificate';
import { CertificatesService } from '../certificates/certificates.service';
import { PinHasher } from '../certificates/pin-hasher';
import { DEFAULT_PIN_LOCKOUT_THRESHOLD, RegistryConfig } from '../config';
import { OfficialsService } from '../officials/officials.service';
import type { OrganizationStatus } from '../organizations/organization';
import { OwnershipService } from '../ownership/ownership.service';
import { Clock } from '@kyso/common';
import { KeyedQueue } from '../shared/keyed-queue';
import { REGISTRY_CONFIG } from '../shared/registry-config.module';
import { PinLocks } from './pin-lock';
import { decideSigningAuthorization, LOCKED, SigningRefusal } from './signing-authorization';

export type SigningAuthorizationResult = { allowed: true; certificate: CertificateView } | SigningRefusal;

@Injectable()
export class SigningAuthorizationsService {
  private readonly locks: PinLocks;
  private readonly queue = new KeyedQueue();

  constructor(
    private readonly certificates: CertificatesService,
    private readonly officials: OfficialsService,
    private readonly ownership: OwnershipService,
    private readonly pins: PinHasher,
    private readonly clock: Clock,
    private readonly db: DataSource,
    private readonly audit: AuditLog,
    @Inject(REGISTRY_CONFIG) config: RegistryConfig,
  ) {
    this.locks = new PinLocks(config.pinLockoutThreshold ?? DEFAULT_PIN_LOCKOUT_THRESHOLD);
  }

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
    if (!known) return this.decide(req, caller, this.db.manager);
    return this.queue.run(known.id, () => this.db.transaction((m) => this.decide(req, caller, m)));
  }

  private async decide(
    req: { certificateId: string; actingOfficialId: string; pin: string },
    caller: Caller | undefined,
    m: EntityManager,
  ): Promise<SigningAuthorizationResult> {
    const certificate = (await this.locks.serialize(m, req.certificateId))
      ? await this.certificates.find(req.certificateId, m)
      : undefined;
    const official = await this.officials.find(req.actingOfficialId);
    const now = this.clock.now();
    const [officialManagingOrganizationId, locked, certificateOrganizationStatus] = await Promise.all([
      official ? this.ownership.managingOrganizationOf(official.organizationId, m) : undefined,
      certificate ? this.locks.isLocked(m, certificate.id) : false,
      certificate ? this.organizationStatus(m, certificate.organizationId) : undefined,
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
      await this.locks.succeeded(m, certificate!.id);
      return { allowed: true, certificate: toCertificateView(certificate!, now) };
    }
    if (decision.code === 'WRONG_PIN' && (await this.locks.failed(m, certificate!.id))) {
      await this.audit.append(
        {
          actor: { kind: 'service', id: 'registry', name: 'registry' },
          action: 'certificate.pin_locked',
          entityType: 'certificate',
          entityId: certificate!.id,
        },
        m,
      );
      return LOCKED;
    }
    return decision;
  }

  private async organizationStatus(m: EntityManager, organizationId: string): Promise<OrganizationStatus | undefined> {
    const rows: { status: OrganizationStatus }[] = await m.query(
      'SELECT status FROM registry.organization WHERE id = $1',
      [organizationId],
    );
    return rows[0]?.status;
  }
}
