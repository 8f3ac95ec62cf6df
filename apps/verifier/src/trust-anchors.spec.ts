import { FixedClock, InternalClient } from '@kyso/common';
import { anchorView, RegistryStub } from '../test/registry-stub';
import { TEST_ROOT_PEM } from '../test/fixtures';
import { RegistryTrustAnchors } from './trust-anchors';

describe('RegistryTrustAnchors', () => {
  const registry = new RegistryStub();
  beforeAll(() => registry.start());
  afterAll(() => registry.stop());
  beforeEach(() => {
    registry.calls.length = 0;
    registry.up = true;
    registry.answer = undefined;
    registry.anchors = [anchorView(TEST_ROOT_PEM)];
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

  it('uses an anchor only for its purpose: a timestamping root does not anchor document signatures', async () => {
    registry.anchors = [{ ...anchorView(TEST_ROOT_PEM), purpose: 'timestamping' }];
    const anchors = new RegistryTrustAnchors(new InternalClient(registry.url, 'internal-token-0123456789'), 1000);
    expect(await anchors.get()).toEqual([]);
    expect(await anchors.get('timestamping')).toHaveLength(1);
    registry.anchors[0].purpose = 'any';
    const fresh = new RegistryTrustAnchors(new InternalClient(registry.url, 'internal-token-0123456789'), 1000);
    expect(await fresh.get()).toHaveLength(1);
    expect(await fresh.get('timestamping')).toHaveLength(1);
  });

  it('fails rather than answering with no anchors when the registry is down', async () => {
    const clock = new FixedClock(0);
    const anchors = new RegistryTrustAnchors(new InternalClient(registry.url, 'internal-token-0123456789'), 10, clock);
    await anchors.get();
    registry.up = false;
    clock.set(100);
    await expect(anchors.get()).rejects.toMatchObject({ status: 503 });
  });

  const fresh = () =>
    new RegistryTrustAnchors(new InternalClient(registry.url, 'internal-token-0123456789', 1000, 'the registry'), 0);

  it.each([
    ['an object instead of a list', { anchors: [] }],
    ['an anchor without its certificate', [{ ...anchorView(TEST_ROOT_PEM), certificatePem: undefined }]],
    ['an anchor with a malformed fingerprint', [{ ...anchorView(TEST_ROOT_PEM), sha256: 'x' }]],
    ['an anchor whose PEM is not a certificate', [{ ...anchorView(TEST_ROOT_PEM), certificatePem: 'not a PEM' }]],
  ])('refuses %s from the registry with 502 DEPENDENCY_MALFORMED_ANSWER', async (_what, answer: unknown) => {
    registry.answer = answer;
    await expect(fresh().get()).rejects.toMatchObject({
      status: 502,
      code: 'DEPENDENCY_MALFORMED_ANSWER',
      detail: expect.stringMatching(/^the registry answered .+ outside its contract$/),
    });
  });
});
