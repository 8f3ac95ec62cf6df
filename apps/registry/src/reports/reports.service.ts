import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Certificate } from '@kyso/pki';
import { DataSource } from 'typeorm';
import { RETURN_OWED_SQL } from '../devices/key-devices.repository';
import { Clock } from '@kyso/common';
import type { Column } from './csv';
import { subjectDrift } from './drift';
import type { VisibleTo } from '../ownership/visibility';

/** A row as the pg driver returns it; each report maps it to typed fields. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type DbRow = Record<string, any>;

const DAY_MS = 86_400_000;
/** Reports are for people: a bound on rows keeps a runaway query from building a huge CSV. */
export const MAX_REPORT_ROWS = 10_000;

export interface Report<R> {
  report: string;
  generatedAt: string;
  parameters: Record<string, unknown>;
  /** False when the data the report reads does not exist yet (e.g. no lifecycle requests table). */
  available: boolean;
  columns: Column<R>[];
  rows: R[];
}

/** Organisations whose rows a caller sees (null: all); `$n` is its parameter. */
const within = (column: string, n: number) => `($${n}::uuid[] IS NULL OR ${column} = ANY ($${n}::uuid[]))`;
const orgsOf = (v: VisibleTo | undefined) => (v ? v.organizationIds : null);

const daysBetween = (a: Date, b: Date) => Math.floor((b.getTime() - a.getTime()) / DAY_MS);

