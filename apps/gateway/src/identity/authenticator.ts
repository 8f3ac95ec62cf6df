import { Caller, RoleGrant } from '@kyso/common';
import { ApiCaller, ApiKeyAuthenticator } from '../api-key.authenticator';
import type { AccessClaims } from './jwt';
import { Sessions } from './sessions';

export type Authentication =
  { ok: true; caller: Caller; accessClaims?: AccessClaims } | { ok: false; missing: boolean; detail: string };

const KEY_MESSAGES = {
  MISSING: 'Send an API key or an access token as "Authorization: Bearer <token>".',
  MALFORMED: 'The Authorization header does not hold a Kyso API key or access token.',
  UNKNOWN: 'The API key is not known.',
  EXPIRED: 'The API key has expired.',
  REVOKED: 'The API key has been revoked.',
} as const;

const TOKEN_MESSAGES = {
  INVALID_TOKEN: 'The access token is not valid.',
  EXPIRED: 'The access token has expired; refresh it.',
  REVOKED: 'The access token was revoked (signed out).',
  ACCOUNT_DISABLED: 'The operator account is disabled.',
} as const;

/** One bearer credential, two kinds: `kyso_...` system API keys, and operator JWT access tokens. */
export class Authenticator {
  constructor(
    private readonly apiKeys: ApiKeyAuthenticator,
    private readonly sessions: Sessions,
  ) {}

  async authenticate(authorization: string | undefined): Promise<Authentication> {
    const bearer = authorization && /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
    if (bearer && !bearer.startsWith('kyso_')) {
      const r = await this.sessions.authenticate(bearer);
      return r.ok
        ? { ok: true, caller: r.caller, accessClaims: r.claims }
        : { ok: false, missing: false, detail: TOKEN_MESSAGES[r.reason] };
    }
    const r = await this.apiKeys.authenticate(authorization);
    if (!r.ok) return { ok: false, missing: r.reason === 'MISSING', detail: KEY_MESSAGES[r.reason] };
    return { ok: true, caller: systemCaller(r.caller) };
  }
}

/**
 * A key's caller, built once per ApiCaller (the same object while the key's row is remembered) and
 * frozen: its encoding for the services is then kept with it too (encodeCaller).
 */
const systemCallers = new WeakMap<ApiCaller, Caller>();
function systemCaller(c: ApiCaller): Caller {
  let caller = systemCallers.get(c);
  if (!caller) {
    caller = Object.freeze({
      kind: 'system',
      id: c.keyId,
      name: c.name,
      scopes: Object.freeze([...c.scopes]) as string[],
      organizationIds: Object.freeze([...c.organizationIds]) as string[],
      roles: Object.freeze([]) as unknown as RoleGrant[],
      officialId: null,
      webhooks: c.webhooks,
    } satisfies Caller);
    systemCallers.set(c, caller);
  }
  return caller;
}
