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
import { FileInterceptor, NoFilesInterceptor } from '@nestjs/platform-express';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { badRequest, Caller, CallerParam, REQUEST_ID_HEADER } from '@kyso/common';
import {
  ApiSignCmsForm,
  ApiSignHashBody,
  CMS_SIGNATURE_CONTENT_TYPE,
  SIGNATURE_ALGORITHM_HEADER,
  SIGNATURE_ID_HEADER,
  SIGNING_SESSION_HEADER,
  SIGNING_SESSION_REMAINING_HEADER,
} from '@kyso/contracts';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { parseSignCmsFields, parseSignHashFields } from './cms-input';
import { CmsResult, CmsSigningService, RawResult } from './cms-signing.service';
import { refusalProblem, tokenProblem, withRetryAfter } from './signing-problems';
import { RemoveUploadAfterResponse, uploadBytes } from './uploads';

const problemDoc = (status: number, code: string, description: string) => ({
  status,
  description: `${code}: ${description}`,
});

/** CAdES for any file, and sign-hash: the same gate, audit and problems as POST /signatures/pdf. */
@ApiTags('signatures')
@Controller('signatures')
export class CmsSignaturesController {
  constructor(private readonly signing: CmsSigningService) {}

  @Post('cms')
  @HttpCode(200)
  @UseInterceptors(RemoveUploadAfterResponse, FileInterceptor('file'))
  @ApiOperation({ summary: 'Sign any file (CAdES baseline B-B..B-LTA, detached or attached)' })
  @ApiSignCmsForm()
  @ApiResponse(problemDoc(400, 'MISSING_FIELD', 'a required field is missing, or the file is empty (EMPTY_FILE)'))
  @ApiResponse(problemDoc(403, 'SIGNING_NOT_ALLOWED', 'the registry refused (or CERTIFICATE_CHECK_FAILED)'))
  @ApiResponse(problemDoc(409, 'KEY_CERTIFICATE_MISMATCH', 'the token key does not match the certificate'))
  @ApiResponse(problemDoc(422, 'TSA_NOT_CONFIGURED', 'the level needs a TSA (or certificate check) not configured'))
  @ApiResponse(problemDoc(503, 'TSA_UNAVAILABLE', 'the TSA or the token is unavailable'))
  async signCms(
    @UploadedFile() file: Express.Multer.File | undefined,
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CallerParam() caller: Caller,
  ): Promise<StreamableFile> {
    if (!file) throw badRequest('MISSING_FIELD', 'The form field "file" is required', { field: 'file' });
    const fields = parseSignCmsFields(body);
    if (file.size === 0) throw badRequest('EMPTY_FILE', 'The file is empty');
    const requestId = req.header(REQUEST_ID_HEADER) || randomUUID();
    const result = await this.signing
      .signCms({ content: await uploadBytes(file), ...fields, requestId, caller })
      .catch((e) => Promise.reject(tokenProblem(e)));
    return cmsFile(answer(result, requestId, res));
  }

  @Post('hash')
  @HttpCode(200)
  @UseInterceptors(NoFilesInterceptor())
  @ApiOperation({
    summary: 'Sign a digest: a detached CMS whose signed attributes carry it (SHA-256), or the raw signature value',
  })
  @ApiSignHashBody()
  @ApiResponse(problemDoc(400, 'INVALID_FIELD', 'the hash is not a digest of its algorithm, hex or base64'))
  @ApiResponse(problemDoc(403, 'SIGNING_NOT_ALLOWED', 'the registry refused (or CERTIFICATE_CHECK_FAILED)'))
  @ApiResponse(problemDoc(422, 'HASH_ALGORITHM_NOT_SUPPORTED', 'output=cms with SHA-384/SHA-512'))
  async signHash(
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CallerParam() caller: Caller,
  ): Promise<StreamableFile> {
    const { output, digest, ...fields } = parseSignHashFields(body);
    const requestId = req.header(REQUEST_ID_HEADER) || randomUUID();
    if (output === 'raw') {
      const raw = await this.signing
        .signRaw({ ...fields, digest, requestId, caller })
        .catch((e) => Promise.reject(tokenProblem(e)));
      if (raw.outcome === 'signed') res.setHeader(SIGNATURE_ALGORITHM_HEADER, raw.signatureAlgorithm);
      return new StreamableFile(Buffer.from(answer(raw, requestId, res)), {
        type: 'application/octet-stream',
        disposition: 'attachment; filename="signature.bin"',
      });
    }
    const result = await this.signing
      .signHash({ ...fields, sha256: digest, requestId, caller })
      .catch((e) => Promise.reject(tokenProblem(e)));
    return cmsFile(answer(result, requestId, res));
  }
}

/** The signed bytes of a result with the signing headers set, or the refusal thrown as its problem. */
function answer(result: CmsResult | RawResult, requestId: string, res: Response): Uint8Array {
  if (result.outcome === 'refused') throw withRetryAfter(res, refusalProblem(result.refusal));
  res.setHeader(SIGNATURE_ID_HEADER, result.signatureId);
  res.setHeader(REQUEST_ID_HEADER, requestId);
  if (result.signingSession) {
    if (result.signingSession.token) res.setHeader(SIGNING_SESSION_HEADER, result.signingSession.token);
    res.setHeader(SIGNING_SESSION_REMAINING_HEADER, String(result.signingSession.remainingUses));
    // A session token is a credential: no cache keeps it.
    res.setHeader('cache-control', 'no-store');
  }
  return 'cms' in result ? result.cms : result.signature;
}

function cmsFile(cms: Uint8Array): StreamableFile {
  return new StreamableFile(Buffer.from(cms), {
    type: CMS_SIGNATURE_CONTENT_TYPE,
    disposition: 'attachment; filename="signature.p7s"',
  });
}
