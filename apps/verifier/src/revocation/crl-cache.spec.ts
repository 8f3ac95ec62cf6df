import { isFresh } from './crl-cache';

describe('isFresh (CRL cache rule)', () => {
  const now = new Date('2026-11-25T12:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const hour = 3600_000;

  it('uses a CRL fetched within the max age whose nextUpdate is still ahead', () => {
    expect(isFresh({ fetchedAt: ago(10 * 60_000), nextUpdate: new Date(now.getTime() + hour) }, now, hour)).toBe(true);
  });

  it('refetches once nextUpdate has come, however recent the download', () => {
    expect(isFresh({ fetchedAt: ago(1_000), nextUpdate: now }, now, hour)).toBe(false);
    expect(isFresh({ fetchedAt: ago(1_000), nextUpdate: ago(1) }, now, hour)).toBe(false);
  });

  it('refetches past the max age even when the CRL says it is current', () => {
    expect(isFresh({ fetchedAt: ago(hour), nextUpdate: new Date(now.getTime() + 7 * 24 * hour) }, now, hour)).toBe(
      false,
    );
  });

  it('keeps a CRL without nextUpdate for the max age only, and nothing with a max age of 0', () => {
    expect(isFresh({ fetchedAt: ago(1_000), nextUpdate: null }, now, hour)).toBe(true);
    expect(isFresh({ fetchedAt: ago(2 * hour), nextUpdate: null }, now, hour)).toBe(false);
    expect(isFresh({ fetchedAt: now, nextUpdate: null }, now, 0)).toBe(false);
  });
});
