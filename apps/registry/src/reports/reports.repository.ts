import { Injectable } from '@nestjs/common';
import { RETURN_OWED_SQL } from '../devices/key-devices.repository';
import { Db } from '../shared/transactions';

/** A row as the pg driver returns it; each report maps it to typed fields. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type DbRow = Record<string, any>;

/** Reports are for people: a bound on rows keeps a runaway query from building a huge CSV. */
export const MAX_REPORT_ROWS = 10_000;

/** Organisations whose rows a caller sees (null: all); `$n` is its parameter. */
const within = (column: string, n: number) => `($${n}::uuid[] IS NULL OR ${column} = ANY ($${n}::uuid[]))`;

/** The reports' read-only SQL over the registry tables. `organizationIds`: what the caller sees (null: all). */
@Injectable()
export class ReportsRepository {
  constructor(private readonly db: Db) {}

  expiring(now: Date, until: Date, organizationIds: string[] | null): Promise<DbRow[]> {
    return this.db.query(
      `SELECT c.id, c.serial_number, c.subject, c.subject_type, c.status, c.not_after, c.holder_official_id, o.full_name, c.organization_id, g.name AS organization_name
       FROM registry.certificate c
       JOIN registry.organization g ON g.id = c.organization_id
       LEFT JOIN registry.official o ON o.id = c.holder_official_id
       WHERE c.status IN ('active', 'suspended') AND c.not_after >= $1 AND c.not_after <= $2 AND ${within('c.organization_id', 3)}
       ORDER BY c.not_after, c.id LIMIT ${MAX_REPORT_ROWS}`,
      [now, until, organizationIds],
    );
  }

  officialsWithoutCertificate(now: Date, organizationIds: string[] | null): Promise<DbRow[]> {
    return this.db.query(
      `SELECT o.id, o.full_name, o.email, o.title, o.organization_id, g.name AS organization_name
       FROM registry.official o JOIN registry.organization g ON g.id = o.organization_id
       WHERE o.employment_status = 'active' AND ${within('o.organization_id', 2)} AND NOT EXISTS (
         SELECT 1 FROM registry.certificate c
         WHERE c.holder_official_id = o.id AND c.subject_type = 'person' AND c.status = 'active' AND c.not_before <= $1 AND c.not_after >= $1)
       ORDER BY g.name, o.full_name, o.id LIMIT ${MAX_REPORT_ROWS}`,
      [now, organizationIds],
    );
  }

  usableCertificatesWithSubjects(now: Date, organizationIds: string[] | null): Promise<DbRow[]> {
    return this.db.query(
      `SELECT c.id, c.serial_number, c.subject_type, c.certificate_der, c.holder_official_id, o.full_name, o.email, c.organization_id,
              (WITH RECURSIVE a(id, parent_id, name, depth) AS (
                 SELECT id, parent_id, name, 0 FROM registry.organization WHERE id = c.organization_id
                 UNION ALL SELECT p.id, p.parent_id, p.name, a.depth + 1 FROM registry.organization p JOIN a ON p.id = a.parent_id WHERE a.depth < 64)
               SELECT array_agg(name ORDER BY depth) FROM a) AS organization_names
       FROM registry.certificate c LEFT JOIN registry.official o ON o.id = c.holder_official_id
       WHERE c.status IN ('active', 'suspended') AND c.not_after >= $1 AND ${within('c.organization_id', 2)}
       ORDER BY c.created_at, c.id`,
      [now, organizationIds],
    );
  }

  devicesNotReturned(now: Date, organizationIds: string[] | null): Promise<DbRow[]> {
    return this.db.query(
      `SELECT d.id, d.serial_number, d.model, d.state, d.holder_official_id, o.full_name, d.organization_id, g.name AS organization_name, owed.owed_since
       FROM (${RETURN_OWED_SQL}) owed
       JOIN registry.key_device d ON d.id = owed.id
       JOIN registry.organization g ON g.id = d.organization_id
       LEFT JOIN registry.official o ON o.id = d.holder_official_id
       WHERE ${within('d.organization_id', 2)}
       ORDER BY owed.owed_since, d.id LIMIT ${MAX_REPORT_ROWS}`,
      [now, organizationIds],
    );
  }

  /** False until the lifecycle's table exists. */
  async lifecycleRequestsExist(): Promise<boolean> {
    const [{ exists }]: { exists: boolean }[] = await this.db.query(
      `SELECT to_regclass('registry.lifecycle_request') IS NOT NULL AS exists`,
    );
    return exists;
  }

  overdueRequests(
    now: Date,
    organizationIds: string[] | null,
  ): Promise<{ id: string; type: string; status: string; due_at: Date }[]> {
    return this.db.query(
      `SELECT id, type, status, due_at FROM registry.lifecycle_request
       WHERE due_at < $1 AND status NOT IN ('fulfilled', 'rejected', 'cancelled') AND ${within('managing_organization_id', 2)}
       ORDER BY due_at, id LIMIT ${MAX_REPORT_ROWS}`,
      [now, organizationIds],
    );
  }
}
