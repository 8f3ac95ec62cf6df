import { ScryptPinHasher } from '../certificates/pin-hasher';
import { PinPrechecks } from './pin-prechecks';

const CERT = '0b5a3c1e-2f4d-4e6a-8b7c-9d0e1f2a3b4c';

/** Real scrypt (small parameters), counted: each count is one derivation. */
class CountingHasher extends ScryptPinHasher {
  runs = 0;
  constructor() {
    super({ N: 1 << 10, r: 8, p: 1, keyLength: 32 });
  }
  override verify(pin: string, encoded: string): Promise<boolean> {
    this.runs++;
    return super.verify(pin, encoded);
  }
}

describe('PinPrechecks', () => {
  let pins: CountingHasher;
  let stored: string;
  let clock: number;
  const prechecks = (maxHeld = 4) => new PinPrechecks(pins, { ttlMs: 1000, maxHeld, now: () => clock });

  beforeEach(async () => {
    pins = new CountingHasher();
    stored = await pins.hash('418305');
    clock = 0;
  });

  it('answers from the held outcome once, right and wrong PIN alike, then checks again', async () => {
    const p = prechecks();
    p.start(CERT, stored, '418305');
    p.start(CERT, stored, '000000');
    p.start(CERT, stored, '418305'); // already held: not started twice
    expect(pins.runs).toBe(2);
    expect(await p.verify(CERT, stored, '418305')).toBe(true);
    expect(await p.verify(CERT, stored, '000000')).toBe(false);
    expect(pins.runs).toBe(2);
    expect(p.size).toBe(0);
    expect(await p.verify(CERT, stored, '418305')).toBe(true);
    expect(pins.runs).toBe(3);
  });

  it('finds nothing for another stored hash or another certificate (a PIN changed in between)', async () => {
    const p = prechecks();
    p.start(CERT, stored, '418305');
    const changed = await pins.hash('777777');
    expect(await p.verify(CERT, changed, '418305')).toBe(false);
    expect(await p.verify('1c2d3e4f-0000-4000-8000-000000000000', stored, '418305')).toBe(true);
    expect(pins.runs).toBe(3);
    expect(p.size).toBe(1);
  });

  it('drops an outcome past its TTL and checks again', async () => {
    const p = prechecks();
    p.start(CERT, stored, '418305');
    clock = 1000;
    expect(await p.verify(CERT, stored, '418305')).toBe(true);
    expect(pins.runs).toBe(2);
    p.start(CERT, stored, '000000');
    clock = 2500;
    p.start(CERT, stored, '111111'); // sweeps the expired one
    expect(p.size).toBe(1);
  });

  it('holds at most maxHeld; more start nothing until some are taken or expire', async () => {
    const p = prechecks(2);
    p.start(CERT, stored, '1');
    p.start(CERT, stored, '2');
    p.start(CERT, stored, '3');
    expect(p.size).toBe(2);
    expect(pins.runs).toBe(2);
    expect(await p.verify(CERT, stored, '3')).toBe(false);
    expect(pins.runs).toBe(3);
    clock = 1000;
    p.start(CERT, stored, '3');
    expect(p.size).toBe(1);
  });

  it('keeps no PIN in clear and computes the same outcome as the hasher for a bad stored value', async () => {
    const p = prechecks();
    p.start(CERT, 'not-a-hash', '418305');
    expect(JSON.stringify([...(p as unknown as { held: Map<string, unknown> }).held.keys()])).not.toContain('418305');
    expect(await p.verify(CERT, 'not-a-hash', '418305')).toBe(false);
  });
});
