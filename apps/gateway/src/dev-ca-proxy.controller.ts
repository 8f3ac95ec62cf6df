import { Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Caller } from '@kyso/common';
import { DEV_CA_PATHS } from '@kyso/contracts';
import { MAX_OCSP_REQUEST_BYTES } from '@kyso/pki';
import { proxy } from './proxy';
import { UPSTREAMS, Upstreams } from './upstreams';

/**
 * The public calls carry no identity: the registry's dev CA answers anyone, like a real CA's CRL
 * and OCSP. Forwarded as the least caller there is (a system with no scope and no organisation),
 * never as a `service` caller, which the registry lets see everything.
 */
const ANONYMOUS: Caller = {
  kind: 'system',
  id: 'anonymous',
  name: 'anonymous',
  scopes: [],
  organizationIds: [],
  roles: [],
  officialId: null,
};

/**
 * The dev CA's CRLs, OCSP responder and RFC 3161 TSA, public through the gateway (matrix: `public`), so that
 * relying parties outside reach them when KYSO_DEV_CA_PUBLIC_URL points here
 * (`<gateway>/api/v1/pki/dev-ca`). Documented from the registry's OpenAPI.
 */
@ApiExcludeController()
@Controller('pki/dev-ca')
export class DevCaProxyController {
  constructor(@Inject(UPSTREAMS) private readonly up: Upstreams) {}

  @Get('crl')
  crl(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.forward(req, res, 'GET', DEV_CA_PATHS.crl);
  }

  @Get('root.crl')
  rootCrl(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.forward(req, res, 'GET', DEV_CA_PATHS.rootCrl);
  }

  @Post('ocsp')
  @HttpCode(200)
  ocsp(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.forward(req, res, 'POST', DEV_CA_PATHS.ocsp, MAX_OCSP_REQUEST_BYTES);
  }

  @Post('tsa')
  @HttpCode(200)
  tsa(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.forward(req, res, 'POST', DEV_CA_PATHS.tsa, MAX_OCSP_REQUEST_BYTES);
  }

  private forward(req: Request, res: Response, method: string, path: string, maxBodyBytes?: number): Promise<void> {
    return proxy(req, res, {
      client: this.up.registry,
      method,
      path,
      caller: ANONYMOUS,
      maxBodyBytes,
      timeoutMs: this.up.timeoutMs,
    });
  }
}
