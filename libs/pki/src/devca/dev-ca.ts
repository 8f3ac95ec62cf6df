import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createHash, createPrivateKey, createPublicKey, KeyObject, randomBytes, webcrypto } from 'node:crypto';
import { CrlReason } from '../revocation/types';
import { RawSigner } from '../signer';
import { Certificate } from '../x509/certificate';
import { toPem } from '../asn1';
import { EKU, KeyUsage, subjectKeyIdentifier } from '../x509/extensions';
import { NAME_OIDS } from '../x509/name';
import { children, readTlv, tlvValue } from '../asn1';
import { buildCrl, CrlEntrySpec, IssueCrlOptions } from './crl';
import { applyCertificateFaults, IssueFault, planFaults } from './faults';
import { nameConstraintsExtension, NameConstraintsSpec } from './name-constraints';
import { buildOcspResponse, OcspResponseOptions } from './ocsp-responder';
import { generateSoftwareKey, SoftwareKey, softwareSigner } from './software-key';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
const crypto = webcrypto;
// The DOM Crypto type @peculiar/x509 names is not in this project's libs; Node's is the same object.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export type CaKeyAlgorithm = 'RSA-2048' | 'ECDSA-P256';
export type CertificateProfile = 'person' | 'organization' | 'device';

/** Subject attributes by short name; OU may repeat. */
export interface SubjectSpec {
  CN: string;
  O?: string;
  OU?: string[];
  L?: string;
  ST?: string;
  C?: string;
  E?: string;
  title?: string;
}

export interface CaOptions {
  commonName: string;
  organization?: string;
  country?: string; // default VN
  validityYears?: number; // default 20 for a root, 10 for a subordinate
  keyAlgorithm?: CaKeyAlgorithm; // default ECDSA-P256
  pathLength?: number;
  notBefore?: Date; // default: an hour ago (clock skew)
  crlUrls?: string[]; // for certificates this CA issues
  ocspUrl?: string;
  caIssuersUrl?: string;
  /** Name constraints on this CA (critical); e.g. for the brokenNameConstraints scenario. */
  nameConstraints?: NameConstraintsSpec;
}

export interface IssueOptions {
  subject: SubjectSpec;
  /** DER SubjectPublicKeyInfo, e.g. of a key generated inside a PKCS#11 token. */
  publicKeySpki: Uint8Array;
  profile: CertificateProfile;
  notBefore?: Date;
  notAfter?: Date; // default notBefore + 2 years, never after the CA's notAfter
  keyUsage?: KeyUsage[];
  extendedKeyUsage?: string[];
  serialNumber?: string; // hex
  /**
   * Extensions added as given: the hook for the later failure switches (unknown critical
   * extension, wrong usages...). An extension with the same OID replaces the profile's one.
   */
  extraExtensions?: x509.Extension[];
  /** Failure switches: each produces a certificate a validator must refuse (see faults.ts). */
  faults?: IssueFault[];
  /** Reference time for the expired/notYetValid faults (default now). */
  faultTime?: Date;
}

/** A revocation this CA has recorded: CRLs and OCSP responses it issues reflect it by default. */
export interface RevocationRecord {
  revocationDate: Date;
  reason?: CrlReason;
  invalidityDate?: Date;
}

const YEAR_MS = 365.25 * 24 * 3600 * 1000;
const KEY_USAGE_FLAG: Record<KeyUsage, x509.KeyUsageFlags> = {
  digitalSignature: x509.KeyUsageFlags.digitalSignature,
  nonRepudiation: x509.KeyUsageFlags.nonRepudiation,
  keyEncipherment: x509.KeyUsageFlags.keyEncipherment,
  dataEncipherment: x509.KeyUsageFlags.dataEncipherment,
  keyAgreement: x509.KeyUsageFlags.keyAgreement,
  keyCertSign: x509.KeyUsageFlags.keyCertSign,
  cRLSign: x509.KeyUsageFlags.cRLSign,
  encipherOnly: x509.KeyUsageFlags.encipherOnly,
  decipherOnly: x509.KeyUsageFlags.decipherOnly,
};

