import { GeneralName } from '../x509/general-names';

/**
 * Well-formedness of names and of name-constraint bases (RFC 5280 4.2.1.6 and 4.2.1.10). A name or
 * constraint that breaks these rules is refused rather than guessed at: a validator that reads
 * ".example.com" or "a@b@example.com" its own way can be led to accept what the CA did not allow.
 * Each function returns a description of the problem, or undefined when the value is well-formed.
 */

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/i;

/** A domain in preferred name syntax (RFC 1034 3.5, underscores tolerated), one trailing dot allowed. */
function domainProblem(domain: string): string | undefined {
  const d = domain.endsWith('.') ? domain.slice(0, -1) : domain;
  if (d.length === 0 || d.length > 253) return 'empty or too long';
  return d.split('.').every((l) => LABEL.test(l)) ? undefined : 'not in preferred name syntax';
}

/** A dNSName of subjectAltName: a domain, optionally with one leading wildcard label ("*."). */
export function dnsNameProblem(name: string): string | undefined {
  if (name.trim() === '') return 'empty dNSName';
  return domainProblem(name.startsWith('*.') ? name.slice(2) : name);
}

/** An rfc822Name: local-part@domain, exactly one unquoted '@' (RFC 5321 Mailbox, 4.2.1.6). */
export function mailboxProblem(name: string): string | undefined {
  const at = name.lastIndexOf('@');
  if (at <= 0) return 'not a mailbox';
  const local = name.slice(0, at);
  if (local.includes('@') && !/^".*"$/.test(local)) return 'more than one @';
  return domainProblem(name.slice(at + 1));
}

/** A URI with a scheme and a scheme-specific part (4.2.1.6: no relative references). */
export function uriProblem(name: string): string | undefined {
  return /^[a-z][a-z0-9+.-]*:[^\s]+$/i.test(name) ? undefined : 'not an absolute URI';
}

/** The checks of one subjectAltName entry; other forms are only required to decode. */
export function generalNameProblem(n: GeneralName): string | undefined {
  switch (n.type) {
    case 'dNSName':
      return dnsNameProblem(n.value);
    case 'rfc822Name':
      return mailboxProblem(n.value);
    case 'uniformResourceIdentifier':
      return uriProblem(n.value);
    case 'iPAddress':
      return n.value.length === 8 || n.value.length === 32 ? undefined : 'iPAddress of neither 4 nor 16 octets';
    default:
      return undefined;
  }
}

/** An IP mask is contiguous ones then zeros (4.2.1.10: CIDR notation). */
function contiguousMask(mask: Buffer): boolean {
  let zero = false;
  for (const byte of mask)
    for (let bit = 7; bit >= 0; bit--) {
      const one = (byte >> bit) & 1;
      if (one && zero) return false;
      if (!one) zero = true;
    }
  return true;
}

/**
 * A name-constraint base (4.2.1.10): a DNS domain without wildcard or leading period (only URI and
 * rfc822Name bases may start with '.'); an empty dNSName (every name) is allowed; a mailbox, host
 * or ".domain" for rfc822Name; a host or ".domain" for URIs; address and contiguous mask of 8 or
 * 32 octets for iPAddress.
 */
export function constraintBaseProblem(base: GeneralName): string | undefined {
  switch (base.type) {
    case 'dNSName':
      return base.value === '' ? undefined : domainProblem(base.value);
    case 'rfc822Name':
      if (base.value.includes('@')) return mailboxProblem(base.value);
      return domainProblem(base.value.startsWith('.') ? base.value.slice(1) : base.value);
    case 'uniformResourceIdentifier':
      return domainProblem(base.value.startsWith('.') ? base.value.slice(1) : base.value);
    case 'iPAddress': {
      const bytes = Buffer.from(base.value, 'hex');
      if (bytes.length !== 8 && bytes.length !== 32) return 'iPAddress constraint is not address and mask';
      return contiguousMask(bytes.subarray(bytes.length / 2)) ? undefined : 'iPAddress mask is not contiguous';
    }
    default:
      return undefined;
  }
}
