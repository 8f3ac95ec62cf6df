import fc from 'fast-check';
import { ACCESS_MATRIX } from '../../apps/gateway/src/authz/matrix';
import { startStack, Stack } from '../support/stack';

const HIGH = 1_000_000;

/** Text a hostile or careless client sends: any Unicode, controls and NUL, bidi and zero-width, huge numbers. */
const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '\u0000',
    'a\u202Eb',
    '\u200B',
    'Nguye\u0302\u0303n',
    '%00',
    '../..',
    '1e309',
    '-1',
    '99999999999999999999',
  ),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    text,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(text, tie('v'), { maxKeys: 5 }),
  ),
})).v;
/** Numbers a database column cannot hold, written as a client would. */
const number = fc.oneof(fc.bigInt().map(String), fc.double().map(String), fc.integer().map(String), text);
const FIELDS = ['organizationId', 'officialId', 'fullName', 'name', 'username', 'password', 'scopes', 'role', 'pin'];

/** Inputs that reach real records (demo ids), so hostile values get past the "not found" answers. */
function inputs(ids: string[]) {
  const id = fc.oneof(fc.constantFrom(...ids), fc.uuid());
  const field = fc.oneof(value, id, number);
  // A body mostly shaped like the routes' (known field names, real ids), sometimes anything at all.
  const body = fc.oneof(fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS), text), field, { maxKeys: 6 }), value);
  const query = fc.dictionary(
    fc.constantFrom('limit', 'offset', 'search', 'status', 'days', 'organizationId'),
    number,
    {
      maxKeys: 3,
    },
  );
  const param = fc.oneof(id, id, text.map(encodeURIComponent));
  return { body, query, param };
}

/**
 * Property: whatever a client sends to any route of the access matrix (path ids, query, JSON
 * body, with an admin's token or none), the gateway and the real services behind it answer with
 * a 4xx problem or a success, never a 5xx.
 */
describe('hostile input through the gateway (issue 11, point 5)', () => {
  let stack: Stack;
  let adminToken: string;

  beforeAll(async () => {
    stack = await startStack({
      operators: true,
      gatewayLimits: { operatorPerMinute: HIGH, systemPerMinute: HIGH, loginPerMinute: HIGH, publicPerMinute: HIGH },
    });
    const admin = stack.operators.find((o) => o.role === 'admin')!;
    const login = await fetch(`${stack.gatewayUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: admin.username, password: admin.password }),
    });
    adminToken = ((await login.json()) as { accessToken: string }).accessToken;
  });
  afterAll(() => stack?.close());

  it('never answers 5xx to any route, path id, query or JSON body', async () => {
    // Signing out would end the admin's session for the rest of the run.
    const routes = ACCESS_MATRIX.filter((r) => !r.path.startsWith('/health') && !r.path.endsWith('/auth/logout'));
    const { demo } = stack;
    const { body, query, param } = inputs([
      demo.organizationId,
      demo.districtOrganizationId,
      demo.clerk.id,
      demo.clerk.organizationCertificateId,
      ...demo.staff.map((s) => s.id),
    ]);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.array(param, { minLength: 3, maxLength: 3 }),
        query,
        body,
        fc.oneof(fc.constant(true), fc.constant(true), fc.constant(false)),
        async (rule, params, q, b, asAdmin) => {
          let i = 0;
          const path = rule.path.replace(/:\w+/g, () => params[i++]);
          const qs = new URLSearchParams(q as Record<string, string>).toString();
          const res = await fetch(`${stack.gatewayUrl}${path}${qs ? `?${qs}` : ''}`, {
            method: rule.method,
            headers: {
              'content-type': 'application/json',
              ...(asAdmin ? { authorization: `Bearer ${adminToken}` } : {}),
            },
            body: rule.method === 'GET' ? undefined : JSON.stringify(b),
          });
          const answer = await res.text();
          if (res.status >= 500)
            throw new Error(`${rule.method} ${path}?${qs} ${JSON.stringify(b)} → ${res.status} ${answer}`);
          if (res.status >= 400) expect(res.headers.get('content-type')).toContain('application/problem+json');
        },
      ),
      { numRuns: 400 },
    );
  });
});
