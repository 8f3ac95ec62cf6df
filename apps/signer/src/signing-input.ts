import { badRequest, unprocessable } from '@kyso/common';
import { parseInput, SignPdfFieldsDto } from '@kyso/contracts';

/** How the official proves consent: the PIN (optionally opening a session of `session` uses), or a session. */
export type SigningCredential = { pin: string; session?: number } | { signingSession: string };

export type SignPdfFields = Pick<SignPdfFieldsDto, 'certificateId' | 'actingOfficialId' | 'reason' | 'location'> & {
  credential: SigningCredential;
};

/** Exactly one of `pin` and `signingSession`; `session` (a whole number >= 1) only with the PIN. */
function credentialOf(f: SignPdfFieldsDto): SigningCredential {
  if (f.pin !== undefined && f.signingSession !== undefined)
    throw badRequest('CONFLICTING_FIELDS', 'Send either "pin" or "signingSession", not both', {
      field: 'signingSession',
    });
  if (f.signingSession !== undefined) {
    if (f.session !== undefined)
      throw badRequest('CONFLICTING_FIELDS', 'A new signing session is opened with the PIN only', { field: 'session' });
    return { signingSession: f.signingSession };
  }
  if (f.pin === undefined)
    throw badRequest('MISSING_FIELD', 'The form field "pin" (or "signingSession") is required', { field: 'pin' });
  if (f.session === undefined) return { pin: f.pin };
  if (!/^[1-9][0-9]{0,5}$/.test(f.session))
    throw badRequest('INVALID_FIELD', '"session" must be a whole number of signatures, at least 1', {
      field: 'session',
    });
  return { pin: f.pin, session: Number(f.session) };
}

/**
 * The form's text fields, checked by the sign-PDF contract (400 MISSING_FIELD / INVALID_FIELD naming
 * the field). An empty field counts as absent, as browsers send untouched inputs.
 */
export function parseSignPdfFields(body: Record<string, unknown> | undefined): SignPdfFields {
  const given = Object.fromEntries(Object.entries(body ?? {}).filter(([, v]) => v !== ''));
  const f = parseInput(SignPdfFieldsDto, given);
  // Asked-for features this version cannot honour are refused, not silently dropped: a caller asking
  // for a timestamped or visible signature must not receive a B-B invisible one.
  if (f.level !== undefined && f.level !== 'B-B')
    throw unprocessable('UNSUPPORTED_LEVEL', `Only level B-B is supported in this version, not "${f.level}"`, {
      field: 'level',
    });
  if (f.appearance !== undefined)
    throw unprocessable('APPEARANCE_NOT_SUPPORTED', 'Visible signatures are not supported in this version', {
      field: 'appearance',
    });
  return {
    certificateId: f.certificateId,
    actingOfficialId: f.actingOfficialId,
    credential: credentialOf(f),
    reason: f.reason,
    location: f.location,
  };
}
