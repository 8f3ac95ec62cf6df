import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { mutated, onlyThrows } from '../../test-fixtures/fuzz';
import { DevCa, DevTsa } from '../devca';
import { PkiFormatError } from '../errors';
import { buildTimeStampRequest, parseTimeStampRequest } from './request';
import { parseTimeStampResponse, parseTstInfo } from './token';
import { verifyTimeStampResponse } from './verify';

const typedOnly = (f: () => unknown): void => void onlyThrows(PkiFormatError, f);

describe('RFC 3161 parsers under mutated input', () => {
  const imprint = createHash('sha256').update('văn bản').digest();
  let response: Uint8Array;
  let tstInfo: Buffer;
  let tsa: DevTsa;

  beforeAll(async () => {
    tsa = await DevTsa.create(await DevCa.createRoot({ commonName: 'Fuzz TSA Root' }));
    response = await tsa.timestamp({ imprint, nonce: 99n });
    expect(verifyTimeStampResponse(response, { imprint, nonce: 99n }).valid).toBe(true);
    tstInfo = Buffer.from(verifyTimeStampResponse(response, { imprint }).tstInfo!.der);
  });

  it('never throws an untyped error, and never accepts a changed TSTInfo', () => {
    const started = Date.now();
    fc.assert(
      fc.property(mutated(response), (bytes) => {
        typedOnly(() => parseTimeStampResponse(bytes));
        const r = verifyTimeStampResponse(bytes, { imprint, nonce: 99n });
        if (r.valid) expect(Buffer.from(r.tstInfo!.der).equals(tstInfo)).toBe(true);
      }),
      { numRuns: 400, seed: 3161 },
    );
    fc.assert(
      fc.property(mutated(tstInfo), (bytes) => typedOnly(() => parseTstInfo(bytes))),
      { numRuns: 200, seed: 1 },
    );
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('the TSA answers any mutated request with a response, never an exception', async () => {
    const req = buildTimeStampRequest({ imprint, nonce: 5n }).der;
    await fc.assert(
      fc.asyncProperty(mutated(req), async (bytes) => {
        typedOnly(() => parseTimeStampRequest(bytes));
        const resp = parseTimeStampResponse(await tsa.timestamp(bytes));
        expect(['granted', 'rejection']).toContain(resp.status);
      }),
      { numRuns: 150, seed: 11 },
    );
  });
});
