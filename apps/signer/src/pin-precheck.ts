import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { REQUEST_ID_HEADER } from '@kyso/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { RegistryClient } from './registry-client';

const log = new Logger('PinPrecheck');
const pending = new WeakMap<Request, () => void>();
/** Only an id-like value is worth a call (and safe to name in a log line); the registry checks the rest. */
const ID = /^[\w-]{1,64}$/;

/**
 * Told by the upload storage (SpillingStorage's `bigUpload`) that a big file part starts: runs
 * what the route registered for this request, once.
 */
export function bigUploadStarts(req: Request): void {
  const start = pending.get(req);
  pending.delete(req);
  start?.();
}

/**
 * While a big document still arrives, asks the registry to start checking the PIN sent before it
 * (`pin` and `certificateId` fields ahead of the file, no `signingSession`), so that the
 * authorisation after the upload finds scrypt's outcome ready (issue 12.6). Safe to ask early: the
 * pre-check is effect-free and answers nothing about the PIN; every rule, the document's own
 * checks first, still runs before the authorisation, which alone counts a wrong PIN. Fire and
 * forget: a failure only means the authorisation checks the PIN itself. Listed before the
 * FileInterceptor.
 */
@Injectable()
export class PrecheckPinDuringUpload implements NestInterceptor {
  constructor(private readonly registry: RegistryClient) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<Request>();
    pending.set(req, () => this.precheck(req));
    return next.handle();
  }

  private precheck(req: Request): void {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { pin, certificateId, signingSession } = body;
    if (typeof pin !== 'string' || pin === '' || typeof certificateId !== 'string' || signingSession) return;
    if (!ID.test(certificateId)) return;
    const requestId = req.header(REQUEST_ID_HEADER);
    this.registry.precheckPin({ certificateId, pin }, requestId).catch((e: Error) =>
      // Never the PIN: the certificate and why.
      log.warn(`PIN pre-check for certificate ${certificateId} not taken: ${e.message}`),
    );
  }
}
