import { applyDecorators } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  DocumentBuilder,
  getSchemaPath,
  OpenAPIObject,
  SwaggerModule,
} from '@nestjs/swagger';
import { InternalClient } from '@kyso/common';
import { ValidationResultDto } from '@kyso/contracts';
import { OpenApiMerger } from './openapi-merge';
import type { NestExpressApplication } from '@nestjs/platform-express';

/** RFC 9457 problem details, as every error leaves the API. */
export class ProblemDto {
  @ApiProperty({ example: 'https://kyso.invalid/problems/unauthenticated' }) type: string;
  @ApiProperty({ example: 'Unauthorized' }) title: string;
  @ApiProperty({ example: 401 }) status: number;
  @ApiProperty({ example: 'UNAUTHENTICATED', description: 'Stable machine-readable code' }) code: string;
  @ApiPropertyOptional({ example: 'The API key is not known.' }) detail?: string;
  @ApiPropertyOptional({ example: '/api/v1/validations/pdf' }) instance?: string;
}

const PROBLEM_EXAMPLES: Record<number, { description: string; code: string; detail: string }> = {
  400: {
    description: 'Missing or invalid field',
    code: 'MISSING_FIELD',
    detail: 'The multipart field "file" is required.',
  },
  401: {
    description: 'No, unknown, expired or revoked API key',
    code: 'UNAUTHENTICATED',
    detail: 'The API key is not known.',
  },
  403: {
    description: 'The key lacks the scope of this route, or signing is not allowed',
    code: 'INSUFFICIENT_SCOPE',
    detail: 'This API key lacks the "sign" scope.',
  },
  404: {
    description: 'Unknown resource',
    code: 'VALIDATION_NOT_FOUND',
    detail: 'No validation with id 0b0f5d0e-3c4b-4a53-9a0e-1d2f3a4b5c6d.',
  },
  409: {
    description: 'Conflict, e.g. a request with the same Idempotency-Key is still running',
    code: 'IDEMPOTENCY_IN_PROGRESS',
    detail: 'A request with this Idempotency-Key is still being processed; retry shortly.',
  },
  429: {
    description: 'Rate limit reached, or sign-in slowed down after wrong passwords (LOGIN_THROTTLED); see Retry-After',
    code: 'RATE_LIMITED',
    detail: 'Too many requests for this API key; retry after 12 s.',
  },
  503: {
    description:
      'A service or a dependency is unavailable for now: every token session is signing and the bounded wait ' +
      'queue is full (SIGNER_BUSY), the token timed out or is unreachable (TOKEN_UNAVAILABLE), the TSA failed ' +
      '(TSA_UNAVAILABLE), or revocation status is unknown before signing; see Retry-After. A check that was done ' +
      'but whose callback could not be queued: WEBHOOK_UNAVAILABLE (the result is stored)',
    code: 'SIGNER_BUSY',
    detail: 'All 4 token sessions are signing and 32 requests are waiting; retry after 1 s.',
  },
  504: {
    description: 'The request or the service behind it took too long',
    code: 'UPSTREAM_TIMEOUT',
    detail: 'the signer service did not answer within 90000 ms',
  },
  413: {
    description: 'Request body over the limit of this route',
    code: 'PAYLOAD_TOO_LARGE',
    detail: 'The request body exceeds the limit of 26214400 bytes for this route.',
  },
  422: {
    description:
      'Unprocessable: e.g. not a readable PDF, an Idempotency-Key reused for another request, a callbackUrl that ' +
      'cannot be honoured (CALLBACK_URL_REFUSED) or given to a route without webhooks (CALLBACK_URL_NOT_SUPPORTED)',
    code: 'INVALID_PDF',
    detail: 'The file is not a readable PDF: no %PDF header',
  },
};

/** problem+json responses for the given statuses, with the shared schema and an example each. */
export function ApiProblems(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDto),
    ...statuses.map((status) => {
      const p = PROBLEM_EXAMPLES[status];
      return ApiResponse({
        status,
        description: p.description,
        content: {
          'application/problem+json': {
            schema: { $ref: getSchemaPath(ProblemDto) },
            example: {
              type: `https://kyso.invalid/problems/${p.code.toLowerCase().replace(/_/g, '-')}`,
              title: 'Error',
              status,
              code: p.code,
              detail: p.detail,
            },
          },
        },
      });
    }),
  );
}

