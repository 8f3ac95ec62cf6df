import { addressBytes, AddressPolicy, classifyAddress, parseAllowEntry } from './address-guard';

/** Classification only: no test connects to any of these addresses. */
describe('the fetch address guard', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['fc00::1', 'private'],
    ['fdff:ffff::1', 'private'],
    ['169.254.0.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['169.254.169.254', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    // IPv4 inside IPv6 is judged as the IPv4 address it carries.
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:a9fe:a9fe', 'metadata'],
    ['64:ff9b::192.168.0.1', 'private'],
    ['::127.0.0.1', 'loopback'],
    ['not-an-address', 'reserved'],
  ])('classifies %s as %s', (address, cls) => {
    expect(classifyAddress(address)).toBe(cls);
  });

  it.each([
    '8.8.8.8',
    '93.184.215.14',
    '172.15.255.255',
    '172.32.0.1',
    '2001:4860:4860::8888',
    '::ffff:8.8.8.8',
    'fec0::1',
  ])('lets the public address %s through', (address) => {
    expect(classifyAddress(address)).toBeUndefined();
    expect(new AddressPolicy([]).check('crl.example', address, 80)).toBeUndefined();
  });

  it('reads IPv6 in every spelling to the same bytes', () => {
    const loop = [...Array(15).fill(0), 1];
    expect(addressBytes('::1')).toEqual(loop);
    expect(addressBytes('0:0:0:0:0:0:0:1')).toEqual(loop);
    expect(addressBytes('[::1]')).toEqual(loop);
    expect(addressBytes('::ffff:127.0.0.1')).toEqual(addressBytes('::ffff:7f00:1'));
    expect(addressBytes('1.2.3')).toBeUndefined();
  });

  it('allows a refused address only as configured: by address, CIDR, host name, and port', () => {
    const p = new AddressPolicy(['127.0.0.1:3000', '10.20.0.0/16', 'crl.internal', 'ocsp.internal:8080', '::1']);
    expect(p.check('127.0.0.1', '127.0.0.1', 3000)).toBeUndefined();
    expect(p.check('127.0.0.1', '127.0.0.1', 6379)).toMatchObject({ code: 'FETCH_ADDRESS_REFUSED' });
    expect(p.check('127.0.0.1', '::ffff:127.0.0.1', 3000)).toBeUndefined();
    expect(p.check('x', '10.20.5.5', 80)).toBeUndefined();
    expect(p.check('x', '10.21.0.1', 80)).toMatchObject({ code: 'FETCH_ADDRESS_REFUSED' });
    expect(p.check('CRL.internal.', '192.168.0.9', 80)).toBeUndefined();
    expect(p.check('other.internal', '192.168.0.9', 80)?.message).toMatch(/private address/);
    expect(p.check('ocsp.internal', '192.168.0.9', 8080)).toBeUndefined();
    expect(p.check('ocsp.internal', '192.168.0.9', 80)).toMatchObject({ code: 'FETCH_ADDRESS_REFUSED' });
    expect(p.check('[::1]', '::1', 443)).toBeUndefined();
    expect(new AddressPolicy([]).check('metadata', '169.254.169.254', 80)?.message).toMatch(/metadata/);
  });

  it('refuses a malformed allow-list entry (configuration fails at boot)', () => {
    for (const bad of ['10.0.0.0/33', '10.0.0.0/8/1', 'host name', 'a:b:c', '127.0.0.1:99999', 'http://x'])
      expect(() => parseAllowEntry(bad)).toThrow();
    expect(parseAllowEntry('[::1]:3000')).toMatchObject({ port: 3000 });
  });
});
