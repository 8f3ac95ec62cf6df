import { createHash } from 'node:crypto';
import { PkiFormatError } from '../../errors';
import { GeneralName, readGeneralNames } from '../../x509/general-names';
import { DistinguishedName } from '../../x509/name';
import { readDistributionPointName, readReasonFlags } from '../../x509/policy-extensions';
import {
  AlgorithmId,
  assertDer,
  children,
  derObjects,
  readAlgorithmId,
  readExtensions as readExtensionList,
  readTime as readTimeField,
  readTlv,
  TAG,
  Tlv,
  tlvBytes,
  tlvValue,
} from '../../asn1';
import { CrlReason } from '../types';
import { MAX_CRL_ENTRIES, MAX_CRL_BYTES } from '../../budgets';

/** CRL and CRL entry extension OIDs (RFC 5280 5.2, 5.3). */
export const CRL_EXT = {
  authorityKeyIdentifier: '2.5.29.35',
  issuerAltName: '2.5.29.18',
  crlNumber: '2.5.29.20',
  deltaCrlIndicator: '2.5.29.27',
  issuingDistributionPoint: '2.5.29.28',
  freshestCrl: '2.5.29.46',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  expiredCertsOnCrl: '2.5.29.60',
  // entry extensions
  reasonCode: '2.5.29.21',
  invalidityDate: '2.5.29.24',
  certificateIssuer: '2.5.29.29',
} as const;

/** Extensions this implementation understands: a critical one outside these makes the CRL unusable (5.2, 5.3). */
const KNOWN_CRL_EXTENSIONS: ReadonlySet<string> = new Set([
  CRL_EXT.authorityKeyIdentifier,
  CRL_EXT.issuerAltName,
  CRL_EXT.crlNumber,
  CRL_EXT.deltaCrlIndicator,
  CRL_EXT.issuingDistributionPoint,
  CRL_EXT.freshestCrl,
  CRL_EXT.authorityInfoAccess,
  CRL_EXT.expiredCertsOnCrl,
]);
const KNOWN_ENTRY_EXTENSIONS: ReadonlySet<string> = new Set([
  CRL_EXT.reasonCode,
  CRL_EXT.invalidityDate,
  CRL_EXT.certificateIssuer,
]);

const REASON_CODES: (CrlReason | undefined)[] = [
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  undefined, // 7 is not used
  'removeFromCRL',
  'privilegeWithdrawn',
  'aACompromise',
];

export interface CrlEntry {
  /** Serial as Certificate.serialNumberRawHex: the INTEGER content octets, upper-case hex. */
  serialHex: string;
  revocationDate: Date;
  reason?: CrlReason;
  invalidityDate?: Date;
  /** Indirect CRLs (5.3.3): the issuer of the revoked certificate; undefined = the CRL issuer. */
  certificateIssuer?: GeneralName[];
}

export interface IssuingDistributionPoint {
  names?: GeneralName[];
  onlyContainsUserCerts: boolean;
  onlyContainsCACerts: boolean;
  onlySomeReasons?: number;
  indirectCRL: boolean;
  onlyContainsAttributeCerts: boolean;
  /** DER of the extension value: two CRLs have the same scope when these are equal. */
  der: Uint8Array;
}

const bad = (what: string) => new PkiFormatError('MALFORMED_CRL', `Malformed CRL: ${what}`);

function readInteger(bytes: Uint8Array, t: Tlv): bigint {
  if (t.tag !== TAG.INTEGER) throw bad('expected INTEGER');
  const v = tlvValue(bytes, t);
  if (v.length === 0 || v.length > 32) throw bad('integer size');
  return BigInt(`0x${Buffer.from(v).toString('hex')}`);
}

const serialHex = (v: Uint8Array) => Buffer.from(v).toString('hex').toUpperCase();

const readTime = (bytes: Uint8Array, t: Tlv): Date => readTimeField(bytes, t, 'MALFORMED_CRL');
const readExtensions = (bytes: Uint8Array, t: Tlv) => readExtensionList(bytes, t, 'MALFORMED_CRL');

/** Crl.parseAll's results by bytes object: nothing outlives the bytes. */
const PARSED = new WeakMap<Uint8Array, Crl[]>();

/**
 * A parsed X.509 CRL (RFC 5280 5) that keeps its original DER; the signature is checked over the
 * tbsCertList bytes as received. Parsing throws PkiFormatError (MALFORMED_CRL, CRL_TOO_LARGE).
 */
