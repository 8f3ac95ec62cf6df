import { InternalClient } from '@kyso/common';
import type { BodyRoute } from './config';

export const UPSTREAMS = Symbol('UPSTREAMS');

/** The internal services the gateway forwards to, with the limits that apply. */
export interface Upstreams {
  signer: InternalClient;
  verifier: InternalClient;
  registry: InternalClient;
  bodyLimits: Record<BodyRoute, number>;
  timeoutMs: number;
}