/** Person and organisation certificates sign documents (profile of the brief). */
const SIGNING_PROFILE = {
  keyUsage: ['digitalSignature', 'nonRepudiation'] as KeyUsage[],
  extendedKeyUsage: [EKU.emailProtection, EKU.documentSigningMs, EKU.documentSigning],
};
const PROFILES: Record<CertificateProfile, { keyUsage: KeyUsage[]; extendedKeyUsage: string[] }> = {
  person: SIGNING_PROFILE,
  organization: SIGNING_PROFILE,
  device: { keyUsage: ['digitalSignature'], extendedKeyUsage: ['1.3.6.1.5.5.7.3.2'] },
};

const WEB_ALGORITHMS: Record<
  CaKeyAlgorithm,
  {
    key: webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams;
    sign: webcrypto.Algorithm | webcrypto.EcdsaParams;
  }
> = {
  'RSA-2048': { key: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, sign: { name: 'RSASSA-PKCS1-v1_5' } },
  'ECDSA-P256': {
    key: { name: 'ECDSA', namedCurve: 'P-256' },
    sign: { name: 'ECDSA', hash: 'SHA-256' } as webcrypto.EcdsaParams,
  },
};

/**
 * A certification authority whose key lives in process memory (webcrypto): for tests and the
 * quickstart only. Persisted as PKCS#8 PEM + certificate PEM.
 */
export class DevCa {
  private readonly revoked = new Map<string, RevocationRecord>();
  private crlCounter = 0n;

  private constructor(
    readonly certificate: Certificate,
    private readonly privateKey: CryptoKey,
    readonly keyAlgorithm: CaKeyAlgorithm,
    private readonly urls: Pick<CaOptions, 'crlUrls' | 'ocspUrl' | 'caIssuersUrl'>,
  ) {}

