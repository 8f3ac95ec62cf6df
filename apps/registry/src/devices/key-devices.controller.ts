import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Caller, CallerParam } from '@kyso/common';
import { Acting, ActingParam } from '../audit/actor';
import { OwnershipService } from '../ownership/ownership.service';
import { ApiInternal, ApiProblem } from '../shared/api-problem';
import { ParseIdPipe } from '../shared/ids';
import { pageOf } from '../shared/list-query.dto';
import { Handover, KeyDevice } from './key-device';
import {
  CreateKeyDeviceDto,
  HandoverDto,
  KeyDeviceDetailDto,
  KeyDeviceDto,
  ListKeyDevicesQueryDto,
  MoveKeyDeviceDto,
} from './key-device.dto';
import { KeyDeviceDetail, KeyDevicesService } from './key-devices.service';

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
  constructor(
    private readonly devices: KeyDevicesService,
    private readonly ownership: OwnershipService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Register a key device (USB token)' })
  @ApiBody({ type: CreateKeyDeviceDto })
  @ApiResponse({ status: 201, type: KeyDeviceDto, content: { 'application/json': { example: EXAMPLE } } })
  @ApiProblem(400, 'Invalid body', ['MISSING_FIELD', 'INVALID_FIELD', 'INVALID_ID'])
  @ApiProblem(409, 'Serial number already registered', ['DEVICE_EXISTS'])
  @ApiProblem(422, 'Organisation or holder unknown', ['ORGANIZATION_NOT_FOUND', 'OFFICIAL_NOT_FOUND'])
  create(@Body() body: CreateKeyDeviceDto, @ActingParam() acting: Acting): Promise<KeyDevice> {
    return this.devices.create(
      {
        serialNumber: body.serialNumber,
        model: body.model,
        organizationId: body.organizationId.toLowerCase(),
        holderOfficialId: body.holderOfficialId?.toLowerCase() ?? null,
        state: body.state,
      },
      acting,
    );
  }

  @Get()
  @ApiOperation({
    summary:
      "List key devices, optionally by organisation, holder or state; only those the caller's organisations manage (an official: their own)",
  })
  @ApiResponse({ status: 200, type: [KeyDeviceDto] })
  async list(@Query() query: ListKeyDevicesQueryDto, @CallerParam() caller: Caller): Promise<KeyDevice[]> {
    return this.devices.list({
      ...pageOf(query),
      visibleTo: await this.ownership.visibleTo(caller),
      organizationId: query.organizationId?.toLowerCase(),
      holderOfficialId: query.holderOfficialId?.toLowerCase(),
      state: query.state,
    });
  }

  @Get(':id')
  @ApiOperation({ summary: 'One key device, with whether it is owed back' })
  @ApiResponse({
    status: 200,
    type: KeyDeviceDetailDto,
    content: { 'application/json': { example: { ...EXAMPLE, returnOwedSince: null } } },
  })
  @ApiProblem(400, 'Malformed id', ['INVALID_ID'])
  @ApiProblem(404, 'Unknown device', ['DEVICE_NOT_FOUND'])
  get(@Param('id', ParseIdPipe) id: string): Promise<KeyDeviceDetail> {
    return this.devices.get(id);
  }

  @Get(':id/handovers')
  @ApiOperation({ summary: 'The device’s hand-over records, oldest first' })
  @ApiResponse({ status: 200, type: [HandoverDto] })
  @ApiProblem(404, 'Unknown device', ['DEVICE_NOT_FOUND'])
  handovers(@Param('id', ParseIdPipe) id: string): Promise<Handover[]> {
    return this.devices.handovers(id);
  }

  @Post(':id/moves')
  @HttpCode(201)
  @ApiOperation({ summary: 'Record a hand-over: issue, return, lose, lock, unlock, restock or destroy the device' })
  @ApiBody({ type: MoveKeyDeviceDto })
  @ApiResponse({ status: 201, description: 'The device after the move and the hand-over record' })
  @ApiProblem(400, 'Invalid body', ['MISSING_FIELD', 'INVALID_FIELD', 'INVALID_ID'])
  @ApiProblem(404, 'Unknown device', ['DEVICE_NOT_FOUND'])
  @ApiProblem(409, 'Move not allowed from the current state', ['ILLEGAL_DEVICE_MOVE'])
  @ApiProblem(422, 'Holder or party unknown', ['OFFICIAL_NOT_FOUND'])
  move(
    @Param('id', ParseIdPipe) id: string,
    @Body() body: MoveKeyDeviceDto,
    @ActingParam() acting: Acting,
  ): Promise<{ device: KeyDevice; handover: Handover }> {
    return this.devices.move(
      id,
      {
        toState: body.toState,
        holderOfficialId: body.holderOfficialId?.toLowerCase() ?? null,
        handedBy: { officialId: body.handedBy.officialId?.toLowerCase(), name: body.handedBy.name },
        receivedBy: { officialId: body.receivedBy.officialId?.toLowerCase(), name: body.receivedBy.name },
        at: body.at ? new Date(body.at) : undefined,
        note: body.note ?? null,
      },
      acting,
    );
  }
}
