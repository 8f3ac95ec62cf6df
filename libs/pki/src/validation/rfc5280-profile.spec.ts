import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevCa } from '../devca/dev-ca';
import { PROFILE_FAULTS, ProfileFault } from '../devca/faults';
import { cnName, ext, nameOf, TestCert, TestPki } from '../devca/test-pki';
import { generateSoftwareKey } from '../devca/software-key';
import { Certificate } from '../x509/certificate';
import { EXT } from '../x509/extensions';
import { der, oid, seq, TAG } from '../asn1';
import { ConstraintCheck } from './constraints';
import { PathValidationOptions, validatePath } from './validate-path';

/**
 * One test per class of RFC 5280 rule, each written from the RFC text (section quoted in the
 * name), with certificates built for the purpose (devca/test-pki.ts). `openssl` marks the cases
 * where OpenSSL 3 (`openssl verify -x509_strict`) is right, and checks that it agrees with us.
 */
const pki = new TestPki();
const UNKNOWN = { oid: '1.3.6.1.4.1.55738.666.1', critical: true, value: Uint8Array.of(0x05, 0x00) };
const AIA = '1.3.6.1.5.5.7.1.1';
const hexBytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));
/** otherName [0] { type-id 1.3.6.1.4.1.55738.666.{1,2} (private arcs), value [0] NULL }. */
const otherName = (last: string) => new Uint8Array(Buffer.from(`a010060a2b0601040183b23a85${last}a0020500`, 'hex'));
const OTHER_NAME_A = otherName('1a');
const OTHER_NAME_B = otherName('1b');

interface Case {
  leaf: TestCert;
  intermediates?: TestCert[];
  anchors: TestCert[];
  options?: Partial<Omit<PathValidationOptions, 'revocation'>>;
  /** 'valid', or the reason code (and for profile violations the check) that must be among the reasons. */
  expect: 'valid' | { code: string; check?: ConstraintCheck };
  /** Cross-check with openssl verify -x509_strict, or without it ('lenient': strict mode refuses v1 roots). */
  openssl?: boolean | 'lenient';
}

function chain(depth: number, leafOpts: Parameters<TestPki['leaf']>[1] = {}) {
  const root = pki.root();
  const cas = [root];
  for (let i = 0; i < depth; i++) cas.push(pki.intermediate(cas[cas.length - 1]));
  return { root, intermediates: cas.slice(1), leaf: pki.leaf(cas[cas.length - 1], leafOpts) };
}

const bad = (code: string, check?: ConstraintCheck) => ({ code, check });
const profile = (check: ConstraintCheck) => bad('CERTIFICATE_PROFILE_VIOLATION', check);
const profileEku = bad('EXTENDED_KEY_USAGE_MISMATCH', 'extendedKeyUsageNesting');

function rootWith(opts: Parameters<TestPki['root']>[0]): Case {
  const root = pki.root(opts);
  return { leaf: pki.leaf(root), anchors: [root], expect: 'valid' };
}

function ncCase(
  nc: Parameters<typeof ext.nameConstraints>[0],
  leafOpts: Parameters<TestPki['leaf']>[1],
  expected: Case['expect'],
  openssl = true,
): Case {
  const root = pki.root({ set: { [EXT.nameConstraints]: ext.nameConstraints(nc) } });
  return { leaf: pki.leaf(root, leafOpts), anchors: [root], expect: expected, openssl };
}

const san = (...names: Parameters<typeof ext.subjectAltName>[0]) => ({
  set: { [EXT.subjectAltName]: ext.subjectAltName(names) },
});

