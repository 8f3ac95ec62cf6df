import { unprocessable } from '@kyso/common';
import { parseInput, SignPdfFieldsDto } from '@kyso/contracts';
import { AppearanceRequest, parseAppearanceRequest } from './appearance-request';

export type SignPdfFields = Pick<
  SignPdfFieldsDto,
  'certificateId' | 'actingOfficialId' | 'pin' | 'reason' | 'location'
> & { appearance?: AppearanceRequest };

/**
 * The form's text fields, checked by the sign-PDF contract (400 MISSING_FIELD / INVALID_FIELD naming
 * the field). An empty field counts as absent, as browsers send untouched inputs.
 */
export function parseSignPdfFields(body: Record<string, unknown> | undefined): SignPdfFields {
  const given = Object.fromEntries(Object.entries(body ?? {}).filter(([, v]) => v !== ''));
  const f = parseInput(SignPdfFieldsDto, given);
  // Asked-for features this version cannot honour are refused, not silently dropped: a caller asking
  // for a timestamped signature must not receive a B-B one.
  if (f.level !== undefined && f.level !== 'B-B')
    throw unprocessable('UNSUPPORTED_LEVEL', `Only level B-B is supported in this version, not "${f.level}"`, {
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
  };
}
