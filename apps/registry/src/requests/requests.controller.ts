import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Caller, CallerParam, REQUEST_ID_HEADER } from '@kyso/common';
import type { Request } from 'express';
import { ApiInternal, ApiProblem } from '../shared/api-problem';
import { ParseIdPipe } from '../shared/ids';
import { pageOf } from '../shared/list-query.dto';
import type { RequestStep, RequestView } from './request';
import { ApproveDto, CreateRequestDto, FulfilDto, ListRequestsQueryDto, SendDto, StepDto } from './request.dto';
import { TRUST_REFUSALS } from '../certificates/registration-trust';
import { RequestsService } from './requests.service';

const rid = (req: Request) => req.header(REQUEST_ID_HEADER)?.slice(0, 200) ?? null;

export const REQUEST_VIEW_EXAMPLE = {
  id: '3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
  type: 'revoke',
  status: 'submitted',
  certificateId: '5b0c8d3e-2f7a-4c1e-9a55-1f2e3d4c5b6a',
  officialId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  deviceId: null,
  organizationId: '0f9e8d7c-6b5a-4c3d-2e1f-0a9b8c7d6e5f',
  managingOrganizationId: '0f9e8d7c-6b5a-4c3d-2e1f-0a9b8c7d6e5f',
  reason: 'retirement',
  crlReason: 'affiliationChanged',
  details: {},
  origin: 'personnel-change',
  dueAt: null,
  overdue: false,
  result: null,
  hasLetter: false,
  steps: [
    {
      step: 'create',
      fromStatus: null,
      toStatus: 'draft',
      actor: { kind: 'operator', id: 'op-1', name: 'Lê Văn Công (IT)' },
      note: null,
      at: '2026-03-02T03:00:00.000Z',
    },
  ],
};

const STEP_PROBLEMS = [
  ApiProblem(403, 'The caller does not hold the role the decree names for this step', ['ROLE_NOT_ALLOWED_FOR_STEP']),
  ApiProblem(404, 'No such request', ['REQUEST_NOT_FOUND']),
  ApiProblem(409, 'The request is not in a state this step can leave', ['ILLEGAL_TRANSITION']),
];
/** What the CA's certificate may be refused for at fulfilment (send, with the dev CA; fulfil). */
const ANSWER_PROBLEM = ApiProblem(
  422,
  'The certificate the CA answered is refused: beyond the validity limits, the old key on a re-issue, or not trusted (no valid path to an enabled trust anchor, revoked, or revocation status unknown)',
  [
    ...TRUST_REFUSALS,
    'CHAIN_DOES_NOT_ISSUE_CERTIFICATE',
    'VALIDITY_TOO_LONG',
    'RENEWAL_EXTENDS_TOO_LONG',
    'REISSUE_NEEDS_NEW_KEY',
  ],
);
const stepDocs = (summary: string, body: unknown) => (target: object, key: string | symbol, d: PropertyDescriptor) => {
  ApiOperation({ summary })(target, key, d);
  ApiBody({ type: body as never, required: false })(target, key, d);
  ApiResponse({ status: 200, content: { 'application/json': { example: REQUEST_VIEW_EXAMPLE } } })(target, key, d);
  for (const p of STEP_PROBLEMS) p(target, key, d);
};

@ApiTags('registry: lifecycle requests')
@ApiInternal()
@Controller('requests')
export class RequestsController {
  constructor(private readonly requests: RequestsService) {}

  @Post()
  @ApiOperation({
    summary:
      'Prepare a lifecycle request (draft): issue, renew, change, revoke, reissue, recover-device, return-device',
  })
  @ApiBody({ type: CreateRequestDto })
  @ApiResponse({
    status: 201,
    content: { 'application/json': { example: { ...REQUEST_VIEW_EXAMPLE, status: 'draft' } } },
  })
  @ApiProblem(400, 'Missing or invalid field', ['MISSING_FIELD', 'INVALID_FIELD', 'INVALID_ID'])
  @ApiProblem(403, 'Only the IT officer of the managing agency prepares requests', ['ROLE_NOT_ALLOWED_FOR_STEP'])
  @ApiProblem(404, 'Unknown certificate, official, organisation or device', [
    'CERTIFICATE_NOT_FOUND',
    'OFFICIAL_NOT_FOUND',
    'ORGANIZATION_NOT_FOUND',
    'DEVICE_NOT_FOUND',
  ])
  @ApiProblem(409, 'The certificate is in the wrong state for this request', [
    'CERTIFICATE_ALREADY_REVOKED',
    'CERTIFICATE_NOT_RENEWABLE',
    'CERTIFICATE_STILL_VALID',
  ])
  @ApiProblem(422, 'The case does not apply to this subject type', ['REASON_NOT_APPLICABLE'])
  create(@Body() body: CreateRequestDto, @CallerParam() caller: Caller, @Req() req: Request): Promise<RequestView> {
    return this.requests.create(caller, body, { requestId: rid(req) });
  }

