import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Caller, CallerParam } from '@kyso/common';
import { Acting, ActingParam } from '../audit/actor';
import { OwnershipService } from '../ownership/ownership.service';
import { ApiInternal, ApiProblem } from '../shared/api-problem';
import { ParseIdPipe } from '../shared/ids';
import { pageOf } from '../shared/list-query.dto';
import { NewOrganization, Organization } from './organization';
import { OrganizationEvent } from './organization-event';
import {
  CreateOrganizationDto,
  DissolveOrganizationDto,
  ListOrganizationsQueryDto,
  MergeOrganizationDto,
  MoveOrganizationDto,
  OrganizationDto,
  OrganizationEventDto,
  RenameOrganizationDto,
  SplitOrganizationDto,
  SplitResultDto,
} from './organization.dto';
import { OrganizationsService } from './organizations.service';

const EXAMPLE = {
  id: '4b1c3a56-2f0e-4d7a-9a55-0c1d2e3f4a5b',
  code: '000.00.00.H29',
  name: 'Sở Thông tin và Truyền thông tỉnh Hà Nam',
  parentId: null,
  address: 'Phủ Lý, Hà Nam',
  legalEntity: true,
  status: 'active',
  endedAt: null,
  successorId: null,
  createdAt: '2026-01-05T08:00:00.000Z',
};
const EVENT_PROBLEMS = ['ORGANIZATION_NOT_FOUND'];

const toNew = (b: CreateOrganizationDto, parentId: string | null): NewOrganization => ({
  code: b.code,
  name: b.name,
  parentId,
  address: b.address ?? null,
  legalEntity: b.legalEntity,
});

