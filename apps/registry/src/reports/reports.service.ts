import { Injectable } from '@nestjs/common';
import { Certificate } from '@kyso/pki';
import { Clock } from '@kyso/common';
import { MAX_REPORT_ROWS, ReportsRepository } from './reports.repository';
import type { Column } from './csv';
import { subjectDrift } from './drift';
import type { VisibleTo } from '../ownership/visibility';

const DAY_MS = 86_400_000;

export interface Report<R> {
  report: string;
  generatedAt: string;
  parameters: Record<string, unknown>;
  /** False when the data the report reads does not exist yet (e.g. no lifecycle requests table). */
  available: boolean;
  columns: Column<R>[];
  rows: R[];
}

const orgsOf = (v: VisibleTo | undefined) => (v ? v.organizationIds : null);

const daysBetween = (a: Date, b: Date) => Math.floor((b.getTime() - a.getTime()) / DAY_MS);

/** Read-only reports over the registry tables (the SQL is in ReportsRepository). */
@Injectable()
export class ReportsService {
  constructor(
    private readonly repo: ReportsRepository,
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
    const rows = await this.repo.expiring(now, new Date(now.getTime() + days * DAY_MS), orgsOf(visibleTo));
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
    const rows = await this.repo.officialsWithoutCertificate(this.clock.now(), orgsOf(visibleTo));
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
    const rows = await this.repo.usableCertificatesWithSubjects(now, orgsOf(visibleTo));
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
    const rows = await this.repo.devicesNotReturned(now, orgsOf(visibleTo));
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
    if (!(await this.repo.lifecycleRequestsExist())) return this.report('overdue-requests', {}, columns, [], false);
    const now = this.clock.now();
    const rows = await this.repo.overdueRequests(now, orgsOf(visibleTo));
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
