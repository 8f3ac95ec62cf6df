import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { JSON_BODY_LIMIT_BYTES } from '@kyso/common';
import { ApiSignCmsForm, ApiSignHashBody, SIGN_HASH_PATH } from '@kyso/contracts';
import type { Request, Response } from 'express';
import { callerOf } from './authz/access.guard';
import { ApiProblems } from './openapi';
import { proxy } from './proxy';
import { UPLOAD_ROUTES, uploadCall } from './upload-routes';
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
    await proxy(req, res, { ...uploadCall(this.up, UPLOAD_ROUTES.signCms), caller: callerOf(req) });
  }

  @Post('hash')
  @ApiOperation({
    summary: 'Sign a digest: a detached CMS whose signed attributes carry it, or the raw signature value',
    description:
      'Needs the `sign` scope. For clients that hash their own file: `hash` (hex or base64) and `hashAlgorithm`. ' +
      'output=cms (default): a detached CAdES B-B, SHA-256 only (SHA-384/SHA-512: 422 HASH_ALGORITHM_NOT_SUPPORTED). ' +
      'output=raw: the bare signature value over a SHA-256, SHA-384 or SHA-512 digest (application/octet-stream): ' +
      'RSASSA-PKCS1-v1_5 over the DigestInfo, or ECDSA as DER (X9.62 SEQUENCE of r and s); the header ' +
      'x-kyso-signature-algorithm names it (e.g. sha256WithRSAEncryption, ecdsa-with-SHA384).',
  })
  @ApiSignHashBody()
  @ApiProblems(400, 401, 403, 422)
  async signHash(@Req() req: Request, @Res() res: Response): Promise<void> {
    await proxy(req, res, {
      client: this.up.signer,
      method: 'POST',
      path: SIGN_HASH_PATH,
      caller: callerOf(req),
      maxBodyBytes: JSON_BODY_LIMIT_BYTES,
      timeoutMs: this.up.timeoutMs,
    });
  }
}
