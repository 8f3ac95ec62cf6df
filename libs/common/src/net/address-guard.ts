import { isIP, isIPv4 } from 'node:net';

/**
 * Which network addresses a service may send a request to when someone else chose the URL: CRL,
 * OCSP and caIssuers URLs come from certificates anyone can make, webhook callback URLs from the
 * calling system, so a URL naming 127.0.0.1:6379, 10.0.0.5 or the cloud metadata service must not
 * make the verifier or the gateway send a request there (server-side request forgery). Every
 * address a host name resolves to is checked (any refused one refuses the host: a name that mixes
 * a public and a private address is a rebinding trick), and IPv4 inside IPv6 (::ffff:127.0.0.1,
 * NAT64 64:ff9b::/96, the deprecated ::a.b.c.d) is judged as the IPv4 address it carries.
 */
export type AddressClass =
  'unspecified' | 'loopback' | 'private' | 'link-local' | 'metadata' | 'multicast' | 'reserved';

interface Range {
  bytes: number[];
  bits: number;
  cls: AddressClass;
}

/** Specific before general: the metadata addresses sit inside link-local and fc00::/7. */
const RANGES: Range[] = [
  ...cidrs('metadata', ['169.254.169.254/32', 'fd00:ec2::254/128']),
  ...cidrs('unspecified', ['0.0.0.0/8', '::/128']),
  ...cidrs('loopback', ['127.0.0.0/8', '::1/128']),
  // 100.64/10 is carrier-grade NAT space: inside a provider's network, never a CA's public service.
  ...cidrs('private', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7']),
  ...cidrs('link-local', ['169.254.0.0/16', 'fe80::/10']),
  ...cidrs('multicast', ['224.0.0.0/4', 'ff00::/8']),
  // 240/4 (with the broadcast address) is not routable; 192.0.0.0/24 holds protocol assignments.
  ...cidrs('reserved', ['240.0.0.0/4', '192.0.0.0/24']),
];

/** IPv6 prefixes whose last 32 bits are an IPv4 address to judge instead. */
const IPV4_CARRIERS = cidrs('reserved', ['::ffff:0:0/96', '64:ff9b::/96', '::/96']);

function cidrs(cls: AddressClass, list: string[]): Range[] {
  return list.map((c) => ({ ...parseCidr(c), cls }));
}

function parseCidr(text: string): { bytes: number[]; bits: number } {
  const [addr, len, ...rest] = text.split('/');
  const bytes = addressBytes(addr);
  const bits = len === undefined ? bytes?.length && bytes.length * 8 : /^\d{1,3}$/.test(len) ? Number(len) : NaN;
  if (!bytes || rest.length || !Number.isInteger(bits) || (bits as number) > bytes.length * 8)
    throw new Error(`not an address or CIDR: ${text}`);
  return { bytes, bits: bits as number };
}

/** The 4 or 16 bytes of an IP address, or undefined for anything else. */
export function addressBytes(text: string): number[] | undefined {
  const addr = text.replace(/^\[(.*)\]$/, '$1');
  if (isIPv4(addr)) return addr.split('.').map(Number);
  if (isIP(addr) !== 6) return undefined;
  const [head, tail] = addr.split('::');
  const groups = (part: string | undefined): number[] => {
    if (!part) return [];
    return part.split(':').flatMap((g) => {
      if (g.includes('.')) {
        const v4 = g.split('.').map(Number);
        return [(v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]];
      }
      return [parseInt(g, 16)];
    });
  };
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const words = [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  return words.flatMap((w) => [w >> 8, w & 0xff]);
}

function inRange(bytes: number[], r: { bytes: number[]; bits: number }): boolean {
  if (bytes.length !== r.bytes.length) return false;
  for (let i = 0; i < r.bits; i++) {
    const bit = 7 - (i % 8);
    if (((bytes[i >> 3] >> bit) & 1) !== ((r.bytes[i >> 3] >> bit) & 1)) return false;
  }
  return true;
}

/** The IPv4 address an IPv6 address carries, if it is one of the IPv4-in-IPv6 forms (not ::1 or ::). */
function embeddedIpv4(bytes: number[]): number[] | undefined {
  if (bytes.length !== 16 || !IPV4_CARRIERS.some((r) => inRange(bytes, r))) return undefined;
  const v4 = bytes.slice(12);
  // ::/96 also holds ::1 and ::, which are IPv6 loopback and unspecified, not IPv4.
  if (inRange(bytes, IPV4_CARRIERS[2]) && v4[0] === 0) return undefined;
  return v4;
}

/** Why an address may not be fetched from by default, or undefined for a public unicast address. */
export function classifyAddress(address: string): AddressClass | undefined {
  const bytes = addressBytes(address);
  if (!bytes) return 'reserved'; // not an address at all: never connect
  const judged = embeddedIpv4(bytes) ?? bytes;
  return RANGES.find((r) => inRange(judged, r))?.cls;
}

/**
 * Allow-list entries, from configuration: a host name (`crl.ca.example`), an address
 * (`127.0.0.1`, `::1`) or a CIDR (`10.20.0.0/16`), optionally with a port for the first two
 * (`127.0.0.1:3000`, `[::1]:3000`, `ca.internal:8080`). A name entry allows whatever the name
 * resolves to; an address or CIDR entry allows those addresses under any name.
 */
interface AllowEntry {
  host?: string;
  range?: { bytes: number[]; bits: number };
  port?: number;
}

export function parseAllowEntry(raw: string): AllowEntry {
  const text = raw.trim().toLowerCase();
  if (text.includes('/')) return { range: parseCidr(text) };
  if (addressBytes(text)) return { range: parseCidr(text) };
  const m = /^(\[[0-9a-f:.]+\]|[^:]+):(\d{1,5})$/.exec(text);
  const host = m ? m[1] : text;
  const port = m ? Number(m[2]) : undefined;
  if (port !== undefined && (port < 1 || port > 65535)) throw new Error(`bad port in ${raw}`);
  if (addressBytes(host)) return { range: parseCidr(host.replace(/^\[(.*)\]$/, '$1')), port };
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/.test(host))
    throw new Error(`not a host name, address or CIDR: ${raw}`);
  return { host: host.replace(/\.$/, ''), port };
}

export interface AddressRefusal {
  code: 'FETCH_ADDRESS_REFUSED';
  message: string;
}

export class AddressPolicy {
  private readonly entries: AllowEntry[];

  /** Throws on a malformed entry (configuration is checked at boot). */
  constructor(allow: readonly string[] = []) {
    this.entries = allow.filter((e) => e.trim() !== '').map(parseAllowEntry);
  }

  /** Whether `host` (as written in the URL) may be reached at `address` on `port`. */
  check(host: string, address: string, port: number): AddressRefusal | undefined {
    const cls = classifyAddress(address);
    if (!cls) return undefined;
    const name = host
      .replace(/^\[(.*)\]$/, '$1')
      .replace(/\.$/, '')
      .toLowerCase();
    const bytes = addressBytes(address)!;
    const forms = [bytes, embeddedIpv4(bytes)].filter((b): b is number[] => !!b);
    const allowed = this.entries.some(
      (e) =>
        (e.port === undefined || e.port === port) &&
        (e.host !== undefined ? e.host === name : forms.some((f) => inRange(f, e.range!))),
    );
    if (allowed) return undefined;
    return {
      code: 'FETCH_ADDRESS_REFUSED',
      message: `${name}:${port} is a ${cls} address (${address}), not allow-listed`,
    };
  }
}
