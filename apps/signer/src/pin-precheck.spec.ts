import type { CallHandler, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { lastValueFrom, of } from 'rxjs';
import type { PinPrecheckRequestDto } from '@kyso/contracts';
import { BigUploadHooks, PrecheckPinDuringUpload } from './pin-precheck';
import type { RegistryClient } from './registry-client';

/** The registry client's one call used here, recorded. */
class Prechecks {
  readonly asked: PinPrecheckRequestDto[] = [];
  precheckPin = async (req: PinPrecheckRequestDto): Promise<void> => void this.asked.push(req);
}

const request = (body: Record<string, string>) => ({ body, header: () => undefined }) as unknown as Request;

/** Runs the interceptor for `req` as Nest would, ahead of the route. */
async function intercept(interceptor: PrecheckPinDuringUpload, req: Request): Promise<void> {
  const context = { switchToHttp: () => ({ getRequest: () => req }) } as unknown as ExecutionContext;
  const next: CallHandler = { handle: () => of(undefined) };
  await lastValueFrom(interceptor.intercept(context, next));
}

describe('PrecheckPinDuringUpload', () => {
  const fields = { pin: '1234', certificateId: 'cert-1' };

  it('asks for a pre-check once the storage says the file is big, once per request', async () => {
    const registry = new Prechecks();
    const hooks = new BigUploadHooks();
    const req = request(fields);
    await intercept(new PrecheckPinDuringUpload(registry as unknown as RegistryClient, hooks), req);
    expect(registry.asked).toEqual([]);
    hooks.starts(req);
    hooks.starts(req);
    expect(registry.asked).toEqual([fields]);
  });

  it('keeps what a request registered with its own module: another instance hears nothing of it', async () => {
    const registry = new Prechecks();
    const mine = new BigUploadHooks();
    const other = new BigUploadHooks();
    const req = request(fields);
    await intercept(new PrecheckPinDuringUpload(registry as unknown as RegistryClient, mine), req);
    other.starts(req);
    expect(registry.asked).toEqual([]);
    mine.starts(req);
    expect(registry.asked).toEqual([fields]);
  });

  it('asks nothing for a signing session or a certificate id that is not id-like', async () => {
    const registry = new Prechecks();
    const hooks = new BigUploadHooks();
    const interceptor = new PrecheckPinDuringUpload(registry as unknown as RegistryClient, hooks);
    for (const body of [
      { ...fields, signingSession: 's-1' },
      { ...fields, certificateId: 'a b' },
      { certificateId: 'c' },
    ]) {
      const req = request(body);
      await intercept(interceptor, req);
      hooks.starts(req);
    }
    expect(registry.asked).toEqual([]);
  });
});
