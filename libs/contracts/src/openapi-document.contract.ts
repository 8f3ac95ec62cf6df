import { IsObject, IsOptional, Matches } from 'class-validator';
import { answerOf } from './answers';

/** `GET /openapi.json` (SERVICE_OPENAPI_PATH) on every service, merged by the gateway: the parts of an OpenAPI 3 document the gateway's merge reads; the rest is carried over as it is. */
export class ServiceOpenApiDocument {
  @Matches(/^3\.\d+\.\d+$/, { message: 'openapi must be a 3.x.y version' }) openapi: string;
  @IsObject() paths: Record<string, Record<string, unknown>>;
  @IsOptional() @IsObject() components?: { schemas?: Record<string, unknown>; [k: string]: unknown };
  [extra: string]: unknown;
}

export const serviceOpenApiAnswer = answerOf(ServiceOpenApiDocument);
