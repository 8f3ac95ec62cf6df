import { PkiFormatError } from '../errors';
import { Certificate } from '../x509/certificate';
import { basicConstraints, EXT, extendedKeyUsage, keyUsage } from '../x509/extensions';
import { nameConstraints, policyConstraints, subjectAltNames } from '../x509/policy-extensions';
import { children, decodeOid, readTlv, TAG, Tlv, tlvBytes, tlvValue } from '../asn1';
import { ConstraintCheck } from './constraints';
import { derProblem } from './der-strictness';
import { constraintBaseProblem, generalNameProblem } from './name-syntax';

/**
 * The MUSTs of the certificate profile (RFC 5280 section 4) that a relying party can see, checked
 * on every certificate of a path, the trust anchor included. Findings are facts; their level
 * (fail, warn, inform, ignore) comes from the constraints (constraints.ts). Each function names the
 * section it checks.
 */
export interface ProfileFinding {
  check: ConstraintCheck;
  detail: string;
}

/** The raw fields of tbsCertificate the profile looks at (the parsed Certificate hides encodings). */
interface TbsFields {
  version: number; // 1, 2 or 3
  uniqueIds: boolean;
  emptyExtensions: boolean;
  serial: Uint8Array;
  innerSignatureAlgorithm: Uint8Array;
  outerSignatureAlgorithm: Uint8Array;
  times: { tag: number; text: string; year: number }[];
}

function tbsFields(cert: Certificate): TbsFields {
  const b = cert.der;
  const [tbsT, algT] = children(b, readTlv(b));
  const items = children(b, tbsT);
  let i = 0;
  let version = 1;
  if (items[0]?.tag === TAG.context(0)) {
    const v = tlvValue(b, readTlv(b, items[0].valueStart, items[0].end));
    version = (v[v.length - 1] ?? 0) + 1;
    i = 1;
  }
  const validity: Tlv = items[i + 3];
  const rest = items.slice(i + 6);
  return {
    version,
    uniqueIds: rest.some((t) => t.tag === 0x81 || t.tag === 0x82),
    emptyExtensions: rest.some((t) => t.tag === TAG.context(3) && children(b, t).every((l) => l.end === l.valueStart)),
    serial: tlvValue(b, items[i]),
    innerSignatureAlgorithm: tlvBytes(b, items[i + 1]),
    outerSignatureAlgorithm: tlvBytes(b, algT),
    times: children(b, validity).map((t) => {
      const text = Buffer.from(tlvValue(b, t)).toString('latin1');
      return { tag: t.tag, text, year: Number(text.slice(0, t.tag === TAG.UTC_TIME ? 2 : 4)) };
    }),
  };
}

const isCa = (cert: Certificate) => basicConstraints(cert)?.cA === true;

/** 4.1 (DER), 4.1.1.2, 4.1.2.1, 4.1.2.2, 4.1.2.4, 4.1.2.5. */
function checkStructure(cert: Certificate, out: ProfileFinding[]): void {
  const der = derProblem(cert.der) ?? cert.extensionList.map((e) => derProblem(e.value)).find((p) => p);
  if (der) out.push({ check: 'derEncoding', detail: der });
  const f = tbsFields(cert);
  if (!Buffer.from(f.innerSignatureAlgorithm).equals(Buffer.from(f.outerSignatureAlgorithm)))
    out.push({ check: 'signatureAlgorithm', detail: 'signatureAlgorithm differs from tbsCertificate.signature' });
  if (f.version !== 3 && cert.extensionList.length > 0)
    out.push({ check: 'version', detail: `v${f.version} certificate with extensions` });
  if (f.version < 1 || f.version > 3) out.push({ check: 'version', detail: `unknown version ${f.version}` });
  if (f.version === 1 && f.uniqueIds) out.push({ check: 'version', detail: 'v1 certificate with unique identifiers' });
  if (f.emptyExtensions) out.push({ check: 'version', detail: 'empty extensions (SIZE (1..MAX))' });
  const s = f.serial;
  if (s[0] & 0x80) out.push({ check: 'serialNumber', detail: 'negative serial number' });
  else if (s.every((x) => x === 0)) out.push({ check: 'serialNumber', detail: 'zero serial number' });
  if (s.length - (s[0] === 0 ? 1 : 0) > 20)
    out.push({ check: 'serialNumber', detail: `serial number of ${s.length} octets` });
  if (cert.issuer.isEmpty) out.push({ check: 'issuerName', detail: 'empty issuer name' });
  for (const t of f.times) {
    const utc = t.tag === TAG.UTC_TIME;
    const year = utc ? (t.year < 50 ? 2000 + t.year : 1900 + t.year) : t.year;
    // UTCTime covers 1950-2049 only: a GeneralizedTime before 1950 is right
    if (!utc && year >= 1950 && year < 2050)
      out.push({ check: 'validityEncoding', detail: `GeneralizedTime for ${year}` });
  }
}

