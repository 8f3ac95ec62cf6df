import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  commonConfig,
  CommonConfig,
  ConfigError,
  DEFAULT_MAX_SIGN_PDF_BYTES,
  int,
  servicePort,
  serviceUrl,
  str,
} from '@kyso/common';

export interface Pkcs11Config {
  modulePath: string;
  tokenLabel: string;
  /** User PIN of the token; never logged. */
  pin: string;
  /** PKCS#11 sessions signing in parallel; UV_THREADPOOL_SIZE must be at least this (main.ts sets it). */
  poolSize: number;
}

export interface SignerConfig extends CommonConfig {
  port: number;
  registryUrl: string;
  pkcs11: Pkcs11Config;
  /** Largest PDF accepted for signing. */
  maxPdfBytes: number;
  /** Where uploads wait on disk while they are signed (removed after each request); default: a directory under the system's temp dir. */
  uploadDir?: string;
}

export const defaultUploadDir = () => join(tmpdir(), 'kyso-signer-uploads');

export function signerConfigFromEnv(): SignerConfig {
  const uploadDir = str('KYSO_SIGNER_UPLOAD_DIR', defaultUploadDir());
  if (!uploadDir.startsWith('/')) throw new ConfigError('KYSO_SIGNER_UPLOAD_DIR must be an absolute path');
  const config: SignerConfig = {
    ...commonConfig(),
    port: servicePort('signer'),
    registryUrl: serviceUrl('registry'),
    pkcs11: {
      modulePath: str('KYSO_PKCS11_MODULE', '/usr/lib/softhsm/libsofthsm2.so'),
      tokenLabel: str('KYSO_TOKEN_LABEL'),
      pin: str('KYSO_TOKEN_PIN'),
      poolSize: int('KYSO_SESSION_POOL_SIZE', 4, 1, 64),
    },
    maxPdfBytes: int('KYSO_SIGNER_MAX_PDF_BYTES', DEFAULT_MAX_SIGN_PDF_BYTES, 1),
    uploadDir,
  };
  if (!config.pkcs11.modulePath.startsWith('/')) throw new ConfigError('KYSO_PKCS11_MODULE must be an absolute path');
  return config;
}

/** libuv's thread pool runs every C_Sign: at least one thread per session, plus room for fs/dns. */
export function threadPoolSizeFor(poolSize: number): number {
  return Math.max(4, poolSize + 2);
}