/** Read-only reports over the registry tables; plain SQL, no writes. */
@Injectable()
export class ReportsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  private report<R>(
    name: string,
    parameters: Record<string, unknown>,
    columns: Column<R>[],
    rows: R[],
    available = true,
  ): Report<R> {
    return { report: name, generatedAt: this.clock.now().toISOString(), parameters, available, columns, rows };
  }

  /** Certificates (active or suspended) whose notAfter falls within the next `days` days. */
  async expiring(days: number, visibleTo?: VisibleTo) {
    const now = this.clock.now();
    const rows: DbRow[] = await this.db.query(
      `SELECT c.id, c.serial_number, c.subject, c.subject_type, c.status, c.not_after, c.holder_official_id, o.full_name, c.organization_id, g.name AS organization_name
       FROM registry.certificate c
       JOIN registry.organization g ON g.id = c.organization_id
       LEFT JOIN registry.official o ON o.id = c.holder_official_id
       WHERE c.status IN ('active', 'suspended') AND c.not_after >= $1 AND c.not_after <= $2 AND ${within('c.organization_id', 3)}
       ORDER BY c.not_after, c.id LIMIT ${MAX_REPORT_ROWS}`,
      [now, new Date(now.getTime() + days * DAY_MS), orgsOf(visibleTo)],
    );
    const out = rows.map((r) => ({
      certificateId: r.id as string,
      serialNumber: r.serial_number as string,
      subject: r.subject as string,
      subjectType: r.subject_type as string,
      status: r.status as string,
      notAfter: (r.not_after as Date).toISOString(),
      daysLeft: daysBetween(now, r.not_after),
      holderOfficialId: r.holder_official_id as string | null,
      holderName: r.full_name as string | null,
      organizationId: r.organization_id as string,
      organizationName: r.organization_name as string,
    }));
    return this.report(
      'expiring',
      { days },
      cols(out, [
        'certificateId',
        'serialNumber',
        'subject',
        'subjectType',
        'status',
        'notAfter',
        'daysLeft',
        'holderOfficialId',
        'holderName',
        'organizationId',
        'organizationName',
      ]),
      out,
    );
  }

  /** Officials in active service without a personal certificate usable now. */
  async officialsWithoutCertificate(visibleTo?: VisibleTo) {
    const rows: DbRow[] = await this.db.query(
      `SELECT o.id, o.full_name, o.email, o.title, o.organization_id, g.name AS organization_name
       FROM registry.official o JOIN registry.organization g ON g.id = o.organization_id
       WHERE o.employment_status = 'active' AND ${within('o.organization_id', 2)} AND NOT EXISTS (
         SELECT 1 FROM registry.certificate c
         WHERE c.holder_official_id = o.id AND c.subject_type = 'person' AND c.status = 'active' AND c.not_before <= $1 AND c.not_after >= $1)
       ORDER BY g.name, o.full_name, o.id LIMIT ${MAX_REPORT_ROWS}`,
      [this.clock.now(), orgsOf(visibleTo)],
    );
    const out = rows.map((r) => ({
      officialId: r.id as string,
      fullName: r.full_name as string,
      email: r.email as string,
      title: r.title as string,
      organizationId: r.organization_id as string,
      organizationName: r.organization_name as string,
    }));
    return this.report(
      'officials-without-certificate',
      {},
      cols(out, ['officialId', 'fullName', 'email', 'title', 'organizationId', 'organizationName']),
      out,
    );
  }

  /** Usable certificates whose subject (CN, E, O/OU) no longer matches the registry's records. */
  async subjectDrift(visibleTo?: VisibleTo) {
    const now = this.clock.now();
    const rows: DbRow[] = await this.db.query(
      `SELECT c.id, c.serial_number, c.subject_type, c.certificate_der, c.holder_official_id, o.full_name, o.email, c.organization_id,
              (WITH RECURSIVE a(id, parent_id, name, depth) AS (
                 SELECT id, parent_id, name, 0 FROM registry.organization WHERE id = c.organization_id
                 UNION ALL SELECT p.id, p.parent_id, p.name, a.depth + 1 FROM registry.organization p JOIN a ON p.id = a.parent_id WHERE a.depth < 64)
               SELECT array_agg(name ORDER BY depth) FROM a) AS organization_names
       FROM registry.certificate c LEFT JOIN registry.official o ON o.id = c.holder_official_id
       WHERE c.status IN ('active', 'suspended') AND c.not_after >= $1 AND ${within('c.organization_id', 2)}
       ORDER BY c.created_at, c.id`,
      [now, orgsOf(visibleTo)],
    );
    const out = rows.flatMap((r) => {
      const subject = Certificate.fromDer(new Uint8Array(r.certificate_der)).subject;
      const drift = subjectDrift(
        {
          cn: subject.get('CN'),
          email: subject.get('E'),
          organizationNames: [...subject.getAll('O'), ...subject.getAll('OU')],
        },
        {
          subjectType: r.subject_type,
          fullName: r.full_name ?? null,
          email: r.email ?? null,
          organizationNames: r.organization_names ?? [],
        },
      );
      return drift.map((d) => ({
        certificateId: r.id as string,
        serialNumber: r.serial_number as string,
        subjectType: r.subject_type as string,
        holderOfficialId: r.holder_official_id as string | null,
        organizationId: r.organization_id as string,
        field: d.field,
        certificateValue: d.certificateValue,
        registryValue: d.registryValue,
      }));
    });
    return this.report(
      'subject-drift',
      {},
      cols(out, [
        'certificateId',
        'serialNumber',
        'subjectType',
        'holderOfficialId',
        'organizationId',
        'field',
        'certificateValue',
        'registryValue',
      ]),
      out.slice(0, MAX_REPORT_ROWS),
    );
  }

  /** Devices still with a holder although all their certificates are revoked or expired. */
  async devicesNotReturned(visibleTo?: VisibleTo) {
    const now = this.clock.now();
    const rows: DbRow[] = await this.db.query(
      `SELECT d.id, d.serial_number, d.model, d.state, d.holder_official_id, o.full_name, d.organization_id, g.name AS organization_name, owed.owed_since
       FROM (${RETURN_OWED_SQL}) owed
       JOIN registry.key_device d ON d.id = owed.id
       JOIN registry.organization g ON g.id = d.organization_id
       LEFT JOIN registry.official o ON o.id = d.holder_official_id
       WHERE ${within('d.organization_id', 2)}
       ORDER BY owed.owed_since, d.id LIMIT ${MAX_REPORT_ROWS}`,
      [now, orgsOf(visibleTo)],
    );
    const out = rows.map((r) => ({
      deviceId: r.id as string,
      serialNumber: r.serial_number as string,
      model: r.model as string,
      state: r.state as string,
      holderOfficialId: r.holder_official_id as string | null,
      holderName: r.full_name as string | null,
      organizationId: r.organization_id as string,
      organizationName: r.organization_name as string,
      owedSince: (r.owed_since as Date).toISOString(),
      daysOwed: daysBetween(r.owed_since, now),
    }));
    return this.report(
      'devices-not-returned',
      {},
      cols(out, [
        'deviceId',
        'serialNumber',
        'model',
        'state',
        'holderOfficialId',
        'holderName',
        'organizationId',
        'organizationName',
        'owedSince',
        'daysOwed',
      ]),
      out,
    );
  }

  /** Lifecycle requests still open after their deadline (the lifecycle's table, read only). */
  async overdueRequests(visibleTo?: VisibleTo) {
    const columns = cols<{ requestId: string; type: string; status: string; dueAt: string; daysOverdue: number }>(
      [],
      ['requestId', 'type', 'status', 'dueAt', 'daysOverdue'],
    );
    const [{ exists }] = await this.db.query(`SELECT to_regclass('registry.lifecycle_request') IS NOT NULL AS exists`);
    if (!exists) return this.report('overdue-requests', {}, columns, [], false);
    const now = this.clock.now();
    const rows: { id: string; type: string; status: string; due_at: Date }[] = await this.db.query(
      `SELECT id, type, status, due_at FROM registry.lifecycle_request
       WHERE due_at < $1 AND status NOT IN ('fulfilled', 'rejected', 'cancelled') AND ${within('managing_organization_id', 2)}
       ORDER BY due_at, id LIMIT ${MAX_REPORT_ROWS}`,
      [now, orgsOf(visibleTo)],
    );
    const out = rows.map((r) => ({
      requestId: r.id,
      type: r.type,
      status: r.status,
      dueAt: r.due_at.toISOString(),
      daysOverdue: daysBetween(r.due_at, now),
    }));
    return this.report('overdue-requests', {}, columns, out);
  }
}

/** Columns named after the row's keys; the rows fix the type. */
function cols<R>(_rows: R[], keys: (keyof R & string)[]): Column<R>[] {
  return keys.map((key) => ({ key, header: key }));
}
