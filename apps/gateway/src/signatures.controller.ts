import { Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiExtendPdfForm, ApiSignPdfForm } from '@kyso/contracts';
import type { Request, Response } from 'express';
import { authOf, callerOf } from './authz/access.guard';
import { ApiProblems } from './openapi';
import { proxy } from './proxy';
import { UPLOAD_ROUTES, uploadCall } from './upload-routes';
import { UPSTREAMS, Upstreams } from './upstreams';

@ApiTags('signatures')
@ApiBearerAuth('apiKey')
@ApiBearerAuth('accessToken')
@Controller('signatures')
export class SignaturesController {
  constructor(@Inject(UPSTREAMS) private readonly up: Upstreams) {}

  @Post('pdf')
  @ApiOperation({
    summary: 'Sign a PDF (PAdES B-B, B-T, B-LT or B-LTA) with an official or organisation certificate',
    description:
      'Needs the `sign` scope. The certificate is validated first (path, validity, usage, revocation; refused with ' +
      '403 CERTIFICATE_CHECK_FAILED and the reason in English and Vietnamese). B-T and above are timestamped by the ' +
      'configured TSA: 422 TSA_NOT_CONFIGURED without one, 503 TSA_UNAVAILABLE with Retry-After when it fails. ' +
      'Headers x-kyso-signature-level and x-kyso-timestamp-time give the level made and the timestamp time. ' +
      'One PIN for many documents: send `pin` with `session=<n>` and the answer carries ' +
      'the header `Kyso-Signing-Session: <token>`; the next n requests send `signingSession=<token>` instead of ' +
      '`pin` (header `Kyso-Signing-Session-Remaining` counts down). The token is bound to the certificate, the ' +
      'acting official and the calling system (API key, or the operator and their sign-in), lives ' +
      'KYSO_SIGNING_SESSION_TTL_SECONDS, and dies with its count, a PIN lock, a suspension or revocation of the ' +
      "certificate, or the operator's logout; then 403 SIGNING_NOT_ALLOWED, reason SIGNING_SESSION_INVALID " +
      "(or the certificate's state). When every token session is busy and the wait queue is full: 503 " +
      'SIGNER_BUSY with Retry-After.',
  })
  @ApiSignPdfForm({
    okDescription: 'The signed PDF (incremental update); header x-kyso-signature-id names the signature',
  })
  @ApiProblems(400, 401, 403, 413, 422, 503)
  async signPdf(@Req() req: Request, @Res() res: Response): Promise<void> {
    await proxy(req, res, { ...uploadCall(this.up, UPLOAD_ROUTES.signPdf), caller: callerOf(req) });
  }

  @Post('pdf/extend')
  @ApiOperation({
    summary: 'Extend a signed PDF (Kyso or another tool) to PAdES B-LT or B-LTA',
    description:
      'Needs the `sign` scope. Adds the DSS (certificates, CRLs/OCSP, VRI) of every signature and timestamp, and ' +
      'for B-LTA a document timestamp; archives do this before a TSA certificate expires.',
  })
  @ApiExtendPdfForm()
  @ApiProblems(400, 401, 403, 413, 422, 503)
  async extendPdf(@Req() req: Request, @Res() res: Response): Promise<void> {
    await proxy(req, res, { ...uploadCall(this.up, UPLOAD_ROUTES.extendPdf), caller: callerOf(req) });
  }

  /**
   * The registry keeps the records (with their audit entries) and filters them to the caller; the
   * merged OpenAPI document describes the route from the registry's own (GET /signature-records).
   */
  @Get()
  @ApiExcludeEndpoint()
  async list(@Req() req: Request, @Res() res: Response): Promise<void> {
    const { caller, servicePath } = authOf(req);
    await proxy(req, res, {
      client: this.up.registry,
      method: 'GET',
      path: servicePath,
      caller,
      timeoutMs: this.up.timeoutMs,
    });
  }
}
