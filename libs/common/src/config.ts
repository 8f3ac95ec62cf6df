import { isAbsolute } from 'node:path';

/**
 * Configuration read once from the environment and validated at boot: a service with a bad
 * setting refuses to start rather than failing on the first request.
 */
export class ConfigError extends Error {}

export function str(name: string, fallback?: string): string {
  const v = process.env[name];
  if (v !== undefined && v !== '') return v;
  if (fallback !== undefined) return fallback;
  throw new ConfigError(`${name} must be set`);
}

export function int(name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max)
    throw new ConfigError(`${name} must be an integer in [${min}, ${max}], got ${raw}`);
  return v;
}

export function url(name: string, fallback?: string): string {
  const v = str(name, fallback);
  try {
    new URL(v);
  } catch {
    throw new ConfigError(`${name} must be a URL`);
  }
  return v.replace(/\/+$/, '');
}

/** Settings every service shares. */
export interface CommonConfig {
  databaseUrl: string;
  redisUrl: string;
  internalToken: string;
  host: string;
  /** Co-located services' Unix-domain sockets (serviceSockets); none by default (TCP). */
  sockets?: ServiceSockets;
}

export function commonConfig(): CommonConfig {
  const internalToken = str('KYSO_INTERNAL_TOKEN');
  if (internalToken.length < 16) throw new ConfigError('KYSO_INTERNAL_TOKEN must be at least 16 characters');
  return {
    databaseUrl: url('KYSO_DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/kyso'),
    redisUrl: url('KYSO_REDIS_URL', 'redis://127.0.0.1:6379'),
    internalToken,
    host: str('KYSO_HOST', '127.0.0.1'),
    sockets: serviceSockets(),
  };
}

export const DEFAULT_PORTS = { gateway: 3000, signer: 3001, verifier: 3002, registry: 3003 } as const;

export function servicePort(service: keyof typeof DEFAULT_PORTS): number {
  return int(`KYSO_${service.toUpperCase()}_PORT`, DEFAULT_PORTS[service], 0, 65535);
}

export function serviceUrl(service: keyof typeof DEFAULT_PORTS): string {
  return url(`KYSO_${service.toUpperCase()}_URL`, `http://127.0.0.1:${DEFAULT_PORTS[service]}`);
}

/** The longest Unix-domain socket path Linux binds: sockaddr_un's 108 bytes with the terminating NUL. */
export const MAX_SOCKET_PATH_BYTES = 107;

/**
 * A co-located service's Unix-domain socket (KYSO_SIGNER_SOCKET, KYSO_VERIFIER_SOCKET,
 * KYSO_REGISTRY_SOCKET), or undefined (the default: TCP only). The service listens on it besides
 * its port, and every process with the setting reaches the service through it instead of its URL's
 * host and port (the URL still gives the Host header and the path). The gateway has none: it is the
 * public face. An absolute path of at most 107 bytes, without NUL.
 */
export function serviceSocket(service: Exclude<keyof typeof DEFAULT_PORTS, 'gateway'>): string | undefined {
  const name = `KYSO_${service.toUpperCase()}_SOCKET`;
  const v = process.env[name];
  if (v === undefined || v === '') return undefined;
  if (!isAbsolute(v) || v.endsWith('/')) throw new ConfigError(`${name} must be an absolute path to a socket file`);
  if (v.includes('\0')) throw new ConfigError(`${name} must not contain NUL`);
  const bytes = Buffer.byteLength(v);
  if (bytes > MAX_SOCKET_PATH_BYTES)
    throw new ConfigError(
      `${name} is ${bytes} bytes long; a Unix socket path may have at most ${MAX_SOCKET_PATH_BYTES}`,
    );
  return v;
}

/** Each internal service's socket, where one is set (KYSO_SIGNER_SOCKET, ...): see serviceSocket. */
export interface ServiceSockets {
  signer?: string;
  verifier?: string;
  registry?: string;
}

export function serviceSockets(): ServiceSockets {
  return { signer: serviceSocket('signer'), verifier: serviceSocket('verifier'), registry: serviceSocket('registry') };
}
