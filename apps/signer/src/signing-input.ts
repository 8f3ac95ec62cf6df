import { badRequest } from '@kyso/common';

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
    if (v === undefined || v === '') throw badRequest('MISSING_FIELD', `The form field "${field}" is required`, { field });
    if (typeof v !== 'string') throw badRequest('INVALID_FIELD', `The form field "${field}" must be given once, as text`, { field });
    if (v.length > max) throw badRequest('INVALID_FIELD', `The form field "${field}" is longer than ${max} characters`, { field });
    return v;
  };
  const optional = (field: string): string | undefined => (b[field] === undefined || b[field] === '' ? undefined : required(field, MAX_TEXT));
  return {
    certificateId: required('certificateId', MAX_ID),
    pin: required('pin', MAX_ID),
    actingOfficialId: required('actingOfficialId', MAX_ID),
    reason: optional('reason'),
    location: optional('location'),
  };
}
