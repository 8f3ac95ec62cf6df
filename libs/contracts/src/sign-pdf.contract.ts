import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiProduces, ApiResponse } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { malformedAnswer } from '@kyso/common';
import { IsOptional, IsString, Length, length } from 'class-validator';
import { UUID_RE } from './ids';

/** `POST /signatures/pdf` on the signer (multipart): called by the gateway (proxied) and the registry (letters). */
export const SIGN_PDF_PATH = '/signatures/pdf';

/** Names the signing record of a signed PDF; set by the signer, passed on by the gateway. */
export const SIGNATURE_ID_HEADER = 'x-kyso-signature-id';
/** The PAdES level made, and the signature timestamp's time (B-T and above). */
export const SIGNATURE_LEVEL_HEADER = 'x-kyso-signature-level';
export const TIMESTAMP_TIME_HEADER = 'x-kyso-timestamp-time';

/** `POST /signatures/pdf/extend` on the signer (multipart `file`, `level`). */
export const EXTEND_PDF_PATH = '/signatures/pdf/extend';

/** The token of a signing session just opened (`session` field); later sent as `signingSession`. */
export const SIGNING_SESSION_HEADER = 'kyso-signing-session';
/** Signatures a signing session still allows after this one. */
export const SIGNING_SESSION_REMAINING_HEADER = 'kyso-signing-session-remaining';

const MAX_ID = 200;
const MAX_TEXT = 500;
const MAX_APPEARANCE = 4000;

/**
 * The text fields of the form. Multipart fields arrive as strings, or as arrays when repeated: a
 * repeated field fails `IsString` (INVALID_FIELD), an absent or empty one is MISSING_FIELD.
 */
export class SignPdfFieldsDto {
  @IsString() @Length(1, MAX_ID) certificateId: string;
  @IsString() @Length(1, MAX_ID) actingOfficialId: string;
  /** Either the PIN or a signing session token (checked by the signer: exactly one). */
  @IsOptional() @IsString() @Length(1, MAX_ID) pin?: string;
  /** With the PIN: open a signing session for this many further signatures (a whole number). */
  @IsOptional() @IsString() @Length(1, 10) session?: string;
  @IsOptional() @IsString() @Length(1, MAX_ID) signingSession?: string;
  @IsOptional() @IsString() @Length(0, MAX_TEXT) reason?: string;
  @IsOptional() @IsString() @Length(0, MAX_TEXT) location?: string;
  /** PAdES baseline level B-B (default), B-T, B-LT or B-LTA; anything else is 422 UNSUPPORTED_LEVEL. */
  @IsOptional() @IsString() @Length(0, MAX_TEXT) level?: string;
  /** The visible signature or stamp, as JSON (see SIGN_PDF_APPEARANCE_FIELDS). */
  @IsOptional() @IsString() @Length(0, MAX_APPEARANCE) appearance?: string;
  /** What the signature is for (Decree 30/2020): picks the appearance and its rules. */
  @IsOptional() @IsString() @Length(0, MAX_ID) purpose?: string;
  /** For purpose "copy": SAO Y, SAO LỤC or TRÍCH SAO. */
  @IsOptional() @IsString() @Length(0, MAX_ID) copyForm?: string;
  /** For "appendix" and "issued": the number and symbol of the document (123/QĐ-UBND). */
  @IsOptional() @IsString() @Length(0, MAX_ID) docNumber?: string;
  /** For "issued": the date of issue, YYYY-MM-DD, written into the document's issuedDate field. */
  @IsOptional() @IsString() @Length(0, MAX_ID) issuedDate?: string;
  /** For "income": the number in the register of incoming documents (số đến). */
  @IsOptional() @IsString() @Length(0, MAX_ID) incomingNumber?: string;
  /** Signing on behalf of a superior: "KT. CHỦ TỊCH", "TL. GIÁM ĐỐC", "TM. ỦY BAN NHÂN DÂN". */
  @IsOptional() @IsString() @Length(0, MAX_TEXT) capacity?: string;
}

/** SignPdfFieldsDto's constraints as a table: [min, max length, required]. A test keeps both in step. */
const SIGN_PDF_FIELDS: Record<keyof SignPdfFieldsDto, readonly [number, number, boolean]> = {
  certificateId: [1, MAX_ID, true],
  actingOfficialId: [1, MAX_ID, true],
  pin: [1, MAX_ID, false],
  session: [1, 10, false],
  signingSession: [1, MAX_ID, false],
  reason: [0, MAX_TEXT, false],
  location: [0, MAX_TEXT, false],
  level: [0, MAX_TEXT, false],
  appearance: [0, MAX_APPEARANCE, false],
  purpose: [0, MAX_ID, false],
  copyForm: [0, MAX_ID, false],
  docNumber: [0, MAX_ID, false],
  issuedDate: [0, MAX_ID, false],
  incomingNumber: [0, MAX_ID, false],
  capacity: [0, MAX_TEXT, false],
};
const SIGN_PDF_FIELD_LIST = Object.entries(SIGN_PDF_FIELDS) as [
  keyof SignPdfFieldsDto,
  readonly [number, number, boolean],
][];

