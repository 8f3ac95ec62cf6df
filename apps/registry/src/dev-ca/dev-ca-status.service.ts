import { Injectable } from '@nestjs/common';
import { notFound } from '@kyso/common';
import type { CrlReason } from '@kyso/pki';
import { DataSource } from 'typeorm';
import { CaConnector } from '../ca-connector/ca-connector';
import { DevCaConnector } from '../ca-connector/dev-ca-connector';

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
    private readonly db: DataSource,
  ) {}

  async crl(): Promise<Uint8Array> {
    const ca = await this.synced();
    // Seconds since the epoch: increases from one CRL to the next without a stored counter.
    return ca.issueCrl({ crlNumber: BigInt(Math.floor(Date.now() / 1000)) });
  }

  /** The root's CRL: the dev subordinate CA is never revoked, so it lists nothing. */
  async rootCrl(): Promise<Uint8Array> {
    const root = this.connector instanceof DevCaConnector ? this.connector.root : undefined;
    if (!root) throw notFound('DEV_CA_DISABLED', 'The dev root CA key is not configured');
    return root.issueCrl({ crlNumber: BigInt(Math.floor(Date.now() / 1000)) });
  }

  async ocsp(request: Uint8Array): Promise<Uint8Array> {
    const ca = await this.synced();
    return ca.ocspResponse({ request });
  }

  private async synced() {
    if (!(this.connector instanceof DevCaConnector))
      throw notFound('DEV_CA_DISABLED', 'The dev CA is not configured (KYSO_CA_CONNECTOR=dev)');
    const ca = this.connector.ca;
    const rows: { serial_number: string; revoked_at: Date; revocation_reason: string | null }[] = await this.db.query(
      `SELECT serial_number, revoked_at, revocation_reason FROM registry.certificate WHERE status = 'revoked' AND issuer = $1`,
      [ca.certificate.subject.toString()],
    );
    for (const r of rows) {
      const reason =
        r.revocation_reason && KNOWN_REASONS.has(r.revocation_reason) ? (r.revocation_reason as CrlReason) : undefined;
      ca.revoke(r.serial_number, { revocationDate: r.revoked_at, reason });
    }
    return ca;
  }
}
