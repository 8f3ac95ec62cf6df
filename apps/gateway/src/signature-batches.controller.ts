import { Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { authOf } from './authz/access.guard';
import type { GatewayConfig } from './config';
import { proxy } from './proxy';
import { UPSTREAMS, Upstreams } from './upstreams';

/** A batch form carries many PDFs: its own limit, by default twice the single-PDF one. */
export const batchBodyLimit = (limits: GatewayConfig['bodyLimits']): number =>
  limits.signatureBatches ?? 2 * limits.signaturesPdf;

/**
 * Signing batches, proxied 1:1 to the signer, which keeps them and answers only their submitter
 * (the caller is forwarded); the merged OpenAPI document describes them from the signer's own.
 */
@Controller('signatures/batches')
export class SignatureBatchesController {
  constructor(@Inject(UPSTREAMS) private readonly up: Upstreams) {}

  @Post()
  @ApiExcludeEndpoint()
  async submit(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.forward(req, res, batchBodyLimit(this.up.bodyLimits));
  }

  @Get(':id')
  @ApiExcludeEndpoint()
  async view(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.forward(req, res);
  }

  @Get(':id/items/:index')
  @ApiExcludeEndpoint()
  async item(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.forward(req, res);
  }

  private async forward(req: Request, res: Response, maxBodyBytes?: number): Promise<void> {
    const { caller, servicePath } = authOf(req);
    await proxy(req, res, {
      client: this.up.signer,
      method: req.method as 'GET' | 'POST',
      path: servicePath,
      caller,
      ...(maxBodyBytes !== undefined && { maxBodyBytes }),
      timeoutMs: this.up.timeoutMs,
    });
  }
}
