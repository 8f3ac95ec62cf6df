import { Injectable, PipeTransform } from '@nestjs/common';
import { badRequest } from '@kyso/common';

/** Any RFC 9562 textual UUID: what Postgres' uuid type accepts (without braces). */
export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isId = (v: unknown): v is string => typeof v === 'string' && UUID_RE.test(v);

/** Path ids are checked before they reach the database: a clear 400 instead of a driver error. */
@Injectable()
export class ParseIdPipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    if (!isId(value))
      throw badRequest('INVALID_ID', `"${String(value).slice(0, 64)}" is not a valid id (UUID expected)`);
    return value.toLowerCase();
  }
}
