import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  StreamableFile,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Caller, CallerParam } from '@kyso/common';
import { OwnershipService } from '../ownership/ownership.service';
import { isVisible } from '../ownership/visibility';
import { Acting, ActingParam } from '../audit/actor';
import { ApiInternal, ApiProblem } from '../shared/api-problem';
import { ParseIdPipe } from '../shared/ids';
import { pageOf } from '../shared/list-query.dto';
import { OfficialView } from './official';
import {
  CreateOfficialDto,
  ListOfficialsQueryDto,
  LookupOfficialDto,
  OfficialDto,
  SignatureImageInfoDto,
  UpdateOfficialDto,
} from './official.dto';
import { OfficialsService } from './officials.service';
import { SIGNATURE_IMAGE_LIMITS, uploadedPng } from './signature-image';

const EXAMPLE = {
  id: '9d2f6c1e-7b3a-4e55-8a10-2f3e4d5c6b7a',
  fullName: 'Trần Thị Bình',
  email: 'binh.tt@hanam.gov.vn',
  title: 'Văn thư',
  organizationId: '4b1c3a56-2f0e-4d7a-9a55-0c1d2e3f4a5b',
  employmentStatus: 'active',
  roles: ['official', 'clerk'],
  nationalIdKind: 'cccd',
  nationalIdMasked: '*********234',
  createdAt: '2026-01-05T08:00:00.000Z',
};
const PNG_PROBLEMS = ['NOT_A_PNG', 'PNG_CORRUPT', 'PNG_NOT_TRANSPARENT', 'IMAGE_TOO_LARGE', 'IMAGE_TOO_SMALL'];

