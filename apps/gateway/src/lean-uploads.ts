import type { IncomingMessage, ServerResponse } from 'node:http';
import { declaredMultipart, FirstHandler, forbidden, ServiceHttp } from '@kyso/common';
import { AccessSteps, authenticateOrRefuse, meterCaller } from './authz/access-steps';
import { decide } from './authz/decide';
import { AccessRule, findRule } from './authz/matrix';
import { IDEMPOTENCY_HEADER } from './limits/idempotency';
import { armRequestTimeout } from './limits/timeout';
import { proxy } from './proxy';
import { UPLOAD_ROUTES, uploadCall, UploadRoute } from './upload-routes';
import type { Upstreams } from './upstreams';

export interface LeanUploadDeps extends AccessSteps {
  http: ServiceHttp;
  upstreams: Upstreams;
}

interface LeanRoute {
  rule: AccessRule;
  forward: Omit<Parameters<typeof proxy>[2], 'caller'>;
}

/**
 * The multipart uploads of signing and validation served without Express and Nest (issues 12.5,
 * 16.3: their routing, middleware, guard and pipe were most of the gateway's own CPU per upload).
 * Only the plain case is taken: POST to the exact path, no query, a multipart body of declared
 * length, no Idempotency-Key, no CORS. Everything else (a query to check, JSON, chunked bodies,
 * idempotent replays, other paths) goes to Express as before. What is taken gets the same steps in
 * the same order from the same code: request id, security headers, access log and metrics,
 * the request timeout, the access matrix's rule (authentication, the per-caller rate limit, scope
 * or role), the body limit, the proxy, and problem+json answers through the problem filter.
 */
export function leanUploads(d: LeanUploadDeps): FirstHandler {
  const routes = new Map<string, LeanRoute>(Object.values(UPLOAD_ROUTES).map((r) => [r.path, leanRoute(d, r)]));
  return (req, res) => {
    const route = req.method === 'POST' ? routes.get(req.url ?? '') : undefined;
    if (!route || !plain(req)) return false;
    const path = route.rule.path;
    return d.http.take(req, res, path, path, () => serve(d, route, req, res));
  };
}

/** What the lean path can take without changing an answer (see leanUploads). */
function plain(req: IncomingMessage): boolean {
  return declaredMultipart(req) && req.headers[IDEMPOTENCY_HEADER] === undefined;
}

async function serve(d: LeanUploadDeps, route: LeanRoute, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = route.rule.path;
  armRequestTimeout(req, res, d.limits.requestTimeoutMs, path, (p) => d.http.sendProblem(res, p));
  const { caller } = await authenticateOrRefuse(d, req.headers.authorization, res, () => String(d.http.clientIp(req)));
  await meterCaller(d, res, caller);
  const decision = decide(route.rule, caller);
  if (!decision.allow) throw forbidden(decision.code, decision.detail);
  await proxy(req, res, { ...route.forward, caller });
}

/** A route's matrix rule, which must not need what the lean path skips (ownership, a public door). */
function leanRoute(d: LeanUploadDeps, r: UploadRoute): LeanRoute {
  const rule = findRule('POST', r.path)?.rule;
  if (!rule || rule.path !== r.path || rule.public || rule.org.kind === 'resource' || rule.org.kind === 'body')
    throw new Error(`${r.path}: its access rule does not fit the lean upload path`);
  // Validations take a checked query; the lean path serves only calls without one: the bare path.
  return { rule, forward: uploadCall(d.upstreams, r) };
}
