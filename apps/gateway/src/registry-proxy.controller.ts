import { All, Controller, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { JSON_BODY_LIMIT_BYTES } from '@kyso/common';
import { authOf } from './authz/access.guard';
import { REGISTRY_PREFIXES } from './authz/matrix';
import { proxy } from './proxy';
import { UPSTREAMS, Upstreams } from './upstreams';

/**
 * The registry's public routes, proxied 1:1 (documented from the registry's own OpenAPI). Which
 * of them exist and who may call them is the access matrix's business: the guard has decided
 * before this runs.
 */
@ApiExcludeController()
@Controller()
export class RegistryProxyController {
  constructor(@Inject(UPSTREAMS) private readonly up: Upstreams) {}

  @All(REGISTRY_PREFIXES.flatMap((p) => [p, `${p}/*rest`]))
  async forward(@Req() req: Request, @Res() res: Response): Promise<void> {
    // The guard's canonical path, never the raw URL: the client could read that differently.
    const { caller, servicePath } = authOf(req);
    await proxy(req, res, {
      client: this.up.registry,
      method: req.method,
      path: servicePath,
      caller,
      maxBodyBytes: req.method === 'GET' || req.method === 'HEAD' ? undefined : JSON_BODY_LIMIT_BYTES,
      timeoutMs: this.up.timeoutMs,
    });
  }
}