/**
 * The form's fields as `parseInput(SignPdfFieldsDto, …)` returns them (unknown fields left out),
 * checked directly on every signature; undefined when anything is not plainly valid, for the
 * class to refuse with its 400 (or accept, as before). Never looser than the class (tested).
 */
export function readSignPdfFields(given: Record<string, unknown>): SignPdfFieldsDto | undefined {
  const out: Record<string, string> = {};
  for (const [key, [lo, hi, required]] of SIGN_PDF_FIELD_LIST) {
    const v = given[key];
    if (v === undefined) {
      if (required) return undefined;
    } else if (typeof v === 'string' && length(v, lo, hi)) out[key] = v;
    else return undefined;
  }
  return out as unknown as SignPdfFieldsDto;
}

/** The form a caller sends: the PDF and the fields above. */
export function signPdfForm(pdf: Uint8Array, fileName: string, fields: SignPdfFieldsDto): FormData {
  const form = new FormData();
  form.append('file', new Blob([Buffer.from(pdf)], { type: 'application/pdf' }), fileName);
  for (const [k, v] of Object.entries(fields)) if (typeof v === 'string') form.append(k, v);
  return form;
}

/** The signer's answer: the signed PDF, with the id of its signing record in a header. */
export async function signedPdfAnswer(res: Response, from: string): Promise<{ pdf: Uint8Array; signatureId: string }> {
  const type = res.headers.get('content-type') ?? '';
  const signatureId = res.headers.get(SIGNATURE_ID_HEADER) ?? '';
  const pdf = new Uint8Array(await res.arrayBuffer());
  const problems = [
    !type.startsWith('application/pdf') && `content-type is "${type.slice(0, 100)}", not application/pdf`,
    !UUID_RE.test(signatureId) && `${SIGNATURE_ID_HEADER} is not a UUID`,
    Buffer.from(pdf.subarray(0, 5)).toString('latin1') !== '%PDF-' && 'the body does not start with %PDF-',
  ].filter((p): p is string => typeof p === 'string');
  if (problems.length) throw malformedAnswer(from, 'a signed PDF', problems.join('; '));
  return { pdf, signatureId: signatureId.toLowerCase() };
}

/** OpenAPI of the appearance fields, shared by the signer and the gateway. */
export const SIGN_PDF_APPEARANCE_FIELDS: Record<string, SchemaObject> = {
  purpose: {
    type: 'string',
    enum: ['approved', 'issued', 'income', 'copy', 'appendix', 'comment', 'initial'],
    description:
      'What the signature is for (Decree 30/2020; VGCA plugin operations approve, issue, income, copy, appendix, ' +
      'comment, initialling). Personal certificate: approved (signature image, name, time; may reserve the ' +
      'issuance fields), comment (appearance.note above the image and name), initial (the initials, small). ' +
      'Organisation certificate (the records clerk): issued (seal over the left third of the leader’s image, ' +
      'agency, time; needs docNumber, issuedDate and appearance.leaderOfficialId, fills the document’s empty ' +
      'docNumber/issuedDate fields and needs a valid signature of that competent official of the organisation, ' +
      'judged by the verifier), income (the "ĐẾN" stamp top left: agency, incomingNumber, date, time), copy ' +
      '(copyForm) and appendix (docNumber): a text stamp top right of page 1. Refusals (422, with `rule`, ' +
      '`message`, `messageVi`): PERSONAL_CERTIFICATE_REQUIRED, ORGANIZATION_CERTIFICATE_REQUIRED, ' +
      'LEADER_SIGNATURE_REQUIRED, ISSUANCE_FIELDS_MISSING, STATE_SECRET_DOCUMENT (any purpose: the document ' +
      'information entry or form field "Confidentiality" says MẬT, TỐI MẬT or TUYỆT MẬT).',
  },
  appearance: {
    type: 'string',
    maxLength: MAX_APPEARANCE,
    description:
      'JSON. Placement: {"page":1,"rect":[x,y,width,height]} in PDF points from the page’s bottom-left, or ' +
      '{"anchorText":"[CHỮ KÝ]","position":"over"|"below"|"after"|"start","width":180,"height":80,"offset":[dx,dy],' +
      '"page":n} relative to text found on the page. Options: "lines" (text above the name, e.g. "PHÓ CHỦ TỊCH"), ' +
      '"showName", "showTime" (ISO 8601, +07:00), "image" (false: no signature image; initial: true for the small ' +
      'image), "fontSize"; comment: "note"; approved: "issuanceFields" (true, or {"docNumber": placement, ' +
      '"issuedDate": placement}; default anchors "Số:" after and "ngày" start); issued: "leaderOfficialId" (whose ' +
      'signature must be on the document, and whose image lies under the seal). For income/copy/appendix: "page", ' +
      '"margin", "fontSize", "anchorText" (the stamp just under that text instead of the page’s corner). Errors: 422 APPEARANCE_INVALID, ANCHOR_TEXT_NOT_FOUND, APPEARANCE_PAGE_NOT_FOUND, ' +
      'APPEARANCE_IMAGE_INVALID, APPEARANCE_TEXT_UNSUPPORTED, SIGNATURE_IMAGE_NOT_FOUND, SEAL_IMAGE_NOT_FOUND, ' +
      'FORM_FIELD_NOT_FOUND, FORM_FIELD_FILLED.',
    example: '{"anchorText":"[CHỮ KÝ LÃNH ĐẠO]","width":160,"height":80,"lines":["CHỦ TỊCH"],"issuanceFields":true}',
  },
  copyForm: { type: 'string', enum: ['SAO Y', 'SAO LỤC', 'TRÍCH SAO'], description: 'For purpose copy' },
  docNumber: { type: 'string', example: '123/QĐ-UBND', description: 'For purposes appendix and issued' },
  issuedDate: {
    type: 'string',
    format: 'date',
    example: '2026-12-02',
    description: 'For purpose issued: written as "ngày 02 tháng 12 năm 2026" into the issuedDate field',
  },
  incomingNumber: { type: 'string', example: '125', description: 'For purpose income: the số đến' },
  capacity: {
    type: 'string',
    example: 'KT. CHỦ TỊCH',
    description:
      'Signing on behalf of a superior (KT., TL., TM.) with the signer’s own certificate: shown first in the ' +
      'appearance and kept as the signature’s /Reason (422 CAPACITY_INVALID, CAPACITY_NOT_ALLOWED for the organisation’s purposes)',
  },
};

