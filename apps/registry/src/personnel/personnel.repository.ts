import { Injectable } from '@nestjs/common';
import type { AuditActor } from '../audit/audit-log';
import { Db } from '../shared/transactions';
import { ChangeEventEntity, ChangeEventStatus, NotificationEntity } from './change-event.entity';

/** A certificate a change must act on. */
export interface CertRow {
  id: string;
  subject_type: 'person' | 'organization' | 'device';
  device_id: string | null;
}

export interface NewChangeEvent {
  category: 'personnel' | 'organization';
  kind: string;
  officialId: string | null;
  organizationIds: string[];
  newOrganizationId: string | null;
  effectiveDate: string;
  details: Record<string, unknown>;
  recordedBy: AuditActor;
  status: ChangeEventStatus;
  appliedAt: Date | null;
  managingOrganizationIds: string[];
}

export interface NewNotification {
  organizationId: string;
  audience: string;
  kind: string;
  message: string;
  changeEventId: string | null;
  requestIds: string[];
}

export interface NotificationView extends NewNotification {
  id: string;
  createdAt: string;
}

/** Certificates still usable: the ones a change must act on. */
const LIVE = `status IN ('active', 'suspended') AND not_after > now()`;

/** Change events, notifications, and what a personnel or organisation change affects. */
@Injectable()
export class PersonnelRepository {
  constructor(private readonly db: Db) {}

  async official(id: string): Promise<{ organizationId: string; fullName: string } | undefined> {
    const [o]: { organization_id: string; full_name: string }[] = await this.db.query(
      'SELECT organization_id, full_name FROM registry.official WHERE id = $1',
      [id],
    );
    return o && { organizationId: o.organization_id, fullName: o.full_name };
  }

  /** Of `ids`, those naming an organisation. */
  async existingOrganizationIds(ids: string[]): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      'SELECT id FROM registry.organization WHERE id = ANY ($1::uuid[])',
      [ids],
    );
    return rows.map((r) => r.id);
  }

  /** The organisations and every unit below them. */
  async withUnits(ids: string[]): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      `WITH RECURSIVE down AS (
         SELECT id, 0 AS depth FROM registry.organization WHERE id = ANY ($1::uuid[])
         UNION SELECT o.id, d.depth + 1 FROM registry.organization o JOIN down d ON o.parent_id = d.id WHERE d.depth < 64)
       SELECT DISTINCT id FROM down`,
      [ids],
    );
    return rows.map((r) => r.id);
  }

  liveCertificatesOfOfficial(officialId: string): Promise<CertRow[]> {
    return this.db.query(
      `SELECT id, subject_type, device_id FROM registry.certificate WHERE holder_official_id = $1 AND subject_type = 'person' AND ${LIVE} ORDER BY created_at`,
      [officialId],
    );
  }

  liveCertificatesOfOrganizations(organizationIds: string[]): Promise<CertRow[]> {
    return this.db.query(
      `SELECT id, subject_type, device_id FROM registry.certificate WHERE organization_id = ANY ($1::uuid[]) AND ${LIVE} ORDER BY created_at, id`,
      [organizationIds],
    );
  }

  /** Devices in the official's hands (issued or locked). */
  async devicesHeldBy(officialId: string): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      `SELECT id FROM registry.key_device WHERE holder_official_id = $1 AND state IN ('issued', 'locked') ORDER BY created_at`,
      [officialId],
    );
    return rows.map((r) => r.id);
  }

  /** Devices of the organisations out in someone's hands (issued or locked). */
  async devicesOutOf(organizationIds: string[]): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      `SELECT id FROM registry.key_device WHERE organization_id = ANY ($1::uuid[]) AND state IN ('issued', 'locked') ORDER BY created_at`,
      [organizationIds],
    );
    return rows.map((r) => r.id);
  }

  async insertChangeEvent(e: NewChangeEvent): Promise<string> {
    const repo = this.db.repository(ChangeEventEntity);
    return (await repo.save(repo.create(e))).id;
  }

  /** The change event under its row lock (a scheduled change is applied or cancelled once). */
  lockChangeEvent(id: string): Promise<ChangeEventEntity | null> {
    return this.db
      .repository(ChangeEventEntity)
      .createQueryBuilder('e')
      .setLock('pessimistic_write')
      .where('e.id = :id', { id })
      .getOne();
  }

  async setChangeEventStatus(
    id: string,
    patch: Partial<Pick<ChangeEventEntity, 'status' | 'appliedAt' | 'cancelledAt' | 'cancelledBy'>>,
  ): Promise<void> {
    await this.db.repository(ChangeEventEntity).update({ id }, patch);
  }

  /** Changes still waiting for their effective date. */
  scheduledChangeEvents(): Promise<{ id: string; effectiveDate: string }[]> {
    return this.db.query(
      `SELECT id, effective_date::text AS "effectiveDate" FROM registry.change_event WHERE status = 'scheduled' ORDER BY effective_date, created_at`,
    );
  }

  async insertNotification(n: NewNotification): Promise<string> {
    const repo = this.db.repository(NotificationEntity);
    return (await repo.save(repo.create(n))).id;
  }

  /** Newest first; `scope`: the organisations whose notices are wanted, or all. */
  async notifications(scope: string[] | 'all', page: { limit: number; offset: number }): Promise<NotificationView[]> {
    const qb = this.db.repository(NotificationEntity).createQueryBuilder('n');
    if (scope !== 'all') qb.where('n.organization_id IN (:...scope)', { scope });
    const rows = await qb
      .orderBy('n.created_at', 'DESC')
      .addOrderBy('n.id', 'ASC')
      .take(page.limit)
      .skip(page.offset)
      .getMany();
    return rows.map((n) => ({
      id: n.id,
      organizationId: n.organizationId,
      audience: n.audience,
      kind: n.kind,
      message: n.message,
      changeEventId: n.changeEventId,
      requestIds: n.requestIds,
      createdAt: n.createdAt.toISOString(),
    }));
  }

  /**
   * Open requests raised by changes, and the personnel changes still waiting for their effective
   * date (no request yet: `requestId` null, `status` scheduled), by effective date; `scope` as in `notifications`.
   */
  pendingReport(scope: string[] | 'all'): Promise<Record<string, unknown>[]> {
    return this.db.query(
      `SELECT * FROM (
         SELECT r.id AS "requestId", r.type, r.status, r.reason, r.certificate_id AS "certificateId", r.device_id AS "deviceId",
                r.official_id AS "officialId", r.managing_organization_id AS "managingOrganizationId",
                e.id AS "changeEventId", e.category, e.kind AS "changeKind", e.effective_date::text AS "effectiveDate", r.created_at AS "createdAt"
           FROM registry.lifecycle_request r JOIN registry.change_event e ON e.id = r.change_event_id
          WHERE r.status IN ('draft', 'submitted', 'approved', 'sent') AND ($1::uuid[] IS NULL OR r.managing_organization_id = ANY ($1::uuid[]))
         UNION ALL
         SELECT NULL, 'scheduled-change', e.status, NULL, NULL, NULL, e.official_id, e.managing_organization_ids[1],
                e.id, e.category, e.kind, e.effective_date::text, e.created_at
           FROM registry.change_event e
          WHERE e.status = 'scheduled' AND ($1::uuid[] IS NULL OR e.managing_organization_ids && $1::uuid[])
       ) p ORDER BY "effectiveDate", "createdAt", "changeEventId", "requestId" NULLS FIRST`,
      [scope === 'all' ? null : scope],
    );
  }
}
