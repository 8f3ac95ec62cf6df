import {
  Body,
  Controller,
  HttpCode,
  Post,
  Req,
  Res,
  StreamableFile,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  badRequest,
  Caller,
  CallerParam,
  PROBLEM_CONTENT_TYPE,
  ProblemError,
  REQUEST_ID_HEADER,
  unavailable,
} from '@kyso/common';
import { ApiSignPdfForm, SIGNATURE_ID_HEADER } from '@kyso/contracts';
import { isKeyStoreError } from '@kyso/keystore';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseSignPdfFields } from './signing-input';
import { Refusal, SigningService } from './signing.service';
import { inputThenUpdate, RemoveUploadAfterResponse } from './uploads';

const problem = (status: number, code: string, title: string) => ({
  status,
  description: title,
  content: {
    [PROBLEM_CONTENT_TYPE]: {
      schema: { type: 'object' },
      example: { type: `https://kyso.invalid/problems/${code.toLowerCase().replace(/_/g, '-')}`, title, status, code },
    },
  },
});

function refusalProblem(r: Refusal): ProblemError {
  switch (r.code) {
    case 'EMPTY_FILE':
      return badRequest('EMPTY_FILE', r.detail);
    case 'INVALID_PDF':
      return new ProblemError(422, 'INVALID_PDF', 'Unprocessable content', r.detail, { reason: r.reason });
    case 'SIGNING_NOT_ALLOWED':
      return new ProblemError(403, 'SIGNING_NOT_ALLOWED', 'Forbidden', r.message, {
        reason: r.reason,
        message: r.message,
        messageVi: r.messageVi,
      });
    case 'KEY_CERTIFICATE_MISMATCH':
    case 'KEY_NOT_FOUND':
    case 'CERTIFICATE_CHAIN_INVALID':
      return new ProblemError(409, r.code, 'Conflict', r.detail);
  }
}

/** Token trouble is the service's, not the caller's: 503, try again. */
function tokenProblem(e: unknown): unknown {
  if (
    isKeyStoreError(e, 'TOKEN_UNAVAILABLE') ||
    isKeyStoreError(e, 'SESSION_POOL_TIMEOUT') ||
    isKeyStoreError(e, 'STORE_CLOSED')
  ) {
    return unavailable(e.code, e.message);
  }
  return e;
}

@ApiTags('signatures')
@Controller('signatures')
export class SignaturesController {
  constructor(private readonly signing: SigningService) {}

  @Post('pdf')
  @HttpCode(200)
  @UseInterceptors(RemoveUploadAfterResponse, FileInterceptor('file'))
  @ApiOperation({
    summary: 'Sign a PDF (PAdES B-B, incremental update) for an official with a certificate on the token',
  })
  @ApiSignPdfForm({ okDescription: 'The signed PDF' })
  @ApiResponse(problem(400, 'MISSING_FIELD', 'A required field is missing, or the file is empty (EMPTY_FILE)'))
  @ApiResponse(problem(401, 'INTERNAL_CREDENTIAL_REQUIRED', 'Called without the internal credential'))
  @ApiResponse(
    problem(403, 'SIGNING_NOT_ALLOWED', 'The registry refused: see reason (WRONG_PIN, CERTIFICATE_NOT_ACTIVE...)'),
  )
  @ApiResponse(
    problem(
      409,
      'KEY_CERTIFICATE_MISMATCH',
      'The token key does not match the certificate (or CERTIFICATE_CHAIN_INVALID: the registered chain did not issue it)',
    ),
  )
  @ApiResponse(problem(413, 'PAYLOAD_TOO_LARGE', 'The PDF exceeds the size limit'))
  @ApiResponse(problem(422, 'INVALID_PDF', 'Not a PDF the signer can update: see reason'))
  @ApiResponse(problem(503, 'TOKEN_UNAVAILABLE', 'The token or the registry is unavailable'))
  async signPdf(
    @UploadedFile() file: Express.Multer.File | undefined,
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CallerParam() caller: Caller,
  ): Promise<StreamableFile> {
    if (!file) throw badRequest('MISSING_FIELD', 'The form field "file" (the PDF) is required', { field: 'file' });
    const fields = parseSignPdfFields(body);
    const requestId = req.header(REQUEST_ID_HEADER) || randomUUID();
    // One copy in memory to read the structure and hash it; the response streams from the file.
    const pdf = await readFile(file.path);
    const result = await this.signing
      .signPdf({ pdf, ...fields, requestId, caller })
      .catch((e) => Promise.reject(tokenProblem(e)));
    if (result.outcome === 'refused') throw refusalProblem(result.refusal);
    res.setHeader(SIGNATURE_ID_HEADER, result.signatureId);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    return new StreamableFile(inputThenUpdate(pdf, result.update), {
      type: 'application/pdf',
      length: pdf.length + result.update.length,
      disposition: 'attachment; filename="signed.pdf"',
    });
  }
}
