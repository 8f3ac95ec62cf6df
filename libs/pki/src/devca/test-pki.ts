import { createHash, randomBytes, sign } from 'node:crypto';
import { OID_ECDSA_WITH_SHA256 } from '../x509/algorithms';
import { Certificate } from '../x509/certificate';
import { EXT, KEY_USAGE_BITS, KeyUsage } from '../x509/extensions';
import { NAME_OIDS } from '../x509/name';
import { children, der, oid, readTlv, seq, setOf, TAG, tlvValue } from '../asn1';
import { generateSoftwareKey, SoftwareKey } from './software-key';

/**
 * Certificates declared as data for validation tests (cf. certomancer, x509-limbo's builder): every
 * field can be set to what a conforming CA would never issue (empty names, long or negative
 * serials, GeneralizedTime before 2050, v1 with extensions, duplicate or missing extensions,
 * malformed names), so that each RFC 5280 rule can be tested on its own. The defaults make a
 * conforming chain: a root, intermediates and a leaf with key identifiers, basic constraints and
 * key usage as section 4 asks. ECDSA P-256 keys, signed in process.
 */
export interface ExtensionSpec {
  oid: string;
  critical?: boolean;
  /** extnValue contents (DER of the extension's value). */
  value: Uint8Array;
}

export interface TestCertOptions {
  /** Subject: a common name, or the DER of a whole Name (seq() for an empty one). */
  subject?: string | Uint8Array;
  /** Issuer name as encoded; default the issuer's subject (or the subject, for a root). */
  issuerName?: Uint8Array;
  key?: SoftwareKey;
  /** Content octets of the serial INTEGER (default 16 random positive octets). */
  serial?: Uint8Array;
  notBefore?: Date;
  notAfter?: Date;
  /** Encode both times as GeneralizedTime whatever the year. */
  generalizedTime?: boolean;
  version?: 1 | 2 | 3;
  /** Replaces the default extension with the same OID, or drops it (null). */
  set?: Record<string, ExtensionSpec | null>;
  /** Appended as given, after the defaults (duplicates allowed). */
  extra?: ExtensionSpec[];
  /** pathLenConstraint of a CA. */
  pathLen?: number;
  /** The AlgorithmIdentifier written inside tbsCertificate (default: the one that signs, ecdsa-with-SHA256). */
  tbsSignatureAlgorithm?: Uint8Array;
}

export interface TestCert {
  certificate: Certificate;
  key: SoftwareKey;
  subjectDer: Uint8Array;
}

const DAY = 24 * 3600_000;

/** A Name with one CN (UTF8String); DER. */
export function cnName(cn: string): Uint8Array {
  return seq(setOf([seq(oid(NAME_OIDS.CN), der(TAG.UTF8_STRING, Buffer.from(cn, 'utf8')))]));
}

/** A Name from attributes (short name → value), most significant first; E as IA5String. */
export function nameOf(attrs: [string, string][]): Uint8Array {
  return seq(
    ...attrs.map(([k, v]) =>
      setOf([seq(oid(NAME_OIDS[k] ?? k), der(k === 'E' ? 0x16 : TAG.UTF8_STRING, Buffer.from(v, 'utf8')))]),
    ),
  );
}

function timeDer(d: Date, generalized: boolean): Uint8Array {
  const digits = d.toISOString().slice(0, 19).replace(/[-:T]/g, '');
  const y = d.getUTCFullYear();
  if (!generalized && y >= 1950 && y < 2050) return der(TAG.UTC_TIME, Buffer.from(`${digits.slice(2)}Z`, 'latin1'));
  return der(TAG.GENERALIZED_TIME, Buffer.from(`${digits}Z`, 'latin1'));
}

function keyId(spki: Uint8Array): Uint8Array {
  const [, bits] = children(spki, readTlv(spki));
  return createHash('sha1').update(tlvValue(spki, bits).subarray(1)).digest();
}

/** GeneralName forms for SANs and name constraints; `raw` is a whole encoded GeneralName. */
export type GeneralNameSpec =
  | { dns: string }
  | { email: string }
  | { uri: string }
  | { ip: string } // hex: 4 or 16 octets, or 8 or 32 with a mask
  | { dn: Uint8Array }
  | { raw: Uint8Array };

export function generalName(n: GeneralNameSpec): Uint8Array {
  if ('dns' in n) return der(0x82, Buffer.from(n.dns, 'latin1'));
  if ('email' in n) return der(0x81, Buffer.from(n.email, 'latin1'));
  if ('uri' in n) return der(0x86, Buffer.from(n.uri, 'latin1'));
  if ('ip' in n) return der(0x87, Buffer.from(n.ip, 'hex'));
  if ('dn' in n) return der(0xa4, n.dn);
  return n.raw;
}

