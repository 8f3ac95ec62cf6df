import { Caller, InternalClient, malformedAnswer, toProblemError } from '@kyso/common';
import {
  MAX_APPEARANCE_IMAGE_BYTES,
  officialSignatureImagePath,
  organizationSealImagePath,
  PIN_PRECHECKS_PATH,
  PinPrecheckRequestDto,
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

  /**
   * Lets the registry start the PIN's slow check before `authorize` asks (effect-free there; the
   * answer says nothing about the PIN). Resolves once the registry has taken it.
   */
  abstract precheckPin(req: PinPrecheckRequestDto, requestId?: string): Promise<void>;

  /** An official's signature image or an organisation's seal (PNG); undefined when none is stored. */
  abstract image(kind: ImageKind, id: string, requestId?: string, caller?: Caller): Promise<Uint8Array | undefined>;
}

export type ImageKind = 'signature' | 'seal';
/** The registry's 404 codes meaning "no such image", as opposed to a broken route. */
const NO_IMAGE = ['SIGNATURE_IMAGE_NOT_FOUND', 'SEAL_IMAGE_NOT_FOUND', 'OFFICIAL_NOT_FOUND', 'ORGANIZATION_NOT_FOUND'];

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

  async precheckPin(req: PinPrecheckRequestDto, requestId?: string): Promise<void> {
    await this.client.json('POST', PIN_PRECHECKS_PATH, () => undefined, req, { requestId });
  }

  async image(kind: ImageKind, id: string, requestId?: string, caller?: Caller): Promise<Uint8Array | undefined> {
    const path = kind === 'signature' ? officialSignatureImagePath(id) : organizationSealImagePath(id);
    const res = await this.client.request('GET', path, { requestId, caller });
    if (!res.ok) {
      const text = await res.text();
      const problem = toProblemError(res.status, text);
      if (res.status === 404 && NO_IMAGE.includes(problem.code)) return undefined;
      throw problem;
    }
    const type = res.headers.get('content-type') ?? '';
    const png = new Uint8Array(await res.arrayBuffer());
    if (!type.startsWith('image/png') || png.length > MAX_APPEARANCE_IMAGE_BYTES)
      throw malformedAnswer(this.client.name, 'an image', `${path}: ${type.slice(0, 100)}, ${png.length} bytes`);
    return png;
  }
}
