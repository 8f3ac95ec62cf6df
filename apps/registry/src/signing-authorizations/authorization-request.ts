import { parseInput, readSigningAuthorizationRequest, SigningAuthorizationRequestDto } from '@kyso/contracts';
import type { SigningAuthorizationRequest } from './signing-authorizations.service';

/**
 * The body of `POST /signing-authorizations` as the service takes it, or the 400 problem. Checked
 * here, not by the global pipe (it skips a body typed `unknown`): the same rules and problem,
 * without the pipe's walks for sparse arrays and binary values, which a JSON body cannot hold. This
 * runs for every signature: a plainly valid body is read directly.
 */
export function authorizationRequestOf(raw: unknown): SigningAuthorizationRequest {
  const body = readSigningAuthorizationRequest(raw) ?? parseInput(SigningAuthorizationRequestDto, raw);
  return {
    certificateId: body.certificateId.toLowerCase(),
    actingOfficialId: body.actingOfficialId.toLowerCase(),
    pin: body.pin,
    session: body.session,
    signingSession: body.signingSession,
  };
}
