import { randomBytes } from 'node:crypto';
import { ecdsaRawToDer } from './der';

/**
 * ECDSA P-256 over a digest the caller computed (FIPS 186-4 6.4), for the in-memory key store:
 * node:crypto only signs data it hashes itself, while sign-hash gets a finished digest. Plain
 * affine BigInt arithmetic with a random k: not constant-time, so only for test and dev keys.
 */
const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const A = P - 3n;
const G: Point = {
  x: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
  y: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
};

interface Point {
  x: bigint;
  y: bigint;
}

const mod = (a: bigint, m: bigint) => ((a % m) + m) % m;

function inverse(a: bigint, m: bigint): bigint {
  let [r0, r1, t0, t1] = [mod(a, m), m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [t0, t1] = [t1, t0 - q * t1];
  }
  return mod(t0, m);
}

function add(p: Point | undefined, q: Point | undefined): Point | undefined {
  if (!p) return q;
  if (!q) return p;
  if (p.x === q.x && mod(p.y + q.y, P) === 0n) return undefined;
  const l =
    p.x === q.x && p.y === q.y
      ? mod((3n * p.x * p.x + A) * inverse(2n * p.y, P), P)
      : mod((q.y - p.y) * inverse(q.x - p.x, P), P);
  const x = mod(l * l - p.x - q.x, P);
  return { x, y: mod(l * (p.x - x) - p.y, P) };
}

function multiply(k: bigint, point: Point): Point | undefined {
  let result: Point | undefined;
  let addend: Point | undefined = point;
  for (let e = k; e > 0n; e >>= 1n) {
    if (e & 1n) result = add(result, addend);
    addend = add(addend, addend);
  }
  return result;
}

const toBig = (b: Uint8Array) => BigInt(`0x${Buffer.from(b).toString('hex') || '0'}`);
const to32 = (v: bigint) => Buffer.from(v.toString(16).padStart(64, '0'), 'hex');

/** DER ECDSA-Sig-Value over `digest` (its leftmost 256 bits) with the private scalar `d` (big-endian). */
export function ecdsaP256SignDigest(d: Uint8Array, digest: Uint8Array): Uint8Array {
  const e = toBig(digest.subarray(0, 32));
  const x = toBig(d);
  for (;;) {
    const k = mod(toBig(randomBytes(40)), N - 1n) + 1n;
    const r = mod(multiply(k, G)!.x, N);
    const s = mod(inverse(k, N) * (e + r * x), N);
    if (r !== 0n && s !== 0n) return ecdsaRawToDer(Buffer.concat([to32(r), to32(s)]));
  }
}
