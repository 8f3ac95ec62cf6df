import { badRequest, unprocessable } from '@kyso/common';

export interface SignPdfFields {
  certificateId: string;
  actingOfficialId: string;
  pin: string;
  reason?: string;
  location?: string;
}

const MAX_ID = 200;
const MAX_TEXT = 500;

/** Multipart text fields arrive as strings (or arrays when repeated): checked here, 400 with a stable code. */
export function parseSignPdfFields(body: Record<string, unknown> | undefined): SignPdfFields {
  const b = body ?? {};
  const required = (field: string, max: number): string => {
    const v = b[field];
    if (v === undefined || v === '')
      throw badRequest('MISSING_FIELD', `The form field "${field}" is required`, { field });
    if (typeof v !== 'string')
      throw badRequest('INVALID_FIELD', `The form field "${field}" must be given once, as text`, { field });
    if (v.length > max)
      throw badRequest('INVALID_FIELD', `The form field "${field}" is longer than ${max} characters`, { field });
    return v;
  };
  const optional = (field: string): string | undefined =>
    b[field] === undefined || b[field] === '' ? undefined : required(field, MAX_TEXT);
  // Asked-for features this version cannot honour are refused, not silently dropped: a caller asking
  // for a timestamped or visible signature must not receive a B-B invisible one.
  const level = optional('level');
  if (level !== undefined && level !== 'B-B')
    throw unprocessable('UNSUPPORTED_LEVEL', `Only level B-B is supported in this version, not "${level}"`, {
      field: 'level',
    });
  if (optional('appearance') !== undefined)
    throw unprocessable('APPEARANCE_NOT_SUPPORTED', 'Visible signatures are not supported in this version', {
      field: 'appearance',
    });
  return {
    certificateId: required('certificateId', MAX_ID),
    pin: required('pin', MAX_ID),
    actingOfficialId: required('actingOfficialId', MAX_ID),
    reason: optional('reason'),
    location: optional('location'),
  };
}
