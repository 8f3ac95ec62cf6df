import { commonConfig, servicePort } from '@kyso/common';

export interface RegistryConfig {
  databaseUrl: string;
  internalToken: string;
  host: string;
  port: number;
}

/** Reads and validates the registry's settings (docs/internal-api.md); throws ConfigError at boot. */
export function registryConfigFromEnv(): RegistryConfig {
  const common = commonConfig();
  return {
    databaseUrl: common.databaseUrl,
    internalToken: common.internalToken,
    host: common.host,
    port: servicePort('registry'),
  };
}
