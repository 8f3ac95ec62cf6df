import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiProduces, ApiResponse } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/** Names the signing record of a signed PDF; set by the signer, passed on by the gateway. */
export const SIGNATURE_ID_HEADER = 'x-kyso-signature-id';

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
        required: ['file', 'certificateId', 'pin', 'actingOfficialId'],
        properties: {
          file: { type: 'string', format: 'binary', description: 'The PDF to sign' },
          certificateId: { type: 'string', format: 'uuid' },
          pin: {
            type: 'string',
            format: 'password',
            description: 'Signing PIN of the certificate, checked by the registry',
          },
          actingOfficialId: {
            type: 'string',
            format: 'uuid',
            description: 'The official on whose behalf the system signs',
          },
          reason: { type: 'string', example: 'Phê duyệt' },
          location: { type: 'string', example: 'Hà Nội' },
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
      },
    }),
  );
}
