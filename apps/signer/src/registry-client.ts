import { Caller, InternalClient } from '@kyso/common';

/** The registry's certificate view, as far as signing needs it (docs/internal-api.md). */
export interface CertificateView {
  id: string;
  serialNumber: string;
  status: string;
  keyUri: string;
  certificatePem: string;
  chainPem: string[];
}

export type SigningAuthorization =
  | { allowed: true; certificate: CertificateView }
  | { allowed: false; code: string; message: string; messageVi: string };

/** Port: asks the registry whether this official may sign with this certificate and PIN. */
export abstract class RegistryClient {
  /** `caller` is who the gateway says is asking (system or operator): the registry's rules depend on it. */
  abstract authorize(
    req: { certificateId: string; actingOfficialId: string; pin: string },
    requestId?: string,
    caller?: Caller,
  ): Promise<SigningAuthorization>;
}

export class HttpRegistryClient extends RegistryClient {
  constructor(private readonly client: InternalClient) {
    super();
  }

  authorize(
    req: { certificateId: string; actingOfficialId: string; pin: string },
    requestId?: string,
    caller?: Caller,
  ): Promise<SigningAuthorization> {
    return this.client.json<SigningAuthorization>('POST', '/signing-authorizations', req, { requestId, caller });
  }
}
