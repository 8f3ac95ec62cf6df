import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { badRequest } from '@kyso/common';
import { ApiInternal, ApiProblem } from '../shared/api-problem';
import { ParseIdPipe } from '../shared/ids';
import { OwnershipDto, OWNERSHIP_KINDS, OwnershipKind } from '@kyso/contracts';
import { OwnershipService } from './ownership.service';

@ApiTags('registry: ownership')
@ApiInternal()
@Controller('ownership')
export class OwnershipController {
  constructor(private readonly ownership: OwnershipService) {}

  @Get(':kind/:id')
  @ApiOperation({
    summary: 'Which organisation (and managing agency) a resource belongs to: for the gateway access checks',
  })
  @ApiParam({ name: 'kind', enum: OWNERSHIP_KINDS })
  @ApiResponse({
    status: 200,
    type: OwnershipDto,
    content: {
      'application/json': {
        example: {
          kind: 'certificate',
          id: '5b0c8d3e-2f7a-4c1e-9a55-1f2e3d4c5b6a',
          organizationId: '0f9e8d7c-6b5a-4c3d-2e1f-0a9b8c7d6e5f',
          managingOrganizationId: '0f9e8d7c-6b5a-4c3d-2e1f-0a9b8c7d6e5f',
          holderOfficialId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
        },
      },
    },
  })
  @ApiProblem(400, 'Unknown kind or malformed id', ['INVALID_KIND', 'INVALID_ID'])
  @ApiProblem(404, 'No such resource', [
    'CERTIFICATE_NOT_FOUND',
    'OFFICIAL_NOT_FOUND',
    'ORGANIZATION_NOT_FOUND',
    'DEVICE_NOT_FOUND',
    'REQUEST_NOT_FOUND',
  ])
  get(@Param('kind') kind: string, @Param('id', ParseIdPipe) id: string): Promise<OwnershipDto> {
    if (!(OWNERSHIP_KINDS as readonly string[]).includes(kind))
      throw badRequest('INVALID_KIND', `kind must be one of ${OWNERSHIP_KINDS.join(', ')}`);
    return this.ownership.get(kind as OwnershipKind, id);
  }
}
