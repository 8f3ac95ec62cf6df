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
import { badRequest, Caller, CallerParam, HashedUpload, PROBLEM_CONTENT_TYPE, REQUEST_ID_HEADER } from '@kyso/common';
import { ApiExtendPdfForm, ApiSignPdfForm, SIGNATURE_LEVEL_HEADER } from '@kyso/contracts';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { Admission } from './admission';
import { ExtendService } from './extend.service';
import { signUploadedPdf } from './pdf-signing';
import { PrecheckPinDuringUpload } from './pin-precheck';
import { parseExtendLevel } from './signing-input';
import { refusalProblem, withRetryAfter } from './signing-problems';
import { SigningService } from './signing.service';
import { ReceiveUploadInMemory, RemoveUploadAfterResponse, uploadBytes } from './uploads';

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
    const deps = { signing: this.signing, admission: this.admission };
    return signUploadedPdf(deps, file as HashedUpload | undefined, body, req, res, caller);
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