@ApiTags('registry: officials')
@ApiInternal()
@Controller('officials')
export class OfficialsController {
  constructor(
    private readonly officials: OfficialsService,
    private readonly ownership: OwnershipService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Register an official of an organisation' })
  @ApiBody({ type: CreateOfficialDto })
  @ApiResponse({ status: 201, type: OfficialDto, content: { 'application/json': { example: EXAMPLE } } })
  @ApiProblem(400, 'Invalid body', ['MISSING_FIELD', 'INVALID_FIELD', 'INVALID_ID', 'INVALID_NATIONAL_ID'])
  @ApiProblem(403, 'Clerk role given by a caller not competent for the organisation', ['ROLE_GRANT_NOT_ALLOWED'])
  @ApiProblem(422, 'Organisation unknown or ended', ['ORGANIZATION_NOT_FOUND', 'ORGANIZATION_ENDED'])
  create(
    @Body() body: CreateOfficialDto,
    @ActingParam() acting: Acting,
    @CallerParam() caller: Caller,
  ): Promise<OfficialView> {
    return this.officials.create(
      {
        fullName: body.fullName,
        email: body.email,
        title: body.title,
        organizationId: body.organizationId.toLowerCase(),
        roles: body.roles ?? [],
        nationalId: body.nationalId ?? null,
      },
      acting,
      caller,
    );
  }

  @Get()
  @ApiOperation({
    summary:
      "List officials, optionally of one organisation or employment status; only those the caller's organisations manage (an official: themselves)",
  })
  @ApiResponse({ status: 200, type: [OfficialDto] })
  async list(@Query() query: ListOfficialsQueryDto, @CallerParam() caller: Caller): Promise<OfficialView[]> {
    return this.officials.list({
      ...pageOf(query),
      visibleTo: await this.ownership.visibleTo(caller),
      organizationId: query.organizationId?.toLowerCase(),
      employmentStatus: query.employmentStatus,
    });
  }

  @Post('lookup')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Find officials by exact national ID number (blind index; the number is never stored in clear)',
  })
  @ApiBody({ type: LookupOfficialDto })
  @ApiResponse({ status: 200, type: [OfficialDto] })
  async lookup(@Body() body: LookupOfficialDto, @CallerParam() caller: Caller): Promise<OfficialView[]> {
    const visible = await this.ownership.visibleTo(caller);
    return (await this.officials.findByNationalId(body.nationalId)).filter((o) =>
      isVisible(visible, o.organizationId, o.id),
    );
  }

  @Get(':id')
  @ApiOperation({ summary: 'One official' })
  @ApiResponse({ status: 200, type: OfficialDto, content: { 'application/json': { example: EXAMPLE } } })
  @ApiProblem(400, 'Malformed id', ['INVALID_ID'])
  @ApiProblem(404, 'Unknown official', ['OFFICIAL_NOT_FOUND'])
  get(@Param('id', ParseIdPipe) id: string): Promise<OfficialView> {
    return this.officials.get(id);
  }

  @Patch(':id')
  @ApiOperation({
    summary:
      'Change an official’s data (name, e-mail, title, roles, national ID); a move to another organisation, a retirement, resignation or death is a personnel change (POST /personnel-changes)',
  })
  @ApiBody({ type: UpdateOfficialDto })
  @ApiResponse({ status: 200, type: OfficialDto, content: { 'application/json': { example: EXAMPLE } } })
  @ApiProblem(400, 'Invalid body', ['INVALID_FIELD', 'INVALID_ID', 'INVALID_NATIONAL_ID'])
  @ApiProblem(403, 'Clerk role changed by a caller not competent for the organisation', ['ROLE_GRANT_NOT_ALLOWED'])
  @ApiProblem(404, 'Unknown official', ['OFFICIAL_NOT_FOUND'])
  @ApiProblem(
    422,
    'A change of organisation (a transfer) or of employment status (a personnel change), or an organisation unknown or ended',
    [
      'ORGANIZATION_CHANGE_IS_TRANSFER',
      'EMPLOYMENT_STATUS_IS_PERSONNEL_CHANGE',
      'ORGANIZATION_NOT_FOUND',
      'ORGANIZATION_ENDED',
    ],
  )
  update(
    @Param('id', ParseIdPipe) id: string,
    @Body() body: UpdateOfficialDto,
    @ActingParam() acting: Acting,
    @CallerParam() caller: Caller,
  ): Promise<OfficialView> {
    return this.officials.update(id, { ...body, organizationId: body.organizationId?.toLowerCase() }, acting, caller);
  }

  @Put(':id/signature-image')
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: SIGNATURE_IMAGE_LIMITS.maxBytes, files: 1 } }))
  @ApiOperation({ summary: 'Upload the handwritten-signature image: a PNG with a transparent background' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } },
  })
  @ApiResponse({ status: 200, type: SignatureImageInfoDto })
  @ApiProblem(400, 'No file', ['MISSING_FIELD'])
  @ApiProblem(404, 'Unknown official', ['OFFICIAL_NOT_FOUND'])
  @ApiProblem(413, 'File too large', ['PAYLOAD_TOO_LARGE'])
  @ApiProblem(422, 'Not an acceptable PNG', PNG_PROBLEMS)
  putSignatureImage(
    @Param('id', ParseIdPipe) id: string,
    @UploadedFile() file: Express.Multer.File | undefined,
    @ActingParam() acting: Acting,
  ) {
    return this.officials.setSignatureImage(id, uploadedPng(file), acting);
  }

  @Get(':id/signature-image')
  @ApiOperation({ summary: 'The handwritten-signature image (image/png)' })
  @ApiProduces('image/png')
  @ApiResponse({
    status: 200,
    description: 'The PNG as uploaded',
    content: { 'image/png': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiProblem(404, 'Unknown official or no image', ['OFFICIAL_NOT_FOUND', 'SIGNATURE_IMAGE_NOT_FOUND'])
  async getSignatureImage(@Param('id', ParseIdPipe) id: string): Promise<StreamableFile> {
    const image = await this.officials.signatureImage(id);
    return new StreamableFile(image.png, { type: 'image/png', length: image.png.length });
  }

  @Delete(':id/signature-image')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove the handwritten-signature image' })
  @ApiResponse({ status: 204 })
  @ApiProblem(404, 'Unknown official or no image', ['OFFICIAL_NOT_FOUND', 'SIGNATURE_IMAGE_NOT_FOUND'])
  deleteSignatureImage(@Param('id', ParseIdPipe) id: string, @ActingParam() acting: Acting): Promise<void> {
    return this.officials.deleteSignatureImage(id, acting);
  }
}
