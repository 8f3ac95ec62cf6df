import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiProduces, ApiResponse } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { SIGNATURE_ID_HEADER } from './sign-pdf.contract';

/** `POST /signatures/cms` and `POST /signatures/hash` on the signer, proxied 1:1 by the gateway. */
export const SIGN_CMS_PATH = '/signatures/cms';
export const SIGN_HASH_PATH = '/signatures/hash';

/** With output=raw: the signature algorithm's name (OpenSSL's), e.g. sha256WithRSAEncryption, ecdsa-with-SHA384. */
export const SIGNATURE_ALGORITHM_HEADER = 'x-kyso-signature-algorithm';

/** The CMS signature's media type (RFC 5751 3.2.1), DER. */
export const CMS_SIGNATURE_CONTENT_TYPE = 'application/pkcs7-signature';

export const CADES_LEVEL_VALUES = ['B-B', 'B-T', 'B-LT', 'B-LTA'] as const;
export const HASH_ALGORITHMS = ['SHA-256', 'SHA-384', 'SHA-512'] as const;

const MAX_ID = 200;
const MAX_HASH_TEXT = 200;

/** Who signs with what: the fields every signing form shares with POST /signatures/pdf. */
class SignerFieldsDto {
  @IsString() @Length(1, MAX_ID) certificateId: string;
  @IsString() @Length(1, MAX_ID) actingOfficialId: string;
  /** Either the PIN or a signing session token (checked by the signer: exactly one), as for PDFs. */
  @IsOptional() @IsString() @Length(1, MAX_ID) pin?: string;
  @IsOptional() @IsString() @Length(1, 10) session?: string;
  @IsOptional() @IsString() @Length(1, MAX_ID) signingSession?: string;
}

/** The text fields of POST /signatures/cms (the file is the multipart part `file`). */
export class SignCmsFieldsDto extends SignerFieldsDto {
  @IsOptional() @IsIn(CADES_LEVEL_VALUES) level?: (typeof CADES_LEVEL_VALUES)[number];
  @IsOptional() @IsIn(['true', 'false']) detached?: 'true' | 'false';
}

/** POST /signatures/hash, as JSON or a form. */
export class SignHashFieldsDto extends SignerFieldsDto {
  /** The digest, hex or base64. */
  @IsString() @Length(1, MAX_HASH_TEXT) hash: string;
  @IsIn(HASH_ALGORITHMS) hashAlgorithm: (typeof HASH_ALGORITHMS)[number];
  @IsOptional() @IsIn(['cms', 'raw']) output?: 'cms' | 'raw';
}

const signerProperties = {
  certificateId: { type: 'string', format: 'uuid' },
  pin: { type: 'string', format: 'password', description: 'Signing PIN of the certificate, checked by the registry' },
  actingOfficialId: { type: 'string', format: 'uuid', description: 'The official on whose behalf the system signs' },
} as const;

const cmsAnswer = (description: string) =>
  applyDecorators(
    ApiProduces(CMS_SIGNATURE_CONTENT_TYPE),
    ApiResponse({
      status: 200,
      description,
      content: { [CMS_SIGNATURE_CONTENT_TYPE]: { schema: { type: 'string', format: 'binary' } } },
      headers: {
        [SIGNATURE_ID_HEADER]: { description: 'Id of the signing record', schema: { type: 'string', format: 'uuid' } },
      },
    }),
  );

/** OpenAPI for POST /signatures/cms (signer and gateway). */
export function ApiSignCmsForm(): MethodDecorator {
  return applyDecorators(
    ApiConsumes('multipart/form-data'),
    ApiBody({
      schema: {
        type: 'object',
        required: ['file', 'certificateId', 'pin', 'actingOfficialId'],
        properties: {
          file: { type: 'string', format: 'binary', description: 'Any file' },
          ...signerProperties,
          detached: {
            type: 'string',
            enum: ['true', 'false'],
            default: 'true',
            description: 'true: the CMS carries only the signature; false: it encapsulates the file',
          },
          level: {
            type: 'string',
            enum: [...CADES_LEVEL_VALUES],
            default: 'B-B',
            description:
              'CAdES baseline level (ETSI EN 319 122-1): B-T adds the TSA signature timestamp, B-LT the path and its CRL/OCSP answers, B-LTA an archive-time-stamp-v3',
          },
        },
      },
    }),
    cmsAnswer('The CAdES signature (DER CMS SignedData)'),
  );
}

/** OpenAPI for POST /signatures/hash (signer and gateway). */
export function ApiSignHashBody(): MethodDecorator {
  return applyDecorators(
    ApiConsumes('application/json', 'multipart/form-data'),
    ApiBody({
      schema: {
        type: 'object',
        required: ['hash', 'hashAlgorithm', 'certificateId', 'pin', 'actingOfficialId'],
        properties: {
          hash: { type: 'string', description: 'The digest of the content, hex or base64' },
          hashAlgorithm: { type: 'string', enum: [...HASH_ALGORITHMS] },
          output: {
            type: 'string',
            enum: ['cms', 'raw'],
            default: 'cms',
            description:
              'cms: a detached CAdES B-B over the digest (SHA-256 only). raw: the bare signature value ' +
              '(application/octet-stream; SHA-256, SHA-384 or SHA-512): RSASSA-PKCS1-v1_5 over the DigestInfo, or for ' +
              'ECDSA the DER ECDSA-Sig-Value (X9.62 SEQUENCE of r and s), as `openssl pkeyutl -verify` and ' +
              '`openssl dgst -verify` read it; its algorithm is named in the x-kyso-signature-algorithm header',
          },
          ...signerProperties,
        },
      },
    }),
    ApiProduces(CMS_SIGNATURE_CONTENT_TYPE, 'application/octet-stream'),
    ApiResponse({
      status: 200,
      description:
        'output=cms: a detached CMS SignedData whose signed attributes carry the given digest ' +
        '(application/pkcs7-signature). output=raw: the signature value over the digest (application/octet-stream)',
      content: {
        [CMS_SIGNATURE_CONTENT_TYPE]: { schema: { type: 'string', format: 'binary' } },
        'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
      },
      headers: {
        [SIGNATURE_ID_HEADER]: { description: 'Id of the signing record', schema: { type: 'string', format: 'uuid' } },
        [SIGNATURE_ALGORITHM_HEADER]: {
          description: 'output=raw only: sha256/384/512WithRSAEncryption or ecdsa-with-SHA256/384/512',
          schema: { type: 'string' },
        },
      },
    }),
  );
}
