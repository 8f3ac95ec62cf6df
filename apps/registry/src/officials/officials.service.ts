import { Injectable } from '@nestjs/common';
import { Caller, notFound, serviceCaller, unprocessable } from '@kyso/common';
import type { Acting } from '../audit/actor';
import { AuditLog } from '../audit/audit-log';
import { auditRefusals } from '../audit/refusals';
import { OrganizationsService } from '../organizations/organizations.service';
import { OwnershipService } from '../ownership/ownership.service';
import { Clock } from '@kyso/common';
import type { Page } from '../shared/list-query.dto';
import { isForeignKeyViolation } from '../shared/pg-errors';
import { Transactions } from '../shared/transactions';
import { NationalIds } from './national-ids';
import {
  EmploymentStatus,
  NewOfficial,
  normaliseRoles,
  Official,
  OfficialPatch,
  OfficialRecord,
  officialSnapshot,
  OfficialView,
} from './official';
import { OfficialFilter, OfficialRowPatch, OfficialsRepository, SignatureImage } from './officials.repository';
import {
  changesClerk,
  clerkGrantRefused,
  employmentChangeRefused,
  mayGrantClerk,
  organizationChangeRefused,
} from './official-authority';
import { storedPng, storedPngAudit, storedPngInfo } from './signature-image';

const SERVICE: Acting = { actor: { kind: 'service', id: 'registry', name: 'registry' }, requestId: null };
const INTERNAL: Caller = serviceCaller('registry');

@Injectable()
export class OfficialsService {
  constructor(
    private readonly officials: OfficialsRepository,
    private readonly organizations: OrganizationsService,
    private readonly nationalIds: NationalIds,
    private readonly tx: Transactions,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly ownership: OwnershipService,
  ) {}

  /** Registers an official; a refused one (the clerk role asked by a caller not competent) is audited. */
  create(input: NewOfficial, acting: Acting = SERVICE, caller: Caller = INTERNAL): Promise<OfficialView> {
    const refused = {
      action: 'official.create_refused',
      entityType: 'official',
      entityId: null,
      attempt: { organizationId: input.organizationId, roles: input.roles },
    };
    return auditRefusals(this.audit, acting, refused, () => this.createChecked(input, acting, caller));
  }

  private async createChecked(input: NewOfficial, acting: Acting, caller: Caller): Promise<OfficialView> {
    const nationalId = input.nationalId ? this.nationalIds.protect(input.nationalId) : null;
    await this.organizations.requireActive(input.organizationId);
    if (normaliseRoles(input.roles).includes('clerk')) await this.requireClerkAuthority(caller, input.organizationId);
    try {
      const saved = await this.tx.run(async () => {
        const o = await this.officials.insert({
          fullName: input.fullName,
          email: input.email,
          title: input.title,
          organizationId: input.organizationId,
          roles: normaliseRoles(input.roles),
          nationalId,
        });
        await this.audit.append({
          ...acting,
          action: 'official.created',
          entityType: 'official',
          entityId: o.id,
          after: officialSnapshot(o),
        });
        return o;
      });
      return this.view(saved);
    } catch (e) {
      if (isForeignKeyViolation(e))
        throw unprocessable('ORGANIZATION_NOT_FOUND', 'organizationId names no organisation');
      throw e;
    }
  }

  /**
   * Changes an official's data for a caller. The organisation and the employment status never
   * change here (a move is a transfer, a departure a personnel change: PersonnelService, with
   * authority over both organisations), and the clerk role only by
   * an operator competent for the official's organisation.
   */
  async update(id: string, patch: OfficialPatch, acting: Acting, caller: Caller): Promise<OfficialView> {
    // A refused grant of the clerk role, move or status change is kept in the audit chain (never the national ID).
    const attempt = {
      roles: patch.roles,
      organizationId: patch.organizationId,
      employmentStatus: patch.employmentStatus,
    };
    const refused = { action: 'official.update_refused', entityType: 'official', entityId: id, attempt };
    return auditRefusals(this.audit, acting, refused, () => this.updateChecked(id, patch, acting, caller));
  }

  private updateChecked(id: string, patch: OfficialPatch, acting: Acting, caller: Caller): Promise<OfficialView> {
    return this.write(id, patch, acting, async (before) => {
      if (patch.organizationId !== undefined && patch.organizationId !== before.organizationId)
        throw organizationChangeRefused();
      if (patch.employmentStatus !== undefined && patch.employmentStatus !== before.employmentStatus)
        throw employmentChangeRefused();
      if (patch.roles && changesClerk(before.roles, normaliseRoles(patch.roles)))
        await this.requireClerkAuthority(caller, before.organizationId);
    });
  }

  /**
   * What a personnel change does to the record, joining its transaction. A transfer withdraws the
   * clerk role: it was granted for the old organisation, and the new one's must grant its own.
   */
  async applyPersonnelChange(
    id: string,
    change: { organizationId: string } | { employmentStatus: EmploymentStatus },
    acting: Acting,
  ): Promise<OfficialView> {
    return this.write(id, change, acting, async (before, patch) => {
      if ('organizationId' in change && change.organizationId !== before.organizationId)
        patch.roles = before.roles.filter((r) => r !== 'clerk');
    });
  }

