import 'reflect-metadata';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json as jsonParser } from 'express';
import type { Express, NextFunction, Request, Response } from 'express';
import type { DestinationStream } from 'pino';
import { DependencyMonitor } from './dependency-monitor';
import { DependencyMonitorModule } from './dependency-monitor.module';
import { InternalAuthGuard } from './internal-auth';
import { notJson, refuseDeepJson } from './json-depth';
import { JSON_BODY_LIMIT_BYTES } from './limits';
import { createLogger, PinoLoggerService } from './logger';
import { HttpMetrics, MetricsAccess, routeTemplate } from './metrics';
import { ProblemFilter } from './problem.filter';
import { requestIdMiddleware } from './request-context';
import { securityHeadersMiddleware } from './security-headers';
import { accessLog, registerServiceHttp, requestObserver, ServiceHttp } from './service-http';
import { SERVICE_OPENAPI_PATH, serviceOpenApiHandler } from './service-openapi';
import { listenOnSocket } from './socket-listener';

export interface ServiceOptions {
  name: string;
  port: number;
  host: string;
  /** A co-located service's Unix-domain socket (serviceSocket), served besides the port. */
  socketPath?: string;
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
  const observe = requestObserver(accessLog(logger), metrics);
  app.disable('x-powered-by');
  app.use(requestIdMiddleware);
  app.use(securityHeadersMiddleware);
  app.use((req: Request, res: Response, next: NextFunction) => {
    observe(req, res, req.path, () => routeTemplate(req, res));
    next();
  });
  const express = app.getHttpAdapter().getInstance() as Express;
  express.get('/metrics', metrics.handler(opts.metrics ?? { internalToken: opts.internalToken }));
  if (opts.internalToken) express.get(SERVICE_OPENAPI_PATH, serviceOpenApiHandler(app, opts.name, opts.internalToken));
  const json = jsonParser({ limit: opts.jsonLimit ?? JSON_BODY_LIMIT_BYTES, verify: refuseDeepJson });
  const readJson = (req: IncomingMessage, res: ServerResponse, next: (e?: unknown) => void) =>
    json(req as Request, res as Response, (e?: unknown) => next(notJson(e)));
  app.use(readJson);
  const filter = new ProblemFilter(monitor);
  app.useGlobalFilters(filter);
  if (opts.internalToken) app.useGlobalGuards(new InternalAuthGuard(opts.internalToken));
  app.enableShutdownHooks();
  registerServiceHttp(app, new ServiceHttp(app, express, observe, filter, readJson));
  return app;
}

export async function listen(app: INestApplication, opts: ServiceOptions): Promise<string> {
  await app.listen(opts.port, opts.host);
  const url = await app.getUrl();
  new Logger(opts.name).log(`listening on ${url}`);
  if (opts.socketPath) {
    await listenOnSocket(app.getHttpServer() as Server, opts.socketPath);
    new Logger(opts.name).log(`listening on ${opts.socketPath}`);
  }
  return url.replace('[::1]', 'localhost');
}
