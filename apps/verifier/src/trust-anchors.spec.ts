import { FixedClock, InternalClient } from '@kyso/common';
import { RegistryStub } from '../test/registry-stub';
import { TEST_ROOT_PEM } from '../test/fixtures';
import { RegistryTrustAnchors } from './trust-anchors';

describe('RegistryTrustAnchors', () => {
  const registry = new RegistryStub();
  beforeAll(() => registry.start());
  afterAll(() => registry.stop());
  beforeEach(() => {
    registry.calls.length = 0;
    registry.up = true;
    registry.anchors = [
      { id: 'a1', name: 'root', sha256: 'x', subject: 'CN=Kyso Test Root', certificatePem: TEST_ROOT_PEM },
    ];
  });

  it('asks the registry with the internal credential and reuses the answer within the TTL', async () => {
    const clock = new FixedClock(0);
    const anchors = new RegistryTrustAnchors(
      new InternalClient(registry.url, 'internal-token-0123456789'),
      1000,
      clock,
    );
    const [first] = await Promise.all([anchors.get(), anchors.get()]);
    expect(first.map((c) => c.subject.toString())).toEqual([expect.stringContaining('Kyso Test Root')]);
    expect(registry.calls).toHaveLength(1);
    expect(registry.calls[0].headers['x-kyso-internal-token']).toBe('internal-token-0123456789');
    clock.set(999);
    await anchors.get();
    expect(registry.calls).toHaveLength(1);
    clock.set(1000);
    await anchors.get();
    expect(registry.calls).toHaveLength(2);
  });

  it('fails rather than answering with no anchors when the registry is down', async () => {
    const clock = new FixedClock(0);
    const anchors = new RegistryTrustAnchors(new InternalClient(registry.url, 'internal-token-0123456789'), 10, clock);
    await anchors.get();
    registry.up = false;
    clock.set(100);
    await expect(anchors.get()).rejects.toMatchObject({ status: 503 });
  });
});