const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';

/** RFC 5480 2.1.1: ECParameters is a namedCurve in PKIX (specifiedCurve and implicitCurve MUST NOT be used). */
function checkPublicKey(cert: Certificate, out: ProfileFinding[]): void {
  const spki = cert.publicKeySpki;
  const [alg] = children(spki, readTlv(spki));
  const [o, params] = children(spki, alg);
  if (o?.tag !== TAG.OID || decodeOid(tlvValue(spki, o)) !== OID_EC_PUBLIC_KEY) return;
  if (params?.tag !== TAG.OID) out.push({ check: 'publicKeyParameters', detail: 'EC key without a named curve' });
}

/** 4.2: no extension twice; 4.2.1.1, 4.2.1.2: key identifiers. */
function checkExtensionsList(cert: Certificate, out: ProfileFinding[]): void {
  const seen = new Set<string>();
  for (const e of cert.extensionList) {
    if (seen.has(e.oid)) out.push({ check: 'duplicateExtensions', detail: `extension ${e.oid} twice` });
    seen.add(e.oid);
  }
  const aki = cert.rawExtension(EXT.authorityKeyIdentifier);
  if (aki?.critical) out.push({ check: 'authorityKeyIdentifier', detail: 'authorityKeyIdentifier is critical' });
  // v1/v2 certificates have no extensions to carry it (OpenSSL's strict mode exempts them too)
  if (!cert.isSelfIssued && tbsFields(cert).version === 3) {
    const hasKeyId = aki && children(aki.value, readTlv(aki.value)).some((c) => c.tag === 0x80);
    if (!hasKeyId) out.push({ check: 'authorityKeyIdentifier', detail: 'no authorityKeyIdentifier keyIdentifier' });
  }
  const ski = cert.rawExtension(EXT.subjectKeyIdentifier);
  if (ski?.critical) out.push({ check: 'subjectKeyIdentifier', detail: 'subjectKeyIdentifier is critical' });
  if (!ski && isCa(cert))
    out.push({ check: 'subjectKeyIdentifier', detail: 'CA certificate without subjectKeyIdentifier' });
}

/** A Name whose RelativeDistinguishedName SETs are all non-empty (SET SIZE (1..MAX), 4.1.2.4). */
function hasEmptyRdn(der: Uint8Array): boolean {
  return children(der, readTlv(der)).some((rdn) => rdn.tag !== TAG.SET || rdn.end === rdn.valueStart);
}

/** 4.1.2.6, 4.2.1.6: subject and subjectAltName. */
function checkNames(cert: Certificate, out: ProfileFinding[]): void {
  if (hasEmptyRdn(cert.issuer.der)) out.push({ check: 'issuerName', detail: 'issuer with an empty RDN' });
  if (hasEmptyRdn(cert.subject.der)) out.push({ check: 'subjectName', detail: 'subject with an empty RDN' });
  const sanExt = cert.rawExtension(EXT.subjectAltName);
  if (cert.subject.isEmpty) {
    if (isCa(cert)) out.push({ check: 'subjectName', detail: 'CA certificate with an empty subject' });
    else if (!sanExt?.critical)
      out.push({ check: 'subjectName', detail: 'empty subject without a critical subjectAltName' });
  }
  if (!sanExt) return;
  const names = subjectAltNames(cert) ?? [];
  if (names.length === 0) out.push({ check: 'subjectAltName', detail: 'empty subjectAltName' });
  for (const n of names) {
    const problem = generalNameProblem(n);
    if (problem) out.push({ check: 'subjectAltName', detail: `${n.type} "${n.value}": ${problem}` });
  }
}

