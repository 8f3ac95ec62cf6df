import { readFileSync } from 'node:fs';
import request from 'supertest';
import { buildTimeStampRequest, findSignatures, parseTimeStampResponse } from '@kyso/pki';
import { opensslTsVerify, pdfsig } from '../support/independent-verifiers';
import { startStack, Stack } from '../support/stack';

const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

/**
 * Long-term signatures through the whole system: the signer asks the verifier to check the
 * certificate (its revocation service and cache), timestamps with the dev CA's TSA, embeds the
 * evidence, and the verifier judges the result from the document alone.
 */
describe('PAdES B-LTA through the gateway, with the dev CA TSA and the pre-signing check', () => {
  let stack: Stack;
  const letter = readFileSync('docs/samples/cong-van.pdf');

  beforeAll(async () => {
    stack = await startStack({ bodyLimitBytes: 2 * 1024 * 1024 });
  });
  afterAll(() => stack?.close());

  const gateway = () => request(stack.gatewayUrl);
  const auth = () => ({ Authorization: `Bearer ${stack.apiKey}` });
  const caPem = () => stack.pki.root.certificate.toPem() + stack.pki.subordinate.certificate.toPem();

  it('signs at B-LTA: the verifier says TOTAL-PASSED, proven by the signature timestamp, and pdfsig agrees', async () => {
    const o = stack.demo.officials[0];
    const res = await gateway()
      .post('/api/v1/signatures/pdf')
      .set(auth())
      .attach('file', letter, { filename: 'cong-van.pdf', contentType: 'application/pdf' })
      .field('certificateId', o.certificateId)
      .field('actingOfficialId', o.id)
      .field('pin', o.pin)
      .field('level', 'B-LTA')
      .buffer(true)
      .parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['x-kyso-signature-level']).toBe('B-LTA');
    const timestampTime = res.headers['x-kyso-timestamp-time'];
    expect(Date.parse(timestampTime)).toBeGreaterThan(Date.now() - 5 * 60_000);
    const signed = res.body as Buffer;
    expect(findSignatures(signed).map((s) => s.subFilter)).toEqual(['ETSI.CAdES.detached', 'ETSI.RFC3161']);

    const validation = await gateway()
      .post('/api/v1/validations/pdf?wait=30')
      .set(auth())
      .attach('file', signed, { filename: 'signed.pdf', contentType: 'application/pdf' });
    expect(validation.status).toBe(200);
    const sig = validation.body.report.signatures[0];
    expect(sig).toMatchObject({
      indication: 'TOTAL-PASSED',
      signingTime: { provenBy: 'timestamp', timestamped: new Date(timestampTime).toISOString() },
    });
    expect(sig.timestamps.map((t: { type: string; indication: string }) => [t.type, t.indication])).toEqual([
      ['signature', 'TOTAL-PASSED'],
      ['document', 'TOTAL-PASSED'],
    ]);
    expect(await pdfsig(signed, stack.pki.root.certificate.toPem())).toMatch(
      /Signature #1:[\s\S]*?Signature is Valid\./,
    );
  });

  it("serves the dev CA's RFC 3161 TSA publicly through the gateway; openssl ts -verify accepts its token", async () => {
    const data = Buffer.from('Công văn số 123/SNV');
    const req = buildTimeStampRequest({ data });
    const res = await gateway()
      .post('/api/v1/pki/dev-ca/tsa')
      .set('content-type', 'application/timestamp-query')
      .send(Buffer.from(req.der))
      .buffer(true)
      .parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/timestamp-reply/);
    const reply = parseTimeStampResponse(new Uint8Array(res.body as Buffer));
    expect(reply.status).toBe('granted');
    expect(await opensslTsVerify(reply.token!, data, caPem())).toContain('Verification: OK');
  });
});
