import { Body, Controller, Get, HttpCode, Param, Post, Query, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { badRequest, Caller, CallerParam } from '@kyso/common';
import { Acting, ActingParam } from '../audit/actor';
import { OwnershipService } from '../ownership/ownership.service';
import { ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiInternal, ApiProblem } from '../shared/api-problem';
import { ParseIdPipe } from '../shared/ids';
import { pageOf } from '../shared/list-query.dto';
import { CertificateView } from './certificate';
import {
  CertificateLinksDto,
  CertificateViewDto,
  CreateCertificateDto,
  ListCertificatesQueryDto,
  RevokeCertificateDto,
} from './certificate.dto';
import { CertificatesService } from './certificates.service';
import { TRUST_REFUSALS } from './registration-trust';

export const CERTIFICATE_VIEW_EXAMPLE = {
  id: '1f7e2d3c-4b5a-4968-8776-655443322110',
  serialNumber: '5A0F3C',
  subject: 'CN=Nguyễn Văn An, O=Sở TT&TT Hà Nam, C=VN',
  issuer: 'CN=Kyso Dev Government CA, C=VN',
  notBefore: '2026-01-01T00:00:00.000Z',
  notAfter: '2028-01-01T00:00:00.000Z',
  status: 'active',
  subjectType: 'person',
  holderOfficialId: '9d2f6c1e-7b3a-4e55-8a10-2f3e4d5c6b7a',
  organizationId: '4b1c3a56-2f0e-4d7a-9a55-0c1d2e3f4a5b',
  deviceId: null,
  keyUri: 'pkcs11:token=kyso-dev;object=an-nv',
  sha256: '3E5B...A1',
  revocationReason: null,
  revokedAt: null,
  certificatePem: '-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n',
  chainPem: [],
  renewalOfId: null,
  createdAt: '2026-01-05T08:00:00.000Z',
};

const MAX_UPLOAD_BYTES = 64 * 1024;
const REGISTER_422 = [
  'ORGANIZATION_NOT_FOUND',
  'OFFICIAL_NOT_FOUND',
  'DEVICE_NOT_FOUND',
  'HOLDER_NOT_IN_ORGANIZATION',
  'CERTIFICATE_NOT_FOUND',
  'RENEWAL_MISMATCH',
  'VALIDITY_TOO_LONG',
  'RENEWAL_EXTENDS_TOO_LONG',
  'CHAIN_DOES_NOT_ISSUE_CERTIFICATE',
  // The trust rule (registration-trust.ts): an RFC 5280 path to an enabled anchor, revocation checked.
  ...TRUST_REFUSALS,
];
const REGISTER_422_TEXT =
  'Referenced record unknown, validity beyond the decree’s limits, or the certificate not trusted: no path to an enabled trust anchor (CERTIFICATE_NOT_TRUSTED), an invalid path (CERTIFICATE_PATH_INVALID, e.g. expired), revoked (CERTIFICATE_REVOKED) or revocation status unknown, refused until it can be checked (CERTIFICATE_REVOCATION_UNKNOWN)';

const links = (b: CertificateLinksDto) => ({
  subjectType: b.subjectType,
  holderOfficialId: b.holderOfficialId?.toLowerCase() ?? null,
  organizationId: b.organizationId.toLowerCase(),
  deviceId: b.deviceId?.toLowerCase() ?? null,
  keyUri: b.keyUri,
  signingPin: b.signingPin,
  renewalOfId: b.renewalOfId?.toLowerCase() ?? null,
});

@ApiTags('registry: certificates')
@ApiInternal()
@Controller('certificates')
export class CertificatesController {
  constructor(
    private readonly certificates: CertificatesService,
    private readonly ownership: OwnershipService,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Register an issued certificate (PEM or base64 DER), its key location and the holder’s signing PIN',
  })
  @ApiBody({ type: CreateCertificateDto })
  @ApiResponse({
    status: 201,
    type: CertificateViewDto,
    content: { 'application/json': { example: CERTIFICATE_VIEW_EXAMPLE } },
  })
  @ApiProblem(400, 'Invalid body or certificate', [
    'MALFORMED_CERTIFICATE',
    'MISSING_FIELD',
    'INVALID_FIELD',
    'INVALID_ID',
  ])
  @ApiProblem(409, 'Certificate already registered', ['CERTIFICATE_EXISTS'])
  @ApiProblem(422, REGISTER_422_TEXT, REGISTER_422)
  create(@Body() body: CreateCertificateDto, @ActingParam() acting: Acting): Promise<CertificateView> {
    const certificate =
      body.certificateDer !== undefined
        ? new Uint8Array(Buffer.from(body.certificateDer, 'base64'))
        : body.certificatePem!;
    return this.certificates.register({ ...links(body), certificate, chainPem: body.chainPem ?? [] }, acting);
  }

  @Post('upload')
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1 } }))
  @ApiOperation({
    summary: 'Register an issued certificate uploaded as a file (DER or PEM), with the same fields as form fields',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file', 'subjectType', 'organizationId', 'keyUri', 'signingPin'],
      properties: {
        file: { type: 'string', format: 'binary', description: '.cer/.crt/.der/.pem' },
        subjectType: { type: 'string', enum: ['person', 'organization', 'device'] },
        holderOfficialId: { type: 'string', format: 'uuid' },
        organizationId: { type: 'string', format: 'uuid' },
        keyUri: { type: 'string' },
        deviceId: { type: 'string', format: 'uuid' },
        signingPin: { type: 'string', writeOnly: true },
        renewalOfId: { type: 'string', format: 'uuid' },
      },
    },
  })
  @ApiResponse({ status: 201, type: CertificateViewDto })
  @ApiProblem(400, 'Invalid fields or certificate', [
    'MALFORMED_CERTIFICATE',
    'MISSING_FIELD',
    'INVALID_FIELD',
    'INVALID_ID',
  ])
  @ApiProblem(409, 'Certificate already registered', ['CERTIFICATE_EXISTS'])
  @ApiProblem(422, REGISTER_422_TEXT, REGISTER_422)
  upload(
    @UploadedFile() file: Express.Multer.File | undefined,
    @Body() body: CertificateLinksDto,
    @ActingParam() acting: Acting,
  ): Promise<CertificateView> {
    if (!file?.buffer?.length)
      throw badRequest('MISSING_FIELD', 'file: the certificate file is required', {
        errors: [{ field: 'file', problem: 'missing' }],
      });
    return this.certificates.register(
      { ...links(body), certificate: new Uint8Array(file.buffer), chainPem: [] },
      acting,
    );
  }

  @Post(':id/suspend')
  @HttpCode(200)
  @ApiOperation({ summary: 'Suspend an active certificate (it can no longer sign until reinstated)' })
  @ApiResponse({ status: 200, type: CertificateViewDto })
  @ApiProblem(404, 'Unknown certificate', ['CERTIFICATE_NOT_FOUND'])
  @ApiProblem(409, 'Not active', ['ILLEGAL_STATUS_CHANGE'])
  suspend(@Param('id', ParseIdPipe) id: string, @ActingParam() acting: Acting): Promise<CertificateView> {
    return this.certificates.suspend(id, acting);
  }

  @Post(':id/reinstate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Lift a suspension' })
  @ApiResponse({ status: 200, type: CertificateViewDto })
  @ApiProblem(404, 'Unknown certificate', ['CERTIFICATE_NOT_FOUND'])
  @ApiProblem(409, 'Not suspended', ['ILLEGAL_STATUS_CHANGE'])
  reinstate(@Param('id', ParseIdPipe) id: string, @ActingParam() acting: Acting): Promise<CertificateView> {
    return this.certificates.reinstate(id, acting);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record a revocation (reason, date); final' })
  @ApiBody({ type: RevokeCertificateDto })
  @ApiResponse({ status: 200, type: CertificateViewDto })
  @ApiProblem(400, 'Invalid body', ['MISSING_FIELD', 'INVALID_FIELD'])
  @ApiProblem(404, 'Unknown certificate', ['CERTIFICATE_NOT_FOUND'])
  @ApiProblem(409, 'Already revoked', ['CERTIFICATE_ALREADY_REVOKED'])
  revoke(
    @Param('id', ParseIdPipe) id: string,
    @Body() body: RevokeCertificateDto,
    @ActingParam() acting: Acting,
  ): Promise<CertificateView> {
    return this.certificates.revoke(
      id,
      { reason: body.reason, at: body.revokedAt ? new Date(body.revokedAt) : undefined },
      acting,
    );
  }

  @Get()
  @ApiOperation({
    summary:
      "List certificates, optionally of one holder or organisation; only those the caller's organisations manage (an official: their own)",
  })
  @ApiResponse({ status: 200, type: [CertificateViewDto] })
  async list(@Query() query: ListCertificatesQueryDto, @CallerParam() caller: Caller): Promise<CertificateView[]> {
    return this.certificates.list({
      visibleTo: await this.ownership.visibleTo(caller),
      ...pageOf(query),
      holderOfficialId: query.holderOfficialId?.toLowerCase(),
      organizationId: query.organizationId?.toLowerCase(),
    });
  }

  @Get(':id')
  @ApiOperation({ summary: 'One certificate with its current status' })
  @ApiResponse({
    status: 200,
    type: CertificateViewDto,
    content: { 'application/json': { example: CERTIFICATE_VIEW_EXAMPLE } },
  })
  @ApiProblem(400, 'Malformed id', ['INVALID_ID'])
  @ApiProblem(404, 'Unknown certificate', ['CERTIFICATE_NOT_FOUND'])
  get(@Param('id', ParseIdPipe) id: string): Promise<CertificateView> {
    return this.certificates.get(id);
  }
}
