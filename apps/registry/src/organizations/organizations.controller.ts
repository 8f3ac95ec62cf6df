import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiInternal, ApiProblem } from '../shared/api-problem';
import { ParseIdPipe } from '../shared/ids';
import { ListQueryDto, pageOf } from '../shared/list-query.dto';
import { Organization } from './organization';
import { CreateOrganizationDto, OrganizationDto } from './organization.dto';
import { OrganizationsService } from './organizations.service';

const EXAMPLE = {
  id: '4b1c3a56-2f0e-4d7a-9a55-0c1d2e3f4a5b',
  code: '000.00.00.H29',
  name: 'Sở Thông tin và Truyền thông tỉnh Hà Nam',
  parentId: null,
  address: 'Phủ Lý, Hà Nam',
  legalEntity: true,
  createdAt: '2026-01-05T08:00:00.000Z',
};

@ApiTags('registry: organisations')
@ApiInternal()
@Controller('organizations')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Post()
  @ApiOperation({ summary: 'Register an organisation (cơ quan, tổ chức)' })
  @ApiBody({ type: CreateOrganizationDto })
  @ApiResponse({ status: 201, type: OrganizationDto, content: { 'application/json': { example: EXAMPLE } } })
  @ApiProblem(400, 'Invalid body', ['MISSING_FIELD', 'INVALID_FIELD', 'INVALID_ID'])
  @ApiProblem(409, 'Code already used', ['ORGANIZATION_CODE_EXISTS'])
  @ApiProblem(422, 'Parent organisation unknown', ['ORGANIZATION_NOT_FOUND'])
  create(@Body() body: CreateOrganizationDto): Promise<Organization> {
    return this.organizations.create({
      code: body.code,
      name: body.name,
      parentId: body.parentId?.toLowerCase() ?? null,
      address: body.address ?? null,
      legalEntity: body.legalEntity,
    });
  }

  @Get()
  @ApiOperation({ summary: 'List organisations' })
  @ApiResponse({ status: 200, type: [OrganizationDto] })
  list(@Query() query: ListQueryDto): Promise<Organization[]> {
    return this.organizations.list(pageOf(query));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One organisation' })
  @ApiResponse({ status: 200, type: OrganizationDto, content: { 'application/json': { example: EXAMPLE } } })
  @ApiProblem(400, 'Malformed id', ['INVALID_ID'])
  @ApiProblem(404, 'Unknown organisation', ['ORGANIZATION_NOT_FOUND'])
  get(@Param('id', ParseIdPipe) id: string): Promise<Organization> {
    return this.organizations.get(id);
  }
}
