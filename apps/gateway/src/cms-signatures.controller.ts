import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { JSON_BODY_LIMIT_BYTES } from '@kyso/common';
import { ApiSignCmsForm, ApiSignHashBody, SIGN_CMS_PATH, SIGN_HASH_PATH } from '@kyso/contracts';
import type { Request, Response } from 'express';
import { callerOf } from './authz/access.guard';
import { ApiProblems } from './openapi';
import { proxy } from './proxy';
import { UPSTREAMS, Upstreams } from './upstreams';

/** CAdES for any file and sign-hash, proxied 1:1 to the signer (same rules and audit as PDF signing). */
@ApiTags('signatures')
@ApiBearerAuth('apiKey')
@ApiBearerAuth('accessToken')
@Controller('signatures')
export class CmsSignaturesController {
  constructor(@Inject(UPSTREAMS) private readonly up: Upstreams) {}

  @Post('cms')
  @ApiOperation({
    summary: 'Sign any file: CAdES baseline B-B, B-T, B-LT or B-LTA, detached (default) or attached',
    description:
      'Needs the `sign` scope. Answers the DER CMS (application/pkcs7-signature), which `openssl cms -verify` ' +
      'and POST /validations/cms check. B-T and up need the configured TSA (422 TSA_NOT_CONFIGURED, 503 TSA_UNAVAILABLE).',
  })
  @ApiSignCmsForm()
  @ApiProblems(400, 401, 403, 413, 422)
  async signCms(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.forward(req, res, SIGN_CMS_PATH, this.up.bodyLimits.signaturesPdf);
  }

  @Post('hash')
  @ApiOperation({
    summary: 'Sign a SHA-256 digest: a detached CMS whose signed attributes carry it',
    description:
      'Needs the `sign` scope. For clients that hash their own file: `hash` (hex or base64) and `hashAlgorithm` ' +
      'SHA-256; SHA-384/SHA-512 and output=raw are refused with 422 (the token keys sign SHA-256 digests in CMS only).',
  })
  @ApiSignHashBody()
  @ApiProblems(400, 401, 403, 422)
  async signHash(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.forward(req, res, SIGN_HASH_PATH, JSON_BODY_LIMIT_BYTES);
  }

  private forward(req: Request, res: Response, path: string, maxBodyBytes: number) {
    return proxy(req, res, {
      client: this.up.signer,
      method: 'POST',
      path,
      caller: callerOf(req),
      maxBodyBytes,
      timeoutMs: this.up.timeoutMs,
    });
  }
}