  @Get()
  @ApiOperation({ summary: "Requests of the caller's managing agencies (all for an admin)" })
  @ApiResponse({ status: 200, content: { 'application/json': { example: [REQUEST_VIEW_EXAMPLE] } } })
  list(@Query() q: ListRequestsQueryDto, @CallerParam() caller: Caller): Promise<RequestView[]> {
    return this.requests.list(caller, {
      ...pageOf(q),
      status: q.status,
      type: q.type,
      organizationId: q.organizationId,
      overdue: q.overdue,
    });
  }

  @Get(':id')
  @ApiOperation({ summary: 'One request with its steps, deadline and whether it is overdue' })
  @ApiResponse({ status: 200, content: { 'application/json': { example: REQUEST_VIEW_EXAMPLE } } })
  @ApiProblem(404, 'No such request', ['REQUEST_NOT_FOUND'])
  get(@Param('id', ParseIdPipe) id: string): Promise<RequestView> {
    return this.requests.get(id);
  }

  @Post(':id/submit')
  @HttpCode(200)
  @stepDocs(
    'Submit to the head of the managing agency (IT officer); a revocation for key exposure or loss suspends the certificate at once',
    StepDto,
  )
  submit(@Param('id', ParseIdPipe) id: string, @Body() b: StepDto, @CallerParam() c: Caller, @Req() req: Request) {
    return this.take(id, 'submit', c, { note: b.note, requestId: rid(req) });
  }

  @Post(':id/approve')
  @HttpCode(200)
  @stepDocs(
    'Approve (head of the managing agency) and sign the letter to the CA with your own certificate and `pin`; a refused signature approves nothing',
    ApproveDto,
  )
  @ApiProblem(
    403,
    'The letter signature is refused (reason: PIN_REQUIRED, WRONG_PIN, CERTIFICATE_LOCKED, NOT_OF_MANAGING_AGENCY...)',
    ['SIGNING_NOT_ALLOWED'],
  )
  @ApiProblem(422, 'The approving official has no active personal certificate', ['NO_PERSONAL_CERTIFICATE'])
  approve(@Param('id', ParseIdPipe) id: string, @Body() b: ApproveDto, @CallerParam() c: Caller, @Req() req: Request) {
    return this.take(id, 'approve', c, {
      note: b.note,
      pin: b.pin,
      requestId: rid(req),
    });
  }

  @Post(':id/reject')
  @HttpCode(200)
  @stepDocs('Reject (head of the managing agency)', StepDto)
  reject(@Param('id', ParseIdPipe) id: string, @Body() b: StepDto, @CallerParam() c: Caller, @Req() req: Request) {
    return this.take(id, 'reject', c, { note: b.note, requestId: rid(req) });
  }

  @Post(':id/send')
  @HttpCode(200)
  @stepDocs(
    'Send to the CA (IT officer or clerk); starts the working-day deadline; the dev CA fulfils at once',
    SendDto,
  )
  @ANSWER_PROBLEM
  send(@Param('id', ParseIdPipe) id: string, @Body() b: SendDto, @CallerParam() c: Caller, @Req() req: Request) {
    return this.take(id, 'send', c, { note: b.note, signingPin: b.signingPin, requestId: rid(req) });
  }

  @Post(':id/fulfil')
  @HttpCode(200)
  @stepDocs("Import the CA's answer: the certificate file, or the revocation confirmation (IT officer)", FulfilDto)
  @ANSWER_PROBLEM
  fulfil(@Param('id', ParseIdPipe) id: string, @Body() b: FulfilDto, @CallerParam() c: Caller, @Req() req: Request) {
    const { note, signingPin, ...answer } = b;
    return this.take(id, 'fulfil', c, { note, signingPin, answer, requestId: rid(req) });
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @stepDocs('Cancel before it is sent (IT officer)', StepDto)
  cancel(@Param('id', ParseIdPipe) id: string, @Body() b: StepDto, @CallerParam() c: Caller, @Req() req: Request) {
    return this.take(id, 'cancel', c, { note: b.note, requestId: rid(req) });
  }

  private take(
    id: string,
    step: RequestStep,
    caller: Caller,
    opts: Parameters<RequestsService['step']>[3],
  ): Promise<RequestView> {
    return this.requests.step(id, step, caller, opts);
  }
}
