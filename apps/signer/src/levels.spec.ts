import { PkiFormatError } from '@kyso/pki';
import { mergeSigningEvidence, tsaFailure, tsaFor } from './levels';
import { TimestampAuthority } from './signing-seams';
import { TsaUnavailableError } from './timestamp-authority';

const authority = (configured: boolean): TimestampAuthority => ({
  client: () => (configured ? async () => new Uint8Array() : undefined),
});

describe('PAdES levels: what each needs, and what a TSA failure becomes', () => {
  it('asks no TSA for B-B, and refuses B-T and up without one (TSA_NOT_CONFIGURED) instead of signing B-B', () => {
    expect(tsaFor('B-B', authority(false))).toEqual({ ok: true });
    for (const level of ['B-T', 'B-LT', 'B-LTA'] as const) {
      expect(tsaFor(level, authority(false))).toMatchObject({ ok: false, refusal: { code: 'TSA_NOT_CONFIGURED' } });
      expect(tsaFor(level, authority(true))).toMatchObject({ ok: true, tsa: expect.any(Function) });
    }
  });

  it('makes an outage or an unusable TSA answer 503 TSA_UNAVAILABLE, and leaves other errors alone', () => {
    expect(tsaFailure(new TsaUnavailableError('not reachable'))).toMatchObject({
      code: 'TSA_UNAVAILABLE',
      retryAfterSeconds: 30,
    });
    expect(tsaFailure(new PkiFormatError('TSP_RESPONSE_REFUSED', 'status rejection'))).toMatchObject({
      code: 'TSA_UNAVAILABLE',
    });
    expect(tsaFailure(new PkiFormatError('PDF_MALFORMED', 'broken'))).toBeUndefined();
    expect(tsaFailure(new Error('bug'))).toBeUndefined();
  });

  it('embeds each CRL and OCSP answer once however many checks brought it', () => {
    const crl = Uint8Array.of(1, 2);
    const merged = mergeSigningEvidence([
      { certificates: [], crls: [crl, Uint8Array.of(3)], ocsps: [] },
      { certificates: [], crls: [Uint8Array.of(1, 2)], ocsps: [Uint8Array.of(9)] },
    ]);
    expect(merged).toEqual({ certificates: [], crls: [crl, Uint8Array.of(3)], ocsps: [Uint8Array.of(9)] });
  });
});
