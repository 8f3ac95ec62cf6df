import { Inject, Injectable } from '@nestjs/common';
import { Clock, notFound } from '@kyso/common';
import { type CrlReason, parseOcspRequest } from '@kyso/pki';
import { DEV_CA_OCSP_VALIDITY_SECONDS, RegistryConfig } from '../config';
import { REGISTRY_CONFIG } from '../shared/registry-config.module';
import { CaConnector } from '../ca-connector/ca-connector';
import { CertificatesRepository } from '../certificates/certificates.repository';
import { DevCaConnector } from '../ca-connector/dev-ca-connector';
import { Db } from '../shared/transactions';
import { DevTsaService } from './dev-tsa.service';

const KNOWN_REASONS: ReadonlySet<string> = new Set([
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  'privilegeWithdrawn',
  'aACompromise',
]);

/**
 * CRL and OCSP of the dev CA, from the registry's records: the certificates it issued that are
 * revoked (status store = the certificate table). Only when the dev connector is configured.
 */
@Injectable()
export class DevCaStatusService {
  constructor(
    private readonly connector: CaConnector,
    private readonly certificates: CertificatesRepository,
    private readonly clock: Clock,
    private readonly db: Db,
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
    private readonly tsa: DevTsaService,
  ) {}

  /**
   * The next CRL number: strictly above every number issued before (a stored counter, one atomic
   * UPDATE, so parallel requests, replicas and restarts never repeat it), and at least the epoch
   * seconds so numbers stay readable as issue times.
   */
  private async crlNumber(): Promise<bigint> {
    const [rows]: [{ n: string }[], number] = await this.db.query(
      'UPDATE registry.dev_ca_crl_number SET last_number = GREATEST(last_number + 1, $1) RETURNING last_number::text AS n',
      [Math.floor(this.clock.now().getTime() / 1000)],
    );
    return BigInt(rows[0].n);
  }

  async crl(): Promise<Uint8Array> {
    const ca = await this.synced();
    return ca.issueCrl({ crlNumber: await this.crlNumber() });
  }

  /** The root's CRL: the dev subordinate CA is never revoked, so it lists nothing. */
  async rootCrl(): Promise<Uint8Array> {
    const root = this.connector instanceof DevCaConnector ? this.connector.root : undefined;
    if (!root) throw notFound('DEV_CA_DISABLED', 'The dev root CA key is not configured');
    return root.issueCrl({ crlNumber: await this.crlNumber() });
  }

  /**
   * Answers with a nextUpdate, so relying parties may cache, and `unknown` for a serial the
   * registry does not hold as issued by this CA (RFC 6960 2.2, CA/B Forum BR 4.9.10): such a
   * certificate, even one the CA key signed, is not one the CA vouches for.
   */
  async ocsp(request: Uint8Array): Promise<Uint8Array> {
    const ca = await this.synced();
    const serials = parseOcspRequest(request).certIds.map((id) => id.serialNumber);
    const issued = await this.certificates.issuedSerials(ca.certificate.subject.toString(), serials);
    const seconds = this.config.devCaOcspValiditySeconds ?? DEV_CA_OCSP_VALIDITY_SECONDS;
    return ca.ocspResponse({
      request,
      thisUpdate: this.clock.now(),
      validityMs: seconds * 1000,
      // The dev TSA's certificate is the CA's own issue too, though no registry record holds it.
      issued: (serial) => issued.has(serial) || this.tsa.issuedSerials.has(serial),
    });
  }

  private async synced() {
    if (!(this.connector instanceof DevCaConnector))
      throw notFound('DEV_CA_DISABLED', 'The dev CA is not configured (KYSO_CA_CONNECTOR=dev)');
    const ca = this.connector.ca;
    for (const r of await this.certificates.revokedIssuedBy(ca.certificate.subject.toString())) {
      const reason =
        r.revocationReason && KNOWN_REASONS.has(r.revocationReason) ? (r.revocationReason as CrlReason) : undefined;
      ca.revoke(r.serialNumber, { revocationDate: r.revokedAt, reason });
    }
    return ca;
  }
}
