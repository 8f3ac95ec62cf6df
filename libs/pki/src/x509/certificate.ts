import * as asn1js from 'asn1js';
import { createHash } from 'node:crypto';
import * as pkijs from 'pkijs';
import '../engine';
import { PkiFormatError } from '../errors';
import { assertDer, derObjects, hex, readTlv, toArrayBuffer, toPem } from '../asn1';
import { MAX_DER_BYTES } from '../budgets';
import { BoundedCache } from './bounded-cache';
import { RawCertificate, RawExtension, readCertificateFast } from './fast-der';
import { DistinguishedName } from './name';

/** Budget: certificates kept parsed by the SHA-256 of their DER. */
export const CERTIFICATE_INTERN_ENTRIES = 1024;

/**
 * One object per certificate DER: a signer's certificates arrive again inside every document it
 * signs (each CMS carries them), and what is remembered per object (parts, extensions, signature
 * facts) then serves them all. A Certificate is never changed after parsing, only its lazy caches.
 */
export const INTERNED = new BoundedCache<string, Certificate>(CERTIFICATE_INTERN_ENTRIES);

/** The DER element at the start, as its length and SHA-256 (upper-case hex, as `sha256Hex`). */
interface ElementDigest {
  length: number;
  sha256Hex: string;
}

/** The digest of the DER element at the start; undefined when unreadable. */
function internKey(der: Uint8Array): ElementDigest | undefined {
  try {
    const length = readTlv(der).end;
    return { length, sha256Hex: sha256Hex(der.subarray(0, length)) };
  } catch {
    return undefined;
  }
}

const sha256Hex = (der: Uint8Array) => createHash('sha256').update(der).digest('hex').toUpperCase();

/**
 * An X.509 certificate that keeps its original DER: fingerprints and signatures are computed over
 * the bytes as received, never over a re-encoding.
 *
 * Parsing walks the DER directly (x509/fast-der.ts); the pkijs object is built only when asked
 * for (`pkijs`, `extension()`), or up front for unusual encodings the direct walk leaves to it.
 * Derived values (SPKI, extensions by OID) are computed once per instance.
 */
export class Certificate {
  readonly subject: DistinguishedName;
  readonly issuer: DistinguishedName;
  readonly serialNumberHex: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly sha256Hex: string;
  private pkijsCert?: pkijs.Certificate;
  private readonly serialRaw: Uint8Array;
  private spki?: Uint8Array;
  private spkiSlice?: Uint8Array;
  private rawExtensions?: RawExtension[];
  private extensionIndex?: Map<string, RawExtension>;
  private selfIssued?: boolean;

  private constructor(
    readonly der: Uint8Array,
    parsed: pkijs.Certificate | RawCertificate,
    /** The digest fromDer already took of the element `der` was cut from (not hashed again when it is all of it). */
    element?: ElementDigest,
  ) {
    if (parsed instanceof pkijs.Certificate) {
      this.pkijsCert = parsed;
      this.subject = DistinguishedName.fromPkijs(parsed.subject);
      this.issuer = DistinguishedName.fromPkijs(parsed.issuer);
      this.serialRaw = parsed.serialNumber.valueBlock.valueHexView;
      this.notBefore = parsed.notBefore.value;
      this.notAfter = parsed.notAfter.value;
    } else {
      const raw = parsed;
      this.subject = DistinguishedName.fromRaw(raw.subject, raw.subjectDer);
      this.issuer = DistinguishedName.fromRaw(raw.issuer, raw.issuerDer);
      this.serialRaw = raw.serial;
      this.notBefore = raw.notBefore;
      this.notAfter = raw.notAfter;
      this.spkiSlice = raw.spki;
      this.rawExtensions = raw.extensions;
    }
    this.serialNumberHex = hex(this.serialRaw).replace(/^(00)+(?=.)/, '');
    this.sha256Hex = element?.length === der.length ? element.sha256Hex : sha256Hex(der);
  }

  static fromDer(der: Uint8Array): Certificate {
    if (der.length > MAX_DER_BYTES)
      throw new PkiFormatError('CERTIFICATE_TOO_LARGE', 'Certificate exceeds the size limit');
    const element = internKey(der);
    const known = element === undefined ? undefined : INTERNED.get(element.sha256Hex);
    if (known) return known;
    const cert = Certificate.parseDer(der, element);
    if (element !== undefined && cert.sha256Hex === element.sha256Hex) INTERNED.set(element.sha256Hex, cert);
    return cert;
  }

