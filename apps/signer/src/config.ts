import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  webhookSettingsFromEnv,
  type WebhookSettings,
  commonConfig,
  CommonConfig,
  ConfigError,
  DEFAULT_MAX_SIGN_PDF_BYTES,
  int,
  servicePort,
  serviceUrl,
  str,
  url,
} from '@kyso/common';
import type { AdmissionLimits } from './admission';
import { BatchConfig, batchConfigFromEnv } from './batches/batch-config';

export const DEFAULT_TSA_TIMEOUT_MS = 10_000;
/** Five minutes: a revocation the registry does not know of (a CA's own CRL) is seen within it. */
export const DEFAULT_CERT_CHECK_MAX_AGE_MS = 300_000;
/** Certificates whose good verdict is remembered at most. */
export const CERT_VERDICTS_MAX_ENTRIES = 10_000;

export interface Pkcs11Config {
  modulePath: string;
  tokenLabel: string;
  /** User PIN of the token; never logged. */
  pin: string;
  /** PKCS#11 sessions signing in parallel; UV_THREADPOOL_SIZE must be at least this (main.ts sets it). */
  poolSize: number;
  /** A token operation not answered within this time fails (503) and its session is discarded. */
  operationTimeoutMs?: number;
}

export interface SignerConfig extends CommonConfig {
  port: number;
  registryUrl: string;
  pkcs11: Pkcs11Config;
  /** Largest PDF accepted for signing. */
  maxPdfBytes: number;
  /** The verifier, which checks the signer's certificate before every signature (unset: tests inject a check). */
  verifierUrl?: string;
  /** The RFC 3161 TSA for B-T and above (KYSO_TSA_URL); unset: those levels are refused (TSA_NOT_CONFIGURED). */
  tsaUrl?: string;
  /** One TSA request, in ms. */
  tsaTimeoutMs?: number;
  /** How often signing attempts are forwarded to the registry's audit (signature-audit-forwarder.ts). Default 250 ms. */
  auditForwardIntervalMs?: number;
  /** Back-pressure (see admission.ts); defaults from the session pool when absent. */
  admission?: AdmissionLimits;
  /**
   * Longest reuse of a certificate's good pre-signing check (certificate-verdicts.ts), in ms; also
   * bounded by the nextUpdate of its CRLs/OCSP responses. 0 asks the verifier before every signature.
   */
  certificateCheckMaxAgeMs?: number;
  /**
   * `POST /signatures/pdf` served without Express and Nest when plain (lean-signatures.ts); false
   * (tests comparing both ways) leaves every request to them. Not read from the environment.
   */
  leanSignatures?: boolean;
  /** Where uploads wait on disk while they are signed (removed after each request); default: a directory under the system's temp dir. */
  uploadDir?: string;
  /** Signing batches (batches/batch-config.ts); defaults under the upload directory when absent. */
  batches?: BatchConfig;
  /** The `webhooks` queue a batch's `callbackUrl` result goes to; absent: every callbackUrl is refused (422). */
  webhooks?: WebhookSettings;
}

export const defaultUploadDir = () => join(tmpdir(), 'kyso-signer-uploads');

export function signerConfigFromEnv(): SignerConfig {
  const uploadDir = str('KYSO_SIGNER_UPLOAD_DIR', defaultUploadDir());
  if (!uploadDir.startsWith('/')) throw new ConfigError('KYSO_SIGNER_UPLOAD_DIR must be an absolute path');
  const common = commonConfig();
  const config: SignerConfig = {
    ...common,
    port: servicePort('signer'),
    registryUrl: serviceUrl('registry'),
    pkcs11: {
      modulePath: str('KYSO_PKCS11_MODULE', '/usr/lib/softhsm/libsofthsm2.so'),
      tokenLabel: str('KYSO_TOKEN_LABEL'),
      pin: str('KYSO_TOKEN_PIN'),
      poolSize: int('KYSO_SESSION_POOL_SIZE', 4, 1, 64),
      operationTimeoutMs: int('KYSO_TOKEN_OPERATION_TIMEOUT_MS', 10_000, 100, 120_000),
    },
    maxPdfBytes: int('KYSO_SIGNER_MAX_PDF_BYTES', DEFAULT_MAX_SIGN_PDF_BYTES, 1),
    uploadDir,
    verifierUrl: serviceUrl('verifier'),
    tsaUrl: process.env.KYSO_TSA_URL ? url('KYSO_TSA_URL') : undefined,
    tsaTimeoutMs: int('KYSO_TSA_TIMEOUT_MS', DEFAULT_TSA_TIMEOUT_MS, 100, 120_000),
    auditForwardIntervalMs: int('KYSO_SIGNER_AUDIT_FORWARD_MS', 250, 10, 60_000),
    batches: batchConfigFromEnv(uploadDir),
    webhooks: webhookSettingsFromEnv(common.redisUrl),
    certificateCheckMaxAgeMs: int('KYSO_SIGNER_CERT_CHECK_MAX_AGE_MS', DEFAULT_CERT_CHECK_MAX_AGE_MS, 0, 24 * 3600_000),
  };
  const defaults = admissionDefaults(config.pkcs11.poolSize);
  config.admission = {
    maxInFlight: int('KYSO_SIGNER_MAX_IN_FLIGHT', defaults.maxInFlight, 1, 1024),
    maxQueued: int('KYSO_SIGNER_QUEUE_MAX', defaults.maxQueued, 0, 10_000),
    maxWaitMs: int('KYSO_SIGNER_QUEUE_WAIT_MS', defaults.maxWaitMs, 1, 120_000),
  };
  if (!config.pkcs11.modulePath.startsWith('/')) throw new ConfigError('KYSO_PKCS11_MODULE must be an absolute path');
  return config;
}

/**
 * Two requests per token session keep the token busy while others wait on the registry or build
 * their PDF; a queue of 8 per session absorbs bursts of a few hundred milliseconds.
 */
export function admissionDefaults(poolSize: number): AdmissionLimits {
  return { maxInFlight: 2 * poolSize, maxQueued: 8 * poolSize, maxWaitMs: 5_000 };
}

/** libuv's thread pool runs every C_Sign: at least one thread per session, plus room for fs/dns. */
export function threadPoolSizeFor(poolSize: number): number {
  return Math.max(4, poolSize + 2);
}