@ApiTags('registry: organisations')
@ApiInternal()
@Controller('organizations')
export class OrganizationsController {
  constructor(
    private readonly organizations: OrganizationsService,
    private readonly ownership: OwnershipService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Register an organisation (cơ quan, tổ chức)' })
  @ApiBody({ type: CreateOrganizationDto })
  @ApiResponse({ status: 201, type: OrganizationDto, content: { 'application/json': { example: EXAMPLE } } })
  @ApiProblem(400, 'Invalid body', ['MISSING_FIELD', 'INVALID_FIELD', 'INVALID_ID'])
  @ApiProblem(409, 'Code already used', ['ORGANIZATION_CODE_EXISTS'])
  @ApiProblem(422, 'Parent organisation unknown or ended', ['ORGANIZATION_NOT_FOUND', 'ORGANIZATION_ENDED'])
  create(@Body() body: CreateOrganizationDto, @ActingParam() acting: Acting): Promise<Organization> {
    return this.organizations.create(toNew(body, body.parentId?.toLowerCase() ?? null), acting);
  }

  @Get()
  @ApiOperation({ summary: 'List organisations, optionally by status or parent' })
  @ApiResponse({ status: 200, type: [OrganizationDto] })
  async list(@Query() query: ListOrganizationsQueryDto, @CallerParam() caller: Caller): Promise<Organization[]> {
    return this.organizations.list({
      ...pageOf(query),
      visibleTo: await this.organizationsVisibleTo(caller),
      status: query.status,
      parentId: query.parentId?.toLowerCase(),
    });
  }

  /** The organisations a caller's roles manage, and an official's own organisation. */
  private async organizationsVisibleTo(caller: Caller) {
    const v = await this.ownership.visibleTo(caller);
    const own = v?.officialId ? await this.ownership.organizationOfOfficial(v.officialId) : undefined;
    return v && { organizationIds: own ? [...v.organizationIds, own] : v.organizationIds, officialId: null };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One organisation' })
  @ApiResponse({ status: 200, type: OrganizationDto, content: { 'application/json': { example: EXAMPLE } } })
  @ApiProblem(400, 'Malformed id', ['INVALID_ID'])
  @ApiProblem(404, 'Unknown organisation', ['ORGANIZATION_NOT_FOUND'])
  get(@Param('id', ParseIdPipe) id: string): Promise<Organization> {
    return this.organizations.get(id);
  }

  @Get(':id/events')
  @ApiOperation({ summary: 'The organisation’s recorded events (rename, move, merge, split, dissolve), oldest first' })
  @ApiResponse({ status: 200, type: [OrganizationEventDto] })
  @ApiProblem(404, 'Unknown organisation', ['ORGANIZATION_NOT_FOUND'])
  async events(@Param('id', ParseIdPipe) id: string): Promise<OrganizationEvent[]> {
    await this.organizations.get(id);
    return this.organizations.events(id);
  }

  @Post(':id/rename')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rename (đổi tên), optionally with a new identifier code' })
  @ApiBody({ type: RenameOrganizationDto })
  @ApiResponse({ status: 200, type: OrganizationDto })
  @ApiProblem(404, 'Unknown organisation', EVENT_PROBLEMS)
  @ApiProblem(409, 'Ended, or code already used', ['ORGANIZATION_ENDED', 'ORGANIZATION_CODE_EXISTS'])
  rename(
    @Param('id', ParseIdPipe) id: string,
    @Body() body: RenameOrganizationDto,
    @ActingParam() acting: Acting,
  ): Promise<Organization> {
    return this.organizations.rename(id, { name: body.name, code: body.code }, acting);
  }

  @Post(':id/move')
  @HttpCode(200)
  @ApiOperation({ summary: 'Move under another parent and/or to a new address' })
  @ApiBody({ type: MoveOrganizationDto })
  @ApiResponse({ status: 200, type: OrganizationDto })
  @ApiProblem(404, 'Unknown organisation', EVENT_PROBLEMS)
  @ApiProblem(409, 'Ended', ['ORGANIZATION_ENDED'])
  @ApiProblem(422, 'Parent unknown, ended, or a cycle', [
    'ORGANIZATION_NOT_FOUND',
    'ORGANIZATION_ENDED',
    'ORGANIZATION_CYCLE',
  ])
  move(
    @Param('id', ParseIdPipe) id: string,
    @Body() body: MoveOrganizationDto,
    @ActingParam() acting: Acting,
  ): Promise<Organization> {
    return this.organizations.move(
      id,
      {
        parentId: body.parentId === undefined ? undefined : (body.parentId?.toLowerCase() ?? null),
        address: body.address,
      },
      acting,
    );
  }

  @Post(':id/merge')
  @HttpCode(200)
  @ApiOperation({ summary: 'Merge into another organisation (sáp nhập): its units and officials move there; it ends' })
  @ApiBody({ type: MergeOrganizationDto })
  @ApiResponse({ status: 200, type: OrganizationDto })
  @ApiProblem(404, 'Unknown organisation', EVENT_PROBLEMS)
  @ApiProblem(409, 'Ended', ['ORGANIZATION_ENDED'])
  @ApiProblem(422, 'Successor unknown, ended, or a cycle', [
    'ORGANIZATION_NOT_FOUND',
    'ORGANIZATION_ENDED',
    'ORGANIZATION_CYCLE',
  ])
  merge(
    @Param('id', ParseIdPipe) id: string,
    @Body() body: MergeOrganizationDto,
    @ActingParam() acting: Acting,
  ): Promise<Organization> {
    return this.organizations.merge(id, body.intoId.toLowerCase(), acting);
  }

  @Post(':id/split')
  @HttpCode(200)
  @ApiOperation({ summary: 'Split (chia, tách) into new organisations under the same parent; it ends' })
  @ApiBody({ type: SplitOrganizationDto })
  @ApiResponse({ status: 200, type: SplitResultDto })
  @ApiProblem(404, 'Unknown organisation', EVENT_PROBLEMS)
  @ApiProblem(409, 'Ended, or a code already used', ['ORGANIZATION_ENDED', 'ORGANIZATION_CODE_EXISTS'])
  split(
    @Param('id', ParseIdPipe) id: string,
    @Body() body: SplitOrganizationDto,
    @ActingParam() acting: Acting,
  ): Promise<{ organization: Organization; parts: Organization[] }> {
    return this.organizations.split(
      id,
      body.into.map((p) => toNew(p, null)),
      acting,
    );
  }

  @Post(':id/dissolve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Dissolve (giải thể); refused while it has active units' })
  @ApiBody({ type: DissolveOrganizationDto })
  @ApiResponse({ status: 200, type: OrganizationDto })
  @ApiProblem(404, 'Unknown organisation', EVENT_PROBLEMS)
  @ApiProblem(409, 'Ended, or still has units', ['ORGANIZATION_ENDED', 'ORGANIZATION_HAS_UNITS'])
  dissolve(
    @Param('id', ParseIdPipe) id: string,
    @Body() body: DissolveOrganizationDto,
    @ActingParam() acting: Acting,
  ): Promise<Organization> {
    return this.organizations.dissolve(id, body.reason ?? null, acting);
  }
}