  /** Parses the element at the start of `der` (each path keeps a copy of it from offset 0). */
  private static parseDer(der: Uint8Array, element?: ElementDigest): Certificate {
    const fast = readCertificateFast(der);
    if (fast) return new Certificate(fast.der, fast, element);
    // RFC 5280 4.1: certificates are DER. pkijs would read BER too (and re-encode), so refuse first.
    try {
      assertDer(der.subarray(0, readTlv(der).end));
    } catch (e) {
      throw new PkiFormatError('MALFORMED_CERTIFICATE', `Not DER: ${(e as Error).message}`);
    }
    let asn: ReturnType<typeof asn1js.fromBER>;
    try {
      asn = asn1js.fromBER(toArrayBuffer(der));
    } catch (e) {
      // asn1js can throw RangeError on some truncated lengths (found by the fuzz tests)
      throw new PkiFormatError('MALFORMED_CERTIFICATE', `Not DER: ${(e as Error).message}`);
    }
    if (asn.offset === -1) throw new PkiFormatError('MALFORMED_CERTIFICATE', `Not DER: ${asn.result.error}`);
    try {
      return new Certificate(
        new Uint8Array(der.subarray(0, asn.offset)),
        new pkijs.Certificate({ schema: asn.result }),
        element,
      );
    } catch (e) {
      throw new PkiFormatError('MALFORMED_CERTIFICATE', `Not an X.509 certificate: ${(e as Error).message}`);
    }
  }

  /** One or more certificates from PEM text or DER bytes. */
  static parseAll(input: Uint8Array | string): Certificate[] {
    return derObjects(input, ['CERTIFICATE', 'TRUSTED CERTIFICATE']).map((d) => Certificate.fromDer(d));
  }

  static parse(input: Uint8Array | string): Certificate {
    const all = Certificate.parseAll(input);
    if (all.length !== 1)
      throw new PkiFormatError('EXPECTED_ONE_CERTIFICATE', `Expected one certificate, found ${all.length}`);
    return all[0];
  }

  /** The pkijs view, built on first use (most validations never need it). */
  get pkijs(): pkijs.Certificate {
    if (!this.pkijsCert) {
      const asn = asn1js.fromBER(toArrayBuffer(this.der));
      if (asn.offset === -1) throw new PkiFormatError('MALFORMED_CERTIFICATE', `Not DER: ${asn.result.error}`);
      this.pkijsCert = new pkijs.Certificate({ schema: asn.result });
    }
    return this.pkijsCert;
  }

  /**
   * The serial's INTEGER content octets as encoded (two's complement, upper-case hex). Unlike
   * serialNumberHex this keeps a leading 00, so 255 (00FF) and -1 (FF) stay apart, as CRL
   * matching needs (PKITS 4.4.14).
   */
  get serialNumberRawHex(): string {
    return hex(this.serialRaw);
  }

  toPem(): string {
    return toPem('CERTIFICATE', this.der);
  }

  /** DER SubjectPublicKeyInfo (one stable copy per certificate: do not modify it). */
  get publicKeySpki(): Uint8Array {
    if (!this.spki) {
      this.spki = this.spkiSlice
        ? new Uint8Array(this.spkiSlice)
        : new Uint8Array(this.pkijs.subjectPublicKeyInfo.toSchema().toBER(false));
    }
    return this.spki;
  }

  extension(oid: string): pkijs.Extension | undefined {
    return this.pkijs.extensions?.find((e) => e.extnID === oid);
  }

  /** Extensions as encoded (OID, critical, extnValue contents), in certificate order. */
  get extensionList(): readonly RawExtension[] {
    if (!this.rawExtensions) {
      this.rawExtensions = (this.pkijs.extensions ?? []).map((e) => ({
        oid: e.extnID,
        critical: e.critical,
        value: e.extnValue.valueBlock.valueHexView,
      }));
    }
    return this.rawExtensions;
  }

  /** The first extension with this OID, without pkijs (what the validation checks read). */
  rawExtension(oid: string): RawExtension | undefined {
    if (!this.extensionIndex) {
      this.extensionIndex = new Map();
      for (const e of this.extensionList) if (!this.extensionIndex.has(e.oid)) this.extensionIndex.set(e.oid, e);
    }
    return this.extensionIndex.get(oid);
  }

  /** Subject and issuer are fixed at parse: compared once (every path check asks). */
  get isSelfIssued(): boolean {
    return (this.selfIssued ??= this.subject.equals(this.issuer));
  }

  /** Valid at `time` per its own validity period (inclusive bounds, RFC 5280 4.1.2.5). */
  isWithinValidity(time: Date): boolean {
    return time.getTime() >= this.notBefore.getTime() && time.getTime() <= this.notAfter.getTime();
  }
}
