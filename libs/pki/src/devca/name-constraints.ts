import * as x509 from '@peculiar/x509';
import { der, seq, TAG } from '../asn1';
import type { SubjectSpec } from './dev-ca';

/** Subtrees of a name constraints extension (RFC 5280 4.2.1.10), the forms our validator knows. */
export interface NameSubtrees {
  directoryNames?: Partial<SubjectSpec>[]; // e.g. { C: 'VN', O: '...' }
  dnsNames?: string[];
  emails?: string[]; // a mailbox, a host, or ".domain"
}

export interface NameConstraintsSpec {
  permitted?: NameSubtrees;
  excluded?: NameSubtrees;
}

export const OID_NAME_CONSTRAINTS = '2.5.29.30';

function subtrees(
  tag: number,
  s: NameSubtrees | undefined,
  encodeName: (spec: Partial<SubjectSpec>) => Uint8Array,
): Uint8Array[] {
  if (!s) return [];
  const bases = [
    ...(s.emails ?? []).map((e) => der(0x81, Buffer.from(e, 'latin1'))),
    ...(s.dnsNames ?? []).map((d) => der(0x82, Buffer.from(d, 'latin1'))),
    ...(s.directoryNames ?? []).map((n) => der(TAG.context(4), encodeName(n))),
  ];
  return bases.length ? [der(tag, ...bases.map((b) => seq(b)))] : [];
}

/** A critical nameConstraints extension (RFC 5280 requires it critical). */
export function nameConstraintsExtension(
  spec: NameConstraintsSpec,
  encodeName: (spec: Partial<SubjectSpec>) => Uint8Array,
): x509.Extension {
  const value = seq(
    ...subtrees(TAG.context(0), spec.permitted, encodeName),
    ...subtrees(TAG.context(1), spec.excluded, encodeName),
  );
  return new x509.Extension(OID_NAME_CONSTRAINTS, true, value);
}