const CASES: Record<string, () => Case> = {
  // --- Trust anchors (RFC 5937 3, 6.1.1 (d); as OpenSSL, NSS, Go and webpki do) ---
  'anchor: an expired root is refused': () => {
    const root = pki.root({ notBefore: new Date('2016-01-01Z'), notAfter: new Date('2020-01-01Z') });
    const leaf = pki.leaf(root, { notBefore: new Date('2018-01-01Z'), notAfter: new Date('2023-01-01Z') });
    return {
      leaf,
      anchors: [root],
      options: { validationTime: new Date('2022-01-01Z') },
      expect: bad('EXPIRED'),
      openssl: true,
    };
  },
  'anchor: a v3 root without basicConstraints is no CA (4.2.1.9)': () => ({
    ...rootWith({ set: { [EXT.basicConstraints]: null } }),
    expect: bad('ISSUER_NOT_CA'),
    openssl: true,
  }),
  'anchor: a root whose basicConstraints is not critical (4.2.1.9 MUST)': () => ({
    ...rootWith({ set: { [EXT.basicConstraints]: ext.basicConstraints(true, undefined, false) } }),
    expect: profile('basicConstraintsCritical'),
  }),
  'anchor: a root whose keyUsage lacks keyCertSign (4.2.1.3)': () => ({
    ...rootWith({ set: { [EXT.keyUsage]: ext.keyUsage(['cRLSign']) } }),
    expect: bad('ISSUER_KEY_USAGE_NO_CERT_SIGN'),
    openssl: true,
  }),
  'anchor: a root with an unknown critical extension': () => ({
    ...rootWith({ extra: [UNKNOWN] }),
    expect: bad('UNKNOWN_CRITICAL_EXTENSION'),
    openssl: true,
  }),
  "anchor: the root's pathLenConstraint bounds the path": () => {
    const root = pki.root({ pathLen: 0 });
    const ica = pki.intermediate(root);
    return {
      leaf: pki.leaf(ica),
      intermediates: [ica],
      anchors: [root],
      expect: bad('PATH_LENGTH_EXCEEDED'),
      openssl: true,
    };
  },
  'anchor: a v1 root (no extensions) is accepted as an anchor': () => ({
    ...rootWith({ version: 1 }),
    openssl: 'lenient',
  }),
  'anchor: an intermediate may be the anchor, the root given as intermediate is ignored': () => {
    const { root, intermediates, leaf } = chain(1);
    return { leaf, intermediates: [root], anchors: intermediates, expect: 'valid' };
  },
  'anchor: a cross-certified CA used as anchor still needs its AKI (4.2.1.1)': () => {
    const x = pki.root();
    const anchor = pki.intermediate(x, { set: { [EXT.authorityKeyIdentifier]: null } });
    return { leaf: pki.leaf(anchor), anchors: [anchor], expect: profile('authorityKeyIdentifier') };
  },
  // --- Certificate profile (section 4) ---
  'serial: more than 20 octets (4.1.2.2)': () =>
    rootLeaf({ serial: Uint8Array.from({ length: 22 }, (_, i) => i + 1) }, profile('serialNumber')),
  'serial: zero (4.1.2.2 positive)': () => rootLeaf({ serial: Uint8Array.of(0) }, profile('serialNumber')),
  'serial: negative (4.1.2.2 positive)': () => rootLeaf({ serial: Uint8Array.of(0xff, 0x01) }, profile('serialNumber')),
  'serial: 20 octets with the high bit set (21 encoded) is allowed': () =>
    rootLeaf({ serial: Uint8Array.from([0, ...Array.from({ length: 20 }, () => 0x80)]) }, 'valid'),
  'names: empty issuer (4.1.2.4)': () => rootLeaf({ issuerName: seq() }, bad('NO_CERTIFICATE_CHAIN_FOUND')),
  'names: a CA with an empty subject (4.1.2.6)': () => ({
    ...rootWith({ subject: seq() }),
    expect: profile('subjectName'),
  }),
  'names: empty subject and a non-critical SAN (4.2.1.6)': () =>
    rootLeaf(
      { subject: seq(), set: { [EXT.subjectAltName]: ext.subjectAltName([{ dns: 'example.com' }], false) } },
      profile('subjectName'),
    ),
  'names: empty subject and a critical SAN is allowed (4.2.1.6)': () =>
    rootLeaf(
      { subject: seq(), set: { [EXT.subjectAltName]: ext.subjectAltName([{ dns: 'example.com' }], true) } },
      'valid',
    ),
  'extensions: the same extension twice (4.2)': () =>
    rootLeaf(
      { extra: [ext.subjectAltName([{ dns: 'example.com' }]), ext.subjectAltName([{ dns: 'example.com' }])] },
      profile('duplicateExtensions'),
    ),
  'AKI: missing in a leaf (4.2.1.1)': () =>
    rootLeaf({ set: { [EXT.authorityKeyIdentifier]: null } }, profile('authorityKeyIdentifier')),
  'AKI: missing in an intermediate (4.2.1.1)': () => {
    const root = pki.root();
    const ica = pki.intermediate(root, { set: { [EXT.authorityKeyIdentifier]: null } });
    return { leaf: pki.leaf(ica), intermediates: [ica], anchors: [root], expect: profile('authorityKeyIdentifier') };
  },
  'AKI: a v1 leaf has no extensions to carry it': () => rootLeaf({ version: 1 }, 'valid', 'lenient'),
  'AKI: may be omitted in a self-signed root (4.2.1.1)': () =>
    rootWith({ set: { [EXT.authorityKeyIdentifier]: null } }),
  'AKI: critical (4.2.1.1 MUST be non-critical)': () => {
    const key = generateSoftwareKey();
    return {
      ...rootWith({ key, set: { [EXT.authorityKeyIdentifier]: ext.authorityKeyIdentifier(key.publicKeySpki, true) } }),
      expect: profile('authorityKeyIdentifier'),
    };
  },
  'SKI: missing in an intermediate (4.2.1.2)': () => {
    const root = pki.root();
    const ica = pki.intermediate(root, { set: { [EXT.subjectKeyIdentifier]: null } });
    return { leaf: pki.leaf(ica), intermediates: [ica], anchors: [root], expect: profile('subjectKeyIdentifier') };
  },
  'SKI: missing in a root (4.2.1.2)': () => ({
    ...rootWith({ set: { [EXT.subjectKeyIdentifier]: null } }),
    expect: profile('subjectKeyIdentifier'),
  }),
  'SKI: critical (4.2.1.2)': () => {
    const key = generateSoftwareKey();
    return {
      ...rootWith({ key, set: { [EXT.subjectKeyIdentifier]: ext.subjectKeyIdentifier(key.publicKeySpki, true) } }),
      expect: profile('subjectKeyIdentifier'),
    };
  },
  'keyUsage: keyCertSign in a leaf without cA (4.2.1.9)': () =>
    rootLeaf({ set: { [EXT.keyUsage]: ext.keyUsage(['digitalSignature', 'keyCertSign']) } }, profile('keyUsage')),
  'keyUsage: no bit set (4.2.1.3)': () => rootLeaf({ set: { [EXT.keyUsage]: ext.keyUsage([]) } }, profile('keyUsage')),
  'keyUsage: an intermediate with pathLenConstraint and no keyCertSign (4.2.1.9)': () => {
    const root = pki.root();
    const ica = pki.intermediate(root, { pathLen: 0, set: { [EXT.keyUsage]: ext.keyUsage(['cRLSign']) } });
    return {
      leaf: pki.leaf(ica),
      intermediates: [ica],
      anchors: [root],
      expect: bad('ISSUER_KEY_USAGE_NO_CERT_SIGN'),
      openssl: true,
    };
  },
  'EKU: an empty extKeyUsage (4.2.1.12 SIZE (1..MAX))': () =>
    rootLeaf({ set: { [EXT.extKeyUsage]: ext.extendedKeyUsage([]) } }, profile('extendedKeyUsage')),
  'policyConstraints: not critical (4.2.1.11)': () => {
    const root = pki.root();
    const ica = pki.intermediate(root, { extra: [ext.policyConstraints(3, false)] });
    return { leaf: pki.leaf(ica), intermediates: [ica], anchors: [root], expect: profile('policyConstraints') };
  },
  'SAN: not DER (4.2.1.6)': () =>
    rootLeaf(
      { set: { [EXT.subjectAltName]: { oid: EXT.subjectAltName, value: Buffer.from('example.com') } } },
      profile('subjectAltName'),
    ),
  'SAN: a dNSName with a leading period (4.2.1.6 preferred name syntax)': () =>
    rootLeaf(san({ dns: '.example.com' }), profile('subjectAltName')),
  'SAN: an iPAddress of 8 octets (4.2.1.6: 4 or 16)': () =>
    rootLeaf(san({ ip: 'c0000200ffffff00' }), profile('subjectAltName')),
  'SAN: a mailbox with two @ (4.2.1.6)': () => rootLeaf(san({ email: 'a@b@example.com' }), profile('subjectAltName')),
  'SAN: a wildcard dNSName is well-formed': () => rootLeaf(san({ dns: '*.example.com' }), 'valid'),
  'validity: GeneralizedTime before 2050 (4.1.2.5)': () =>
    rootLeaf({ generalizedTime: true }, profile('validityEncoding')),
  'validity: GeneralizedTime before 1950 is right (UTCTime cannot say it)': () =>
    rootLeaf({ notBefore: new Date('1949-12-31Z') }, 'valid'),
  'validity: GeneralizedTime from 2050 is right': () => rootLeaf({ notAfter: new Date('2051-01-01Z') }, 'valid'),
  'validity: notAfter is inclusive and compared in whole seconds (4.1.2.5)': () => {
    const notAfter = new Date('2024-04-01T00:00:00Z');
    const root = pki.root({ notBefore: new Date('2024-03-01Z'), notAfter });
    const leaf = pki.leaf(root, { notBefore: new Date('2024-03-01Z'), notAfter });
    return { leaf, anchors: [root], options: { validationTime: new Date(notAfter.getTime() + 5) }, expect: 'valid' };
  },
  'validity: a millisecond before notBefore is before it': () => {
    const notBefore = new Date('2024-03-01T00:00:01Z');
    const root = pki.root({ notBefore, notAfter: new Date('2024-04-01Z') });
    const leaf = pki.leaf(root, { notBefore, notAfter: new Date('2024-04-01Z') });
    return {
      leaf,
      anchors: [root],
      options: { validationTime: new Date(notBefore.getTime() - 1) },
      expect: bad('NOT_YET_VALID'),
    };
  },
  'version: a v1 intermediate is no CA (6.1.4 (k))': () => {
    const root = pki.root();
    const ica = pki.intermediate(root, { version: 1 });
    return { leaf: pki.leaf(ica), intermediates: [ica], anchors: [root], expect: bad('ISSUER_NOT_CA'), openssl: true };
  },
  'version: a v1 certificate with extensions (4.1.2.1)': () =>
    rootLeaf({ version: 1, extra: [ext.subjectAltName([{ dns: 'example.com' }])] }, profile('version')),
  'signatureAlgorithm: differs from the one inside tbsCertificate (4.1.1.2)': () =>
    rootLeaf({ tbsSignatureAlgorithm: seq(oid('1.2.840.10045.4.3.3')) }, profile('signatureAlgorithm')),
  'public key: an EC key with explicit curve parameters (RFC 5480 2.1.1)': () => {
    const pem = execFileSync('openssl', [
      'ecparam',
      '-name',
      'prime256v1',
      '-param_enc',
      'explicit',
      '-genkey',
      '-noout',
    ]);
    const spki = execFileSync('openssl', ['pkey', '-pubout', '-outform', 'DER'], { input: pem });
    return rootLeaf(
      { key: { ...generateSoftwareKey(), publicKeySpki: new Uint8Array(spki) } },
      profile('publicKeyParameters'),
    );
  },
  'names: a subject with an empty RDN (4.1.2.4 SET SIZE (1..MAX))': () =>
    rootLeaf({ subject: seq(der(TAG.SET)) }, profile('subjectName')),
  'basicConstraints: a negative pathLenConstraint (4.2.1.9 INTEGER (0..MAX))': () => {
    const root = pki.root({
      set: {
        [EXT.basicConstraints]: { oid: EXT.basicConstraints, critical: true, value: hexBytes('30060101ff0201ff') },
      },
    });
    return { leaf: pki.leaf(root), anchors: [root], expect: profile('keyUsage') };
  },
  'DER: a BOOLEAN TRUE encoded 01 (X.690 11.1)': () =>
    rootLeaf(
      {
        set: {
          [EXT.basicConstraints]: { oid: EXT.basicConstraints, value: Uint8Array.of(0x30, 0x03, 0x01, 0x01, 0x01) },
        },
      },
      profile('derEncoding'),
    ),
  'critical extensions: an unknown one in the leaf (6.1.5 (f))': () =>
    rootLeaf({ extra: [UNKNOWN] }, bad('UNKNOWN_CRITICAL_EXTENSION'), true),
  'critical extensions: a critical AIA is not processed (4.2.2.1 MUST be non-critical)': () =>
    rootLeaf({ extra: [{ oid: AIA, critical: true, value: seq() }] }, bad('UNKNOWN_CRITICAL_EXTENSION')),
  'EKU nesting: an intermediate whose EKU does not allow the purpose limits the leaf': () => {
    const root = pki.root();
    const ica = pki.intermediate(root, { set: { [EXT.extKeyUsage]: ext.extendedKeyUsage(['1.3.6.1.5.5.7.3.2']) } });
    const leaf = pki.leaf(ica, { set: { [EXT.extKeyUsage]: ext.extendedKeyUsage(['1.3.6.1.5.5.7.3.1']) } });
    return { leaf, intermediates: [ica], anchors: [root], options: { purpose: 'serverAuth' }, expect: profileEku };
  },
  'EKU nesting: anyExtendedKeyUsage in the intermediate allows every purpose': () => {
    const root = pki.root();
    const ica = pki.intermediate(root, { set: { [EXT.extKeyUsage]: ext.extendedKeyUsage(['2.5.29.37.0']) } });
    const leaf = pki.leaf(ica, { set: { [EXT.extKeyUsage]: ext.extendedKeyUsage(['1.3.6.1.5.5.7.3.1']) } });
    return { leaf, intermediates: [ica], anchors: [root], options: { purpose: 'serverAuth' }, expect: 'valid' };
  },
  'a CA certificate may be the leaf': () => {
    const root = pki.root();
    return { leaf: pki.intermediate(root), anchors: [root], expect: 'valid', openssl: true };
  },
  // --- Name constraints (4.2.1.10, 6.1.3 (b), (c)) over every form ---
  'NC dNSName: permitted match and subdomains': () =>
    ncCase({ permitted: [{ dns: 'example.com' }] }, san({ dns: 'foo.bar.example.com' }), 'valid'),
  'NC dNSName: permitted mismatch': () =>
    ncCase({ permitted: [{ dns: 'example.com' }] }, san({ dns: 'not-example.com' }), bad('NAME_CONSTRAINTS_VIOLATED')),
  'NC dNSName: excluded match on a second SAN': () =>
    ncCase(
      { excluded: [{ dns: 'bad.example.com' }] },
      san({ dns: 'example.com' }, { dns: 'bad.example.com' }),
      bad('NAME_CONSTRAINTS_VIOLATED'),
    ),
  'NC dNSName: excluded wins over permitted': () =>
    ncCase(
      { permitted: [{ dns: 'example.com' }], excluded: [{ dns: 'example.com' }] },
      san({ dns: 'example.com' }),
      bad('NAME_CONSTRAINTS_VIOLATED'),
    ),
  'NC dNSName: a wildcard SAN that could name an excluded host is refused': () =>
    ncCase(
      { permitted: [{ dns: 'example.com' }], excluded: [{ dns: 'bar.example.com' }] },
      san({ dns: '*.example.com' }),
      bad('NAME_CONSTRAINTS_VIOLATED'),
      false,
    ),
  'NC dNSName: a wildcard SAN wider than the permitted subtree is refused': () =>
    ncCase(
      { permitted: [{ dns: 'foo.example.com' }] },
      san({ dns: '*.example.com' }),
      bad('NAME_CONSTRAINTS_VIOLATED'),
    ),
  'NC dNSName: a wildcard SAN inside the permitted subtree passes': () =>
    ncCase({ permitted: [{ dns: 'example.com' }] }, san({ dns: '*.example.com' }), 'valid'),
  'NC dNSName: an empty permitted dNSName admits every DNS name': () =>
    ncCase({ permitted: [{ dns: '' }] }, san({ dns: 'anything.example' }), 'valid'),
  'NC dNSName: an empty excluded dNSName excludes every DNS name': () =>
    ncCase({ excluded: [{ dns: '' }] }, san({ dns: 'anything.example' }), bad('NAME_CONSTRAINTS_VIOLATED')),
  'NC iPAddress v4: permitted /24 match': () =>
    ncCase({ permitted: [{ ip: 'c0000200ffffff00' }] }, san({ ip: 'c0000201' }), 'valid'),
  'NC iPAddress v4: permitted /24 mismatch': () =>
    ncCase({ permitted: [{ ip: 'c0000200ffffff00' }] }, san({ ip: 'c0000301' }), bad('NAME_CONSTRAINTS_VIOLATED')),
  'NC iPAddress v6: excluded ::1/128': () =>
    ncCase(
      { excluded: [{ ip: `${'00'.repeat(15)}01${'ff'.repeat(16)}` }] },
      san({ ip: `${'00'.repeat(15)}01` }),
      bad('NAME_CONSTRAINTS_VIOLATED'),
    ),
  'NC iPAddress: a constraint of another form does not bind': () =>
    ncCase({ permitted: [{ ip: 'c0000200ffffff00' }] }, san({ dns: 'example.com' }), 'valid'),
  'NC directoryName: applies to the subject as well as the SAN': () =>
    ncCase(
      { permitted: [{ dn: cnName('foo') }] },
      { subject: 'not-foo', ...san({ dn: cnName('foo') }) },
      bad('NAME_CONSTRAINTS_VIOLATED'),
    ),
  'NC rfc822Name: a host constraint permits its mailboxes': () =>
    ncCase({ permitted: [{ email: 'example.com' }] }, san({ email: 'foo@example.com' }), 'valid'),
  'NC rfc822Name: the e-mail address in the subject DN is constrained too': () =>
    ncCase(
      { permitted: [{ email: 'example.com' }] },
      {
        subject: nameOf([
          ['CN', 'x'],
          ['E', 'x@other.example'],
        ]),
      },
      bad('NAME_CONSTRAINTS_VIOLATED'),
    ),
  'NC URI: a domain constraint permits hosts below it': () =>
    ncCase({ permitted: [{ uri: '.example.com' }] }, san({ uri: 'https://www.example.com/x' }), 'valid'),
  'NC URI: a URI without a host cannot be checked and is refused': () =>
    ncCase(
      { permitted: [{ uri: '.example.com' }] },
      san({ uri: 'urn:example:x' }),
      bad('NAME_CONSTRAINTS_VIOLATED'),
      false,
    ),
  'NC malformed: a wildcard dNSName constraint': () =>
    ncCase(
      { permitted: [{ dns: '*.example.com' }] },
      san({ dns: 'foo.example.com' }),
      profile('nameConstraints'),
      false,
    ),
  'NC malformed: a dNSName constraint with a leading period': () =>
    ncCase(
      { permitted: [{ dns: '.example.com' }] },
      san({ dns: 'foo.example.com' }),
      profile('nameConstraints'),
      false,
    ),
  'NC malformed: an iPAddress constraint without a mask': () =>
    ncCase({ permitted: [{ ip: '7f000001' }] }, san({ ip: '7f000001' }), profile('nameConstraints'), false),
  'NC malformed: an iPAddress mask that is not contiguous': () =>
    ncCase({ permitted: [{ ip: 'c0000200ff00ff00' }] }, san({ ip: 'c0000201' }), profile('nameConstraints'), false),
  'NC malformed: an rfc822Name constraint with two @': () =>
    ncCase(
      { permitted: [{ email: 'a@b@example.com' }] },
      san({ email: 'x@example.com' }),
      profile('nameConstraints'),
      false,
    ),
  'NC profile: not critical (4.2.1.10 MUST)': () => {
    const root = pki.root({
      set: { [EXT.nameConstraints]: ext.nameConstraints({ permitted: [{ dns: 'example.com' }] }, false) },
    });
    return { leaf: pki.leaf(root, san({ dns: 'example.com' })), anchors: [root], expect: profile('nameConstraints') };
  },
  'NC profile: in a certificate that is not a CA': () =>
    rootLeaf({ extra: [ext.nameConstraints({ permitted: [{ dns: 'example.com' }] })] }, profile('nameConstraints')),
  'NC otherName: a constraint on a form we do not process, met by such a name, refuses the path': () => {
    const on = OTHER_NAME_A;
    const other = OTHER_NAME_B;
    return ncCase(
      { excluded: [{ raw: on }] },
      san({ dns: 'example.com' }, { raw: other }),
      bad('NAME_CONSTRAINTS_VIOLATED'),
      false,
    );
  },
  'NC otherName: without such a name the constraint does not bind': () => {
    const on = OTHER_NAME_A;
    return ncCase({ excluded: [{ raw: on }] }, san({ dns: 'example.com' }), 'valid', false);
  },
  'NC: a self-issued intermediate is exempt (6.1.3 (b))': () => {
    const subject = cnName('not-example.com');
    const root = pki.root({
      subject,
      set: {
        [EXT.nameConstraints]: ext.nameConstraints({ permitted: [{ dns: 'example.com' }] }),
        [EXT.subjectAltName]: ext.subjectAltName([{ dns: 'not-example.com' }]),
      },
    });
    const ica = pki.intermediate(root, { subject, ...san({ dns: 'not-example.com' }) });
    return {
      leaf: pki.leaf(ica, san({ dns: 'www.example.com' })),
      intermediates: [ica],
      anchors: [root],
      expect: 'valid',
    };
  },
  'NC: permitted sets of successive CAs narrow (intersection)': () => {
    const root = pki.root();
    const a = pki.intermediate(root, {
      set: {
        [EXT.nameConstraints]: ext.nameConstraints({
          permitted: [{ dns: 'foo.example.com' }, { dns: 'bar.example.com' }],
        }),
      },
    });
    const b = pki.intermediate(a, {
      set: { [EXT.nameConstraints]: ext.nameConstraints({ permitted: [{ dns: 'bar.example.com' }] }) },
    });
    return {
      leaf: pki.leaf(b, san({ dns: 'foo.example.com' })),
      intermediates: [a, b],
      anchors: [root],
      expect: bad('NAME_CONSTRAINTS_VIOLATED'),
      openssl: true,
    };
  },
  'NC: names x constraints beyond the budget stop the validation': () => {
    const permitted = Array.from({ length: 600 }, (_, i) => ({ dns: `d${i}.example.com` }));
    const names = Array.from({ length: 600 }, (_, i) => ({ dns: `h${i}.d${i}.example.com` }));
    return ncCase({ permitted }, san(...names), bad('VALIDATION_BUDGET_EXCEEDED'), false);
  },
  // --- Path building (RFC 4158): loops and cross-certification meshes end, and find the path ---
  'building: two CAs that certify each other and reach no anchor': () => {
    const [k1, k2] = [generateSoftwareKey(), generateSoftwareKey()];
    const [n1, n2] = [cnName('cycle-ca1'), cnName('cycle-ca2')];
    const issuer = (key: typeof k1, subjectDer: Uint8Array) => ({ key, subjectDer }) as TestCert;
    const ca1 = pki.intermediate(issuer(k2, n2), { key: k1, subject: n1 });
    const ca2 = pki.intermediate(issuer(k1, n1), { key: k2, subject: n2 });
    return {
      leaf: pki.leaf(ca1),
      intermediates: [ca1, ca2],
      anchors: [pki.root()],
      expect: bad('NO_CERTIFICATE_CHAIN_FOUND'),
    };
  },
  'building: a mesh of cross-certified roots (CVE-2024-0567) still finds leaf -> A1 -> A': () => {
    const a = pki.root({ subject: cnName('Root A') });
    const [kb, kc] = [generateSoftwareKey(), generateSoftwareKey()];
    const [nb, nc] = [cnName('Root B'), cnName('Root C')];
    const as = (key: typeof kb, subjectDer: Uint8Array) => ({ key, subjectDer }) as TestCert;
    const mesh = [
      pki.intermediate(as(kb, nb), { key: a.key, subject: a.subjectDer }),
      pki.intermediate(as(kc, nc), { key: a.key, subject: a.subjectDer }),
      pki.intermediate(a, { key: kb, subject: nb }),
      pki.intermediate(as(kc, nc), { key: kb, subject: nb }),
      pki.intermediate(a, { key: kc, subject: nc }),
      pki.intermediate(as(kb, nb), { key: kc, subject: nc }),
    ];
    const a1 = pki.intermediate(a, { subject: 'Intermediate A1' });
    const leaf = pki.leaf(a1, {
      subject: seq(),
      set: { [EXT.subjectAltName]: ext.subjectAltName([{ dns: 'x.example.com' }], true) },
    });
    return { leaf, intermediates: [...mesh, a1], anchors: [a], expect: 'valid', openssl: true };
  },
  // --- Path length (4.2.1.9, 6.1.4 (l), (m)) and the depth option ---
  'pathLen 0 followed by another CA': () => {
    const root = pki.root();
    const a = pki.intermediate(root, { pathLen: 0 });
    const b = pki.intermediate(a, { pathLen: 0 });
    return {
      leaf: pki.leaf(b),
      intermediates: [a, b],
      anchors: [root],
      expect: bad('PATH_LENGTH_EXCEEDED'),
      openssl: true,
    };
  },
  'pathLen: a self-issued intermediate does not count': () => {
    const root = pki.root();
    const a = pki.intermediate(root, { pathLen: 1 });
    const a2 = pki.intermediate(a, { pathLen: 1, subject: a.subjectDer });
    const c = pki.intermediate(a2, { pathLen: 0 });
    return { leaf: pki.leaf(c), intermediates: [a, a2, c], anchors: [root], expect: 'valid', openssl: true };
  },
  'maxDepth 0: no intermediate allowed': () => {
    const { root, intermediates, leaf } = chain(1);
    return {
      leaf,
      intermediates,
      anchors: [root],
      options: { maxDepth: 0 },
      expect: bad('NO_CERTIFICATE_CHAIN_FOUND'),
    };
  },
  'maxDepth 1: one intermediate allowed': () => {
    const { root, intermediates, leaf } = chain(1);
    return { leaf, intermediates, anchors: [root], options: { maxDepth: 1 }, expect: 'valid' };
  },
};

