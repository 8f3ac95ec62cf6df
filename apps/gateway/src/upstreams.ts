import { InternalClient } from '@kyso/common';
import type { GatewayConfig } from './config';

export const UPSTREAMS = Symbol('UPSTREAMS');

/** The internal services the gateway forwards to, with the limits that apply. */
export interface Upstreams {
  signer: InternalClient;
  verifier: InternalClient;
  registry: InternalClient;
  bodyLimits: GatewayConfig['bodyLimits'];
  timeoutMs: number;
}
