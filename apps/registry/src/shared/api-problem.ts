import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';

const problemSchema = {
  type: 'object',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    code: { type: 'string' },
    detail: { type: 'string' },
    instance: { type: 'string' },
  },
  required: ['type', 'title', 'status', 'code'],
};

/** Documents an RFC 9457 problem response with its stable codes. */
export function ApiProblem(status: number, description: string, codes: string[]) {
  return applyDecorators(
    ApiResponse({
      status,
      description: `${description} (codes: ${codes.join(', ')})`,
      content: {
        'application/problem+json': {
          schema: problemSchema,
          example: {
            type: `https://kyso.invalid/problems/${codes[0].toLowerCase().replace(/_/g, '-')}`,
            title: description,
            status,
            code: codes[0],
          },
        },
      },
    }),
  );
}

/** The problems every internal endpoint can answer. */
export const ApiInternal = () =>
  ApiProblem(401, 'Missing or wrong internal credential', ['INTERNAL_CREDENTIAL_REQUIRED']);