export class Crl {
  readonly issuer: DistinguishedName;
  readonly issuerDer: Uint8Array;
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
  readonly entries: CrlEntry[];
  readonly crlNumber?: bigint;
  /** The CRL number extension is marked critical (5.2.3: MUST be non-critical). */
  readonly crlNumberCritical: boolean = false;
  /** Present on delta CRLs: the number of the base CRL (5.2.4). */
  readonly baseCrlNumber?: bigint;
  readonly issuingDistributionPoint?: IssuingDistributionPoint;
  readonly authorityKeyIdentifier?: string;
  readonly expiredCertsOnCrl?: Date;
  /** Unknown critical CRL or entry extensions: such a CRL cannot be used (5.2, 5.3). */
  readonly unknownCriticalExtensions: string[];
  readonly tbs: Uint8Array;
  readonly signatureAlgorithm: AlgorithmId;
  readonly signatureValue: Uint8Array;
  readonly sha256Hex: string;
  private readonly bySerial = new Map<string, CrlEntry[]>();

  private constructor(readonly der: Uint8Array) {
    const top = readTlv(der);
    if (top.tag !== TAG.SEQUENCE) throw bad('not a SEQUENCE');
    const [tbsT, algT, sigT] = children(der, top);
    if (!tbsT || tbsT.tag !== TAG.SEQUENCE || !algT || sigT?.tag !== TAG.BIT_STRING)
      throw bad('CertificateList structure');
    this.tbs = tlvBytes(der, tbsT);
    this.signatureAlgorithm = readAlgorithmId(der, algT);
    this.signatureValue = tlvValue(der, sigT).subarray(1);
    const items = children(der, tbsT);
    let k = 0;
    if (items[k]?.tag === TAG.INTEGER) {
      // 5.1.2.1: when present, the version is v2 (INTEGER 1); nothing else is defined for a CRL.
      const version = tlvValue(der, items[k++]);
      if (version.length !== 1 || version[0] !== 1) throw bad('version (5.1.2.1: only v2, INTEGER 1)');
    }
    const innerAlg = readAlgorithmId(der, items[k++]);
    if (innerAlg.oid !== this.signatureAlgorithm.oid) throw bad('signature algorithms differ (5.1.1.2)');
    const issuerT = items[k++];
    if (issuerT?.tag !== TAG.SEQUENCE) throw bad('issuer');
    this.issuerDer = tlvBytes(der, issuerT);
    this.issuer = DistinguishedName.fromDer(this.issuerDer);
    const thisUpdateT = items[k++];
    if (!thisUpdateT) throw bad('thisUpdate');
    this.thisUpdate = readTime(der, thisUpdateT);
    if (items[k] && (items[k].tag === TAG.UTC_TIME || items[k].tag === TAG.GENERALIZED_TIME))
      this.nextUpdate = readTime(der, items[k++]);
    const unknown: string[] = [];
    this.entries = [];
    if (items[k]?.tag === TAG.SEQUENCE) {
      let previousIssuer: GeneralName[] | undefined;
      for (const e of children(der, items[k++])) {
        if (this.entries.length >= MAX_CRL_ENTRIES)
          throw new PkiFormatError('CRL_TOO_LARGE', `CRL has more than ${MAX_CRL_ENTRIES} entries`);
        const [serialT, dateT, extT] = children(der, e);
        if (serialT?.tag !== TAG.INTEGER || !dateT) throw bad('revoked certificate entry');
        const entry: CrlEntry = {
          serialHex: serialHex(tlvValue(der, serialT)),
          revocationDate: readTime(der, dateT),
          certificateIssuer: previousIssuer,
        };
        for (const x of extT ? readExtensions(der, extT) : []) {
          if (x.oid === CRL_EXT.reasonCode) {
            const code = tlvValue(x.value, readTlv(x.value))[0];
            entry.reason = REASON_CODES[code];
            if (!entry.reason) throw bad(`reason code ${code}`);
          } else if (x.oid === CRL_EXT.invalidityDate) entry.invalidityDate = readTime(x.value, readTlv(x.value));
          else if (x.oid === CRL_EXT.certificateIssuer)
            entry.certificateIssuer = previousIssuer = readGeneralNames(x.value, readTlv(x.value));
          else if (x.critical && !KNOWN_ENTRY_EXTENSIONS.has(x.oid)) unknown.push(x.oid);
        }
        this.entries.push(entry);
        const list = this.bySerial.get(entry.serialHex) ?? [];
        list.push(entry);
        this.bySerial.set(entry.serialHex, list);
      }
    }
    const extWrapper = items[k];
    if (extWrapper && extWrapper.tag === TAG.context(0)) {
      for (const x of readExtensions(der, readTlv(der, extWrapper.valueStart, extWrapper.end))) {
        const v = x.value;
        if (x.oid === CRL_EXT.crlNumber) {
          this.crlNumber = readInteger(v, readTlv(v));
          this.crlNumberCritical = x.critical;
        } else if (x.oid === CRL_EXT.deltaCrlIndicator) this.baseCrlNumber = readInteger(v, readTlv(v));
        else if (x.oid === CRL_EXT.issuingDistributionPoint) this.issuingDistributionPoint = readIdp(v, this.issuerDer);
        else if (x.oid === CRL_EXT.authorityKeyIdentifier) {
          const keyId = children(v, readTlv(v)).find((c) => c.tag === 0x80);
          if (keyId) this.authorityKeyIdentifier = Buffer.from(tlvValue(v, keyId)).toString('hex').toUpperCase();
        } else if (x.oid === CRL_EXT.expiredCertsOnCrl) this.expiredCertsOnCrl = readTime(v, readTlv(v));
        else if (x.critical && !KNOWN_CRL_EXTENSIONS.has(x.oid)) unknown.push(x.oid);
      }
    } else if (extWrapper) throw bad('unexpected element after revokedCertificates');
    this.unknownCriticalExtensions = unknown;
    this.sha256Hex = createHash('sha256').update(der).digest('hex').toUpperCase();
  }

