import type { LookupAddress } from 'node:dns';
import { readmeWebhookVerifier } from '../../../../test/support/readme-webhook';
import type { Caller } from '../caller';
import type { Lookup } from '../net/guarded-dispatcher';
import { ProblemError } from '../problem';
import { CallbackUrlGuard, webhookSystemId } from './callback-url';
import { webhookEventId, webhookSignature } from './signature';

const verify = readmeWebhookVerifier();
const SECRET = 'whsec_test-secret';
const BODY = JSON.stringify({ id: 'evt_1', type: 'validation.completed', data: { ok: 'Hà Nội' } });
const T = 1_800_000_000;

describe('webhook signatures, checked with the README snippet', () => {
  it('accepts what the gateway signs, inside the tolerance window', () => {
    expect(verify(webhookSignature(SECRET, BODY, T), BODY, SECRET, 300, T + 299)).toBe(true);
  });

  it('refuses another body, another secret, an old or future timestamp and a malformed header', () => {
    const header = webhookSignature(SECRET, BODY, T);
    expect(verify(header, BODY.replace('Hà Nội', 'Huế'), SECRET, 300, T)).toBe(false);
    expect(verify(header, BODY, 'whsec_other', 300, T)).toBe(false);
    expect(verify(header, BODY, SECRET, 300, T + 301)).toBe(false);
    expect(verify(header, BODY, SECRET, 300, T - 301)).toBe(false);
    // The timestamp is inside the MAC: moving it forward breaks the signature.
    expect(verify(header.replace(`t=${T}`, `t=${T + 10}`), BODY, SECRET, 300, T + 10)).toBe(false);
    for (const bad of [undefined, '', 'v1=00', `t=${T}`, `t=${T},v1=zz`, `t=${T},v1=${'0'.repeat(63)}`])
      expect(verify(bad, BODY, SECRET, 300, T)).toBe(false);
  });

  it('gives one event id per type and subject, the same on every call, without colons', () => {
    const a = webhookEventId('validation.completed', 'v1');
    expect(a).toBe(webhookEventId('validation.completed', 'v1'));
    expect(a).not.toBe(webhookEventId('validation.completed', 'v2'));
    expect(a).not.toBe(webhookEventId('inbound.completed', 'v1'));
    expect(a).toMatch(/^evt_[0-9a-f]{32}$/);
  });
});

const resolvesTo =
  (...addresses: string[]): Lookup =>
  (_host, _opts, cb) =>
    cb(
      null,
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }) as LookupAddress),
    );
const unresolvable: Lookup = (_h, _o, cb) => cb(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }), []);

/** No test connects anywhere: names resolve through an injected lookup. */
describe('the callback URL guard', () => {
  it.each<[string, RegExp]>([
    ['ftp://hooks.example/x', /only http and https/],
    ['https://user:pw@hooks.example/x', /credentials/],
    ['not a url', /not a URL/],
    ['https://hooks.example/' + 'a'.repeat(2048), /longer than/],
    ['http://127.0.0.1:8080/hook', /loopback/],
    ['http://[::1]/hook', /loopback/],
    ['http://[::ffff:127.0.0.1]/hook', /loopback/],
    ['http://10.1.2.3/hook', /private/],
    ['http://192.168.1.10/hook', /private/],
    ['http://169.254.169.254/latest/meta-data', /metadata/],
    ['http://0.0.0.0/hook', /unspecified/],
  ])('refuses %s', async (url: string, why: RegExp) => {
    // (the over-long URL's title is cut by jest; its reason says which it is)
    expect(await new CallbackUrlGuard([], resolvesTo('93.184.216.34')).refusal(url)).toMatch(why);
  });

  it('refuses a name that resolves to a private address, or to a public and a loopback one', async () => {
    expect(await new CallbackUrlGuard([], resolvesTo('10.0.0.7')).refusal('https://dms.example/h')).toMatch(/private/);
    expect(
      await new CallbackUrlGuard([], resolvesTo('93.184.216.34', '127.0.0.1')).refusal('https://dms.example/h'),
    ).toMatch(/loopback/);
    expect(await new CallbackUrlGuard([], unresolvable).refusal('https://nowhere.example/h')).toMatch(/resolve/);
  });

  it('accepts a public address, and loopback or private addresses only when allow-listed', async () => {
    expect(
      await new CallbackUrlGuard([], resolvesTo('93.184.216.34')).refusal('https://dms.example/h'),
    ).toBeUndefined();
    const dev = new CallbackUrlGuard(['127.0.0.0/8', '::1'], unresolvable);
    expect(await dev.refusal('http://127.0.0.1:4567/hook')).toBeUndefined();
    expect(await dev.refusal('http://[::1]:4567/hook')).toBeUndefined();
    expect(await dev.refusal('http://10.0.0.1/hook')).toMatch(/private/);
    expect(await new CallbackUrlGuard(['10.20.0.0/16'], unresolvable).refusal('http://10.20.1.1/h')).toBeUndefined();
  });
});

describe('who may ask for a callback', () => {
  const caller = (over: Partial<Caller>): Caller => ({
    kind: 'system',
    id: 'key-1',
    name: 'dms',
    scopes: ['validate'],
    organizationIds: [],
    roles: [],
    officialId: null,
    ...over,
  });
  const refusal = (c: Caller) => {
    try {
      webhookSystemId(c);
      return 'accepted';
    } catch (e) {
      return `${(e as ProblemError).status} ${(e as ProblemError).code}`;
    }
  };

  it('a system with a webhook secret, named by its key id', () => {
    expect(webhookSystemId(caller({ webhooks: true }))).toBe('key-1');
  });

  it('not an operator, nor a key without a webhook secret (422, never ignored)', () => {
    expect(refusal(caller({ kind: 'operator' }))).toBe('422 CALLBACK_URL_REFUSED');
    expect(refusal(caller({ webhooks: false }))).toBe('422 CALLBACK_URL_REFUSED');
  });
});
