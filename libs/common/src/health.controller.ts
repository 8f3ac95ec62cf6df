import { Controller, Get, Inject, Optional, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RETRY_AFTER_SEC } from './dependencies';
import { DependencyMonitor } from './dependency-monitor';
import { ReadinessCheck, runChecks } from './health';

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(READINESS_CHECKS) private readonly checks: Record<string, ReadinessCheck>,
    @Optional() private readonly monitor?: DependencyMonitor,
  ) {
    // While a dependency is down, the monitor retries its check to notice (and log) the recovery.
    monitor?.setProbes(checks);
  }

  @Get()
  @ApiOperation({ summary: 'Liveness' })
  @ApiResponse({ status: 200, schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({
    summary: 'Readiness: every dependency answers',
    description:
      'Runs each check now; `dependencies` is what requests have seen: `down` since a request or check ' +
      'found the dependency failing, `up` again once its check passed (retried every second meanwhile).',
  })
  @ApiResponse({
    status: 200,
    schema: {
      example: {
        status: 'ready',
        checks: { postgres: { ok: true, detail: 'ok' } },
        dependencies: { postgres: { state: 'up', since: '2026-01-01T00:00:00.000Z' } },
      },
    },
  })
  @ApiResponse({
    status: 503,
    description: 'A dependency is down (with Retry-After)',
    schema: {
      example: {
        status: 'not-ready',
        checks: { redis: { ok: false, detail: 'connect ECONNREFUSED' } },
        dependencies: { redis: { state: 'down', since: '2026-01-01T00:00:00.000Z' } },
      },
    },
  })
  async ready(@Res({ passthrough: true }) res: Response): Promise<unknown> {
    const { ok, checks } = await runChecks(this.checks);
    for (const [name, c] of Object.entries(checks))
      if (c.ok) this.monitor?.reportUp(name);
      else this.monitor?.reportDown(name, c.detail);
    res.status(ok ? 200 : 503);
    if (!ok) res.setHeader('retry-after', String(RETRY_AFTER_SEC));
    return {
      status: ok ? 'ready' : 'not-ready',
      checks,
      ...(this.monitor ? { dependencies: this.monitor.snapshot() } : {}),
    };
  }
}