function rootLeaf(
  leafOpts: Parameters<TestPki['leaf']>[1],
  expected: Case['expect'],
  openssl: Case['openssl'] = false,
): Case {
  const root = pki.root();
  return { leaf: pki.leaf(root, leafOpts), anchors: [root], expect: expected, openssl };
}

describe('RFC 5280 classes, each from the RFC text', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kyso-rfc5280-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function opensslVerify(c: Case, time: Date): boolean {
    const f = (name: string, certs: Certificate[]) => {
      const p = join(dir, name);
      writeFileSync(p, certs.map((x) => x.toPem()).join(''));
      return p;
    };
    const args = ['verify', ...(c.openssl === 'lenient' ? [] : ['-x509_strict'])];
    args.push('-attime', String(Math.floor(time.getTime() / 1000)));
    args.push(
      '-CAfile',
      f(
        'anchors.pem',
        c.anchors.map((a) => a.certificate),
      ),
    );
    if (c.intermediates?.length)
      args.push(
        '-untrusted',
        f(
          'ints.pem',
          c.intermediates.map((a) => a.certificate),
        ),
      );
    args.push(f('leaf.pem', [c.leaf.certificate]));
    try {
      execFileSync('openssl', args, { stdio: 'pipe' });
      return true;
    } catch {
      return false;
    }
  }

  it('DER: a serial INTEGER with a leading zero octet (X.690 8.3.2) is refused when the certificate is read', () => {
    expect(() => rootLeaf({ serial: Uint8Array.of(0x00, 0x01) }, 'valid')).toThrow(/Not DER: INTEGER/);
  });

  it.each(Object.keys(CASES).map((k) => [k]))('%s', (name) => {
    const c = CASES[name]();
    const validationTime = c.options?.validationTime ?? pki.now;
    const r = validatePath({
      leaf: c.leaf.certificate,
      intermediates: (c.intermediates ?? []).map((x) => x.certificate),
      trustAnchors: c.anchors.map((a) => a.certificate),
      validationTime,
      purpose: 'any',
      ...c.options,
    });
    if (c.expect === 'valid')
      expect({ valid: r.valid, reasons: r.reasons.filter((x) => x.code !== 'REVOCATION_NOT_CHECKED') }).toEqual({
        valid: true,
        reasons: [],
      });
    else {
      expect(r.valid).toBe(false);
      expect(r.reasons).toEqual(
        expect.arrayContaining([expect.objectContaining(c.expect.check ? c.expect : { code: c.expect.code })]),
      );
    }
    if (c.openssl) expect({ openssl: opensslVerify(c, validationTime) }).toEqual({ openssl: c.expect === 'valid' });
  });
});

