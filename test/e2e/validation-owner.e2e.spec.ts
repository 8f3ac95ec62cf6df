import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createApiKey } from '../../apps/gateway/src/api-keys';
import { startStack, Stack } from '../support/stack';

/**
 * Issue 11, point 2: a validation belongs to the organisation that asked. Two systems with keys of
 * two organisations: the second cannot read the first one's report, nor tell it from an unknown id.
 */
describe('validations belong to the organisation that asked', () => {
  let stack: Stack;
  let keyA: string;
  let keyB: string;
  const letter = readFileSync('docs/samples/cong-van.pdf');

  beforeAll(async () => {
    stack = await startStack();
    const key = (name: string, organizationId: string) =>
      createApiKey(stack.databaseUrl, { name, scopes: ['validate'], organizationIds: [organizationId] });
    keyA = (await key('system of the province office', stack.demo.organizationId)).key;
    keyB = (await key('system of the district', stack.demo.districtOrganizationId)).key;
  });
  afterAll(() => stack?.close());

  const as = (key: string) => ({ Authorization: `Bearer ${key}` });
  const read = (id: string, key: string) => request(stack.gatewayUrl).get(`/api/v1/validations/${id}`).set(as(key));

  it("answers the submitting organisation's systems, and 404 to another organisation's", async () => {
    const submitted = await request(stack.gatewayUrl)
      .post('/api/v1/validations/pdf?wait=30')
      .set(as(keyA))
      .attach('file', letter, { filename: 'doc.pdf', contentType: 'application/pdf' });
    expect(submitted.status).toBe(200);
    expect(submitted.body.status).toBe('done');
    const id = submitted.body.id as string;

    const own = await read(id, keyA);
    expect(own.status).toBe(200);
    expect(own.body).toEqual(submitted.body);
    // A system serving the province office among others is of that organisation too.
    expect((await read(id, stack.apiKey)).status).toBe(200);

    const other = await read(id, keyB);
    expect(other.status).toBe(404);
    expect(other.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(other.text)).toMatchObject({ status: 404, code: 'VALIDATION_NOT_FOUND' });
    expect(other.text).not.toContain('report');
    const unknown = await read(randomUUID(), keyB);
    expect(unknown.status).toBe(404);
    expect(Object.keys(JSON.parse(unknown.text)).sort()).toEqual(Object.keys(JSON.parse(other.text)).sort());
  });
});
