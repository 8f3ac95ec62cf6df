import { Inject, Injectable } from '@nestjs/common';
import type { Caller } from '@kyso/common';
import { DataSource } from 'typeorm';
import { AuditLog } from '../audit/audit-log';
import { CertificateView, toCertificateView } from '../certificates/certificate';
import { CertificatesService } from '../certificates/certificates.service';
import { PinHasher } from '../certificates/pin-hasher';
import { DEFAULT_PIN_LOCKOUT_THRESHOLD, RegistryConfig } from '../config';
import { OfficialsService } from '../officials/officials.service';
import { OwnershipService } from '../ownership/ownership.service';
import { Clock } from '../shared/clock';
import { REGISTRY_CONFIG } from '../shared/registry-config.module';
import { PinLocks } from './pin-lock';
import { decideSigningAuthorization, LOCKED, SigningRefusal } from './signing-authorization';

export type SigningAuthorizationResult = { allowed: true; certificate: CertificateView } | SigningRefusal;

@Injectable()
export class SigningAuthorizationsService {
  private readonly locks: PinLocks;

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

  async authorize(req: { certificateId: string; actingOfficialId: string; pin: string }, caller?: Caller): Promise<SigningAuthorizationResult> {
    const [certificate, official] = await Promise.all([this.certificates.find(req.certificateId), this.officials.find(req.actingOfficialId)]);
    const now = this.clock.now();
    const [officialManagingOrganizationId, locked] = await Promise.all([
      official ? this.ownership.managingOrganizationOf(official.organizationId) : undefined,
      certificate ? this.locks.isLocked(this.db.manager, certificate.id) : false,
    ]);
    const decision = await decideSigningAuthorization({
      certificate,
      official,
      now,
      caller: caller && caller.kind !== 'service' ? caller : undefined,
      officialManagingOrganizationId,
      locked,
      pinMatches: (hash) => this.pins.verify(req.pin, hash),
    });
    if (decision.allowed) {
      await this.locks.succeeded(this.db.manager, certificate!.id);
      return { allowed: true, certificate: toCertificateView(certificate!, now) };
    }
    if (decision.code === 'WRONG_PIN' && (await this.locks.failed(this.db.manager, certificate!.id))) {
      await this.audit.append({ actor: { kind: 'service', id: 'registry', name: 'registry' }, action: 'certificate.pin_locked', entityType: 'certificate', entityId: certificate!.id });
      return LOCKED;
    }
    return decision;
  }
}
