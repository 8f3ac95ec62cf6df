import fc from 'fast-check';
import { mutated, onlyThrows } from '../../../test-fixtures/fuzz';
import { DevCa, generateSoftwareKey } from '../../devca';
import { PkiFormatError } from '../../errors';
import { Certificate } from '../../x509/certificate';
import { parseOcspRequest } from './request';
import { parseOcspResponse } from './response';
import { verifyOcspResponse } from './verify';

const typedOnly = (f: () => unknown): void => void onlyThrows(PkiFormatError, f);

describe('OCSP parsers under mutated input', () => {
  let ca: DevCa;
  let leaf: Certificate;
  let response: Uint8Array;
  let tbs: Buffer;
  const time = new Date();

  beforeAll(async () => {
    ca = await DevCa.createRoot({ commonName: 'Fuzz OCSP CA' });
    leaf = await ca.issue({
      subject: { CN: 'Fuzz' },
      publicKeySpki: generateSoftwareKey().publicKeySpki,
      profile: 'person',
    });
    const responder = await ca.issueOcspResponderCertificate();
    response = await ca.ocspResponse({
      certificate: leaf,
      thisUpdate: time,
      nextUpdate: new Date(time.getTime() + 3600_000),
      nonce: new Uint8Array(16).fill(7),
      responder: { certificate: responder.certificate, signer: responder.key.signer },
    });
    tbs = Buffer.from(parseOcspResponse(response).basic!.tbsResponseData);
  });

  it('never throws an untyped error, and never turns a changed response into "good"', () => {
    const started = Date.now();
    fc.assert(
      fc.property(mutated(response), (bytes) => {
        typedOnly(() => parseOcspResponse(bytes));
        const r = verifyOcspResponse(bytes, { certificate: leaf, issuer: ca.certificate, time });
        expect(['good', 'revoked', 'unknown']).toContain(r.status);
        if (r.status !== 'unknown')
          expect(Buffer.from(parseOcspResponse(bytes).basic!.tbsResponseData).equals(tbs)).toBe(true);
      }),
      { numRuns: 400, seed: 4242 },
    );
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('parses requests with typed errors only', () => {
    const req = Uint8Array.from(
      Buffer.from(
        'MEIwQDA+MDwwOjAJBgUrDgMCGgUABBR5fXc9Pws2KFIrDvZEPt4FuKy35wQU3bgmbzQQl2ZVKvhS8F2vLRB3QT8CAQE=',
        'base64',
      ),
    );
    expect(parseOcspRequest(req).certIds).toHaveLength(1);
    fc.assert(
      fc.property(mutated(req), (bytes) => typedOnly(() => parseOcspRequest(bytes))),
      { numRuns: 300, seed: 7 },
    );
  });
});
