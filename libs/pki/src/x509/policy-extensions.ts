import { PkiFormatError } from '../errors';
import { Certificate } from './certificate';
import { EXT } from './extensions';
import { GeneralName, readGeneralName, readGeneralNames } from './general-names';
import { children, decodeOid, readTlv, TAG, Tlv, tlvValue } from '../asn1';

/**
 * Parsers for the RFC 5280 extensions that path validation processes (policies, name constraints,
 * subject alternative names, CRL distribution points). Malformed content throws PkiFormatError
 * MALFORMED_EXTENSION; validation turns that into a reason for the certificate.
 */
export const ANY_POLICY = '2.5.29.32.0';
export const EXT_FRESHEST_CRL = '2.5.29.46';

function extensionBytes(cert: Certificate, oid: string): Uint8Array | undefined {
  const ext = cert.rawExtension(oid);
  return ext ? new Uint8Array(ext.value) : undefined;
}

const bad = (what: string) => new PkiFormatError('MALFORMED_EXTENSION', `Malformed ${what}`);

function readSmallInteger(bytes: Uint8Array, t: Tlv): number {
  const v = tlvValue(bytes, t);
  if (v.length === 0 || v.length > 4 || v[0] & 0x80) throw bad('integer');
  return v.reduce((n, b) => n * 256 + b, 0);
}

function top(v: Uint8Array, what: string): Tlv {
  const t = readTlv(v);
  if (t.tag !== TAG.SEQUENCE || t.end !== v.length) throw bad(what);
  return t;
}

/** certificatePolicies (4.2.1.4): the policy OIDs; qualifiers are ignored (6.1.3 (d) allows it). */
export function certificatePolicies(cert: Certificate): string[] | undefined {
  const v = extensionBytes(cert, EXT.certificatePolicies);
  if (!v) return undefined;
  const out = children(v, top(v, 'certificatePolicies')).map((pi) => {
    const [o] = children(v, pi);
    if (!o || o.tag !== TAG.OID) throw bad('certificatePolicies');
    return decodeOid(tlvValue(v, o));
  });
  if (new Set(out).size !== out.length) throw bad('certificatePolicies (repeated policy)');
  return out;
}

export interface PolicyMapping {
  issuerDomainPolicy: string;
  subjectDomainPolicy: string;
}

/** policyMappings (4.2.1.5). */
export function policyMappings(cert: Certificate): PolicyMapping[] | undefined {
  const v = extensionBytes(cert, EXT.policyMappings);
  if (!v) return undefined;
  return children(v, top(v, 'policyMappings')).map((m) => {
    const [a, b] = children(v, m);
    if (a?.tag !== TAG.OID || b?.tag !== TAG.OID) throw bad('policyMappings');
    return { issuerDomainPolicy: decodeOid(tlvValue(v, a)), subjectDomainPolicy: decodeOid(tlvValue(v, b)) };
  });
}

/** policyConstraints (4.2.1.11): [0] requireExplicitPolicy, [1] inhibitPolicyMapping. */
export function policyConstraints(
  cert: Certificate,
): { requireExplicitPolicy?: number; inhibitPolicyMapping?: number } | undefined {
  const v = extensionBytes(cert, EXT.policyConstraints);
  if (!v) return undefined;
  const out: { requireExplicitPolicy?: number; inhibitPolicyMapping?: number } = {};
  for (const c of children(v, top(v, 'policyConstraints'))) {
    if (c.tag === 0x80) out.requireExplicitPolicy = readSmallInteger(v, c);
    else if (c.tag === 0x81) out.inhibitPolicyMapping = readSmallInteger(v, c);
    else throw bad('policyConstraints');
  }
  return out;
}

/** inhibitAnyPolicy (4.2.1.14): SkipCerts. */
export function inhibitAnyPolicy(cert: Certificate): number | undefined {
  const v = extensionBytes(cert, EXT.inhibitAnyPolicy);
  if (!v) return undefined;
  const t = readTlv(v);
  if (t.tag !== TAG.INTEGER) throw bad('inhibitAnyPolicy');
  return readSmallInteger(v, t);
}

export interface NameConstraints {
  permitted: GeneralName[];
  excluded: GeneralName[];
}

/**
 * nameConstraints (4.2.1.10). Only the base of each GeneralSubtree is kept: minimum must be 0 and
 * maximum absent in this profile, so a subtree with other values is refused as malformed.
 */
