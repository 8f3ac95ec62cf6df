import 'reflect-metadata';
import { INestApplication, Logger, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { InternalAuthGuard } from './internal-auth';
import { ProblemFilter } from './problem.filter';

export interface ServiceOptions {
  name: string;
  port: number;
  host: string;
  /** Internal services require the internal credential on every route but health. */
  internalToken?: string;
  jsonLimit?: string;
}

/** Creates a Nest HTTP app with the house conventions: problem+json errors, body limits, no x-powered-by. */
export async function createService(module: unknown, opts: ServiceOptions): Promise<NestExpressApplication> {
  const levels: LogLevel[] = process.env.KYSO_LOG_LEVEL === 'debug' ? ['error', 'warn', 'log', 'debug'] : ['error', 'warn', 'log'];
  const app = await NestFactory.create<NestExpressApplication>(module as never, {
    logger: process.env.KYSO_QUIET === '1' ? ['error', 'warn'] : levels,
    bodyParser: false,
  });
  app.disable('x-powered-by');
  app.useBodyParser('json', { limit: opts.jsonLimit ?? '1mb' });
  app.useGlobalFilters(new ProblemFilter());
  if (opts.internalToken) app.useGlobalGuards(new InternalAuthGuard(opts.internalToken));
  app.enableShutdownHooks();
  return app;
}

export async function listen(app: INestApplication, opts: ServiceOptions): Promise<string> {
  await app.listen(opts.port, opts.host);
  const url = await app.getUrl();
  new Logger(opts.name).log(`listening on ${url}`);
  return url.replace('[::1]', 'localhost');
}
