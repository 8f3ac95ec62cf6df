import * as asn1js from 'asn1js';
import { createHash } from 'node:crypto';
import * as pkijs from 'pkijs';
import '../engine';
import { PkiFormatError } from '../errors';
import { derObjects, hex, MAX_DER_BYTES, toArrayBuffer, toPem } from './der';
import { DistinguishedName } from './name';

/**
 * An X.509 certificate that keeps its original DER: fingerprints and signatures are computed over
 * the bytes as received, never over a re-encoding.
 */
export class Certificate {
  readonly subject: DistinguishedName;
  readonly issuer: DistinguishedName;
  readonly serialNumberHex: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly sha256Hex: string;

  private constructor(
    readonly der: Uint8Array,
    readonly pkijs: pkijs.Certificate,
  ) {
    this.subject = DistinguishedName.fromPkijs(pkijs.subject);
    this.issuer = DistinguishedName.fromPkijs(pkijs.issuer);
    this.serialNumberHex = hex(pkijs.serialNumber.valueBlock.valueHexView).replace(/^(00)+(?=.)/, '');
    this.notBefore = pkijs.notBefore.value;
    this.notAfter = pkijs.notAfter.value;
    this.sha256Hex = createHash('sha256').update(der).digest('hex').toUpperCase();
  }

  static fromDer(der: Uint8Array): Certificate {
    if (der.length > MAX_DER_BYTES) throw new PkiFormatError('CERTIFICATE_TOO_LARGE', 'Certificate exceeds the size limit');
    let asn: ReturnType<typeof asn1js.fromBER>;
    try {
      asn = asn1js.fromBER(toArrayBuffer(der));
    } catch (e) {
      // asn1js can throw RangeError on some truncated lengths (found by the fuzz tests)
      throw new PkiFormatError('MALFORMED_CERTIFICATE', `Not DER: ${(e as Error).message}`);
    }
    if (asn.offset === -1) throw new PkiFormatError('MALFORMED_CERTIFICATE', `Not DER: ${asn.result.error}`);
    try {
      return new Certificate(new Uint8Array(der.subarray(0, asn.offset)), new pkijs.Certificate({ schema: asn.result }));
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
    if (all.length !== 1) throw new PkiFormatError('EXPECTED_ONE_CERTIFICATE', `Expected one certificate, found ${all.length}`);
    return all[0];
  }

  /**
   * The serial's INTEGER content octets as encoded (two's complement, upper-case hex). Unlike
   * serialNumberHex this keeps a leading 00, so 255 (00FF) and -1 (FF) stay apart, as CRL
   * matching needs (PKITS 4.4.14).
   */
  get serialNumberRawHex(): string {
    return hex(this.pkijs.serialNumber.valueBlock.valueHexView);
  }

  toPem(): string {
    return toPem('CERTIFICATE', this.der);
  }

  /** DER SubjectPublicKeyInfo. */
  get publicKeySpki(): Uint8Array {
    return new Uint8Array(this.pkijs.subjectPublicKeyInfo.toSchema().toBER(false));
  }

  extension(oid: string): pkijs.Extension | undefined {
    return this.pkijs.extensions?.find((e) => e.extnID === oid);
  }

  get isSelfIssued(): boolean {
    return this.subject.equals(this.issuer);
  }

  /** Valid at `time` per its own validity period (inclusive bounds, RFC 5280 4.1.2.5). */
  isWithinValidity(time: Date): boolean {
    return time.getTime() >= this.notBefore.getTime() && time.getTime() <= this.notAfter.getTime();
  }
}