export const REPORT_EXAMPLE = {
  conclusion: 'TOTAL-PASSED',
  validationTime: '2026-11-25T09:30:00.000Z',
  documentSha256: '5f1c0f0e8d4b6f6e2a9a1c3d7b8e9f00112233445566778899aabbccddeeff00',
  signatureCount: 1,
  signatures: [
    {
      id: 'Signature1',
      fieldName: 'Signature1',
      indication: 'TOTAL-PASSED',
      subIndication: null,
      signer: {
        name: 'Nguyễn Văn A',
        organisation: 'Sở Thông tin và Truyền thông',
        title: 'Giám đốc',
        email: 'nva@example.gov.vn',
        certificateSerial: '1A2B3C4D',
        issuer: 'CN=Kyso Dev Government CA',
      },
      signingTime: {
        claimed: '2026-11-25T09:00:00.000Z',
        timestamped: '2026-11-25T09:00:02.000Z',
        judgedAt: '2026-11-25T09:00:02.000Z',
        provenBy: 'timestamp',
        evidenceId: null,
      },
      signatureSha256: '9C4E1A0B7D2F3E5A6B8C9D0E1F2A3B4C5D6E7F8091A2B3C4D5E6F708192A3B4C',
      timestamps: [
        {
          type: 'signature',
          fieldName: null,
          genTime: '2026-11-25T09:00:02.000Z',
          indication: 'TOTAL-PASSED',
          subIndication: null,
          tsa: {
            name: 'Kyso Dev TSA',
            organisation: 'Kyso',
            title: null,
            email: null,
            certificateSerial: '5E6F',
            issuer: 'CN=Kyso Dev Root CA',
          },
          chain: [],
          reasons: [],
        },
      ],
      subFilter: 'ETSI.CAdES.detached',
      digestAlgorithm: 'SHA-256',
      signatureAlgorithm: 'RSASSA-PKCS1-v1_5',
      coverage: {
        byteRange: [0, 1200, 9394, 800],
        coversWholeRevision: true,
        coversWholeDocument: true,
        signedRevisionLength: 10194,
      },
      modifications: { changedAfterSigning: false, allowed: null, description: [] },
      chain: [
        {
          subject: 'CN=Nguyễn Văn A, O=Sở Thông tin và Truyền thông',
          issuer: 'CN=Kyso Dev Government CA',
          serialNumber: '1A2B3C4D',
          notBefore: '2026-01-01T00:00:00.000Z',
          notAfter: '2028-01-01T00:00:00.000Z',
          sha256: 'AB12...',
          trustAnchor: false,
        },
      ],
      revocation: {
        checked: true,
        source: 'ocsp',
        producedAt: '2026-11-25T09:29:59.000Z',
        fetchedAt: '2026-11-25T09:30:00.000Z',
      },
      reasons: [],
    },
  ],
  reasons: [],
  trustStore: { version: 7, changedAt: '2026-09-01T08:00:00.000Z', fetchedAt: '2026-11-25T09:29:40.000Z' },
};

/** The 503 of the validation routes: what a caller does about each code. */
export const VALIDATION_UNAVAILABLE_RESPONSE = {
  status: 503,
  description:
    'With Retry-After. Not judged for a dependency’s sake, never answered as 200 `failed`: no trust anchors yet ' +
    '(a new verifier whose registry is away: TRUST_STORE_UNAVAILABLE), the queue away (QUEUE_UNAVAILABLE), or the ' +
    'validation could not be finished (VALIDATION_UNAVAILABLE, with `validationId`; submit the document again). ' +
    'A CA that cannot be reached is not a 503: the report says INDETERMINATE/TRY_LATER with `retryAfter`.',
  content: {
    'application/problem+json': {
      schema: { $ref: getSchemaPath(ProblemDto) },
      example: {
        type: 'https://kyso.invalid/problems/validation-unavailable',
        title: 'Service unavailable',
        status: 503,
        code: 'VALIDATION_UNAVAILABLE',
        detail:
          'Validation 3f2b... could not be finished: a service it depends on was unavailable. Submit the document again after 5 s.',
        retryAfter: 5,
      },
    },
  },
};

/** The shape of a validation answer; `report` is the DocumentReport of libs/pki (see the examples). */
/** The verifier's answer, passed on unchanged: its schema is the contract's. */
export const VALIDATION_RESULT_SCHEMA = { $ref: getSchemaPath(ValidationResultDto) };

export const UNSIGNED_REPORT_EXAMPLE = {
  conclusion: 'INDETERMINATE',
  validationTime: '2026-11-25T09:30:00.000Z',
  documentSha256: '0f0e...',
  signatureCount: 0,
  signatures: [],
  reasons: [
    { code: 'NO_SIGNATURE', message: 'The document has no signature.', messageVi: 'Tài liệu không có chữ ký số.' },
  ],
};

/** Public security schemes: the same bearer header carries either credential. */
function describe(): Omit<OpenAPIObject, 'paths'> {
  return new DocumentBuilder()
    .setTitle('Kyso')
    .setDescription(
      'Digital signatures for official documents: signing, validation and the registry of officials, certificates and key devices. ' +
        'Authenticate with a system API key or an operator access token (`POST /api/v1/auth/login`) as `Authorization: Bearer <token>`. ' +
        'Errors are RFC 9457 problem+json with a stable `code`. POSTs that create or sign honour `Idempotency-Key`.',
    )
    .setVersion('1')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'A system API key: kyso_<prefix>_<secret>' },
      'apiKey',
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'An operator access token from POST /api/v1/auth/login',
      },
      'accessToken',
    )
    .build();
}

export interface OpenApiSources {
  registry: InternalClient;
  signer: InternalClient;
  verifier: InternalClient;
}

/** Serves the one public API description at /docs (UI) and /docs-json: the gateway's routes plus the services' public ones. */
export async function setupOpenApi(app: NestExpressApplication, sources?: OpenApiSources): Promise<void> {
  const own = SwaggerModule.createDocument(app, describe(), { extraModels: [ProblemDto] });
  const merger = sources ? new OpenApiMerger(sources) : undefined;
  SwaggerModule.setup('docs', app, own, {
    jsonDocumentUrl: 'docs-json',
    patchDocumentOnRequest: ((_req: unknown, _res: unknown, doc: OpenAPIObject) =>
      merger ? merger.merged(doc) : doc) as never,
  });
}