  static fromDer(der: Uint8Array): Crl {
    if (der.length > MAX_CRL_BYTES) throw new PkiFormatError('CRL_TOO_LARGE', 'CRL exceeds the size limit');
    try {
      const top = readTlv(der);
      const own = new Uint8Array(der.subarray(0, top.end));
      assertDer(own); // RFC 5280 5.1: a CRL is DER, its signature is over the bytes as received
      return new Crl(own);
    } catch (e) {
      if (e instanceof PkiFormatError && (e.code === 'CRL_TOO_LARGE' || e.code === 'MALFORMED_CRL')) throw e;
      throw new PkiFormatError('MALFORMED_CRL', `Malformed CRL: ${(e as Error).message}`);
    }
  }

  /**
   * The CRLs of DER or PEM (X509 CRL). The result is kept per bytes object (as parseSignedData's): a caller
   * holding a downloaded CRL in memory hands the same bytes to every validation, which then parse
   * it once. Parsing is a function of the bytes; a Crl is never changed after parsing.
   */
  static parseAll(input: Uint8Array | string): Crl[] {
    const parse = () => derObjects(input, ['X509 CRL']).map((d) => Crl.fromDer(d));
    if (typeof input === 'string') return parse();
    let parsed = PARSED.get(input);
    if (!parsed) {
      parsed = parse();
      PARSED.set(input, parsed);
    }
    return [...parsed];
  }

  static parse(input: Uint8Array | string): Crl {
    const all = Crl.parseAll(input);
    if (all.length !== 1) throw new PkiFormatError('EXPECTED_ONE_CRL', `Expected one CRL, found ${all.length}`);
    return all[0];
  }

  get isDelta(): boolean {
    return this.baseCrlNumber !== undefined;
  }

  /** Entries for a serial (raw hex, see CrlEntry); an indirect CRL may list a serial for several issuers. */
  entriesFor(serialHex: string): CrlEntry[] {
    return this.bySerial.get(serialHex) ?? [];
  }
}

/** issuingDistributionPoint (5.2.5). */
function readIdp(v: Uint8Array, issuerDer: Uint8Array): IssuingDistributionPoint {
  const out: IssuingDistributionPoint = {
    onlyContainsUserCerts: false,
    onlyContainsCACerts: false,
    indirectCRL: false,
    onlyContainsAttributeCerts: false,
    der: new Uint8Array(v),
  };
  const flag = (t: Tlv) => tlvValue(v, t)[0] !== 0;
  for (const c of children(v, readTlv(v))) {
    if (c.tag === 0xa0) out.names = readDistributionPointName(v, c, issuerDer);
    else if (c.tag === 0x81) out.onlyContainsUserCerts = flag(c);
    else if (c.tag === 0x82) out.onlyContainsCACerts = flag(c);
    else if (c.tag === 0x83) out.onlySomeReasons = readReasonFlags(v, c);
    else if (c.tag === 0x84) out.indirectCRL = flag(c);
    else if (c.tag === 0x85) out.onlyContainsAttributeCerts = flag(c);
    else throw bad('issuingDistributionPoint');
  }
  return out;
}