/** 4.2.1.3, 4.2.1.9: key usage and basic constraints agree. */
function checkUsage(cert: Certificate, out: ProfileFinding[]): void {
  const ku = keyUsage(cert);
  const bc = basicConstraints(cert);
  if (ku && ku.size === 0) out.push({ check: 'keyUsage', detail: 'keyUsage with no bit set' });
  const bcRaw = cert.rawExtension(EXT.basicConstraints)?.value;
  const pathLenT = bcRaw && children(bcRaw, readTlv(bcRaw)).find((c) => c.tag === TAG.INTEGER);
  if (bcRaw && pathLenT && tlvValue(bcRaw, pathLenT)[0] & 0x80)
    out.push({ check: 'keyUsage', detail: 'negative pathLenConstraint' });
  if (ku?.has('keyCertSign') && !bc?.cA)
    out.push({ check: 'keyUsage', detail: 'keyCertSign without basicConstraints cA' });
  if (bc?.pathLenConstraint !== undefined && (!bc.cA || (ku && !ku.has('keyCertSign'))))
    out.push({ check: 'keyUsage', detail: 'pathLenConstraint without cA and keyCertSign' });
  if (bc?.cA && !cert.rawExtension(EXT.basicConstraints)?.critical)
    out.push({ check: 'basicConstraintsCritical', detail: 'basicConstraints of a CA is not critical' });
  const eku = extendedKeyUsage(cert);
  if (eku && eku.length === 0) out.push({ check: 'extendedKeyUsage', detail: 'empty extKeyUsage' });
}

/** 4.2.1.10: name constraints. */
function checkNameConstraintsExtension(cert: Certificate, out: ProfileFinding[]): void {
  const ncExt = cert.rawExtension(EXT.nameConstraints);
  if (ncExt) {
    if (!isCa(cert))
      out.push({ check: 'nameConstraints', detail: 'nameConstraints in a certificate that is not a CA' });
    if (!ncExt.critical) out.push({ check: 'nameConstraints', detail: 'nameConstraints is not critical' });
    const nc = nameConstraints(cert);
    const parts = children(ncExt.value, readTlv(ncExt.value));
    if (parts.length === 0 || parts.some((p) => p.end === p.valueStart))
      out.push({ check: 'nameConstraints', detail: 'nameConstraints with an empty list of subtrees' });
    for (const base of [...(nc?.permitted ?? []), ...(nc?.excluded ?? [])]) {
      const problem = constraintBaseProblem(base);
      if (problem) out.push({ check: 'nameConstraints', detail: `${base.type} "${base.value}": ${problem}` });
    }
  }
}

/** 4.2.1.11, 4.2.1.14: policy constraints. */
function checkPolicyConstraintsExtensions(cert: Certificate, out: ProfileFinding[]): void {
  const pc = cert.rawExtension(EXT.policyConstraints);
  if (pc && !pc.critical) out.push({ check: 'policyConstraints', detail: 'policyConstraints is not critical' });
  const pcv = policyConstraints(cert);
  if (pcv && pcv.requireExplicitPolicy === undefined && pcv.inhibitPolicyMapping === undefined)
    out.push({ check: 'policyConstraints', detail: 'empty policyConstraints' });
  const iap = cert.rawExtension(EXT.inhibitAnyPolicy);
  if (iap && !iap.critical) out.push({ check: 'policyConstraints', detail: 'inhibitAnyPolicy is not critical' });
}

/** Findings depend on the certificate alone: computed once per instance (paths share certificates). */
const findings = new WeakMap<Certificate, ProfileFinding[]>();

/**
 * All profile findings for one certificate. An extension that cannot be read is a finding of its
 * own check (a malformed subjectAltName is a subjectAltName problem), never an exception.
 */
export function profileFindings(cert: Certificate): ProfileFinding[] {
  let out = findings.get(cert);
  if (out) return out;
  out = [];
  findings.set(cert, out);
  const steps: [ConstraintCheck, (c: Certificate, o: ProfileFinding[]) => void][] = [
    ['derEncoding', checkStructure],
    ['publicKeyParameters', checkPublicKey],
    ['duplicateExtensions', checkExtensionsList],
    ['subjectAltName', checkNames],
    ['keyUsage', checkUsage],
    ['nameConstraints', checkNameConstraintsExtension],
    ['policyConstraints', checkPolicyConstraintsExtensions],
  ];
  for (const [check, step] of steps) {
    try {
      step(cert, out);
    } catch (e) {
      const detail = e instanceof PkiFormatError ? `${e.code}: ${e.message}` : (e as Error).message;
      out.push({ check, detail: `unreadable: ${detail}` });
    }
  }
  return out;
}
