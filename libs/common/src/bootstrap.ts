import 'reflect-metadata';
import { INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json as jsonParser } from 'express';
import type { Express, NextFunction, Request, Response } from 'express';
import type { DestinationStream, Logger as Pino } from 'pino';
import { DependencyMonitor } from './dependency-monitor';
import { DependencyMonitorModule } from './dependency-monitor.module';
import { InternalAuthGuard } from './internal-auth';
import { notJson, refuseDeepJson } from './json-depth';
import { JSON_BODY_LIMIT_BYTES } from './limits';
import { createLogger, PinoLoggerService } from './logger';
import { HttpMetrics, MetricsAccess, routeTemplate } from './metrics';
import { ProblemFilter } from './problem.filter';
import { requestIdMiddleware, runWithRequestId } from './request-context';
import { securityHeadersMiddleware } from './security-headers';
import { SERVICE_OPENAPI_PATH, serviceOpenApiHandler } from './service-openapi';

export interface ServiceOptions {
  name: string;
  port: number;
  host: string;
  /** Internal services require the internal credential on every route but health. */
  internalToken?: string;
  jsonLimit?: string;
  /** Where JSON log lines go (stdout by default). */
  logDestination?: DestinationStream;
  /** Who may read GET /metrics; internal services default to the internal credential. */
  metrics?: MetricsAccess;
}

/**
 * Creates a Nest HTTP app with the house conventions: request ids, pino JSON logs, security
 * headers, Prometheus metrics at /metrics, problem+json errors, body limits, no x-powered-by;
 * internal services also get the credential guard and their OpenAPI document at /openapi.json.
 */
export async function createService(module: unknown, opts: ServiceOptions): Promise<NestExpressApplication> {
  const logger = createLogger({ name: opts.name, destination: opts.logDestination });
  const monitor = new DependencyMonitor({
    warn: (m) => logger.warn({ context: 'Dependencies' }, m),
    log: (m) => logger.info({ context: 'Dependencies' }, m),
  });
  const app = await NestFactory.create<NestExpressApplication>(DependencyMonitorModule.around(module, monitor), {
    logger: new PinoLoggerService(logger),
    bodyParser: false,
    // A failed boot (e.g. the database unreachable) rejects here instead of exiting the process.
    abortOnError: false,
  });
  const metrics = new HttpMetrics(opts.name);
  app.disable('x-powered-by');
  app.use(requestIdMiddleware);
  app.use(securityHeadersMiddleware);
  app.use(accessLog(logger));
  app.use(metrics.middleware);
  const express = app.getHttpAdapter().getInstance() as Express;
  express.get('/metrics', metrics.handler(opts.metrics ?? { internalToken: opts.internalToken }));
  if (opts.internalToken) express.get(SERVICE_OPENAPI_PATH, serviceOpenApiHandler(app, opts.name, opts.internalToken));
  const json = jsonParser({ limit: opts.jsonLimit ?? JSON_BODY_LIMIT_BYTES, verify: refuseDeepJson });
  app.use((req: Request, res: Response, next: NextFunction) => json(req, res, (e?: unknown) => next(notJson(e))));
  app.useGlobalFilters(new ProblemFilter(monitor));
  if (opts.internalToken) app.useGlobalGuards(new InternalAuthGuard(opts.internalToken));
  app.enableShutdownHooks();
  return app;
}

/** One line per request, after the response: method, route template, status, duration (never bodies or headers). */
function accessLog(logger: Pino) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      // A 503 is a dependency outage the monitor has logged once already: not an error per request.
      const level = res.statusCode >= 500 && res.statusCode !== 503 ? 'error' : 'info';
      // Below the configured level (the bench runs at warn): no context switch, no line built.
      if (!logger.isLevelEnabled(level)) return;
      // 'finish' may fire outside the request's async context: restore it for the mixin.
      runWithRequestId(String(req.headers['x-request-id'] ?? ''), () =>
        logger[level](
          {
            method: req.method,
            path: req.path,
            route: routeTemplate(req, res),
            status: res.statusCode,
            durationMs: Math.round(ms * 10) / 10,
          },
          'request',
        ),
      );
    });
    next();
  };
}

export async function listen(app: INestApplication, opts: ServiceOptions): Promise<string> {
  await app.listen(opts.port, opts.host);
  const url = await app.getUrl();
  new Logger(opts.name).log(`listening on ${url}`);
  return url.replace('[::1]', 'localhost');
}
