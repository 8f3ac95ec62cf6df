import fc from 'fast-check';
import { BoundedCache } from './bounded-cache';

describe('BoundedCache', () => {
  it('never holds more than its bound, whatever the sequence of operations', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 8 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.boolean())),
        (max, ops) => {
          const c = new BoundedCache<number, number>(max);
          for (const [k, write] of ops) {
            if (write) c.set(k, k * 2);
            else {
              const v = c.get(k);
              if (v !== undefined) expect(v).toBe(k * 2); // only ever the value stored for that key
            }
            expect(c.size).toBeLessThanOrEqual(max);
          }
        },
      ),
    );
  });

  it('evicts the least recently used entry first', () => {
    const c = new BoundedCache<string, number>(2);
    c.set('a', 1);
    c.set('b', 2);
    expect(c.get('a')).toBe(1); // a is now the most recent
    c.set('c', 3);
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toBe(1);
    expect(c.get('c')).toBe(3);
  });

  it('forgets a deleted entry', () => {
    const c = new BoundedCache<string, number>(2);
    c.set('a', 1);
    expect(c.delete('a')).toBe(true);
    expect(c.delete('a')).toBe(false);
    expect(c.get('a')).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('stores nothing at size 0 and shrinks on resize', () => {
    const c = new BoundedCache<string, number>(0);
    expect(c.getOrCompute('a', () => 1)).toBe(1);
    expect(c.size).toBe(0);
    c.resize(3);
    ['a', 'b', 'c'].forEach((k, i) => c.set(k, i));
    c.resize(1);
    expect(c.size).toBe(1);
    expect(c.get('c')).toBe(2);
  });
});
