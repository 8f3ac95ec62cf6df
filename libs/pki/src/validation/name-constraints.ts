import { Certificate } from '../x509/certificate';
import { GeneralName, GeneralNameType } from '../x509/general-names';
import { NameConstraints, subjectAltNames } from '../x509/policy-extensions';

/**
 * Name constraints state (RFC 5280 6.1.2 (b), (c)) and the checks of 6.1.3 (b), (c), 6.1.4 (g).
 * Instead of computing intersections of permitted subtrees, each CA's permitted set is kept: a name
 * of form T must fall in one subtree of form T of every set that constrains T — the same result.
 * Excluded subtrees are a plain union.
 */
export class NameConstraintsState {
  private readonly permitted: GeneralName[][] = [];
  private readonly excluded: GeneralName[] = [];
  private constraintCount = 0;
  /** Comparisons left (names x constraints), shared by every certificate of the path. */
  private comparisonsLeft = MAX_NAME_CONSTRAINT_COMPARISONS;

  /** 6.1.4 (g). */
  add(nc: NameConstraints): void {
    if (nc.permitted.length) this.permitted.push(nc.permitted);
    this.excluded.push(...nc.excluded);
    this.constraintCount += nc.permitted.length + nc.excluded.length;
  }

  /**
   * 6.1.3 (b), (c): the names of `cert` that violate the constraints, described for the reason
   * detail; undefined when the comparison budget is exhausted (the caller refuses the path).
   * A constraint on a name form we do not interpret, met by a name of that form, is a violation:
   * 4.2.1.10 says to process it or reject the certificate.
   */
  violations(cert: Certificate): string[] | undefined {
    if (this.permitted.length === 0 && this.excluded.length === 0) return [];
    const names = certificateNames(cert);
    this.comparisonsLeft -= names.length * this.constraintCount;
    if (this.comparisonsLeft < 0) return undefined;
    const out: string[] = [];
    for (const name of names) {
      const label = `${name.type}:${name.directoryName ? name.directoryName.toString() : name.value}`;
      const constrained = [...this.permitted.flat(), ...this.excluded].some((c) => c.type === name.type);
      if (constrained && !SUPPORTED.has(name.type)) {
        out.push(`${label}: constraints on ${name.type} names are not processed`);
        continue;
      }
      if (constrained && name.type === 'uniformResourceIdentifier' && !uriHost(name.value)) {
        out.push(`${label}: no host to check against URI constraints`);
        continue;
      }
      for (const set of this.permitted) {
        const sameForm = set.filter((c) => c.type === name.type);
        if (sameForm.length && !sameForm.some((c) => matches(c, name)))
          out.push(`${label} not within permitted subtrees`);
      }
      if (this.excluded.some((c) => c.type === name.type && mayMatch(c, name)))
        out.push(`${label} within excluded subtrees`);
    }
    return [...new Set(out)];
  }
}

/** Budget against name-constraint blow-up (cf. Go's maxConstraintComparisons): names x constraints per path. */
export const MAX_NAME_CONSTRAINT_COMPARISONS = 250_000;

/** Subject DN (when not empty), the subject's emailAddress attributes as rfc822Name, and subjectAltName. */
function certificateNames(cert: Certificate): GeneralName[] {
  const out: GeneralName[] = [];
  if (!cert.subject.isEmpty)
    out.push({ type: 'directoryName', value: '', directoryName: cert.subject, der: cert.subject.der });
  // 4.2.1.10: rfc822Name constraints also apply to emailAddress in the subject DN
  for (const email of cert.subject.getAll('E')) out.push({ type: 'rfc822Name', value: email, der: new Uint8Array() });
  out.push(...(subjectAltNames(cert) ?? []));
  return out;
}

const SUPPORTED: ReadonlySet<GeneralNameType> = new Set([
  'directoryName',
  'rfc822Name',
  'dNSName',
  'uniformResourceIdentifier',
  'iPAddress',
]);

/** Whether `name` is within the subtree `base` (same form). Forms we do not interpret match only byte-equal bases. */
export function matches(base: GeneralName, name: GeneralName): boolean {
  if (!SUPPORTED.has(base.type)) return Buffer.from(base.der).equals(Buffer.from(name.der));
  switch (base.type) {
    case 'directoryName':
      return !!base.directoryName && !!name.directoryName && name.directoryName.startsWith(base.directoryName);
    case 'rfc822Name':
      return rfc822Matches(base.value, name.value);
    case 'dNSName':
      return dnsMatches(base.value, name.value);
    case 'uniformResourceIdentifier':
      return uriMatches(base.value, name.value);
    case 'iPAddress':
      return ipMatches(base.value, name.value);
    default:
      return false;
  }
}

const lower = (s: string) => s.toLowerCase();

/**
 * For excluded subtrees: whether `name` may stand for a name within `base`. A wildcard dNSName
 * "*.example.com" stands for every "<label>.example.com", so it hits an excluded
 * "bar.example.com" although it is not itself below it (x509-limbo's reading of CVE-2025-61727:
 * refuse what a peer name could match). For permitted subtrees `matches` is already the safe
 * reading: "*.example.com" is within "example.com", not within "foo.example.com".
 */
function mayMatch(base: GeneralName, name: GeneralName): boolean {
  if (matches(base, name)) return true;
  if (base.type !== 'dNSName' || !name.value.startsWith('*.')) return false;
  const rest = lower(name.value.slice(2)).replace(/\.$/, '');
  const b = lower(base.value).replace(/\.$/, '');
  return b.endsWith(`.${rest}`) && !b.slice(0, -rest.length - 1).includes('.');
}

/** 4.2.1.10 rfc822Name: a mailbox, all mailboxes at a host, or (leading '.') in any subdomain of a domain. */
function rfc822Matches(base: string, email: string): boolean {
  const at = email.lastIndexOf('@');
  if (at < 0) return false;
  const host = lower(email.slice(at + 1));
  if (base.includes('@'))
    return (
      email.slice(0, at) === base.slice(0, base.lastIndexOf('@')) &&
      host === lower(base.slice(base.lastIndexOf('@') + 1))
    );
  if (base.startsWith('.')) return host.endsWith(lower(base));
  return host === lower(base);
}

/** dNSName: the base and any name formed by adding labels on the left. */
function dnsMatches(base: string, dns: string): boolean {
  const b = lower(base).replace(/\.$/, '');
  const d = lower(dns).replace(/\.$/, '');
  if (b === '') return true;
  if (b.startsWith('.')) return d.endsWith(b);
  return d === b || d.endsWith(`.${b}`);
}

/** The host of a URI with an authority component, or undefined. */
function uriHost(uri: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(uri);
  return m?.[1] ? lower(m[1]) : undefined;
}

/** URI: the host part against a host (exact) or a domain (leading '.': subdomains only). */
function uriMatches(base: string, uri: string): boolean {
  const host = uriHost(uri);
  if (!host) return false;
  const b = lower(base);
  return b.startsWith('.') ? host.endsWith(b) : host === b;
}

/** iPAddress: address and mask (8 or 32 octets) against a 4 or 16 octet address. */
function ipMatches(baseHex: string, ipHex: string): boolean {
  const base = Buffer.from(baseHex, 'hex');
  const ip = Buffer.from(ipHex, 'hex');
  if (base.length !== ip.length * 2) return false;
  for (let i = 0; i < ip.length; i++)
    if ((ip[i] & base[ip.length + i]) !== (base[i] & base[ip.length + i])) return false;
  return true;
}
