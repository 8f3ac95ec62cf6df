import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { PkiFormatError } from '../errors';

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

export const NAME_OIDS = Object.fromEntries(Object.entries(SHORT_NAMES).map(([oid, n]) => [n, oid])) as Record<string, string>;

export interface NameAttribute {
  type: string; // OID
  shortName: string; // CN, O, ... or the OID when unknown
  value: string;
}

/** A distinguished name: attributes in encoded order (most significant first). */
export class DistinguishedName {
  constructor(
    readonly attributes: NameAttribute[],
    readonly der: Uint8Array,
  ) {}

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
    return this.attributes.length === other.attributes.length && this.startsWith(other);
  }

  /**
   * Whether `base` is a prefix of this name (same comparison as equals): the directoryName
   * subtree test of RFC 5280 4.2.1.10. The empty name is a prefix of every name.
   */
  startsWith(base: DistinguishedName): boolean {
    if (base.attributes.length > this.attributes.length) return false;
    const norm = (v: string) => v.trim().replace(/\s+/g, ' ').toLowerCase();
    return base.attributes.every((a, i) => a.type === this.attributes[i].type && norm(a.value) === norm(this.attributes[i].value));
  }

  get isEmpty(): boolean {
    return this.attributes.length === 0;
  }
}
