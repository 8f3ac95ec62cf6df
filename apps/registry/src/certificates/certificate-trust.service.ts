import { Injectable } from '@nestjs/common';
import { Clock } from '@kyso/common';
import {
  Certificate,
  CombinedRevocationChecker,
  CrlRevocationChecker,
  OcspRevocationChecker,
  RevocationChecker,
  RevocationQuery,
  RevocationStatus,
  validatePath,
} from '@kyso/pki';
import { CaConnector } from '../ca-connector/ca-connector';
import { DevCaConnector } from '../ca-connector/dev-ca-connector';
import { TrustAnchorsRepository } from '../trust-anchors/trust-anchors.repository';
import type { SubjectType } from './certificate';
import { CertificatesRepository } from './certificates.repository';
import { trustProblem, trustRefusal } from './registration-trust';
import { httpRevocationFetcher } from './revocation-fetch';

/**
 * Registration's trust rule (issue 11.7): a certificate is registered only when it has an RFC 5280
 * path, as of now, to an enabled document-signing trust anchor, and neither it nor a CA of the
 * path is revoked. Unknown status is refused (closed default) with its own code, so an operator
 * can tell "try later" from "never".
 */
@Injectable()
export class CertificateTrust {
  constructor(
    private readonly anchors: TrustAnchorsRepository,
    private readonly connector: CaConnector,
    private readonly certificates: CertificatesRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * Throws the 422 problem of trustProblem when the certificate may not be registered. Person and
   * organisation certificates sign documents (documentSigning: key usage and EKU); a device's
   * certificate (the dev CA gives it clientAuth) needs only a signing key usage.
   */
  async require(cert: Certificate, chain: readonly Certificate[], subjectType: SubjectType): Promise<void> {
    const anchors = (await this.anchors.list({ purpose: 'document-signing' })).map((a) =>
      Certificate.fromDer(a.certificateDer),
    );
    const now = this.clock.now();
    const result = await validatePath({
      leaf: cert,
      intermediates: chain,
      trustAnchors: anchors,
      validationTime: now,
      ...(subjectType === 'device'
        ? { purpose: 'any', keyUsage: ['digitalSignature', 'nonRepudiation'] as const }
        : { purpose: 'documentSigning' }),
      revocation: { checker: this.checker(now), required: true },
    });
    const refusal = trustRefusal(result);
    if (refusal) throw trustProblem(refusal, result.reasons);
  }

  /** The dev CA's status straight from the records (no HTTP call to ourselves), else OCSP then CRLs. */
  private checker(now: Date): RevocationChecker {
    const fetcher = httpRevocationFetcher();
    const network = new CombinedRevocationChecker([
      new OcspRevocationChecker({ fetcher, clock: () => now }),
      new CrlRevocationChecker({ fetcher, clock: () => now }),
    ]);
    return {
      check: async (q) => (await this.devCaStatus(q)) ?? network.check(q),
    };
  }

  /**
   * The dev CA's status store is the certificate table (DevCaStatusService publishes the same
   * thing as CRL and OCSP); the dev root never revokes its subordinate. Undefined: not the dev CA.
   */
  private async devCaStatus(q: RevocationQuery): Promise<RevocationStatus | undefined> {
    const dev = this.connector instanceof DevCaConnector ? this.connector : undefined;
    if (!dev) return undefined;
    if (q.certificate.sha256Hex === dev.ca.certificate.sha256Hex) return { status: 'good', source: null, problems: [] };
    if (q.issuer.sha256Hex !== dev.ca.certificate.sha256Hex) return undefined;
    const serial = q.certificate.serialNumberHex;
    const revoked = (await this.certificates.revokedIssuedBy(q.issuer.subject.toString())).find(
      (r) => r.serialNumber === serial,
    );
    return revoked
      ? { status: 'revoked', source: null, revocationTime: revoked.revokedAt, problems: [] }
      : { status: 'good', source: null, problems: [] };
  }
}
