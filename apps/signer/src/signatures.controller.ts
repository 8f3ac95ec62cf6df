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
import {
  ApiSignPdfForm,
  SIGNATURE_ID_HEADER,
  SIGNING_SESSION_HEADER,
  SIGNING_SESSION_REMAINING_HEADER,
} from '@kyso/contracts';
import { isKeyStoreError } from '@kyso/keystore';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { Admission, SignerBusy } from './admission';
import { parseSignPdfFields } from './signing-input';
import { Refusal, SigningService } from './signing.service';

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
    isKeyStoreError(e, 'TOKEN_TIMEOUT') ||
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
  constructor(
    private readonly signing: SigningService,
    private readonly admission: Admission,
  ) {}

  @Post('pdf')
  @HttpCode(200)
  @UseInterceptors(FileInterceptor('file'))
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
  @ApiResponse(
    problem(
      503,
      'SIGNER_BUSY',
      'Every signing place is taken and the wait queue is full or the wait too long (see Retry-After); or TOKEN_UNAVAILABLE / TOKEN_TIMEOUT: the token or the registry is unavailable or did not answer in time',
    ),
  )
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
    const result = await this.admission
      .run(() => this.signing.signPdf({ pdf: file.buffer, ...fields, requestId, caller }))
      .catch((e) => {
        if (e instanceof SignerBusy) res.setHeader('retry-after', String(e.retryAfterSeconds));
        return Promise.reject(tokenProblem(e));
      });
    if (result.outcome === 'refused') throw refusalProblem(result.refusal);
    res.setHeader(SIGNATURE_ID_HEADER, result.signatureId);
    if (result.signingSession) {
      if (result.signingSession.token) res.setHeader(SIGNING_SESSION_HEADER, result.signingSession.token);
      res.setHeader(SIGNING_SESSION_REMAINING_HEADER, String(result.signingSession.remainingUses));
      // A session token is a credential: no cache keeps it.
      res.setHeader('cache-control', 'no-store');
    }
    res.setHeader(REQUEST_ID_HEADER, requestId);
    return new StreamableFile(Buffer.from(result.pdf.buffer, result.pdf.byteOffset, result.pdf.byteLength), {
      type: 'application/pdf',
      disposition: 'attachment; filename="signed.pdf"',
    });
  }
}
