import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Acting, ActingParam } from '../audit/actor';
import { ApiInternal, ApiProblem } from '../shared/api-problem';
import { ParseIdPipe } from '../shared/ids';
import { TrustAnchorDto, TRUST_ANCHORS_PATH, TrustStoreSnapshotDto, TrustStoreVersionDto } from '@kyso/contracts';
import { CreateTrustAnchorDto, ListTrustAnchorsQueryDto } from './trust-anchor.dto';
import type { TrustStoreVersion } from './trust-anchors.repository';
import { TrustAnchorsService } from './trust-anchors.service';

const EXAMPLE = {
  id: '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d',
  name: 'Kyso Dev Root CA',
  sha256: '9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08',
  subject: 'CN=Kyso Dev Root CA, C=VN',
  certificatePem: '-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n',
  purpose: 'document-signing',
  enabled: true,
  disabledAt: null,
  createdAt: '2026-01-05T08:00:00.000Z',
};
const UNKNOWN = ['TRUST_ANCHOR_NOT_FOUND'];

@ApiTags('registry: trust anchors')
@ApiInternal()
@Controller(TRUST_ANCHORS_PATH.slice(1))
export class TrustAnchorsController {
  constructor(private readonly anchors: TrustAnchorsService) {}

  @Post()
  @ApiOperation({ summary: 'Trust a root or CA certificate for validation' })
  @ApiBody({ type: CreateTrustAnchorDto })
  @ApiResponse({ status: 201, type: TrustAnchorDto, content: { 'application/json': { example: EXAMPLE } } })
  @ApiProblem(400, 'Invalid body or certificate', [
    'MALFORMED_CERTIFICATE',
    'NOT_A_CA_CERTIFICATE',
    'MISSING_FIELD',
    'INVALID_FIELD',
  ])
  @ApiProblem(409, 'Already trusted', ['TRUST_ANCHOR_EXISTS'])
  add(@Body() body: CreateTrustAnchorDto, @ActingParam() acting: Acting): Promise<TrustAnchorDto> {
    return this.anchors.add({ name: body.name, certificatePem: body.certificatePem, purpose: body.purpose }, acting);
  }

  @Get()
  @ApiOperation({ summary: 'Trust anchors: the enabled ones (what the verifier trusts), or all' })
  @ApiResponse({ status: 200, type: [TrustAnchorDto], content: { 'application/json': { example: [EXAMPLE] } } })
  list(@Query() q: ListTrustAnchorsQueryDto): Promise<TrustAnchorDto[]> {
    return this.anchors.list({ includeDisabled: q.includeDisabled, purpose: q.purpose });
  }

  // Before ':id', which would take "version" for an id.
  @Get('version')
  @ApiOperation({ summary: 'The trust-store version: bumped by every add, disable, enable and removal' })
  @ApiResponse({ status: 200, type: TrustStoreVersionDto })
  async version(): Promise<TrustStoreVersionDto> {
    return toVersionDto(await this.anchors.version());
  }

  @Get('snapshot')
  @ApiOperation({ summary: 'The enabled anchors and the trust-store version they make up (read by the verifier)' })
  @ApiResponse({ status: 200, type: TrustStoreSnapshotDto })
  async snapshot(): Promise<TrustStoreSnapshotDto> {
    const s = await this.anchors.snapshot();
    return { ...toVersionDto(s.version), anchors: s.anchors };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One trust anchor' })
  @ApiResponse({ status: 200, type: TrustAnchorDto })
  @ApiProblem(400, 'Malformed id', ['INVALID_ID'])
  @ApiProblem(404, 'Unknown trust anchor', UNKNOWN)
  get(@Param('id', ParseIdPipe) id: string): Promise<TrustAnchorDto> {
    return this.anchors.get(id);
  }

  @Post(':id/disable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop trusting an anchor (kept for the record; no longer served to the verifier)' })
  @ApiResponse({ status: 200, type: TrustAnchorDto })
  @ApiProblem(404, 'Unknown trust anchor', UNKNOWN)
  disable(@Param('id', ParseIdPipe) id: string, @ActingParam() acting: Acting): Promise<TrustAnchorDto> {
    return this.anchors.disable(id, acting);
  }

  @Post(':id/enable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Trust a disabled anchor again' })
  @ApiResponse({ status: 200, type: TrustAnchorDto })
  @ApiProblem(404, 'Unknown trust anchor', UNKNOWN)
  enable(@Param('id', ParseIdPipe) id: string, @ActingParam() acting: Acting): Promise<TrustAnchorDto> {
    return this.anchors.enable(id, acting);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an anchor (the audit log keeps its fingerprint)' })
  @ApiResponse({ status: 204 })
  @ApiProblem(404, 'Unknown trust anchor', UNKNOWN)
  remove(@Param('id', ParseIdPipe) id: string, @ActingParam() acting: Acting): Promise<void> {
    return this.anchors.remove(id, acting);
  }
}

const toVersionDto = (v: TrustStoreVersion): TrustStoreVersionDto => ({
  version: v.version,
  changedAt: v.changedAt.toISOString(),
});