export function nameConstraints(cert: Certificate): NameConstraints | undefined {
  const v = extensionBytes(cert, EXT.nameConstraints);
  if (!v) return undefined;
  const out: NameConstraints = { permitted: [], excluded: [] };
  for (const part of children(v, top(v, 'nameConstraints'))) {
    if (part.tag !== 0xa0 && part.tag !== 0xa1) throw bad('nameConstraints');
    const list = part.tag === 0xa0 ? out.permitted : out.excluded;
    for (const subtree of children(v, part)) {
      const [base, ...rest] = children(v, subtree);
      if (!base) throw bad('nameConstraints');
      for (const r of rest)
        if (r.tag !== 0x80 || readSmallInteger(v, r) !== 0) throw bad('nameConstraints (minimum/maximum)');
      list.push(readGeneralName(v, base));
    }
  }
  return out;
}

/** subjectAltName (4.2.1.6). */
export function subjectAltNames(cert: Certificate): GeneralName[] | undefined {
  const v = extensionBytes(cert, EXT.subjectAltName);
  return v ? readGeneralNames(v, top(v, 'subjectAltName')) : undefined;
}

/** ReasonFlags bits (4.2.1.13) as a mask; bit 0 (unused) is never set. */
export const REASON_BITS = [
  'unused',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  'privilegeWithdrawn',
  'aACompromise',
] as const;
export const ALL_REASONS = 0x1fe; // bits 1..8

export function readReasonFlags(bytes: Uint8Array, t: Tlv): number {
  const v = tlvValue(bytes, t);
  let mask = 0;
  for (let bit = 0; bit < REASON_BITS.length; bit++)
    if ((v[1 + (bit >> 3)] ?? 0) & (0x80 >> (bit & 7))) mask |= 1 << bit;
  return mask & ALL_REASONS;
}

/**
 * DistributionPointName: fullName [0] or nameRelativeToCRLIssuer [1]. The relative form is
 * resolved against `issuerNameDer` (the CRL issuer, 4.2.1.13) into one directoryName.
 */
export function readDistributionPointName(bytes: Uint8Array, t: Tlv, issuerNameDer: Uint8Array): GeneralName[] {
  const inner = readTlv(bytes, t.valueStart, t.end);
  if (inner.tag === 0xa0) return readGeneralNames(bytes, inner);
  if (inner.tag === 0xa1) {
    const issuer = readTlv(issuerNameDer);
    const rdn = Uint8Array.of(0x31, ...lengthOctets(inner.end - inner.valueStart), ...tlvValue(bytes, inner));
    const body = Buffer.concat([tlvValue(issuerNameDer, issuer), rdn]);
    const name = Buffer.concat([Uint8Array.of(0x30), Uint8Array.of(...lengthOctets(body.length)), body]);
    const directoryName = Buffer.concat([Uint8Array.of(0xa4), Uint8Array.of(...lengthOctets(name.length)), name]);
    return [readGeneralName(new Uint8Array(directoryName), readTlv(new Uint8Array(directoryName)))];
  }
  throw bad('DistributionPointName');
}

function lengthOctets(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return [0x80 | out.length, ...out];
}

export interface DistributionPoint {
  /** Names of the distribution point (fullName, or the relative name resolved); undefined when absent. */
  names?: GeneralName[];
  /** ReasonFlags mask; undefined = all reasons. */
  reasons?: number;
  cRLIssuer?: GeneralName[];
}

function distributionPoints(cert: Certificate, oid: string): DistributionPoint[] | undefined {
  const v = extensionBytes(cert, oid);
  if (!v) return undefined;
  const issuerDer = cert.issuer.der;
  return children(v, top(v, 'CRLDistributionPoints')).map((dp) => {
    const out: DistributionPoint = {};
    for (const c of children(v, dp)) {
      if (c.tag === 0xa0) out.names = readDistributionPointName(v, c, issuerDer);
      else if (c.tag === 0x81) out.reasons = readReasonFlags(v, c);
      else if (c.tag === 0xa2) out.cRLIssuer = readGeneralNames(v, c);
      else throw bad('DistributionPoint');
    }
    // With cRLIssuer, a relative name is relative to that issuer (4.2.1.13).
    if (out.cRLIssuer && out.names) {
      const rel = children(v, dp).find((c) => c.tag === 0xa0);
      const dirIssuer = out.cRLIssuer.find((n) => n.directoryName);
      if (rel && dirIssuer?.directoryName && readTlv(v, rel.valueStart, rel.end).tag === 0xa1) {
        out.names = readDistributionPointName(v, rel, dirIssuer.directoryName.der);
      }
    }
    return out;
  });
}

/** cRLDistributionPoints (4.2.1.13). */
export const crlDistributionPoints = (cert: Certificate) => distributionPoints(cert, EXT.crlDistributionPoints);
/** freshestCRL (4.2.1.15): where delta CRLs are found. */
export const freshestCrl = (cert: Certificate) => distributionPoints(cert, EXT_FRESHEST_CRL);
