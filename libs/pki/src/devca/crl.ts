import { CRL_REASONS } from '../revocation/ocsp/response';
import { CrlReason } from '../revocation/types';
import { RawSigner } from '../signer';
import { Certificate } from '../x509/certificate';
import { der, enumerated, extension, generalizedTime, integer, seq, TAG, time } from '../asn1';
import { signatureAlgorithmDer, signStructure } from './sign';

const OID = {
  authorityKeyIdentifier: '2.5.29.35',
  crlNumber: '2.5.29.20',
  reasonCode: '2.5.29.21',
  invalidityDate: '2.5.29.24',
  deltaCrlIndicator: '2.5.29.27',
  issuingDistributionPoint: '2.5.29.28',
} as const;

export interface CrlEntrySpec {
  serialNumber: string; // hex
  revocationDate: Date;
  reason?: CrlReason;
  invalidityDate?: Date;
}

export interface IssuingDistributionPointSpec {
  url?: string;
  onlyContainsUserCerts?: boolean;
  onlyContainsCACerts?: boolean;
  indirectCRL?: boolean;
}

export interface IssueCrlOptions {
  /** Default: the revocations recorded on the CA (`ca.revoke`, the `revoked` fault). */
  revoked?: CrlEntrySpec[];
  thisUpdate?: Date; // default now
  /** Default thisUpdate + 7 days; null leaves the field out (against 5.1.2.5, for tests). */
  nextUpdate?: Date | null;
  crlNumber?: number | bigint; // default: the CA's counter
  /** A delta CRL (RFC 5280 5.2.4): critical deltaCRLIndicator naming the base CRL number. */
  delta?: { baseCrlNumber: number | bigint };
  issuingDistributionPoint?: IssuingDistributionPointSpec;
  /** Failure switch against the CRL profile (5.2.3): the CRL number left out, or marked critical. */
  crlNumberFault?: 'missing' | 'critical';
  /** The version INTEGER written (default 1, v2); 5.1.2.1 allows no other. */
  versionValue?: number;
}

/** What the CRL builder needs from a CA. */
export interface CrlIssuer {
  certificate: Certificate;
  signer: RawSigner;
  keyIdentifier: string;
}

const flag = (n: number, on: boolean | undefined) => (on ? [der(TAG.context(n, false), Uint8Array.of(0xff))] : []);

/** IssuingDistributionPoint (RFC 5280 5.2.5): fullName URI, scope flags. */
function issuingDistributionPoint(idp: IssuingDistributionPointSpec): Uint8Array {
  const name = idp.url ? [der(TAG.context(0), der(TAG.context(0), der(0x86, Buffer.from(idp.url, 'latin1'))))] : [];
  return seq(
    ...name,
    ...flag(1, idp.onlyContainsUserCerts),
    ...flag(2, idp.onlyContainsCACerts),
    ...flag(4, idp.indirectCRL),
  );
}

function entry(e: CrlEntrySpec): Uint8Array {
  const exts: Uint8Array[] = [];
  if (e.reason) exts.push(extension(OID.reasonCode, enumerated(CRL_REASONS.indexOf(e.reason))));
  if (e.invalidityDate) exts.push(extension(OID.invalidityDate, generalizedTime(e.invalidityDate)));
  return seq(integer(e.serialNumber), time(e.revocationDate), ...(exts.length ? [seq(...exts)] : []));
}

/** A v2 CRL (RFC 5280 5.1) signed by the CA, DER. */
export async function buildCrl(
  ca: CrlIssuer,
  opts: Required<Pick<IssueCrlOptions, 'revoked' | 'thisUpdate' | 'crlNumber'>> & IssueCrlOptions,
): Promise<Uint8Array> {
  const nextUpdate =
    opts.nextUpdate === null ? null : (opts.nextUpdate ?? new Date(opts.thisUpdate.getTime() + 7 * 24 * 3600_000));
  const exts = [
    extension(OID.authorityKeyIdentifier, seq(der(TAG.context(0, false), Buffer.from(ca.keyIdentifier, 'hex')))),
    ...(opts.crlNumberFault === 'missing'
      ? []
      : [extension(OID.crlNumber, integer(opts.crlNumber), opts.crlNumberFault === 'critical')]),
  ];
  if (opts.delta) exts.push(extension(OID.deltaCrlIndicator, integer(opts.delta.baseCrlNumber), true));
  if (opts.issuingDistributionPoint)
    exts.push(extension(OID.issuingDistributionPoint, issuingDistributionPoint(opts.issuingDistributionPoint), true));
  const tbs = seq(
    integer(opts.versionValue ?? 1), // v2
    signatureAlgorithmDer(ca.signer.algorithm),
    ca.certificate.subject.der,
    time(opts.thisUpdate),
    ...(nextUpdate ? [time(nextUpdate)] : []),
    ...(opts.revoked.length ? [seq(...opts.revoked.map(entry))] : []),
    der(TAG.context(0), seq(...exts)),
  );
  return signStructure(ca.signer, tbs);
}
