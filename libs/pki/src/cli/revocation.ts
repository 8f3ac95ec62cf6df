import { Crl, CrlRevocationChecker } from '../revocation/crl';
import { CombinedRevocationChecker, OcspRevocationChecker } from '../revocation/ocsp';
import { RevocationChecker, RevocationFetcher } from '../revocation/types';
import { Certificate } from '../x509/certificate';

/** The CLI's offline revocation source: the CRLs given with --crl (nothing is fetched); `clock` is the CLI's now. */
export function crlChecker(crls: Crl[], certificates: Certificate[], clock: () => Date): RevocationChecker {
  return new CrlRevocationChecker({ crls, certificates, clock });
}

/**
 * `kyso verify`'s revocation, as the verifier service does it: OCSP first, then CRLs (those given
 * with --crl, then downloaded ones). Without a fetcher (--offline) only the given CRLs count; the
 * document's own LTV data is added by verifyPdf in both cases.
 */
export function verifyRevocationChecker(opts: {
  crls: Crl[];
  certificates: Certificate[];
  trustAnchors: Certificate[];
  fetcher?: RevocationFetcher;
  clock: () => Date;
}): RevocationChecker {
  const crl = new CrlRevocationChecker({
    crls: opts.crls,
    certificates: opts.certificates,
    trustAnchors: opts.trustAnchors,
    fetcher: opts.fetcher,
    clock: opts.clock,
  });
  if (!opts.fetcher) return crl;
  return new CombinedRevocationChecker([new OcspRevocationChecker({ fetcher: opts.fetcher, clock: opts.clock }), crl]);
}
