import { StoredDigests } from './stored-digests';

describe('StoredDigests', () => {
  it('remembers digests until the limit, then starts again', () => {
    const stored = new StoredDigests(3);
    stored.add(['a', 'b']);
    expect(stored.has('a') && stored.has('b')).toBe(true);
    expect(stored.has('c')).toBe(false);
    stored.add(['c']);
    expect(stored.has('c')).toBe(true);
    stored.add(['d']);
    expect([stored.has('a'), stored.has('c'), stored.has('d')]).toEqual([false, false, true]);
    stored.clear();
    expect(stored.has('d')).toBe(false);
  });
});
