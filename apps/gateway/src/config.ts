import { commonConfig, CommonConfig, int, servicePort, serviceUrl } from '@kyso/common';

/** Routes with a body, each with its own size limit. */
export type BodyRoute = 'signaturesPdf' | 'validationsPdf';

export interface GatewayConfig extends CommonConfig {
  port: number;
  signerUrl: string;
  verifierUrl: string;
  registryUrl: string;
  /** Largest request body per route, in bytes. */
  bodyLimits: Record<BodyRoute, number>;
  /** Longest a proxied call may take (a validation may wait up to 60 s). */
  upstreamTimeoutMs: number;
}

const MB = 1024 * 1024;

export function gatewayConfigFromEnv(): GatewayConfig {
  const defaultLimit = int('KYSO_GATEWAY_MAX_BODY_BYTES', 25 * MB, 1);
  return {
    ...commonConfig(),
    port: servicePort('gateway'),
    signerUrl: serviceUrl('signer'),
    verifierUrl: serviceUrl('verifier'),
    registryUrl: serviceUrl('registry'),
    bodyLimits: {
      signaturesPdf: int('KYSO_GATEWAY_SIGN_MAX_BYTES', defaultLimit, 1),
      validationsPdf: int('KYSO_GATEWAY_VALIDATE_MAX_BYTES', defaultLimit, 1),
    },
    upstreamTimeoutMs: int('KYSO_GATEWAY_UPSTREAM_TIMEOUT_MS', 90_000, 1_000),
  };
}
