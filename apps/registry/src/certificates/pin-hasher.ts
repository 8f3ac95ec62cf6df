import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** Signing PINs are kept only as slow salted hashes; a port so tests and later HSM-backed checks can swap it. */
export abstract class PinHasher {
  abstract hash(pin: string): Promise<string>;
  abstract verify(pin: string, encoded: string): Promise<boolean>;
}

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
  keyLength: number;
}

/** N=2^15, r=8: about 32 MiB and tens of milliseconds per check (OWASP's scrypt floor is N=2^17 for passwords;
 * a PIN is also rate-limited upstream and useless without the key device). */
export const DEFAULT_SCRYPT: ScryptParams = { N: 1 << 15, r: 8, p: 1, keyLength: 32 };
/** Bounds on parameters read back from storage, so a corrupted row cannot make us allocate gigabytes. */
const MAX_N = 1 << 20;
const SALT_BYTES = 16;

function derive(pin: string, salt: Buffer, p: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(
      pin.normalize('NFC'),
      salt,
      p.keyLength,
      { N: p.N, r: p.r, p: p.p, maxmem: 256 * p.N * p.r + 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(key)),
    ),
  );
}

/** Encoded as `scrypt$N=..,r=..,p=..$<salt base64>$<hash base64>` so parameters can rise without a migration. */
export class ScryptPinHasher extends PinHasher {
  constructor(private readonly params: ScryptParams = DEFAULT_SCRYPT) {
    super();
  }

  async hash(pin: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    const key = await derive(pin, salt, this.params);
    const { N, r, p } = this.params;
    return `scrypt$N=${N},r=${r},p=${p}$${salt.toString('base64')}$${key.toString('base64')}`;
  }

  async verify(pin: string, encoded: string): Promise<boolean> {
    const parsed = parseScrypt(encoded);
    if (!parsed) return false;
    const key = await derive(pin, parsed.salt, parsed.params);
    return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
  }
}

export function parseScrypt(encoded: string): { params: ScryptParams; salt: Buffer; key: Buffer } | undefined {
  const m = /^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(encoded);
  if (!m) return undefined;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (N < 2 || N > MAX_N || (N & (N - 1)) !== 0 || r < 1 || r > 32 || p < 1 || p > 16) return undefined;
  const key = Buffer.from(m[5], 'base64');
  if (key.length < 16 || key.length > 64) return undefined;
  return { params: { N, r, p, keyLength: key.length }, salt: Buffer.from(m[4], 'base64'), key };
}
