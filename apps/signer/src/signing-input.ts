import { badRequest, requireCleanFormText, unprocessable } from '@kyso/common';
import { parseInput, SignPdfFieldsDto } from '@kyso/contracts';
import { EXTEND_LEVELS, ExtendLevel, PADES_LEVELS, PadesLevel } from './levels';
import { AppearanceRequest, parseAppearanceRequest } from './appearance-request';

export type SignPdfFields = Pick<
  SignPdfFieldsDto,
  'certificateId' | 'actingOfficialId' | 'pin' | 'reason' | 'location'
> & {
  level?: PadesLevel;
  appearance?: AppearanceRequest;
};

const isOneOf = <T extends string>(list: readonly T[], v: unknown): v is T => list.includes(v as T);

/**
 * The form's text fields, checked by the sign-PDF contract (400 MISSING_FIELD / INVALID_FIELD naming
 * the field) after control characters are refused (400 INVALID_TEXT). An empty field counts as absent, as browsers send untouched inputs.
 */
export function parseSignPdfFields(body: Record<string, unknown> | undefined): SignPdfFields {
  requireCleanFormText(body);
  const given = Object.fromEntries(Object.entries(body ?? {}).filter(([, v]) => v !== ''));
  const f = parseInput(SignPdfFieldsDto, given);
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
    pin: f.pin,
    reason: f.reason,
    location: f.location,
    level: f.level,
  };
}

/** The extend form's `level` (B-LT or B-LTA): 400 MISSING_FIELD when absent, 422 UNSUPPORTED_LEVEL otherwise. */
export function parseExtendLevel(body: Record<string, unknown> | undefined): ExtendLevel {
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
