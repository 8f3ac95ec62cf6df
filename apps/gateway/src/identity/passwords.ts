import { randomBytes, scrypt, ScryptOptions, timingSafeEqual } from 'node:crypto';

/**
 * Operator passwords: scrypt with N=2^15, r=8, p=1 (OWASP's minimum is 2^17 with r=8 for a
 * single-core budget of ~100 ms; 2^15 keeps logins snappy on small hosts while costing 32 MiB per
 * guess). Parameters are stored with the hash so they can be raised later.
 */
export const SCRYPT_PARAMS = { logN: 15, r: 8, p: 1, keyLength: 32 } as const;

function derive(
  password: string,
  salt: Buffer,
  logN: number,
  r: number,
  p: number,
  keyLength: number,
): Promise<Buffer> {
  const opts: ScryptOptions = { N: 2 ** logN, r, p, maxmem: 256 * 2 ** logN * r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, keyLength, opts, (e, key) => (e ? reject(e) : resolve(key))),
  );
}

/** `scrypt$<logN>$<r>$<p>$<salt b64url>$<hash b64url>` */
export async function hashPassword(password: string): Promise<string> {
  const { logN, r, p, keyLength } = SCRYPT_PARAMS;
  const salt = randomBytes(16);
  const key = await derive(password, salt, logN, r, p, keyLength);
  return ['scrypt', logN, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, logN, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const got = await derive(
    password,
    Buffer.from(salt, 'base64url'),
    Number(logN),
    Number(r),
    Number(p),
    expected.length,
  );
  return timingSafeEqual(got, expected);
}

/** A hash to check unknown usernames against, so they take as long as known ones. */
let dummy: Promise<string> | undefined;
export const dummyHash = (): Promise<string> => (dummy ??= hashPassword(randomBytes(16).toString('hex')));

/** Password policy: long enough, not absurdly long (scrypt input is cheap but bodies are not). */
export function passwordProblem(password: unknown): string | undefined {
  if (typeof password !== 'string') return 'password must be a string';
  if (password.length < 12) return 'password must be at least 12 characters';
  if (password.length > 256) return 'password must be at most 256 characters';
  return undefined;
}