  private async write(
    id: string,
    patch: OfficialPatch,
    acting: Acting,
    check: (before: OfficialRecord, patch: OfficialPatch) => Promise<void>,
  ): Promise<OfficialView> {
    patch = { ...patch };
    const row: OfficialRowPatch = {
      fullName: patch.fullName,
      email: patch.email,
      title: patch.title,
      organizationId: patch.organizationId,
      employmentStatus: patch.employmentStatus,
      roles: patch.roles ? normaliseRoles(patch.roles) : undefined,
    };
    for (const k of Object.keys(row) as (keyof OfficialRowPatch)[]) if (row[k] === undefined) delete row[k];
    if (patch.nationalId !== undefined)
      row.nationalId = patch.nationalId === null ? null : this.nationalIds.protect(patch.nationalId);
    if (patch.organizationId) await this.organizations.requireActive(patch.organizationId);
    const saved = await this.tx.run(async () => {
      const before = await this.officials.lock(id);
      if (!before) throw notFound('OFFICIAL_NOT_FOUND', `No official ${id}`);
      await check(before, patch);
      if (patch.roles) row.roles = normaliseRoles(patch.roles);
      const after = await this.officials.update(id, row);
      await this.audit.append({
        ...acting,
        action: 'official.updated',
        entityType: 'official',
        entityId: id,
        before: officialSnapshot(before),
        after: { ...officialSnapshot(after), ...(patch.nationalId !== undefined ? { nationalIdChanged: true } : {}) },
      });
      return after;
    });
    return this.view(saved);
  }

  async get(id: string): Promise<OfficialView> {
    return this.view(await this.require(id));
  }

  /** Undefined when absent: for decisions that treat "unknown" as an outcome, not an error. */
  find(id: string): Promise<Official | undefined> {
    return this.officials.findById(id);
  }

  async list(q: Page & OfficialFilter): Promise<OfficialView[]> {
    return (await this.officials.list(q)).map((o) => this.view(o));
  }

  /** Exact lookup by national ID number through the blind index; an impossible number finds nobody. */
  async findByNationalId(nationalId: string): Promise<OfficialView[]> {
    const index = this.nationalIds.indexOf(nationalId);
    return index ? (await this.officials.findByNationalIdIndex(index)).map((o) => this.view(o)) : [];
  }

  /** In clear, for documents that must carry it (the CA request forms). Never log the result. */
  async nationalIdOf(id: string): Promise<string | null> {
    const o = await this.require(id);
    return o.nationalIdEncrypted ? this.nationalIds.reveal(o.nationalIdEncrypted) : null;
  }

  async requireReferenced(id: string, field = 'holderOfficialId'): Promise<Official> {
    const official = await this.officials.findById(id);
    if (!official) throw unprocessable('OFFICIAL_NOT_FOUND', `${field} ${id} names no official`);
    return official;
  }

  async setSignatureImage(
    id: string,
    png: Buffer,
    acting: Acting = SERVICE,
  ): Promise<{ width: number; height: number; sha256: string; uploadedAt: string }> {
    const image: SignatureImage = storedPng(png, this.clock.now());
    await this.tx.run(async () => {
      if (!(await this.officials.lock(id))) throw notFound('OFFICIAL_NOT_FOUND', `No official ${id}`);
      const previous = await this.officials.signatureImage(id);
      await this.officials.putSignatureImage(id, image);
      await this.audit.append({
        ...acting,
        action: 'official.signature_image_set',
        entityType: 'official',
        entityId: id,
        before: previous ? { sha256: previous.sha256 } : null,
        after: storedPngAudit(image),
      });
    });
    return storedPngInfo(image);
  }

  async signatureImage(id: string): Promise<SignatureImage> {
    await this.require(id);
    const image = await this.officials.signatureImage(id);
    if (!image) throw notFound('SIGNATURE_IMAGE_NOT_FOUND', `Official ${id} has no handwritten-signature image`);
    return image;
  }

  async deleteSignatureImage(id: string, acting: Acting = SERVICE): Promise<void> {
    await this.tx.run(async () => {
      if (!(await this.officials.lock(id))) throw notFound('OFFICIAL_NOT_FOUND', `No official ${id}`);
      const previous = await this.officials.signatureImage(id);
      if (!(await this.officials.deleteSignatureImage(id)))
        throw notFound('SIGNATURE_IMAGE_NOT_FOUND', `Official ${id} has no handwritten-signature image`);
      await this.audit.append({
        ...acting,
        action: 'official.signature_image_removed',
        entityType: 'official',
        entityId: id,
        before: { sha256: previous?.sha256 },
        after: null,
      });
    });
  }

  private async requireClerkAuthority(caller: Caller, organizationId: string): Promise<void> {
    if (!mayGrantClerk(caller, organizationId, await this.ownership.managingOrganizationOf(organizationId)))
      throw clerkGrantRefused();
  }

  private async require(id: string): Promise<OfficialRecord> {
    const official = await this.officials.findById(id);
    if (!official) throw notFound('OFFICIAL_NOT_FOUND', `No official ${id}`);
    return official;
  }

  private view(o: OfficialRecord): OfficialView {
    return {
      id: o.id,
      fullName: o.fullName,
      email: o.email,
      title: o.title,
      organizationId: o.organizationId,
      employmentStatus: o.employmentStatus,
      roles: o.roles,
      nationalIdKind: o.nationalIdKind,
      nationalIdMasked: this.nationalIds.masked(o.nationalIdEncrypted),
      createdAt: o.createdAt.toISOString(),
    };
  }
}
