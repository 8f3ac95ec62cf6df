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
  unprocessable,
  HashedUpload,
} from '@kyso/common';
import {
  ApiExtendPdfForm,
  ApiSignPdfForm,
  SIGNATURE_ID_HEADER,
  SIGNATURE_LEVEL_HEADER,
  TIMESTAMP_TIME_HEADER,
  SIGNING_SESSION_HEADER,
  SIGNING_SESSION_REMAINING_HEADER,
} from '@kyso/contracts';
import { isKeyStoreError } from '@kyso/keystore';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { ExtendService } from './extend.service';
import { LevelRefusal } from './levels';
import { parseExtendLevel, parseSignPdfFields } from './signing-input';
import { checkRefusal, Refusal } from './signing-gate';
import { SigningService } from './signing.service';
import { APPEARANCE_MESSAGES_VI } from './appearance';
import { Admission, SignerBusy } from './admission';
import { PrecheckPinDuringUpload } from './pin-precheck';
import {
  inputThenUpdate,
  ReceiveUploadInMemory,
  RemoveUploadAfterResponse,
  uploadBytes,
  withUploadBytes,
} from './uploads';

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

/** What the levels and the pre-signing check add: never a weaker signature, always a reason. */
function levelProblem(r: LevelRefusal | Refusal): ProblemError | undefined {
  switch (r.code) {
    case 'TSA_NOT_CONFIGURED':
      return unprocessable('TSA_NOT_CONFIGURED', r.detail, { field: 'level' });
    case 'TSA_UNAVAILABLE':
      return new ProblemError(503, 'TSA_UNAVAILABLE', 'Service unavailable', r.detail, {
        retryAfter: r.retryAfterSeconds,
      });
    case 'CERTIFICATE_CHECK_FAILED':
      return new ProblemError(
        r.retryAfterSeconds ? 503 : 403,
        r.code,
        r.retryAfterSeconds ? 'Service unavailable' : 'Forbidden',
        r.message,
        {
          reason: r.reason,
          message: r.message,
          messageVi: r.messageVi,
          reasons: r.reasons,
          ...(r.retryAfterSeconds && { retryAfter: r.retryAfterSeconds }),
        },
      );
    case 'EVIDENCE_REFUSED':
      return levelProblem(checkRefusal(r.check));
    case 'NO_SIGNATURES':
    case 'SIGNATURE_INVALID':
      return unprocessable(r.code, r.detail);
  }
  return undefined;
}

/** Sets Retry-After from the problem's `retryAfter`, so clients and the gateway see it as a header. */
export function withRetryAfter(res: Response, p: ProblemError): ProblemError {
  const after = p.extensions.retryAfter;
  if (typeof after === 'number') res.setHeader('retry-after', String(after));
  return p;
}

export function refusalProblem(r: Refusal | LevelRefusal): ProblemError {
  const level = levelProblem(r);
  if (level) return level;
  if ('purposeRule' in r)
    return new ProblemError(422, r.code, 'Unprocessable content', r.message, {
      rule: r.rule,
      ruleVi: r.ruleVi,
      message: r.message,
      messageVi: r.messageVi,
    });
  if ('appearance' in r)
    return new ProblemError(422, r.code, 'Unprocessable content', r.detail, {
      field: 'appearance',
      message: r.detail,
      messageVi: APPEARANCE_MESSAGES_VI[r.code],
    });
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
  throw new Error(`unmapped refusal ${r.code}`);
}

