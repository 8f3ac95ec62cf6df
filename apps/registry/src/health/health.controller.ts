import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';

/** A readiness check that hangs is a failed check. */
export const READINESS_TIMEOUT_MS = 2_000;

export interface Check {
  ok: boolean;
  detail?: string;
}

async function check(probe: () => Promise<unknown>): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise(
        (_, reject) =>
          (timer = setTimeout(
            () => reject(new Error(`no answer within ${READINESS_TIMEOUT_MS} ms`)),
            READINESS_TIMEOUT_MS,
          )),
      ),
    ]);
    return { ok: true };
  } catch (e) {
    return { ok: false, detail: (e as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

@ApiTags('registry: health')
@Controller('health')
export class HealthController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Get()
  @ApiOperation({ summary: 'Liveness' })
  @ApiResponse({ status: 200, content: { 'application/json': { example: { status: 'ok' } } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: Postgres answers' })
  @ApiResponse({
    status: 200,
    content: { 'application/json': { example: { status: 'ready', checks: { postgres: { ok: true } } } } },
  })
  @ApiResponse({
    status: 503,
    content: {
      'application/json': {
        example: { status: 'not-ready', checks: { postgres: { ok: false, detail: 'connect ECONNREFUSED' } } },
      },
    },
  })
  async ready(
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ status: 'ready' | 'not-ready'; checks: Record<string, Check> }> {
    const checks = { postgres: await check(() => this.db.query('SELECT 1')) };
    const ok = Object.values(checks).every((c) => c.ok);
    res.status(ok ? 200 : 503);
    return { status: ok ? 'ready' : 'not-ready', checks };
  }
}
