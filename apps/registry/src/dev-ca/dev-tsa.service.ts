import { Injectable } from '@nestjs/common';
import { Clock, notFound } from '@kyso/common';
import { DevTsa } from '@kyso/pki';
import { CaConnector } from '../ca-connector/ca-connector';
import { DevCaConnector } from '../ca-connector/dev-ca-connector';

/**
 * The dev CA's RFC 3161 time-stamping authority (R16: the CA publishes one), for the quickstart's
 * B-T..B-LTA signatures. Its key lives in memory: each start certifies a new TSA key with the dev
 * CA, so tokens of earlier starts still validate (their certificate is the CA's, never revoked; the
 * dev OCSP responder vouches for this start's TSA certificate, and B-LT documents carry the status
 * they were given).
 */
@Injectable()
export class DevTsaService {
  private tsa?: Promise<DevTsa>;
  /** Serials (hex, as OCSP names them) of the TSA certificates this process had the dev CA issue. */
  readonly issuedSerials = new Set<string>();

  constructor(
    private readonly connector: CaConnector,
    private readonly clock: Clock,
  ) {}

  async timestamp(request: Uint8Array): Promise<Uint8Array> {
    if (!(this.connector instanceof DevCaConnector))
      throw notFound('DEV_CA_DISABLED', 'The dev CA is not configured (KYSO_CA_CONNECTOR=dev)');
    const ca = this.connector.ca;
    this.tsa ??= DevTsa.create(ca, { commonName: 'Kyso Dev TSA', clock: () => this.clock.now() }).then(
      (tsa) => {
        this.issuedSerials.add(tsa.certificate.serialNumberHex);
        return tsa;
      },
      (e) => {
        this.tsa = undefined;
        throw e;
      },
    );
    return (await this.tsa).timestamp(request);
  }
}
