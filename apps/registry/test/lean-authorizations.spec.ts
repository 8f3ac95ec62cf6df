import { IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { randomBytes } from 'node:crypto';
import { Caller, encodeCaller, JSON_BODY_LIMIT_BYTES, ServiceHttp } from '@kyso/common';
import { OpenSslPki, RunningRegistry, startRegistry, startRegistryOn, TestCert, TOKEN, trustCa } from './support';

const PIN = '418305';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g;
/** What differs between two answers to the same call: ids, times, a new session's token and uses left, Express's ETag. */
const comparable = (a: Answer) => ({
  status: a.status,
  body: a.body
    .replace(UUID, '<id>')
    .replace(INSTANT, '<time>')
    .replace(/"token":"kss_[\w-]+"/, '"token":"<token>"')
    .replace(/"remainingUses":\d+/, '"remainingUses":<n>'),
  headers: Object.fromEntries(
    Object.entries(a.headers)
      .filter(([k]) => k !== 'date' && k !== 'keep-alive' && k !== 'etag')
      .map(([k, v]) => [k, typeof v === 'string' ? v.replace(UUID, '<id>') : v]),
  ),
});

/**
 * The lean path of POST /signing-authorizations (lean-authorizations.ts) must answer as Express
 * and Nest do: every request here goes to a registry with it and to one without it
 * (leanAuthorizations: false) on the same database, and the two answers (status, headers, body;
 * ids and the uses left aside) must be the same, refusals included. Only the success answer's ETag
 * differs: the lean path sends none.
 */
describe('lean POST /signing-authorizations', () => {
  let reg: RunningRegistry;
  let framework: RunningRegistry & { url: string };
  let lean: string;
  let pki: OpenSslPki;
  let ca: TestCert;
  let org: string;
  let an: string;
  let cert: string;
  const begin = jest.spyOn(ServiceHttp.prototype, 'begin');

  const system = (): Caller => ({
    kind: 'system',
    id: 'key-1',
    name: 'HSCV',
    scopes: ['sign'],
    organizationIds: [org],
    roles: [],
    officialId: null,
  });

  const send = (base: string, path: string, headers: Record<string, string>, body: Buffer) =>
    new Promise<Answer>((resolve, reject) => {
      const req = httpRequest(`${base}${path}`, { method: 'POST', headers });
      let answered = false;
      req.on('response', (res) => {
        answered = true;
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        res.on('error', reject);
      });
      // A 413 may be answered before the whole upload is taken: the rest of it may then be refused.
      req.on('error', (e) => (answered ? undefined : reject(e)));
      req.end(body);
    });

  /** The same request to both registries; the lean registry's answer, after checking the other gave the same. */
  const both = async (
    body: unknown,
    opts: { path?: string; token?: string | null; caller?: string | null; headers?: Record<string, string> } = {},
  ) => {
    const raw = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'content-length': String(raw.length),
      'x-request-id': `lean-${randomBytes(4).toString('hex')}`,
      ...(opts.token === null ? {} : { 'x-kyso-internal-token': opts.token ?? TOKEN }),
      ...(opts.caller === null ? {} : { 'x-kyso-caller': opts.caller ?? encodeCaller(system()) }),
      ...opts.headers,
    };
    const path = opts.path ?? '/signing-authorizations';
    const calls = begin.mock.calls.length;
    const a = await send(lean, path, headers, raw);
    const leanTook = begin.mock.calls.length > calls;
    const b = await send(framework.url, path, headers, raw);
    expect(begin.mock.calls.length).toBe(calls + (leanTook ? 1 : 0)); // the framework registry never takes it
    expect(comparable(a)).toEqual(comparable(b));
    // Express answers with an ETag; the lean path's success does not.
    if (b.status === 200) expect(b.headers.etag).toBeDefined();
    if (leanTook && a.status === 200) expect(a.headers.etag).toBeUndefined();
    return { answer: a, other: b, leanTook, body: JSON.parse(a.body) as Record<string, unknown> };
  };

  const open = async (uses: number): Promise<string> => {
    const { body } = await both({ certificateId: cert, actingOfficialId: an, pin: PIN, session: uses });
    return (body.signingSession as { token: string }).token;
  };

  beforeAll(async () => {
    pki = await OpenSslPki.start();
    ca = pki.ca('Kyso Test Government CA');
    reg = await startRegistry({ signingSessionMaxUses: 50 });
    lean = (await reg.app.getUrl()).replace('[::1]', '127.0.0.1');
    framework = await startRegistryOn(reg.databaseUrl, TOKEN, {
      signingSessionMaxUses: 50,
      signerUrl: 'http://127.0.0.1:9',
      leanAuthorizations: false,
    });
    await trustCa(reg, ca);
    org = (await reg.post('/organizations', { code: 'H29.42', name: 'Sở Tư pháp Hà Nam', legalEntity: true })).body.id;
    an = (
      await reg.post('/officials', {
        fullName: 'Nguyễn Văn An',
        email: `${randomBytes(4).toString('hex')}@hanam.gov.vn`,
        title: 'Chuyên viên',
        organizationId: org,
      })
    ).body.id;
    const res = await reg.post('/certificates', {
      certificatePem: pki.leaf('/C=VN/CN=Cán bộ lean', ca).pem,
      chainPem: [ca.pem],
      keyUri: 'pkcs11:token=kyso-test;object=k',
      subjectType: 'person',
      holderOfficialId: an,
      organizationId: org,
      signingPin: PIN,
    });
    expect(res.status).toBe(201);
    cert = res.body.id;
  }, 60_000);

  afterAll(async () => {
    await framework?.stop();
    await reg?.stop();
    pki?.cleanup();
  });

  it('takes a session use and answers it as Express does, spending one use each', async () => {
    const token = await open(10);
    const first = await both({ certificateId: cert, actingOfficialId: an, signingSession: token });
    expect(first.leanTook).toBe(true);
    expect(first.body).toMatchObject({ allowed: true, signingSession: { remainingUses: 9 } });
    expect(JSON.parse(first.other.body)).toMatchObject({ allowed: true, signingSession: { remainingUses: 8 } });
    expect(first.answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Number(first.answer.headers['content-length'])).toBe(Buffer.byteLength(first.answer.body));
    // Upper-case ids are the same certificate and official, as before.
    const upper = await both({ certificateId: cert.toUpperCase(), actingOfficialId: an, signingSession: token });
    expect(upper.body).toMatchObject({ allowed: true, signingSession: { remainingUses: 7 } });
  });

  it('answers refusals alike: a wrong PIN (counted once per call), an unknown session, another official', async () => {
    const wrong = await both({ certificateId: cert, actingOfficialId: an, pin: '000000' });
    expect(wrong.leanTook).toBe(true);
    expect(wrong.body).toMatchObject({ allowed: false, code: 'WRONG_PIN' });
    // Two wrong PINs so far: a right one resets the count before the lockout (3).
    expect((await both({ certificateId: cert, actingOfficialId: an, pin: PIN })).body).toMatchObject({ allowed: true });
    const unknown = await both({ certificateId: cert, actingOfficialId: an, signingSession: `kss_${'A'.repeat(43)}` });
    expect(unknown.body).toMatchObject({ allowed: false, code: 'SIGNING_SESSION_INVALID' });
    const token = await open(5);
    const other = await both({ certificateId: cert, actingOfficialId: org, signingSession: token });
    expect(other.body).toMatchObject({ allowed: false });
  });

  it('refuses alike: credential, caller header, JSON, depth, size and the contract', async () => {
    const body = { certificateId: cert, actingOfficialId: an, signingSession: `kss_${'B'.repeat(43)}` };
    const cases: [unknown, Parameters<typeof both>[1], number, string][] = [
      [body, { token: null }, 401, 'INTERNAL_CREDENTIAL_REQUIRED'],
      [body, { token: 'wrong' }, 401, 'INTERNAL_CREDENTIAL_REQUIRED'],
      [body, { caller: 'not a caller' }, 400, 'INVALID_CALLER'],
      // The body middleware runs before the guard: a malformed body is a 400 even without the credential.
      [Buffer.from('{"certificateId": '), { token: null }, 400, 'INVALID_JSON'],
      [Buffer.from('"text"'), {}, 400, 'INVALID_JSON'],
      [Buffer.from(`{"a":${'['.repeat(40)}${']'.repeat(40)}}`), {}, 400, 'JSON_TOO_DEEP'],
      [Buffer.alloc(JSON_BODY_LIMIT_BYTES + 10, 0x20), {}, 413, 'PAYLOAD_TOO_LARGE'],
      [{ certificateId: cert, signingSession: body.signingSession }, {}, 400, 'MISSING_FIELD'],
      [{ ...body, certificateId: 'nope' }, {}, 400, 'INVALID_ID'],
      [body, { headers: { 'content-type': 'text/plain' } }, 400, ''],
    ];
    for (const [b, opts, status, code] of cases) {
      const { answer, leanTook, body: problem } = await both(b, opts);
      expect([leanTook, answer.status]).toEqual([true, status]);
      expect(answer.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      if (code) expect(problem.code).toBe(code);
    }
  });

  it('leaves other spellings of the path and queries to Express, which answers alike', async () => {
    const token = await open(10);
    const body = { certificateId: cert, actingOfficialId: an, signingSession: token };
    for (const path of ['/signing-authorizations/', '/Signing-Authorizations', '/signing-authorizations?x=1']) {
      const { answer, leanTook } = await both(body, { path });
      expect(leanTook).toBe(false);
      expect(answer.status).toBe(200);
      expect(answer.headers.etag).toBeDefined();
    }
  });

  it('counts alike: the same route, statuses and counts in both metrics', async () => {
    const routeLines = async (base: string) => {
      const res = await fetch(`${base}/metrics`, { headers: { 'x-kyso-internal-token': TOKEN } });
      return (
        (await res.text())
          .split('\n')
          // A body the JSON middleware refuses is 'unmatched' (Express routes after reading it).
          .filter(
            (l) =>
              l.startsWith('http_requests_total{') &&
              (l.includes('/signing-authorizations') || l.includes('route="unmatched"')),
          )
          .sort()
      );
    };
    const lines = await routeLines(lean);
    expect(lines.some((l) => l.includes('route="/signing-authorizations"') && l.includes('status="200"'))).toBe(true);
    expect(lines.some((l) => l.includes('route="unmatched"') && l.includes('status="400"'))).toBe(true);
    expect(lines).toEqual(await routeLines(framework.url));
  });
});
