import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { INTERNAL_TOKEN_HEADER, sameSecret } from './internal-auth';
import { PROBLEM_CONTENT_TYPE, unauthorized } from './problem';

export const SERVICE_OPENAPI_PATH = '/openapi.json';

/**
 * A service's own OpenAPI document, for the gateway to merge into the public one. Built on first
 * request (the app's routes are known by then) and kept.
 */
export function serviceOpenApiHandler(app: INestApplication, name: string, internalToken: string) {
  let doc: OpenAPIObject | undefined;
  return (req: Request, res: Response): void => {
    const given = req.header(INTERNAL_TOKEN_HEADER);
    if (!given || !sameSecret(given, internalToken)) {
      const p = unauthorized('INTERNAL_CREDENTIAL_REQUIRED', 'This service accepts calls only from Kyso services.');
      res
        .status(401)
        .type(PROBLEM_CONTENT_TYPE)
        .send(JSON.stringify(p.toProblem(req.originalUrl)));
      return;
    }
    doc ??= SwaggerModule.createDocument(app, new DocumentBuilder().setTitle(`kyso ${name}`).setVersion('1').build());
    res.json(doc);
  };
}

/** The OpenAPI content of a service's error answer (RFC 9457, problem.ts), for @ApiResponse. */
export const PROBLEM_CONTENT = { content: { 'application/problem+json': { schema: { type: 'object' } } } };