/**
 * OpenAPI for POST /signatures/pdf: the multipart form in, the signed PDF out. The signer serves
 * it and the gateway proxies it 1:1, so both document it from here.
 */
export function ApiSignPdfForm(opts: {
  okDescription: string;
  extraFields?: Record<string, SchemaObject>;
}): MethodDecorator {
  return applyDecorators(
    ApiConsumes('multipart/form-data'),
    ApiBody({
      schema: {
        type: 'object',
        required: ['file', 'certificateId', 'actingOfficialId'],
        properties: {
          file: { type: 'string', format: 'binary', description: 'The PDF to sign' },
          certificateId: { type: 'string', format: 'uuid' },
          pin: {
            type: 'string',
            format: 'password',
            description: 'Signing PIN of the certificate, checked by the registry; or `signingSession` instead',
          },
          session: {
            type: 'integer',
            minimum: 1,
            description:
              'With `pin`: also open a signing session for this many further signatures (capped by the registry, KYSO_SIGNING_SESSION_MAX_USES); its token comes back in the Kyso-Signing-Session header',
          },
          signingSession: {
            type: 'string',
            format: 'password',
            description:
              'Instead of `pin`: the token of a signing session, bound to this certificate, official and calling system; one use per signature',
          },
          actingOfficialId: {
            type: 'string',
            format: 'uuid',
            description: 'The official on whose behalf the system signs',
          },
          reason: { type: 'string', example: 'Phê duyệt', maxLength: MAX_TEXT },
          location: { type: 'string', example: 'Hà Nội', maxLength: MAX_TEXT },
          level: {
            type: 'string',
            enum: ['B-B', 'B-T', 'B-LT', 'B-LTA'],
            default: 'B-B',
            description:
              'PAdES baseline level: B-T adds an RFC 3161 signature timestamp from the configured TSA, B-LT the DSS ' +
              '(certificates, CRLs/OCSP, VRI), B-LTA a document timestamp over it',
          },
          ...SIGN_PDF_APPEARANCE_FIELDS,
          ...opts.extraFields,
        },
      },
    }),
    ApiProduces('application/pdf'),
    ApiResponse({
      status: 200,
      description: opts.okDescription,
      content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
      headers: {
        [SIGNATURE_ID_HEADER]: { description: 'Id of the signing record', schema: { type: 'string', format: 'uuid' } },
        [SIGNING_SESSION_HEADER]: {
          description: 'When `session` was asked for: the signing session token (send it as `signingSession`)',
          schema: { type: 'string' },
        },
        [SIGNING_SESSION_REMAINING_HEADER]: {
          description: 'When a session was opened or used: signatures it still allows',
          schema: { type: 'integer' },
        },
      },
    }),
  );
}

/** OpenAPI for POST /signatures/pdf/extend (signer and gateway). */
export function ApiExtendPdfForm(): MethodDecorator {
  return applyDecorators(
    ApiConsumes('multipart/form-data'),
    ApiBody({
      schema: {
        type: 'object',
        required: ['file', 'level'],
        properties: {
          file: { type: 'string', format: 'binary', description: 'A signed PDF' },
          level: { type: 'string', enum: ['B-LT', 'B-LTA'] },
        },
      },
    }),
    ApiProduces('application/pdf'),
    ApiResponse({
      status: 200,
      description: 'The extended PDF (incremental updates after the signatures)',
      content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
      headers: { [SIGNATURE_LEVEL_HEADER]: { description: 'The level reached', schema: { type: 'string' } } },
    }),
  );
}