describe('trust anchors are used only for their purpose', () => {
  it('a timestamping anchor does not anchor a document signature; the same certificate as a plain anchor does', () => {
    const root = pki.root();
    const leaf = pki.leaf(root);
    const base = { leaf: leaf.certificate, validationTime: pki.now, purpose: 'documentSigning' as const };
    const tsaOnly = validatePath({
      ...base,
      trustAnchors: [{ certificate: root.certificate, purposes: ['timeStamping'] }],
    });
    expect(tsaOnly).toMatchObject({ valid: false, subIndication: 'CHAIN_CONSTRAINTS_FAILURE' });
    expect(tsaOnly.reasons.map((x) => x.code)).toContain('TRUST_ANCHOR_PURPOSE_MISMATCH');
    expect(
      validatePath({ ...base, trustAnchors: [{ certificate: root.certificate, purposes: ['documentSigning'] }] }).valid,
    ).toBe(true);
    expect(validatePath({ ...base, trustAnchors: [root.certificate] }).valid).toBe(true);
  });
});

describe('the policy as data', () => {
  const root = pki.root();
  const leaf = pki.leaf(root, { serial: Uint8Array.of(0xff, 0x01) });
  const base = {
    leaf: leaf.certificate,
    trustAnchors: [root.certificate],
    validationTime: pki.now,
    purpose: 'any' as const,
  };

  it('fails by default, warns or informs when the level says so, and drops an ignored check', () => {
    expect(validatePath(base).valid).toBe(false);
    for (const level of ['warn', 'inform'] as const) {
      const r = validatePath({ ...base, constraints: { serialNumber: level } });
      expect(r.valid).toBe(true);
      expect(r.reasons).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ code: 'CERTIFICATE_PROFILE_VIOLATION', check: 'serialNumber', level }),
        ]),
      );
    }
    const ignored = validatePath({ ...base, constraints: { serialNumber: 'ignore' } });
    expect(ignored.valid).toBe(true);
    expect(ignored.reasons.some((x) => x.check === 'serialNumber')).toBe(false);
  });
});

describe('dev CA profile faults', () => {
  it.each(Object.entries(PROFILE_FAULTS))('%s is refused as a %s violation', async (fault, check) => {
    const root = await DevCa.createRoot({ commonName: 'Profile Fault Root' });
    const leaf = await root.issue({
      subject: { CN: 'Nguyễn Văn A' },
      publicKeySpki: generateSoftwareKey().publicKeySpki,
      profile: 'person',
      faults: [fault as ProfileFault],
    });
    const r = validatePath({ leaf, trustAnchors: [root.certificate], validationTime: new Date() });
    expect(r.valid).toBe(false);
    expect(r.reasons).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'CERTIFICATE_PROFILE_VIOLATION', check })]),
    );
  });
});
