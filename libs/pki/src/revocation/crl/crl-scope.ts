import { Certificate } from '../../x509/certificate';
import { basicConstraints } from '../../x509/extensions';
import { generalNameEquals } from '../../x509/general-names';
import { DistributionPoint } from '../../x509/policy-extensions';
import { revokedAsOf } from '../types';
import { Crl, CrlEntry } from './crl';

/**
 * RFC 5280 6.3.3 (b): does this complete CRL cover this certificate? Returns the certificate's
 * distribution point it matched (an empty one when the certificate names none), or the problem.
 */
export function matchScope(
  crl: Crl,
  cert: Certificate,
  dps: DistributionPoint[] | undefined,
): { dp: DistributionPoint } | { problem: string } {
  const idp = crl.issuingDistributionPoint;
  if (idp) {
    const isCa = basicConstraints(cert)?.cA === true;
    if (idp.onlyContainsAttributeCerts) return { problem: 'CRL_ONLY_ATTRIBUTE_CERTIFICATES' }; // (b)(1)(iv)
    if (idp.onlyContainsUserCerts && isCa) return { problem: 'CRL_ONLY_USER_CERTIFICATES' }; // (b)(1)(ii)
    if (idp.onlyContainsCACerts && !isCa) return { problem: 'CRL_ONLY_CA_CERTIFICATES' }; // (b)(1)(iii)
  }
  let problem = 'CRL_ISSUER_MISMATCH';
  for (const dp of dps?.length ? dps : [{}]) {
    // (b)(2): a cRLIssuer in the DP names an indirect CRL issuer, otherwise the certificate's issuer issues the CRL
    if (dp.cRLIssuer) {
      if (!idp?.indirectCRL || !dp.cRLIssuer.some((n) => n.directoryName?.equals(crl.issuer))) continue;
    } else if (!crl.issuer.equals(cert.issuer)) continue;
    // (b)(1)(i): the IDP's names must match the DP's names (or its cRLIssuer when it has none)
    if (idp?.names) {
      const theirs = dp.names ?? dp.cRLIssuer;
      if (!theirs?.some((a) => idp.names!.some((b) => generalNameEquals(a, b)))) {
        problem = 'CRL_DISTRIBUTION_POINT_MISMATCH';
        continue;
      }
    }
    return { dp };
  }
  return { problem };
}

/** Two CRLs have the same scope (delta and base, 6.3.3 (c)(2)) when their IDPs are equal or both absent. */
export function sameScope(a: Crl, b: Crl): boolean {
  const x = a.issuingDistributionPoint?.der;
  const y = b.issuingDistributionPoint?.der;
  return (!x && !y) || (!!x && !!y && Buffer.from(x).equals(Buffer.from(y)));
}

/**
 * The entries of `crl` that concern `cert`: same serial, and on an indirect CRL the same certificate
 * issuer (5.3.3), each dated as the CRL can know it (revokedAsOf).
 */
export function entriesFor(crl: Crl, cert: Certificate): CrlEntry[] {
  return crl
    .entriesFor(cert.serialNumberRawHex)
    .filter((e) => {
      if (!crl.issuingDistributionPoint?.indirectCRL || !e.certificateIssuer) return crl.issuer.equals(cert.issuer);
      return e.certificateIssuer.some((n) => n.directoryName?.equals(cert.issuer));
    })
    .map((e) => {
      const revocationDate = revokedAsOf(e.revocationDate, crl.thisUpdate);
      return revocationDate === e.revocationDate ? e : { ...e, revocationDate };
    });
}
