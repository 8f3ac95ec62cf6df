import {
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Put,
  StreamableFile,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Acting, ActingParam } from '../audit/actor';
import { SignatureImageInfoDto } from '../officials/official.dto';
import { SIGNATURE_IMAGE_LIMITS, uploadedPng } from '../officials/signature-image';
import { ApiInternal, ApiProblem } from '../shared/api-problem';
import { ParseIdPipe } from '../shared/ids';
import { SealsService } from './seals.service';

const PNG_PROBLEMS = ['NOT_A_PNG', 'PNG_CORRUPT', 'PNG_NOT_TRANSPARENT', 'IMAGE_TOO_LARGE', 'IMAGE_TOO_SMALL'];

@ApiTags('registry: organizations')
@ApiInternal()
@Controller('organizations')
export class SealsController {
  constructor(private readonly seals: SealsService) {}

  @Put(':id/seal-image')
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: SIGNATURE_IMAGE_LIMITS.maxBytes, files: 1 } }))
  @ApiOperation({
    summary: 'Upload the organisation seal: a red PNG with a transparent background',
    description:
      'Drawn over about the left third of the leader’s signature in the organisation’s signatures. A pHYs chunk ' +
      '(pixels per metre) gives the seal’s real size; without it the seal is as tall as the signature image area.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } },
  })
  @ApiResponse({ status: 200, type: SignatureImageInfoDto })
  @ApiProblem(400, 'No file', ['MISSING_FIELD'])
  @ApiProblem(404, 'Unknown organisation', ['ORGANIZATION_NOT_FOUND'])
  @ApiProblem(413, 'File too large', ['PAYLOAD_TOO_LARGE'])
  @ApiProblem(422, 'Not an acceptable PNG, or the organisation has ended', [...PNG_PROBLEMS, 'ORGANIZATION_ENDED'])
  put(
    @Param('id', ParseIdPipe) id: string,
    @UploadedFile() file: Express.Multer.File | undefined,
    @ActingParam() acting: Acting,
  ) {
    return this.seals.set(id, uploadedPng(file), acting);
  }

  @Get(':id/seal-image')
  @ApiOperation({ summary: 'The organisation seal image (image/png)' })
  @ApiProduces('image/png')
  @ApiResponse({
    status: 200,
    description: 'The PNG as uploaded',
    content: { 'image/png': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiProblem(404, 'Unknown organisation or no seal', ['ORGANIZATION_NOT_FOUND', 'SEAL_IMAGE_NOT_FOUND'])
  async get(@Param('id', ParseIdPipe) id: string): Promise<StreamableFile> {
    const image = await this.seals.get(id);
    return new StreamableFile(image.png, { type: 'image/png', length: image.png.length });
  }

  @Delete(':id/seal-image')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove the organisation seal image' })
  @ApiResponse({ status: 204 })
  @ApiProblem(404, 'Unknown organisation or no seal', ['ORGANIZATION_NOT_FOUND', 'SEAL_IMAGE_NOT_FOUND'])
  remove(@Param('id', ParseIdPipe) id: string, @ActingParam() acting: Acting): Promise<void> {
    return this.seals.remove(id, acting);
  }
}