  static async createRoot(opts: CaOptions): Promise<DevCa> {
    const keyAlgorithm = opts.keyAlgorithm ?? 'ECDSA-P256';
    const keys = await generateCaKey(keyAlgorithm);
    const notBefore = opts.notBefore ?? new Date(Date.now() - 3600_000);
    const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey));
    const ski = keyIdentifier(spki);
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: randomSerial(),
      subject: new x509.Name(caName(opts)),
      issuer: new x509.Name(caName(opts)),
      notBefore,
      notAfter: new Date(notBefore.getTime() + (opts.validityYears ?? 20) * YEAR_MS),
      publicKey: keys.publicKey,
      signingKey: keys.privateKey,
      signingAlgorithm: WEB_ALGORITHMS[keyAlgorithm].sign,
      extensions: caExtensions(ski, ski, opts.pathLength),
    });
    return new DevCa(Certificate.fromDer(new Uint8Array(cert.rawData)), keys.privateKey, keyAlgorithm, opts);
  }

  /** A CA certified by this one (e.g. the "government" CA under the dev root). */
  async createSubordinate(opts: CaOptions): Promise<DevCa> {
    const keyAlgorithm = opts.keyAlgorithm ?? 'ECDSA-P256';
    const keys = await generateCaKey(keyAlgorithm);
    const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey));
    const notBefore = opts.notBefore ?? new Date(Date.now() - 3600_000);
    const cert = await this.sign({
      subject: caName(opts),
      publicKey: keys.publicKey,
      notBefore,
      notAfter: this.capNotAfter(new Date(notBefore.getTime() + (opts.validityYears ?? 10) * YEAR_MS)),
      extensions: [
        ...caExtensions(keyIdentifier(spki), this.keyId, opts.pathLength),
        ...this.distributionExtensions(),
        ...(opts.nameConstraints ? [nameConstraintsExtension(opts.nameConstraints, encodeName)] : []),
      ],
    });
    return new DevCa(cert, keys.privateKey, keyAlgorithm, opts);
  }

  /** An end-entity certificate for a public key held elsewhere (a token, a software key). */
  async issue(input: IssueOptions): Promise<Certificate> {
    const opts = planFaults(input, this.keyId);
    const profile = PROFILES[opts.profile];
    const notBefore = opts.notBefore ?? new Date(Date.now() - 3600_000);
    const usages = (opts.keyUsage ?? profile.keyUsage).reduce((f, u) => f | KEY_USAGE_FLAG[u], 0);
    const base: x509.Extension[] = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(usages, true),
      new x509.ExtendedKeyUsageExtension(opts.extendedKeyUsage ?? profile.extendedKeyUsage, false),
      new x509.SubjectKeyIdentifierExtension(keyIdentifier(opts.publicKeySpki)),
      new x509.AuthorityKeyIdentifierExtension(this.keyId),
      ...this.distributionExtensions(),
    ];
    const extra = opts.extraExtensions ?? [];
    const cert = await this.sign({
      subject: subjectName(opts.subject),
      publicKey: opts.publicKeySpki,
      notBefore,
      notAfter: opts.notAfter ?? this.capNotAfter(new Date(notBefore.getTime() + 2 * YEAR_MS)),
      serialNumber: opts.serialNumber,
      extensions: [...base.filter((e) => !extra.some((x) => x.type === e.type)), ...extra],
    });
    return applyCertificateFaults(this, cert, input.faults ?? []);
  }

  /** The CA key as a RawSigner (software key: dev use only). */
  get signer(): RawSigner {
    return softwareSigner(
      KeyObject.from(this.privateKey),
      this.keyAlgorithm === 'RSA-2048' ? 'RSASSA-PKCS1-v1_5-SHA256' : 'ECDSA-P256-SHA256',
    );
  }

  /** Subject key identifier of this CA (hex), the authorityKeyIdentifier of what it issues. */
  get keyIdentifier(): string {
    return this.keyId;
  }

  /** Records a revocation; later CRLs and OCSP responses of this CA include it by default. */
  revoke(target: Certificate | string, record: RevocationRecord): void {
    const serial =
      typeof target === 'string' ? target.toUpperCase().replace(/^(00)+(?=.)/, '') : target.serialNumberHex;
    this.revoked.set(serial, record);
  }

  revocationOf(serialHex: string): RevocationRecord | undefined {
    return this.revoked.get(serialHex.toUpperCase());
  }

  get revocations(): CrlEntrySpec[] {
    return [...this.revoked].map(([serialNumber, r]) => ({
      serialNumber,
      revocationDate: r.revocationDate,
      reason: r.reason,
      invalidityDate: r.invalidityDate,
    }));
  }

  /** A signed v2 CRL (DER): the recorded revocations unless `revoked` is given. */
  async issueCrl(opts: IssueCrlOptions = {}): Promise<Uint8Array> {
    const crlNumber = opts.crlNumber ?? ++this.crlCounter;
    return buildCrl(this, {
      ...opts,
      revoked: opts.revoked ?? this.revocations,
      thisUpdate: opts.thisUpdate ?? new Date(),
      crlNumber,
    });
  }

  /** A signed OCSPResponse (DER) about certificates this CA issued. */
  async ocspResponse(opts: OcspResponseOptions): Promise<Uint8Array> {
    return buildOcspResponse(this, opts);
  }

  /**
   * A delegated OCSP responder (RFC 6960 4.2.2.2): EKU id-kp-OCSPSigning and, unless
   * `noCheck: false`, id-pkix-ocsp-nocheck. The key is in software, returned with the certificate.
   */
  async issueOcspResponderCertificate(
    opts: {
      commonName?: string;
      noCheck?: boolean;
      notBefore?: Date;
      notAfter?: Date;
      extendedKeyUsage?: string[];
    } = {},
  ): Promise<{ certificate: Certificate; key: SoftwareKey }> {
    const key = generateSoftwareKey(
      this.keyAlgorithm === 'RSA-2048' ? 'RSASSA-PKCS1-v1_5-SHA256' : 'ECDSA-P256-SHA256',
    );
    const noCheck =
      opts.noCheck === false ? [] : [new x509.Extension('1.3.6.1.5.5.7.48.1.5', false, new Uint8Array([0x05, 0x00]))];
    const certificate = await this.issue({
      subject: { CN: opts.commonName ?? `${this.certificate.subject.get('CN') ?? 'CA'} OCSP Responder`, C: 'VN' },
      publicKeySpki: key.publicKeySpki,
      profile: 'device',
      keyUsage: ['digitalSignature'],
      extendedKeyUsage: opts.extendedKeyUsage ?? ['1.3.6.1.5.5.7.3.9'],
      notBefore: opts.notBefore,
      notAfter: opts.notAfter,
      extraExtensions: noCheck,
    });
    return { certificate, key };
  }

  /**
   * A CA certificate for another CA's name and key, signed by this CA: a cross-certificate (or,
   * with `this === other`, a re-issued self-signed one). The other CA keeps its own key.
   */
  async crossCertify(
    other: DevCa,
    opts: { pathLength?: number; notBefore?: Date; notAfter?: Date } = {},
  ): Promise<Certificate> {
    const notBefore = opts.notBefore ?? new Date(Date.now() - 3600_000);
    return this.sign({
      subject: new x509.Name(other.certificate.subject.der),
      publicKey: other.certificate.publicKeySpki,
      notBefore,
      notAfter: opts.notAfter ?? this.capNotAfter(new Date(notBefore.getTime() + 5 * YEAR_MS)),
      extensions: [
        ...caExtensions(keyIdentifier(other.certificate.publicKeySpki), this.keyId, opts.pathLength),
        ...this.distributionExtensions(),
      ],
    });
  }

  /** PEM of the certificate and of the PKCS#8 private key (unencrypted: dev use only). */
  toPem(): { certificatePem: string; privateKeyPem: string } {
    const pkcs8 = KeyObject.from(this.privateKey).export({ type: 'pkcs8', format: 'der' });
    return { certificatePem: this.certificate.toPem(), privateKeyPem: toPem('PRIVATE KEY', new Uint8Array(pkcs8)) };
  }

  static async fromPem(
    certPem: string,
    keyPem: string,
    urls: Pick<CaOptions, 'crlUrls' | 'ocspUrl' | 'caIssuersUrl'> = {},
  ): Promise<DevCa> {
    const certificate = Certificate.parse(certPem);
    const keyObject = createPrivateKey(keyPem);
    const keyAlgorithm: CaKeyAlgorithm = keyObject.asymmetricKeyType === 'rsa' ? 'RSA-2048' : 'ECDSA-P256';
    const pkcs8 = keyObject.export({ type: 'pkcs8', format: 'der' });
    const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8, WEB_ALGORITHMS[keyAlgorithm].key, true, ['sign']);
    const spkiOfKey = keyIdentifier(new Uint8Array(createPublicKey(keyObject).export({ type: 'spki', format: 'der' })));
    if (spkiOfKey !== keyIdentifier(certificate.publicKeySpki))
      throw new Error('The private key does not match the CA certificate');
    return new DevCa(certificate, privateKey, keyAlgorithm, urls);
  }

  private get keyId(): string {
    return subjectKeyIdentifier(this.certificate) ?? keyIdentifier(this.certificate.publicKeySpki);
  }

  private capNotAfter(d: Date): Date {
    return d.getTime() > this.certificate.notAfter.getTime() ? this.certificate.notAfter : d;
  }

  private distributionExtensions(): x509.Extension[] {
    const out: x509.Extension[] = [];
    if (this.urls.crlUrls?.length) out.push(new x509.CRLDistributionPointsExtension(this.urls.crlUrls));
    if (this.urls.ocspUrl || this.urls.caIssuersUrl) {
      const aia: x509.AuthorityInfoAccessParams = {};
      if (this.urls.ocspUrl) aia.ocsp = [new x509.GeneralName('url', this.urls.ocspUrl)];
      if (this.urls.caIssuersUrl) aia.caIssuers = [new x509.GeneralName('url', this.urls.caIssuersUrl)];
      out.push(new x509.AuthorityInfoAccessExtension(aia));
    }
    return out;
  }

  private async sign(p: {
    subject: x509.JsonNameParams | x509.Name;
    publicKey: CryptoKey | Uint8Array;
    notBefore: Date;
    notAfter: Date;
    serialNumber?: string;
    extensions: x509.Extension[];
  }): Promise<Certificate> {
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: p.serialNumber ?? randomSerial(),
      subject: p.subject instanceof x509.Name ? p.subject : new x509.Name(p.subject),
      // The issuer is this CA's subject as encoded, so that name chaining compares equal bytes.
      issuer: new x509.Name(this.certificate.subject.der),
      notBefore: p.notBefore,
      notAfter: p.notAfter,
      publicKey: p.publicKey,
      signingKey: this.privateKey,
      signingAlgorithm: WEB_ALGORITHMS[this.keyAlgorithm].sign,
      extensions: p.extensions,
    });
    return Certificate.fromDer(new Uint8Array(cert.rawData));
  }
}

