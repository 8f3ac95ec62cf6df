import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Caller, CallerParam, REQUEST_ID_HEADER } from '@kyso/common';
import type { Request } from 'express';
import { ApiInternal, ApiProblem } from '../shared/api-problem';
import { ParseIdPipe } from '../shared/ids';
import { ListQueryDto, pageOf } from '../shared/list-query.dto';
import { OrganizationChangeDto, PersonnelChangeDto } from './personnel.dto';
import { PersonnelService } from './personnel.service';

const rid = (req: Request) => req.header(REQUEST_ID_HEADER)?.slice(0, 200) ?? null;
const OUTCOME = {
  changeEventId: '9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a',
  status: 'applied',
  requests: [{ id: '3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f', type: 'revoke', status: 'draft', reason: 'retirement' }],
  notificationIds: ['1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9'],
};

@ApiTags('registry: personnel changes')
@ApiInternal()
@Controller()
export class PersonnelController {
  constructor(private readonly personnel: PersonnelService) {}

  @Post('personnel-changes')
  @ApiOperation({
    summary:
      'Record a retirement, resignation, transfer or death: raises revoke (or change) drafts for every certificate and device of the official',
    description:
      'A change dated today or earlier takes effect now. One dated later is `scheduled`: nothing is raised and the official’s record is unchanged until 00:00 (Vietnam time) of its effective date, when the registry applies it once; until then it shows in the pending report and can be cancelled.',
  })
  @ApiBody({ type: PersonnelChangeDto })
  @ApiResponse({
    status: 201,
    content: {
      'application/json': {
        examples: {
          applied: { value: OUTCOME },
          scheduled: {
            value: { changeEventId: OUTCOME.changeEventId, status: 'scheduled', requests: [], notificationIds: [] },
          },
        },
      },
    },
  })
  @ApiProblem(400, 'Missing or invalid field', ['MISSING_FIELD', 'INVALID_FIELD', 'INVALID_ID'])
  @ApiProblem(403, 'Not the IT officer of the managing agency', ['ROLE_NOT_ALLOWED_FOR_STEP'])
  @ApiProblem(404, 'Unknown official or organisation', ['OFFICIAL_NOT_FOUND', 'ORGANIZATION_NOT_FOUND'])
  @ApiProblem(503, 'A future-dated change cannot be queued now (Redis)', [
    'SCHEDULER_UNAVAILABLE',
    'SCHEDULER_NOT_CONFIGURED',
  ])
  personnelChange(@Body() b: PersonnelChangeDto, @CallerParam() c: Caller, @Req() req: Request) {
    return this.personnel.personnelChange(
      c,
      { ...b, officialId: b.officialId.toLowerCase(), newOrganizationId: b.newOrganizationId?.toLowerCase() },
      rid(req),
    );
  }

  @Post('personnel-changes/:id/cancel')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel a personnel change still waiting for its effective date (nothing of it is applied)',
  })
  @ApiResponse({
    status: 200,
    content: {
      'application/json': {
        example: {
          changeEventId: OUTCOME.changeEventId,
          kind: 'retirement',
          officialId: '0b8f5c3e-2a71-4d6e-9c4b-7f1a2e3d4c5b',
          effectiveDate: '2027-07-01',
          status: 'cancelled',
          cancelledAt: '2026-12-02T03:04:05.000Z',
        },
      },
    },
  })
  @ApiProblem(403, 'Not the IT officer of every managing agency concerned', ['ROLE_NOT_ALLOWED_FOR_STEP'])
  @ApiProblem(404, 'No such personnel change', ['CHANGE_EVENT_NOT_FOUND'])
  @ApiProblem(409, 'Already applied or cancelled', ['CHANGE_NOT_SCHEDULED'])
  cancel(@Param('id', ParseIdPipe) id: string, @CallerParam() c: Caller, @Req() req: Request) {
    return this.personnel.cancelScheduled(c, id, rid(req));
  }

  @Post('organization-changes')
  @ApiOperation({
    summary:
      'React to a rename, merge, split or dissolution: one operation raises the drafts for every affected certificate and device',
  })
  @ApiBody({ type: OrganizationChangeDto })
  @ApiResponse({ status: 201, content: { 'application/json': { example: OUTCOME } } })
  @ApiProblem(400, 'Missing or invalid field', ['MISSING_FIELD', 'INVALID_FIELD', 'INVALID_ID'])
  @ApiProblem(403, 'The caller does not cover every managing agency affected', ['ROLE_NOT_ALLOWED_FOR_STEP'])
  @ApiProblem(404, 'Unknown organisation', ['ORGANIZATION_NOT_FOUND'])
  organizationChange(@Body() b: OrganizationChangeDto, @CallerParam() c: Caller, @Req() req: Request) {
    return this.personnel.organizationChange(
      c,
      {
        ...b,
        organizationIds: b.organizationIds.map((id) => id.toLowerCase()),
        targetOrganizationId: b.targetOrganizationId?.toLowerCase(),
      },
      rid(req),
    );
  }

  @Get('notifications')
  @ApiOperation({ summary: "Notices for the IT officers of the caller's organisations, newest first" })
  @ApiResponse({
    status: 200,
    content: {
      'application/json': {
        example: [
          {
            id: '1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9',
            kind: 'personnel.retirement',
            message: 'Cán bộ Nguyễn Văn An nghỉ hưu từ ngày 2026-07-01: đã lập 2 dự thảo yêu cầu cần xử lý.',
          },
        ],
      },
    },
  })
  notifications(@Query() q: ListQueryDto, @CallerParam() c: Caller) {
    return this.personnel.notifications(c, pageOf(q));
  }

  @Get('reports/personnel-changes')
  @ApiOperation({
    summary:
      'Requests raised by personnel and organisation changes that are not finished yet, and personnel changes scheduled for a later date (type `scheduled-change`, no request yet)',
  })
  @ApiResponse({
    status: 200,
    content: {
      'application/json': {
        example: [
          {
            requestId: '3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
            type: 'revoke',
            status: 'draft',
            changeKind: 'retirement',
            effectiveDate: '2026-07-01',
          },
        ],
      },
    },
  })
  report(@CallerParam() c: Caller) {
    return this.personnel.pendingReport(c);
  }
}
