import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ReadinessCheck, runChecks } from './health';

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(@Inject(READINESS_CHECKS) private readonly checks: Record<string, ReadinessCheck>) {}

  @Get()
  @ApiOperation({ summary: 'Liveness' })
  @ApiResponse({ status: 200, schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: every dependency answers' })
  @ApiResponse({
    status: 200,
    schema: { example: { status: 'ready', checks: { postgres: { ok: true, detail: 'ok' } } } },
  })
  @ApiResponse({
    status: 503,
    schema: { example: { status: 'not-ready', checks: { redis: { ok: false, detail: 'connect ECONNREFUSED' } } } },
  })
  async ready(@Res({ passthrough: true }) res: Response): Promise<unknown> {
    const { ok, checks } = await runChecks(this.checks);
    res.status(ok ? 200 : 503);
    return { status: ok ? 'ready' : 'not-ready', checks };
  }
}
