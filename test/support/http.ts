import type { Test } from 'supertest';

/** Reads the whole response as one Buffer (supertest leaves application/pdf and DER unparsed). */
export function asBuffer(req: Test): Test {
  return req.buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });
}
