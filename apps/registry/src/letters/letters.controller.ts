import { Body, Controller, Get, HttpCode, Param, Post, Req, StreamableFile } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Caller, CallerParam, REQUEST_ID_HEADER } from '@kyso/common';
import type { Request } from 'express';
import { LetterDto } from '../requests/request.dto';
import { RequestsService } from '../requests/requests.service';
import { ApiInternal, ApiProblem } from '../shared/api-problem';
import { ParseIdPipe } from '../shared/ids';
import { LettersService } from './letters.service';

@ApiTags('registry: lifecycle requests')
@ApiInternal()
@Controller('requests')
export class LettersController {
  constructor(
    private readonly letters: LettersService,
    private readonly requests: RequestsService,
  ) {}

  @Get(':id/letter')
  @ApiOperation({ summary: 'The request letter to the CA (PDF), signed by the approving head' })
  @ApiProduces('application/pdf')
  @ApiResponse({ status: 200, content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } })
  @ApiProblem(404, 'No signed letter yet', ['LETTER_NOT_FOUND'])
  async get(@Param('id', ParseIdPipe) id: string): Promise<StreamableFile> {
    return new StreamableFile(Buffer.from(await this.letters.get(id)), {
      type: 'application/pdf',
      disposition: `inline; filename="de-nghi-${id}.pdf"`,
    });
  }

  @Post(':id/letter')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Render and sign (again) the letter of an approved request: the head of the managing agency, with their own certificate and PIN',
  })
  @ApiBody({ type: LetterDto })
  @ApiProblem(403, 'Role or signing refusal', ['ROLE_NOT_ALLOWED_FOR_STEP', 'SIGNING_NOT_ALLOWED'])
  @ApiProblem(409, 'Not approved yet', ['ILLEGAL_TRANSITION'])
  @ApiProblem(422, 'No active personal certificate', ['NO_PERSONAL_CERTIFICATE'])
  sign(@Param('id', ParseIdPipe) id: string, @Body() b: LetterDto, @CallerParam() c: Caller, @Req() req: Request) {
    return this.requests.signLetter(id, c, b.pin, req.header(REQUEST_ID_HEADER) ?? null);
  }
}
