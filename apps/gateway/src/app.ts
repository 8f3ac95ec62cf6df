import 'reflect-metadata';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createService, serviceHttpOf } from '@kyso/common';
import { ACCESS_DEPS, AccessDeps } from './authz/access.guard';
import { GatewayModule } from './app.module';
import { GatewayConfig } from './config';
import { GATEWAY_SETTINGS, GatewaySettings } from './gateway-core.module';
import { leanUploads } from './lean-uploads';
import { requestTimeout } from './limits/timeout';
import { setupOpenApi } from './openapi';
import { PUBLIC_PREFIX } from './proxy';
import { UPSTREAMS, Upstreams } from './upstreams';

/** The public gateway (not listening: the caller decides where). The schema must be migrated. */
export async function createGatewayApp(config: GatewayConfig): Promise<NestExpressApplication> {
  const app = await createService(GatewayModule.forRoot(config), {
    name: 'gateway',
    port: config.port,
    host: config.host,
    logDestination: config.logDestination,
    metrics: config.metricsToken ? { token: config.metricsToken } : { loopbackOnly: true },
  });
  try {
    const { limits } = app.get<GatewaySettings>(GATEWAY_SETTINGS);
    const http = serviceHttpOf(app);
    app.use(requestTimeout(limits.requestTimeoutMs, (res, p) => http.sendProblem(res, p)));
    // req.ip (rate limits, sign-in throttle) comes from X-Forwarded-For only when a trusted proxy sent it.
    app.set('trust proxy', config.trustedProxies?.length ? config.trustedProxies : false);
    // Closed unless origins are configured: browsers elsewhere get no CORS headers at all.
    if (config.corsOrigins?.length) {
      app.enableCors({
        origin: config.corsOrigins,
        methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
        allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-request-id'],
        exposedHeaders: [
          'x-request-id',
          'x-kyso-signature-id',
          'x-kyso-signature-algorithm',
          'kyso-signing-session',
          'kyso-signing-session-remaining',
          'location',
          'retry-after',
        ],
        maxAge: 600,
      });
    }
    // The home page and the public verification page live at the root, beside the API.
    app.setGlobalPrefix(PUBLIC_PREFIX.slice(1), {
      exclude: ['health', 'health/ready', '/', 'verify', 'verify/:asset'],
    });
    const upstreams = app.get<Upstreams>(UPSTREAMS);
    const { registry, signer, verifier } = upstreams;
    await setupOpenApi(app, { registry, signer, verifier });
    // CORS headers come from Express's middleware: with origins configured, every request goes through it.
    if (config.leanUploads !== false && !config.corsOrigins?.length) {
      const { authenticator, limiter } = app.get<AccessDeps>(ACCESS_DEPS);
      http.handleFirst(leanUploads({ http, authenticator, limiter, limits, upstreams }));
    }
    return app;
  } catch (e) {
    await app.close();
    throw e;
  }
}