/** Token trouble is the service's, not the caller's: 503, try again. */
export function tokenProblem(e: unknown): unknown {
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
    private readonly extension: ExtendService,
    private readonly admission: Admission,
  ) {}

  @Post('pdf')
  @HttpCode(200)
  @UseInterceptors(RemoveUploadAfterResponse, ReceiveUploadInMemory, PrecheckPinDuringUpload, FileInterceptor('file'))
  @ApiOperation({
    summary:
      'Sign a PDF (PAdES B-B, B-T, B-LT or B-LTA, incremental update) for an official with a certificate on the token',
    description:
      "The signer's certificate is first validated by the verifier (path, validity, usage, revocation); " +
      'B-T and above need the configured TSA (KYSO_TSA_URL).',
  })
  @ApiSignPdfForm({ okDescription: 'The signed PDF' })
  @ApiResponse(
    problem(
      400,
      'MISSING_FIELD',
      'A required field is missing, the file is empty (EMPTY_FILE), or a field has a control character (INVALID_TEXT)',
    ),
  )
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
  @ApiResponse(
    problem(
      422,
      'INVALID_PDF',
      'Not a PDF the signer can update: see reason (or UNSUPPORTED_LEVEL; TSA_NOT_CONFIGURED for B-T and above ' +
        'without a TSA; an appearance code; a who-may-sign rule with `rule`, `message`, `messageVi`: ' +
        'STATE_SECRET_DOCUMENT, PERSONAL_CERTIFICATE_REQUIRED, ORGANIZATION_CERTIFICATE_REQUIRED, ' +
        'LEADER_SIGNATURE_REQUIRED, ISSUANCE_FIELDS_MISSING)',
    ),
  )
  @ApiResponse(
    problem(
      503,
      'TOKEN_UNAVAILABLE',
      'The token or the registry is unavailable (TOKEN_UNAVAILABLE / TOKEN_TIMEOUT); SIGNER_BUSY when every ' +
        'signing place is taken and the wait queue is full; TSA_UNAVAILABLE, or CERTIFICATE_CHECK_FAILED with reason ' +
        'CERTIFICATE_REVOCATION_UNKNOWN, come with Retry-After',
    ),
  )
  @ApiResponse(
    problem(
      403,
      'CERTIFICATE_CHECK_FAILED',
      "The signer's certificate did not validate before signing: reason CERTIFICATE_REVOKED or CERTIFICATE_NOT_VALID, " +
        'with the verifier reasons (message, messageVi)',
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
    // One copy in memory, lent for the signing only, to read the structure (hashed as it was
    // uploaded): received into it, or read from the upload's file; the answer is sent from the
    // same memory or streams from the file, then the update.
    const pdfSha256 = (file as HashedUpload).sha256;
    const result = await withUploadBytes(file, (pdf) =>
      this.admission.run(() => this.signing.signPdf({ pdf, pdfSha256, ...fields, requestId, caller })),
    ).catch((e) => {
      if (e instanceof SignerBusy) res.setHeader('retry-after', String(e.retryAfterSeconds));
      return Promise.reject(tokenProblem(e));
    });
    if (result.outcome === 'refused') throw withRetryAfter(res, refusalProblem(result.refusal));
    res.setHeader(SIGNATURE_ID_HEADER, result.signatureId);
    res.setHeader(SIGNATURE_LEVEL_HEADER, result.level);
    if (result.timestampTime) res.setHeader(TIMESTAMP_TIME_HEADER, result.timestampTime.toISOString());
    if (result.signingSession) {
      if (result.signingSession.token) res.setHeader(SIGNING_SESSION_HEADER, result.signingSession.token);
      res.setHeader(SIGNING_SESSION_REMAINING_HEADER, String(result.signingSession.remainingUses));
      // A session token is a credential: no cache keeps it.
      res.setHeader('cache-control', 'no-store');
    }
    res.setHeader(REQUEST_ID_HEADER, requestId);
    return new StreamableFile(inputThenUpdate(file, result.update), {
      type: 'application/pdf',
      length: file.size + result.update.length,
      disposition: 'attachment; filename="signed.pdf"',
    });
  }

  @Post('pdf/extend')
  @HttpCode(200)
  @UseInterceptors(RemoveUploadAfterResponse, FileInterceptor('file'))
  @ApiOperation({
    summary: 'Extend a signed PDF to PAdES B-LT or B-LTA (DSS with the validation data; document timestamp)',
    description:
      'For PDFs signed by Kyso or another tool. Every signature must verify and every certificate (signers and ' +
      'TSAs) validate now through the verifier; its evidence is embedded and kept.',
  })
  @ApiExtendPdfForm()
  @ApiResponse(problem(400, 'MISSING_FIELD', 'The file or the level is missing, or the file is empty (EMPTY_FILE)'))
  @ApiResponse(problem(401, 'INTERNAL_CREDENTIAL_REQUIRED', 'Called without the internal credential'))
  @ApiResponse(
    problem(403, 'CERTIFICATE_CHECK_FAILED', 'A certificate of the document did not validate (reason, messageVi)'),
  )
  @ApiResponse(problem(413, 'PAYLOAD_TOO_LARGE', 'The PDF exceeds the size limit'))
  @ApiResponse(
    problem(
      422,
      'NO_SIGNATURES',
      'Nothing to extend (or SIGNATURE_INVALID, INVALID_PDF, UNSUPPORTED_LEVEL, TSA_NOT_CONFIGURED)',
    ),
  )
  @ApiResponse(problem(503, 'TSA_UNAVAILABLE', 'The TSA or the revocation sources are unavailable (Retry-After)'))
  async extendPdf(
    @UploadedFile() file: Express.Multer.File | undefined,
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    if (!file) throw badRequest('MISSING_FIELD', 'The form field "file" (the PDF) is required', { field: 'file' });
    const level = parseExtendLevel(body);
    const requestId = req.header(REQUEST_ID_HEADER) || randomUUID();
    const result = await this.extension.extend(await uploadBytes(file), level, requestId);
    if (result.outcome === 'refused') {
      throw withRetryAfter(res, refusalProblem(result.refusal));
    }
    res.setHeader(REQUEST_ID_HEADER, requestId);
    res.setHeader(SIGNATURE_LEVEL_HEADER, level);
    return new StreamableFile(Buffer.from(result.pdf.buffer, result.pdf.byteOffset, result.pdf.byteLength), {
      type: 'application/pdf',
      disposition: 'attachment; filename="extended.pdf"',
    });
  }
}
