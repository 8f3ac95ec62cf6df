import { Injectable } from '@nestjs/common';
import { Clock, notFound, unprocessable } from '@kyso/common';
import type { Acting } from '../audit/actor';
import { AuditLog } from '../audit/audit-log';
import { storedPng, storedPngAudit, storedPngInfo } from '../officials/signature-image';
import { OrganizationsRepository } from '../organizations/organizations.repository';
import { Transactions } from '../shared/transactions';
import { SealImage, SealsRepository } from './seals.repository';

/**
 * The organisation's seal image (red, real size, transparent background), drawn by the signer over
 * the leader's signature for the organisation's signature (Decree 30/2020, Appendix I). Checked as
 * strictly as the officials' signature images; every change is audited.
 */
@Injectable()
export class SealsService {
  constructor(
    private readonly seals: SealsRepository,
    private readonly organizations: OrganizationsRepository,
    private readonly tx: Transactions,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async set(organizationId: string, png: Buffer, acting: Acting) {
    const image: SealImage = storedPng(png, this.clock.now());
    await this.tx.run(async () => {
      const org = await this.organizations.lock(organizationId);
      if (!org) throw notFound('ORGANIZATION_NOT_FOUND', `No organisation ${organizationId}`);
      if (org.status !== 'active')
        throw unprocessable('ORGANIZATION_ENDED', `Organisation ${organizationId} has ended (${org.status})`);
      const previous = await this.seals.get(organizationId);
      await this.seals.put(organizationId, image);
      await this.audit.append({
        ...acting,
        action: 'organization.seal_image_set',
        entityType: 'organization',
        entityId: organizationId,
        before: previous ? { sha256: previous.sha256 } : null,
        after: storedPngAudit(image),
      });
    });
    return storedPngInfo(image);
  }

  async get(organizationId: string): Promise<SealImage> {
    if (!(await this.organizations.findById(organizationId)))
      throw notFound('ORGANIZATION_NOT_FOUND', `No organisation ${organizationId}`);
    const image = await this.seals.get(organizationId);
    if (!image) throw notFound('SEAL_IMAGE_NOT_FOUND', `Organisation ${organizationId} has no seal image`);
    return image;
  }

  async remove(organizationId: string, acting: Acting): Promise<void> {
    await this.tx.run(async () => {
      if (!(await this.organizations.lock(organizationId)))
        throw notFound('ORGANIZATION_NOT_FOUND', `No organisation ${organizationId}`);
      const previous = await this.seals.get(organizationId);
      if (!previous || !(await this.seals.delete(organizationId)))
        throw notFound('SEAL_IMAGE_NOT_FOUND', `Organisation ${organizationId} has no seal image`);
      await this.audit.append({
        ...acting,
        action: 'organization.seal_image_removed',
        entityType: 'organization',
        entityId: organizationId,
        before: { sha256: previous.sha256 },
        after: null,
      });
    });
  }
}
