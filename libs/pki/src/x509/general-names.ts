import { PkiFormatError } from '../errors';
import { DistinguishedName } from './name';
import { children, decodeOid, readTlv, Tlv, tlvBytes, tlvValue } from '../asn1';

/** GeneralName (RFC 5280 4.2.1.6), as the forms name constraints and CRL scopes compare. */
export type GeneralNameType =
  | 'otherName'
  | 'rfc822Name'
  | 'dNSName'
  | 'x400Address'
  | 'directoryName'
  | 'ediPartyName'
  | 'uniformResourceIdentifier'
  | 'iPAddress'
  | 'registeredID';

const TYPES: GeneralNameType[] = [
  'otherName',
  'rfc822Name',
  'dNSName',
  'x400Address',
  'directoryName',
  'ediPartyName',
  'uniformResourceIdentifier',
  'iPAddress',
  'registeredID',
];

export interface GeneralName {
  type: GeneralNameType;
  /** IA5 text for rfc822Name/dNSName/URI, hex for iPAddress, dotted OID for registeredID, '' otherwise. */
  value: string;
  directoryName?: DistinguishedName;
  /** The original encoding (compared byte-wise for the forms we do not interpret). */
  der: Uint8Array;
}

/** One GeneralName from its context-tagged TLV. */
export function readGeneralName(bytes: Uint8Array, t: Tlv): GeneralName {
  const n = t.tag & 0x1f;
  const type = TYPES[n];
  if (!type || (t.tag & 0xc0) !== 0x80)
    throw new PkiFormatError('MALFORMED_GENERAL_NAME', `Unexpected GeneralName tag 0x${t.tag.toString(16)}`);
  const der = tlvBytes(bytes, t);
  const raw = tlvValue(bytes, t);
  switch (type) {
    case 'rfc822Name':
    case 'dNSName':
    case 'uniformResourceIdentifier':
      return { type, value: Buffer.from(raw).toString('latin1'), der };
    case 'iPAddress':
      return { type, value: Buffer.from(raw).toString('hex'), der };
    case 'registeredID':
      return { type, value: decodeOid(raw), der };
    case 'directoryName': {
      const inner = readTlv(bytes, t.valueStart, t.end); // [4] is EXPLICIT: a Name inside
      return { type, value: '', directoryName: DistinguishedName.fromDer(tlvBytes(bytes, inner)), der };
    }
    default:
      return { type, value: '', der };
  }
}

/** GeneralNames: the children of a SEQUENCE (or of an implicitly tagged container). */
export function readGeneralNames(bytes: Uint8Array, container: Tlv): GeneralName[] {
  return children(bytes, container).map((c) => readGeneralName(bytes, c));
}

/** Equality as CRL scope matching needs it (RFC 5280 6.3.3 (b)): names by 7.1, hosts case-insensitively. */
export function generalNameEquals(a: GeneralName, b: GeneralName): boolean {
  if (a.type !== b.type) return false;
  switch (a.type) {
    case 'directoryName':
      return !!a.directoryName && !!b.directoryName && a.directoryName.equals(b.directoryName);
    case 'dNSName':
    case 'rfc822Name':
      return a.value.toLowerCase() === b.value.toLowerCase();
    case 'uniformResourceIdentifier':
    case 'iPAddress':
    case 'registeredID':
      return a.value === b.value;
    default:
      return Buffer.from(a.der).equals(Buffer.from(b.der));
  }
}
