import { badRequest, refuseCallbackUrl, requireCleanFormText, unprocessable } from '@kyso/common';
import { parseInput, readSignPdfFields, SignPdfFieldsDto } from '@kyso/contracts';
import { EXTEND_LEVELS, ExtendLevel, PADES_LEVELS, PadesLevel } from './levels';
import { AppearanceRequest, parseAppearanceRequest } from './appearance-request';

/** How the official proves consent: the PIN (optionally opening a session of `session` uses), or a session. */
export type SigningCredential = { pin: string; session?: number } | { signingSession: string };

export type SignPdfFields = Pick<SignPdfFieldsDto, 'certificateId' | 'actingOfficialId' | 'reason' | 'location'> & {
  credential: SigningCredential;
  level?: PadesLevel;
  appearance?: AppearanceRequest;
};

const isOneOf = <T extends string>(list: readonly T[], v: unknown): v is T => list.includes(v as T);

/** Exactly one of `pin` and `signingSession`; `session` (a whole number >= 1) only with the PIN. */
export function credentialOf(f: Pick<SignPdfFieldsDto, 'pin' | 'session' | 'signingSession'>): SigningCredential {
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
 * the field) after control characters are refused (400 INVALID_TEXT). An empty field counts as absent, as browsers send untouched inputs.
 */
export function parseSignPdfFields(body: Record<string, unknown> | undefined): SignPdfFields {
  requireCleanFormText(body);
  // Signing answers with the signed PDF: no webhook (batches take theirs out before this).
  refuseCallbackUrl(body);
  const given = Object.fromEntries(Object.entries(body ?? {}).filter(([, v]) => v !== ''));
  const f = readSignPdfFields(given) ?? parseInput(SignPdfFieldsDto, given);
  // Asked-for features this version cannot honour are refused, not silently dropped: a caller asking
  // for a timestamped or visible signature must not receive a B-B invisible one.
  if (f.level !== undefined && !isOneOf(PADES_LEVELS, f.level))
    throw unprocessable('UNSUPPORTED_LEVEL', `Level must be one of ${PADES_LEVELS.join(', ')}, not "${f.level}"`, {
      field: 'level',
    });
  const appearance = parseAppearanceRequest(f);
  return {
    ...(appearance && { appearance }),
    certificateId: f.certificateId,
    actingOfficialId: f.actingOfficialId,
    credential: credentialOf(f),
    reason: f.reason,
    location: f.location,
    level: f.level,
  };
}

/** The extend form's `level` (B-LT or B-LTA): 400 MISSING_FIELD when absent, 422 UNSUPPORTED_LEVEL otherwise. */
export function parseExtendLevel(body: Record<string, unknown> | undefined): ExtendLevel {
  refuseCallbackUrl(body);
  const level = body?.level;
  if (level === undefined || level === '')
    throw badRequest('MISSING_FIELD', 'The form field "level" (B-LT or B-LTA) is required', { field: 'level' });
  if (!isOneOf(EXTEND_LEVELS, level))
    throw unprocessable(
      'UNSUPPORTED_LEVEL',
      `An existing signature is extended to ${EXTEND_LEVELS.join(' or ')}, not "${String(level).slice(0, 40)}"`,
      { field: 'level' },
    );
  return level;
}