/** Extension values, as the tests need them (some deliberately outside the profile). */
export const ext = {
  basicConstraints: (cA: boolean, pathLen?: number, critical = true): ExtensionSpec => ({
    oid: EXT.basicConstraints,
    critical,
    value: seq(
      ...(cA ? [der(TAG.BOOLEAN, Uint8Array.of(0xff))] : []),
      ...(pathLen === undefined ? [] : [der(TAG.INTEGER, Uint8Array.of(pathLen))]),
    ),
  }),
  keyUsage: (usages: KeyUsage[], critical = true): ExtensionSpec => {
    const bits = usages.map((u) => KEY_USAGE_BITS.indexOf(u));
    const last = bits.length ? Math.max(...bits) : -1;
    const bytes = new Uint8Array(last < 0 ? 0 : (last >> 3) + 1);
    for (const b of bits) bytes[b >> 3] |= 0x80 >> (b & 7);
    const unused = last < 0 ? 0 : 7 - (last & 7);
    return { oid: EXT.keyUsage, critical, value: der(TAG.BIT_STRING, Uint8Array.of(unused), bytes) };
  },
  subjectKeyIdentifier: (spki: Uint8Array, critical = false): ExtensionSpec => ({
    oid: EXT.subjectKeyIdentifier,
    critical,
    value: der(TAG.OCTET_STRING, keyId(spki)),
  }),
  authorityKeyIdentifier: (issuerSpki: Uint8Array, critical = false): ExtensionSpec => ({
    oid: EXT.authorityKeyIdentifier,
    critical,
    value: seq(der(0x80, keyId(issuerSpki))),
  }),
  subjectAltName: (names: GeneralNameSpec[], critical = false): ExtensionSpec => ({
    oid: EXT.subjectAltName,
    critical,
    value: seq(...names.map(generalName)),
  }),
  nameConstraints: (
    c: { permitted?: GeneralNameSpec[]; excluded?: GeneralNameSpec[] },
    critical = true,
  ): ExtensionSpec => ({
    oid: EXT.nameConstraints,
    critical,
    value: seq(
      ...(c.permitted ? [der(0xa0, ...c.permitted.map((n) => seq(generalName(n))))] : []),
      ...(c.excluded ? [der(0xa1, ...c.excluded.map((n) => seq(generalName(n))))] : []),
    ),
  }),
  extendedKeyUsage: (oids: string[], critical = false): ExtensionSpec => ({
    oid: EXT.extKeyUsage,
    critical,
    value: seq(...oids.map((o) => oid(o))),
  }),
  policyConstraints: (requireExplicitPolicy: number | undefined, critical = true): ExtensionSpec => ({
    oid: EXT.policyConstraints,
    critical,
    value: seq(...(requireExplicitPolicy === undefined ? [] : [der(0x80, Uint8Array.of(requireExplicitPolicy))])),
  }),
};

function extensionDer(e: ExtensionSpec): Uint8Array {
  return seq(
    oid(e.oid),
    ...(e.critical ? [der(TAG.BOOLEAN, Uint8Array.of(0xff))] : []),
    der(TAG.OCTET_STRING, e.value),
  );
}

function build(
  role: 'ca' | 'leaf',
  issuer: TestCert | undefined,
  opts: TestCertOptions,
  defaults: { notBefore: Date; notAfter: Date },
): TestCert {
  const key = opts.key ?? generateSoftwareKey();
  const subjectDer =
    opts.subject instanceof Uint8Array
      ? opts.subject
      : cnName(opts.subject ?? `${role} ${randomBytes(4).toString('hex')}`);
  const issuerKey = issuer?.key ?? key;
  const defaultsExt: ExtensionSpec[] = [
    role === 'ca' ? ext.basicConstraints(true, opts.pathLen) : { ...ext.basicConstraints(false), critical: false },
    ext.keyUsage(role === 'ca' ? ['keyCertSign', 'cRLSign'] : ['digitalSignature', 'nonRepudiation']),
    ext.subjectKeyIdentifier(key.publicKeySpki),
    ext.authorityKeyIdentifier(issuerKey.publicKeySpki),
  ];
  const extensions = [
    ...defaultsExt.filter((e) => opts.set?.[e.oid] !== null).map((e) => opts.set?.[e.oid] ?? e),
    ...Object.values(opts.set ?? {}).filter(
      (e): e is ExtensionSpec => !!e && !defaultsExt.some((d) => d.oid === e.oid),
    ),
    ...(opts.extra ?? []),
  ];
  const version = opts.version ?? 3;
  // v1 and v2 have no extensions: only `extra` is written (to test a v1 certificate carrying some).
  const written = version === 3 ? extensions : (opts.extra ?? []);
  const serial = opts.serial ?? Uint8Array.from([0x40 | (randomBytes(1)[0] & 0x3f), ...randomBytes(15)]);
  const alg = seq(oid(OID_ECDSA_WITH_SHA256));
  const g = !!opts.generalizedTime;
  const tbs = seq(
    ...(version === 1 ? [] : [der(TAG.context(0), der(TAG.INTEGER, Uint8Array.of(version - 1)))]),
    der(TAG.INTEGER, serial),
    opts.tbsSignatureAlgorithm ?? alg,
    opts.issuerName ?? issuer?.subjectDer ?? subjectDer,
    seq(timeDer(opts.notBefore ?? defaults.notBefore, g), timeDer(opts.notAfter ?? defaults.notAfter, g)),
    subjectDer,
    key.publicKeySpki,
    ...(written.length ? [der(TAG.context(3), seq(...written.map(extensionDer)))] : []),
  );
  const signature = sign('sha256', tbs, { key: issuerKey.privateKey, dsaEncoding: 'der' });
  const certDer = seq(tbs, alg, der(TAG.BIT_STRING, Uint8Array.of(0), signature));
  return { certificate: Certificate.fromDer(certDer), key, subjectDer };
}

/** A test PKI valid around `now` (default: the current time). */
export class TestPki {
  readonly notBefore: Date;
  readonly notAfter: Date;
  constructor(readonly now = new Date()) {
    this.notBefore = new Date(now.getTime() - 30 * DAY);
    this.notAfter = new Date(now.getTime() + 365 * DAY);
  }

  root(opts: TestCertOptions = {}): TestCert {
    return build('ca', undefined, opts, this);
  }

  intermediate(issuer: TestCert, opts: TestCertOptions = {}): TestCert {
    return build('ca', issuer, opts, this);
  }

  leaf(issuer: TestCert, opts: TestCertOptions = {}): TestCert {
    return build('leaf', issuer, opts, this);
  }
}
