import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { PkiFormatError } from '../errors';
import { RawNameAttribute, readNameFast } from './fast-der';

const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.42': 'GN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.97': 'organizationIdentifier',
  '1.2.840.113549.1.9.1': 'E',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
};

export const NAME_OIDS = Object.fromEntries(Object.entries(SHORT_NAMES).map(([oid, n]) => [n, oid])) as Record<
  string,
  string
>;

export interface NameAttribute {
  type: string; // OID
  shortName: string; // CN, O, ... or the OID when unknown
  value: string;
}

/** A distinguished name: attributes in encoded order (most significant first). */
export class DistinguishedName {
  /** Values as compared (7.1, simplified), computed on first comparison. */
  private normalised?: string[];

  constructor(
    readonly attributes: NameAttribute[],
    readonly der: Uint8Array,
  ) {}

  /** From attributes read by the fast DER walk (same values asn1js gives). */
  static fromRaw(raw: RawNameAttribute[], der: Uint8Array): DistinguishedName {
    return new DistinguishedName(
      raw.map((a) => ({ type: a.type, shortName: SHORT_NAMES[a.type] ?? a.type, value: a.value })),
      der,
    );
  }

  static fromPkijs(name: pkijs.RelativeDistinguishedNames): DistinguishedName {
    const attributes = name.typesAndValues.map((tv) => ({
      type: tv.type,
      shortName: SHORT_NAMES[tv.type] ?? tv.type,
      value: String((tv.value as { valueBlock?: { value?: unknown } }).valueBlock?.value ?? ''),
    }));
    return new DistinguishedName(attributes, new Uint8Array(name.toSchema().toBER(false)));
  }

  /** A Name from its DER (e.g. a directoryName inside a GeneralName, a CRL issuer). */
  static fromDer(der: Uint8Array): DistinguishedName {
    const raw = readNameFast(der);
    if (raw) return DistinguishedName.fromRaw(raw, new Uint8Array(der));
    try {
      const asn = asn1js.fromBER(new Uint8Array(der));
      if (asn.offset === -1) throw new Error(`Not DER: ${asn.result.error}`);
      return DistinguishedName.fromPkijs(new pkijs.RelativeDistinguishedNames({ schema: asn.result }));
    } catch (e) {
      throw new PkiFormatError('MALFORMED_NAME', `Not a Name: ${(e as Error).message}`);
    }
  }

  /** First value of an attribute by short name (CN, O, E...). */
  get(shortName: string): string | undefined {
    return this.attributes.find((a) => a.shortName === shortName)?.value;
  }

  getAll(shortName: string): string[] {
    return this.attributes.filter((a) => a.shortName === shortName).map((a) => a.value);
  }

  /** RFC 4514 order (least significant first), UTF-8 kept as is for display. */
  toString(): string {
    return [...this.attributes]
      .reverse()
      .map((a) => `${a.shortName}=${a.value.replace(/([,+"\\<>;])/g, '\\$1')}`)
      .join(', ');
  }

  /** Name equality as RFC 5280 7.1 asks, simplified: case-insensitive, whitespace-folded values. */
  equals(other: DistinguishedName): boolean {
    if (this === other) return true;
    if (this.attributes.length !== other.attributes.length) return false;
    // the same encoding decodes to the same attributes: equal without normalising
    if (
      this.der.length === other.der.length &&
      Buffer.from(this.der.buffer, this.der.byteOffset, this.der.length).equals(other.der)
    )
      return true;
    return this.startsWith(other);
  }

  /**
   * Whether `base` is a prefix of this name (same comparison as equals): the directoryName
   * subtree test of RFC 5280 4.2.1.10. The empty name is a prefix of every name.
   */
  startsWith(base: DistinguishedName): boolean {
    if (base.attributes.length > this.attributes.length) return false;
    const mine = this.norms();
    const theirs = base.norms();
    return base.attributes.every((a, i) => a.type === this.attributes[i].type && theirs[i] === mine[i]);
  }

  private norms(): string[] {
    return (this.normalised ??= this.attributes.map((a) => a.value.trim().replace(/\s+/g, ' ').toLowerCase()));
  }

  get isEmpty(): boolean {
    return this.attributes.length === 0;
  }
}
