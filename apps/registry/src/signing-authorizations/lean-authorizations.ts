import type { IncomingMessage, ServerResponse } from 'node:http';
import { callerIn, checkInternalCredential, FirstHandler, ServiceHttp } from '@kyso/common';
import { SIGNING_AUTHORIZATIONS_PATH } from '@kyso/contracts';
import { authorizationRequestOf } from './authorization-request';
import type { SigningAuthorizationsService } from './signing-authorizations.service';

export interface LeanAuthorizationDeps {
  http: ServiceHttp;
  /** The credential createService's guard requires (none: no guard). */
  internalToken?: string;
  authorizations: Pick<SigningAuthorizationsService, 'authorize'>;
}

const PATH = SIGNING_AUTHORIZATIONS_PATH;
/** routeTemplate's name for a request Express did not route. */
const UNMATCHED = 'unmatched';

/**
 * `POST /signing-authorizations` served without Express and Nest (issue 12.5: their router, guard
 * and parameter chain were about a sixth of the registry's CPU per session signature), as the
 * verifier serves its validations (lean-validations.ts). Only the exact path without a query is
 * taken; any other spelling Express would route here goes to Express as before. What is taken gets
 * the same steps in the same order from the same code: request id, security headers, access log
 * and metrics (ServiceHttp), the app's JSON body middleware, the internal credential (the global
 * guard), the caller header (CallerParam), then the controller's translation and the service, and
 * problem+json answers through the problem filter. The 200 answer is Express's res.json without
 * its ETag (nobody revalidates an internal POST).
 */
export function leanAuthorizations(d: LeanAuthorizationDeps): FirstHandler {
  return (req, res) => {
    if (req.method !== 'POST' || req.url !== PATH) return false;
    // Express routes a request only once its body is read: one its body middleware refuses is 'unmatched'.
    const state = { routed: false };
    return d.http.take(
      req,
      res,
      PATH,
      () => (state.routed ? PATH : UNMATCHED),
      () => serve(d, req, res, state),
    );
  };
}

async function serve(
  d: LeanAuthorizationDeps,
  req: IncomingMessage,
  res: ServerResponse,
  state: { routed: boolean },
): Promise<void> {
  // Express runs the body middleware before Nest's guard: a malformed body is a 400 even without the credential.
  const raw = await d.http.readJson(req, res);
  state.routed = true;
  checkInternalCredential(req, d.internalToken);
  const caller = callerIn(req);
  d.http.sendJson(res, await d.authorizations.authorize(authorizationRequestOf(raw), caller));
}
