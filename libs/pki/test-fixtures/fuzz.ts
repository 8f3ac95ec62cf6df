import fc from 'fast-check';

/** Property-test helpers (fast-check is a dev dependency: tests only). */

/** Mutations of a valid DER: bit flips, truncation, insertion, overwritten ranges. */
export function mutated(base: Uint8Array): fc.Arbitrary<Uint8Array> {
  const n = base.length;
  return fc.oneof(
    fc.record({ at: fc.nat(n - 1), bit: fc.nat(7) }).map(({ at, bit }) => {
      const b = new Uint8Array(base);
      b[at] ^= 1 << bit;
      return b;
    }),
    fc.nat(n - 1).map((len) => base.subarray(0, len)),
    fc
      .record({ at: fc.nat(n), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) })
      .map(({ at, bytes }) => Uint8Array.from([...base.subarray(0, at), ...bytes, ...base.subarray(at)])),
    fc.record({ at: fc.nat(n - 1), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }).map(({ at, bytes }) => {
      const b = new Uint8Array(base);
      b.set(bytes.subarray(0, n - at), at);
      return b;
    }),
    fc.uint8Array({ maxLength: 64 }),
  );
}

/** Runs `f`: its result, or undefined when it threw an `allowed` error; any other error propagates. */
export function onlyThrows<T>(allowed: abstract new (...args: never[]) => Error, f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof allowed)) throw e;
    return undefined;
  }
}
