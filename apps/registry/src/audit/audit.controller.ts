import { Body, Controller, Get, Headers, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Caller, CallerParam } from '@kyso/common';
import { OwnershipService } from '../ownership/ownership.service';
import { ApiInternal, ApiProblem } from '../shared/api-problem';
import { pageOf } from '../shared/list-query.dto';
import { Acting, ActingParam } from './actor';
import { AuditEventView, ChainVerification, toAuditEventView } from './audit-event';
import { AppendAuditEventDto } from '@kyso/contracts';
import { appendEventOf } from './append-event';
import { AuditEventDto, AuditPageDto, AuditQueryDto } from './audit.dto';
import { PgAuditLog } from './audit-log.repository';

const EVENT_EXAMPLE = {
  seq: '42',
  at: '2026-01-05T08:00:00.000Z',
  actor: { kind: 'operator', id: 'op-1', name: 'it.officer@hanam.gov.vn' },
  action: 'certificate.revoked',
  entityType: 'certificate',
  entityId: '1f7e2d3c-4b5a-4968-8776-655443322110',
  before: { status: 'active' },
  after: { status: 'revoked', revocationReason: 'keyCompromise' },
  requestId: 'b1946ac9',
  prevHash: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  hash: '60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752',
};

@ApiTags('registry: audit')
@ApiInternal()
@Controller('audit')
export class AuditController {
  constructor(
    private readonly audit: PgAuditLog,
    private readonly ownership: OwnershipService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Query the audit log by entity, actor, action and time range (oldest first, paginated)' })
  @ApiResponse({
    status: 200,
    type: AuditPageDto,
    content: { 'application/json': { example: { items: [EVENT_EXAMPLE], total: 1, limit: 100, offset: 0 } } },
  })
  @ApiProblem(400, 'Invalid query', ['INVALID_FIELD'])
  async list(
    @Query() q: AuditQueryDto,
    @CallerParam() caller: Caller,
  ): Promise<{ items: AuditEventView[]; total: number; limit: number; offset: number }> {
    const page = pageOf(q);
    const { items, total } = await this.audit.query({
      ...page,
      entityType: q.entityType,
      entityId: q.entityId,
      actorId: q.actorId,
      action: q.action,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      // Not an admin: only entries about the records its organisations manage.
      organizationIds: (await this.ownership.visibleTo(caller))?.organizationIds,
    });
    return { items: items.map(toAuditEventView), total, ...page };
  }

  @Get('verify')
  @ApiOperation({ summary: 'Recompute the hash chain; reports the first broken entry' })
  @ApiResponse({
    status: 200,
    content: {
      'application/json': {
        examples: {
          intact: { value: { ok: true, checked: 1200, lastSeq: '1200', lastHash: EVENT_EXAMPLE.hash } },
          broken: { value: { ok: false, checked: 41, firstBrokenSeq: '42', reason: 'HASH_MISMATCH' } },
        },
      },
    },
  })
  verify(): Promise<ChainVerification> {
    return this.audit.verify();
  }

  @Post('events')
  @ApiOperation({ summary: 'Append an event on behalf of another service (actor: the forwarded caller)' })
  @ApiBody({ type: AppendAuditEventDto })
  @ApiHeader({
    name: 'Prefer',
    required: false,
    description:
      "`return=minimal`: the answer is only the event's `seq` and `hash` (its place in the chain), not the event (RFC 7240)",
  })
  @ApiResponse({ status: 201, type: AuditEventDto, content: { 'application/json': { example: EVENT_EXAMPLE } } })
  @ApiProblem(400, 'Invalid body', ['MISSING_FIELD', 'INVALID_FIELD', 'INVALID_CALLER'])
  async append(
    // Not a DTO parameter: appendEventOf checks it as the pipe would, without copying before/after.
    @Body() body: unknown,
    @ActingParam() acting: Acting,
    @Headers('prefer') prefer: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AuditEventView | { seq: string; hash: string }> {
    const event = await this.audit.record({ ...appendEventOf(body), actor: acting.actor, requestId: acting.requestId });
    // A sealer needs only the event's place in the chain: echoing its hundreds of records back is waste.
    if (prefersMinimal(prefer)) {
      res.setHeader('Preference-Applied', 'return=minimal');
      return { seq: event.seq, hash: event.hash };
    }
    return toAuditEventView(event);
  }
}

/** Whether a Prefer header (RFC 7240) asks for `return=minimal`. */
const prefersMinimal = (prefer: string | undefined): boolean =>
  prefer !== undefined && prefer.split(',').some((p) => p.split(';')[0].trim().toLowerCase() === 'return=minimal');
