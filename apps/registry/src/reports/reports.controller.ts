import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import type { Response } from 'express';
import { Caller, CallerParam } from '@kyso/common';
import { OwnershipService } from '../ownership/ownership.service';
import { ApiInternal, ApiProblem } from '../shared/api-problem';
import { toCsv } from './csv';
import { Report, ReportsService } from './reports.service';

export class ReportFormatQueryDto {
  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json', description: 'csv: UTF-8 with BOM, for Excel' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

export class ExpiringQueryDto extends ReportFormatQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 3650, default: 30 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  days?: number;
}

const JSON_AND_CSV = (example: object) =>
  ApiResponse({
    status: 200,
    description: 'The report as JSON, or as CSV with ?format=csv',
    content: { 'application/json': { example }, 'text/csv': { schema: { type: 'string' } } },
  });

/** JSON by default; `?format=csv` answers an attachment Excel opens with the right encoding. */
function send<R>(res: Response, format: string | undefined, report: Report<R>): Report<R> | string {
  if (format !== 'csv') return report;
  res.type('text/csv; charset=utf-8');
  res.setHeader(
    'content-disposition',
    `attachment; filename="${report.report}-${report.generatedAt.slice(0, 10)}.csv"`,
  );
  return toCsv(report.columns, report.rows);
}

@ApiTags('registry: reports')
@ApiInternal()
@ApiProduces('application/json', 'text/csv')
@Controller('reports')
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly ownership: OwnershipService,
  ) {}

  @Get('expiring')
  @ApiOperation({ summary: 'Certificates expiring within N days' })
  @JSON_AND_CSV({
    report: 'expiring',
    parameters: { days: 30 },
    available: true,
    rows: [{ certificateId: '…', notAfter: '2026-02-01T00:00:00.000Z', daysLeft: 12 }],
  })
  @ApiProblem(400, 'Invalid query', ['INVALID_FIELD'])
  async expiring(
    @Query() q: ExpiringQueryDto,
    @Res({ passthrough: true }) res: Response,
    @CallerParam() caller: Caller,
  ) {
    return send(res, q.format, await this.reports.expiring(q.days ?? 30, await this.ownership.visibleTo(caller)));
  }

  @Get('officials-without-certificate')
  @ApiOperation({ summary: 'Officials in service without a usable personal certificate' })
  @JSON_AND_CSV({ report: 'officials-without-certificate', rows: [{ officialId: '…', fullName: 'Lê Văn Bình' }] })
  async officialsWithoutCertificate(
    @Query() q: ReportFormatQueryDto,
    @Res({ passthrough: true }) res: Response,
    @CallerParam() caller: Caller,
  ) {
    return send(res, q.format, await this.reports.officialsWithoutCertificate(await this.ownership.visibleTo(caller)));
  }

  @Get('subject-drift')
  @ApiOperation({ summary: 'Certificates whose subject (CN, E, O/OU) no longer matches the registry' })
  @JSON_AND_CSV({
    report: 'subject-drift',
    rows: [{ certificateId: '…', field: 'CN', certificateValue: 'Nguyễn Văn An', registryValue: 'Nguyễn Văn Anh' }],
  })
  async subjectDrift(
    @Query() q: ReportFormatQueryDto,
    @Res({ passthrough: true }) res: Response,
    @CallerParam() caller: Caller,
  ) {
    return send(res, q.format, await this.reports.subjectDrift(await this.ownership.visibleTo(caller)));
  }

  @Get('devices-not-returned')
  @ApiOperation({ summary: 'Key devices owed back after their certificates were revoked or expired' })
  @JSON_AND_CSV({
    report: 'devices-not-returned',
    rows: [{ deviceId: '…', serialNumber: '5401…', owedSince: '2026-01-01T00:00:00.000Z', daysOwed: 30 }],
  })
  async devicesNotReturned(
    @Query() q: ReportFormatQueryDto,
    @Res({ passthrough: true }) res: Response,
    @CallerParam() caller: Caller,
  ) {
    return send(res, q.format, await this.reports.devicesNotReturned(await this.ownership.visibleTo(caller)));
  }

  @Get('overdue-requests')
  @ApiOperation({ summary: 'Lifecycle requests past their deadline' })
  @JSON_AND_CSV({
    report: 'overdue-requests',
    rows: [{ requestId: '…', type: 'issue', status: 'sent', dueAt: '2026-01-10T00:00:00.000Z', daysOverdue: 3 }],
  })
  async overdueRequests(
    @Query() q: ReportFormatQueryDto,
    @Res({ passthrough: true }) res: Response,
    @CallerParam() caller: Caller,
  ) {
    return send(res, q.format, await this.reports.overdueRequests(await this.ownership.visibleTo(caller)));
  }
}
