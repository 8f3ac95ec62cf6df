import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiInternal, ApiProblem } from '../shared/api-problem';
import { ParseIdPipe } from '../shared/ids';
import { ListQueryDto, pageOf } from '../shared/list-query.dto';
import { KeyDevice } from './key-device';
import { CreateKeyDeviceDto, KeyDeviceDto } from './key-device.dto';
import { KeyDevicesService } from './key-devices.service';

const EXAMPLE = {
  id: 'c0ffee00-1111-4222-8333-444455556666',
  serialNumber: '54010203A1B2C3D4',
  model: 'ePass2003',
  organizationId: '4b1c3a56-2f0e-4d7a-9a55-0c1d2e3f4a5b',
  holderOfficialId: '9d2f6c1e-7b3a-4e55-8a10-2f3e4d5c6b7a',
  state: 'issued',
  createdAt: '2026-01-05T08:00:00.000Z',
};

@ApiTags('registry: key devices')
@ApiInternal()
@Controller('devices')
export class KeyDevicesController {
  constructor(private readonly devices: KeyDevicesService) {}

  @Post()
  @ApiOperation({ summary: 'Register a key device (USB token)' })
  @ApiBody({ type: CreateKeyDeviceDto })
  @ApiResponse({ status: 201, type: KeyDeviceDto, content: { 'application/json': { example: EXAMPLE } } })
  @ApiProblem(400, 'Invalid body', ['MISSING_FIELD', 'INVALID_FIELD', 'INVALID_ID'])
  @ApiProblem(409, 'Serial number already registered', ['DEVICE_EXISTS'])
  @ApiProblem(422, 'Organisation or holder unknown', ['ORGANIZATION_NOT_FOUND', 'OFFICIAL_NOT_FOUND'])
  create(@Body() body: CreateKeyDeviceDto): Promise<KeyDevice> {
    return this.devices.create({
      serialNumber: body.serialNumber,
      model: body.model,
      organizationId: body.organizationId.toLowerCase(),
      holderOfficialId: body.holderOfficialId?.toLowerCase() ?? null,
      state: body.state,
    });
  }

  @Get()
  @ApiOperation({ summary: 'List key devices' })
  @ApiResponse({ status: 200, type: [KeyDeviceDto] })
  list(@Query() query: ListQueryDto): Promise<KeyDevice[]> {
    return this.devices.list(pageOf(query));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One key device' })
  @ApiResponse({ status: 200, type: KeyDeviceDto, content: { 'application/json': { example: EXAMPLE } } })
  @ApiProblem(400, 'Malformed id', ['INVALID_ID'])
  @ApiProblem(404, 'Unknown device', ['DEVICE_NOT_FOUND'])
  get(@Param('id', ParseIdPipe) id: string): Promise<KeyDevice> {
    return this.devices.get(id);
  }
}
