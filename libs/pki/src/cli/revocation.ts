import { Crl, CrlRevocationChecker } from '../revocation/crl';
import { RevocationChecker } from '../revocation/types';
import { Certificate } from '../x509/certificate';

/** The CLI's offline revocation source: the CRLs given with --crl (nothing is fetched). */
export function crlChecker(crls: Crl[], certificates: Certificate[]): RevocationChecker {
  return new CrlRevocationChecker({ crls, certificates });
}
