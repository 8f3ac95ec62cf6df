import { PkiFormatError } from '../errors';
import { Certificate } from './certificate';
import { children, decodeOid, readTlv, TAG, tlvValue } from '../asn1';

/** Extension OIDs (RFC 5280 4.2). */
export const EXT = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  issuerAltName: '2.5.29.18',
  basicConstraints: '2.5.29.19',
  nameConstraints: '2.5.29.30',
  crlDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  policyMappings: '2.5.29.33',
  authorityKeyIdentifier: '2.5.29.35',
  policyConstraints: '2.5.29.36',
  extKeyUsage: '2.5.29.37',
  inhibitAnyPolicy: '2.5.29.54',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  qcStatements: '1.3.6.1.5.5.7.1.3',
} as const;

export const EKU = {
  emailProtection: '1.3.6.1.5.5.7.3.4',
  documentSigningMs: '1.3.6.1.4.1.311.10.3.12',
  documentSigning: '1.3.6.1.5.5.7.3.36',
  /** Adobe Authentic Documents Trust: AATL signing certificates may carry only this EKU. */
  adobeAuthenticDocuments: '1.2.840.113583.1.1.5',
  anyExtendedKeyUsage: '2.5.29.37.0',
} as const;

export const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
export type KeyUsage = (typeof KEY_USAGE_BITS)[number];

function extensionValue(cert: Certificate, oid: string): Uint8Array | undefined {
  return cert.rawExtension(oid)?.value;
}

/** Key usage bits (RFC 5280 4.2.1.3); undefined when the extension is absent. */
export function keyUsage(cert: Certificate): Set<KeyUsage> | undefined {
  const v = extensionValue(cert, EXT.keyUsage);
  if (!v) return undefined;
  const t = readTlv(v);
  const bits = tlvValue(v, t).subarray(1); // first octet: unused bits
  const out = new Set<KeyUsage>();
  KEY_USAGE_BITS.forEach((name, i) => {
    if ((bits[i >> 3] ?? 0) & (0x80 >> (i & 7))) out.add(name);
  });
  return out;
}

/** Basic constraints (RFC 5280 4.2.1.9); undefined when absent. */
export function basicConstraints(cert: Certificate): { cA: boolean; pathLenConstraint?: number } | undefined {
  const v = extensionValue(cert, EXT.basicConstraints);
  if (!v) return undefined;
  let cA = false;
  let pathLenConstraint: number | undefined;
  for (const c of children(v, readTlv(v))) {
    const val = tlvValue(v, c);
    if (c.tag === TAG.BOOLEAN) cA = val[0] !== 0;
    else if (c.tag === TAG.INTEGER) pathLenConstraint = val.reduce((n, b) => n * 256 + b, 0);
  }
  return { cA, pathLenConstraint };
}

/** Subject key identifier as upper-case hex (RFC 5280 4.2.1.2). */
export function subjectKeyIdentifier(cert: Certificate): string | undefined {
  const v = extensionValue(cert, EXT.subjectKeyIdentifier);
  return v
    ? Buffer.from(tlvValue(v, readTlv(v)))
        .toString('hex')
        .toUpperCase()
    : undefined;
}

/** The keyIdentifier of the authority key identifier (RFC 5280 4.2.1.1), upper-case hex. */
export function authorityKeyIdentifier(cert: Certificate): string | undefined {
  const v = extensionValue(cert, EXT.authorityKeyIdentifier);
  if (!v) return undefined;
  const keyId = children(v, readTlv(v)).find((c) => c.tag === 0x80);
  return keyId ? Buffer.from(tlvValue(v, keyId)).toString('hex').toUpperCase() : undefined;
}

/** Extended key usage OIDs (RFC 5280 4.2.1.12); undefined when absent. */
export function extendedKeyUsage(cert: Certificate): string[] | undefined {
  const v = extensionValue(cert, EXT.extKeyUsage);
  if (!v) return undefined;
  return children(v, readTlv(v)).map((c) => {
    if (c.tag !== TAG.OID) throw new PkiFormatError('MALFORMED_CERTIFICATE', 'Bad extended key usage');
    return decodeOid(tlvValue(v, c));
  });
}

/** Critical extensions present in the certificate (OIDs). */
export function criticalExtensions(cert: Certificate): string[] {
  return cert.extensionList.filter((e) => e.critical).map((e) => e.oid);
}
