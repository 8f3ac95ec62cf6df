import type { Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { sameSecret, INTERNAL_TOKEN_HEADER } from './internal-auth';
import { PROBLEM_CONTENT_TYPE, unauthorized, forbidden } from './problem';

/** A route label set by the app when Express's own route is a wildcard (the gateway's proxied routes). */
export const ROUTE_TEMPLATE_LOCAL = 'routeTemplate';

/** Who may read /metrics: a bearer token, the internal credential, and/or only loopback clients. */
export interface MetricsAccess {
  token?: string;
  internalToken?: string;
  loopbackOnly?: boolean;
}

/** Prometheus metrics of one app, in its own registry so several apps can share a process (tests). */
export class HttpMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly duration: Histogram<'method' | 'route' | 'status'>;

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests by route template and status',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    this.duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [this.registry],
    });
  }

  /** Counts a finished request by its route template (never the raw path: ids would explode the series). */
  record(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.requests.inc(labels);
    this.duration.observe(labels, seconds);
  }

  handler(access: MetricsAccess) {
    return async (req: Request, res: Response): Promise<void> => {
      const refusal = refuse(req, access);
      if (refusal) {
        res
          .status(refusal.status)
          .type(PROBLEM_CONTENT_TYPE)
          .send(JSON.stringify(refusal.toProblem(req.originalUrl)));
        return;
      }
      res.type(this.registry.contentType).send(await this.registry.metrics());
    };
  }
}

export function routeTemplate(req: Request, res: Response): string {
  const local = res.locals?.[ROUTE_TEMPLATE_LOCAL];
  if (typeof local === 'string') return local;
  const path = (req as Request & { route?: { path?: unknown } }).route?.path;
  if (typeof path !== 'string') return 'unmatched';
  return `${req.baseUrl ?? ''}${path}`;
}

function refuse(req: Request, access: MetricsAccess) {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.header('authorization') ?? '')?.[1];
  const internal = req.header(INTERNAL_TOKEN_HEADER);
  const secrets = [access.token, access.internalToken].filter((s): s is string => !!s);
  const byToken = secrets.some((s) => (bearer && sameSecret(bearer, s)) || (internal && sameSecret(internal, s)));
  if (byToken) return undefined;
  if (access.loopbackOnly && isLoopback(req.socket.remoteAddress) && !forwarded(req)) return undefined;
  if (!secrets.length && !access.loopbackOnly) return undefined; // explicitly open
  return secrets.length
    ? unauthorized('METRICS_CREDENTIAL_REQUIRED', 'Send the metrics token as a bearer token.')
    : forbidden('METRICS_LOOPBACK_ONLY', 'Metrics are served to local clients only.');
}

/**
 * A request a proxy forwarded: a reverse proxy on the same host connects from loopback for every
 * client, so a forwarded request is never "local", whatever the proxy configuration.
 */
const forwarded = (req: Request) =>
  req.header('x-forwarded-for') !== undefined ||
  req.header('forwarded') !== undefined ||
  req.header('x-real-ip') !== undefined;

const isLoopback = (a: string | undefined) =>
  !!a && (a === '::1' || a.startsWith('127.') || a.startsWith('::ffff:127.'));
