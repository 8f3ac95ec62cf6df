import { Caller, InternalClient } from '@kyso/common';
import {
  SigningAuthorization,
  signingAuthorizationAnswer,
  SigningAuthorizationRequestDto,
  SIGNING_AUTHORIZATIONS_PATH,
} from '@kyso/contracts';

/** Port: asks the registry whether this official may sign with this certificate and PIN. */
export abstract class RegistryClient {
  /** `caller` is who the gateway says is asking (system or operator): the registry's rules depend on it. */
  abstract authorize(
    req: SigningAuthorizationRequestDto,
    requestId?: string,
    caller?: Caller,
  ): Promise<SigningAuthorization>;
}

/** The registry over HTTP; its answer is checked against the contract (a malformed one is a 502). */
export class HttpRegistryClient extends RegistryClient {
  constructor(private readonly client: InternalClient) {
    super();
  }

  authorize(req: SigningAuthorizationRequestDto, requestId?: string, caller?: Caller): Promise<SigningAuthorization> {
    return this.client.json('POST', SIGNING_AUTHORIZATIONS_PATH, signingAuthorizationAnswer, req, {
      requestId,
      caller,
    });
  }
}
