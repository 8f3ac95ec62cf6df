import { FixedClock, SystemClock } from './clock';

describe('Clock', () => {
  it('a fixed clock reads its instant until set or advanced, and hands out copies', () => {
    const clock = new FixedClock('2026-11-25T10:00:00Z');
    const read = clock.now();
    read.setFullYear(2000);
    expect(clock.now().toISOString()).toBe('2026-11-25T10:00:00.000Z');
    clock.advance(1500);
    expect(clock.now().toISOString()).toBe('2026-11-25T10:00:01.500Z');
    clock.set(0);
    expect(clock.now().getTime()).toBe(0);
  });

  it('the system clock reads the time of day', () => {
    const before = Date.now();
    const t = new SystemClock().now().getTime();
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Date.now());
  });
});