async function generateCaKey(alg: CaKeyAlgorithm): Promise<CryptoKeyPair> {
  const params =
    alg === 'RSA-2048'
      ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }
      : { name: 'ECDSA', namedCurve: 'P-256' };
  return (await crypto.subtle.generateKey(params, true, ['sign', 'verify'])) as CryptoKeyPair;
}

function caExtensions(ski: string, aki: string, pathLength?: number): x509.Extension[] {
  return [
    new x509.BasicConstraintsExtension(true, pathLength, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    new x509.SubjectKeyIdentifierExtension(ski),
    new x509.AuthorityKeyIdentifierExtension(aki),
  ];
}

/** RFC 5280 4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING value. */
export function keyIdentifier(spki: Uint8Array): string {
  const [, bits] = children(spki, readTlv(spki));
  return createHash('sha1').update(tlvValue(spki, bits).subarray(1)).digest('hex').toUpperCase();
}

/** A positive 127-bit random serial (RFC 5280 4.1.2.2: at most 20 octets, positive). */
function randomSerial(): string {
  const b = randomBytes(16);
  b[0] = (b[0] & 0x7f) | 0x40;
  return b.toString('hex');
}

/** DER of a Name built from a SubjectSpec, as this CA encodes subjects. */
export function encodeName(spec: Partial<SubjectSpec>): Uint8Array {
  return new Uint8Array(new x509.Name(subjectName(spec as SubjectSpec)).toArrayBuffer());
}

function caName(opts: CaOptions): x509.JsonNameParams {
  return subjectName({ CN: opts.commonName, O: opts.organization, C: opts.country ?? 'VN' });
}

/** Name in the usual order; C as PrintableString, E as IA5String, the rest UTF8String (Vietnamese). */
function subjectName(s: SubjectSpec): x509.JsonNameParams {
  const out: x509.JsonNameParams = [];
  const utf8 = (oid: string, v: string | undefined) => v !== undefined && out.push({ [oid]: [{ utf8String: v }] });
  if (s.C) out.push({ [NAME_OIDS.C]: [{ printableString: s.C }] });
  utf8(NAME_OIDS.ST, s.ST);
  utf8(NAME_OIDS.L, s.L);
  utf8(NAME_OIDS.O, s.O);
  for (const ou of s.OU ?? []) utf8(NAME_OIDS.OU, ou);
  utf8(NAME_OIDS.title, s.title);
  utf8(NAME_OIDS.CN, s.CN);
  if (s.E) out.push({ [NAME_OIDS.E]: [{ ia5String: s.E }] });
  return out;
}
