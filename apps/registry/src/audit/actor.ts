import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { CALLER_HEADER, Caller, decodeCaller, REQUEST_ID_HEADER, serviceCaller } from '@kyso/common';
import type { Request } from 'express';
import type { AuditActor } from './audit-log';

/** The audit log records who acted, not what they may do: kind, id and name only. */
export const actorOf = (caller: Caller): AuditActor => ({ kind: caller.kind, id: caller.id, name: caller.name });

/** Who is acting and under which request id: what every registry write needs for its audit entry. */
export interface Acting {
  actor: AuditActor;
  requestId: string | null;
}

const MAX_REQUEST_ID = 200;

export function actingOf(req: Request): Acting {
  const caller = decodeCaller(req.header(CALLER_HEADER)) ?? serviceCaller('internal');
  const rid = req.header(REQUEST_ID_HEADER);
  return { actor: actorOf(caller), requestId: rid ? rid.slice(0, MAX_REQUEST_ID) : null };
}

/** Controller parameter: the forwarded caller (a service caller when absent) and the request id. */
export const ActingParam = createParamDecorator((_: unknown, ctx: ExecutionContext): Acting =>
  actingOf(ctx.switchToHttp().getRequest<Request>()),
);
