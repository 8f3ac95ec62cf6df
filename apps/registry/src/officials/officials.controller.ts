import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiInternal, ApiProblem } from '../shared/api-problem';
import { ParseIdPipe } from '../shared/ids';
import { pageOf } from '../shared/list-query.dto';
import { Official } from './official';
import { CreateOfficialDto, ListOfficialsQueryDto, OfficialDto } from './official.dto';
import { OfficialsService } from './officials.service';

const EXAMPLE = {
  id: '9d2f6c1e-7b3a-4e55-8a10-2f3e4d5c6b7a',
  fullName: 'Trần Thị Bình',
  email: 'binh.tt@hanam.gov.vn',
  title: 'Văn thư',
  organizationId: '4b1c3a56-2f0e-4d7a-9a55-0c1d2e3f4a5b',
  employmentStatus: 'active',
  roles: ['official', 'clerk'],
  createdAt: '2026-01-05T08:00:00.000Z',
};

@ApiTags('registry: officials')
@ApiInternal()
@Controller('officials')
export class OfficialsController {
  constructor(private readonly officials: OfficialsService) {}

  @Post()
  @ApiOperation({ summary: 'Register an official of an organisation' })
  @ApiBody({ type: CreateOfficialDto })
  @ApiResponse({ status: 201, type: OfficialDto, content: { 'application/json': { example: EXAMPLE } } })
  @ApiProblem(400, 'Invalid body', ['MISSING_FIELD', 'INVALID_FIELD', 'INVALID_ID'])
  @ApiProblem(422, 'Organisation unknown', ['ORGANIZATION_NOT_FOUND'])
  create(@Body() body: CreateOfficialDto): Promise<Official> {
    return this.officials.create({
      fullName: body.fullName,
      email: body.email,
      title: body.title,
      organizationId: body.organizationId.toLowerCase(),
      roles: body.roles ?? [],
    });
  }

  @Get()
  @ApiOperation({ summary: 'List officials, optionally of one organisation' })
  @ApiResponse({ status: 200, type: [OfficialDto] })
  list(@Query() query: ListOfficialsQueryDto): Promise<Official[]> {
    return this.officials.list({ ...pageOf(query), organizationId: query.organizationId?.toLowerCase() });
  }

  @Get(':id')
  @ApiOperation({ summary: 'One official' })
  @ApiResponse({ status: 200, type: OfficialDto, content: { 'application/json': { example: EXAMPLE } } })
  @ApiProblem(400, 'Malformed id', ['INVALID_ID'])
  @ApiProblem(404, 'Unknown official', ['OFFICIAL_NOT_FOUND'])
  get(@Param('id', ParseIdPipe) id: string): Promise<Official> {
    return this.officials.get(id);
  }
}
