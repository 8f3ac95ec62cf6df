import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { type BigUploadStarts, REQUEST_ID_HEADER } from '@kyso/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { RegistryClient } from './registry-client';

const log = new Logger('PinPrecheck');
/** Only an id-like value is worth a call (and safe to name in a log line); the registry checks the rest. */
const ID = /^[\w-]{1,64}$/;

/**
 * What a route runs once its request's file turns out big, per request: one per signer module,
 * shared by its upload storage (which tells) and the interceptor (which registers).
 */
export class BigUploadHooks {
  private readonly pending = new WeakMap<Request, () => void>();

  on(req: Request, start: () => void): void {
    this.pending.set(req, start);
  }

  /** SpillingStorage's `bigUpload`: a big file part starts; runs what was registered for this request, once. */
  readonly starts: BigUploadStarts = (req) => {
    const start = this.pending.get(req);
    this.pending.delete(req);
    start?.();
  };
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
  constructor(
    private readonly registry: RegistryClient,
    private readonly bigUploads: BigUploadHooks,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<Request>();
    this.bigUploads.on(req, () => this.precheck(req));
    return next.handle();
  }

  private precheck(req: Request): void {
    precheckPin(this.registry, (req.body ?? {}) as Record<string, unknown>, req.header(REQUEST_ID_HEADER));
  }
}

/**
 * Asks the registry to start checking the PIN of a form whose document is still arriving (`fields`:
 * those sent before the file), when it is worth it: a PIN and an id-like certificate, no session.
 */
export function precheckPin(
  registry: RegistryClient,
  fields: Record<string, unknown>,
  requestId: string | undefined,
): void {
  const { pin, certificateId, signingSession } = fields;
  if (typeof pin !== 'string' || pin === '' || typeof certificateId !== 'string' || signingSession) return;
  if (!ID.test(certificateId)) return;
  registry.precheckPin({ certificateId, pin }, requestId).catch((e: Error) =>
    // Never the PIN: the certificate and why.
    log.warn(`PIN pre-check for certificate ${certificateId} not taken: ${e.message}`),
  );
}
