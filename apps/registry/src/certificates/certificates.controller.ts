import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiInternal, ApiProblem } from '../shared/api-problem';
import { ParseIdPipe } from '../shared/ids';
import { pageOf } from '../shared/list-query.dto';
import { CertificateView } from './certificate';
import { CertificateViewDto, CreateCertificateDto, ListCertificatesQueryDto } from './certificate.dto';
import { CertificatesService } from './certificates.service';

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
  createdAt: '2026-01-05T08:00:00.000Z',
};

@ApiTags('registry: certificates')
@ApiInternal()
@Controller('certificates')
export class CertificatesController {
  constructor(private readonly certificates: CertificatesService) {}

  @Post()
  @ApiOperation({ summary: 'Register an issued certificate, its key location and the holder’s signing PIN' })
  @ApiBody({ type: CreateCertificateDto })
  @ApiResponse({ status: 201, type: CertificateViewDto, content: { 'application/json': { example: CERTIFICATE_VIEW_EXAMPLE } } })
  @ApiProblem(400, 'Invalid body or certificate', ['MALFORMED_CERTIFICATE', 'MISSING_FIELD', 'INVALID_FIELD', 'INVALID_ID'])
  @ApiProblem(409, 'Certificate already registered', ['CERTIFICATE_EXISTS'])
  @ApiProblem(422, 'Referenced record unknown', ['ORGANIZATION_NOT_FOUND', 'OFFICIAL_NOT_FOUND', 'DEVICE_NOT_FOUND', 'HOLDER_NOT_IN_ORGANIZATION'])
  create(@Body() body: CreateCertificateDto): Promise<CertificateView> {
    return this.certificates.register({
      certificatePem: body.certificatePem,
      chainPem: body.chainPem ?? [],
      subjectType: body.subjectType,
      holderOfficialId: body.holderOfficialId?.toLowerCase() ?? null,
      organizationId: body.organizationId.toLowerCase(),
      deviceId: body.deviceId?.toLowerCase() ?? null,
      keyUri: body.keyUri,
      signingPin: body.signingPin,
    });
  }

  @Get()
  @ApiOperation({ summary: 'List certificates, optionally of one holder or organisation' })
  @ApiResponse({ status: 200, type: [CertificateViewDto] })
  list(@Query() query: ListCertificatesQueryDto): Promise<CertificateView[]> {
    return this.certificates.list({
      ...pageOf(query),
      holderOfficialId: query.holderOfficialId?.toLowerCase(),
      organizationId: query.organizationId?.toLowerCase(),
    });
  }

  @Get(':id')
  @ApiOperation({ summary: 'One certificate with its current status' })
  @ApiResponse({ status: 200, type: CertificateViewDto, content: { 'application/json': { example: CERTIFICATE_VIEW_EXAMPLE } } })
  @ApiProblem(400, 'Malformed id', ['INVALID_ID'])
  @ApiProblem(404, 'Unknown certificate', ['CERTIFICATE_NOT_FOUND'])
  get(@Param('id', ParseIdPipe) id: string): Promise<CertificateView> {
    return this.certificates.get(id);
  }
}
