import { Body, Controller, Get, Logger, Module, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Writable } from 'node:stream';
import request from 'supertest';
import { createService } from './bootstrap';
import { Caller, CallerParam } from './caller';
import { InternalClient } from './internal-client';
import { createLogger } from './logger';

const TOKEN = 'plumbing-token-0123456789';

@Controller('things')
class ThingsController {
  private readonly log = new Logger('Things');
  /** What of ours waits for this response to finish (Node's own http server listener is a bound function). */
  @Get('listeners')
  listeners(@Res({ passthrough: true }) res: Response) {
    return { finish: res.listeners('finish').filter((l) => !String(l).includes('[native code]')).length };
  }
  @Get(':id')
  get(@Param('id') id: string) {
    this.log.log('looking up a thing');
    return { id };
  }
  @Post()
  create(@Body() body: { password: string }, @CallerParam() caller: Caller) {
    this.log.log({ msg: 'creating', body });
    return { caller: caller.id };
  }
}

@Module({ controllers: [ThingsController] })
class ThingsModule {}

describe('service plumbing (createService)', () => {
  let app: NestExpressApplication;
  let base: string;
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });

  beforeAll(async () => {
    process.env.KYSO_LOG_LEVEL = 'info';
    app = await createService(ThingsModule, {
      name: 'things',
      port: 0,
      host: '127.0.0.1',
      internalToken: TOKEN,
      logDestination: destination,
    });
    delete process.env.KYSO_LOG_LEVEL;
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(() => app?.close());

  const internal = () => ({ 'x-kyso-internal-token': TOKEN });

  it('keeps a valid request id, replaces an invalid one, and logs it on every line of the request', async () => {
    const ok = await request(base).get('/things/7').set(internal()).set('x-request-id', 'abc-123');
    expect(ok.headers['x-request-id']).toBe('abc-123');
    const bad = await request(base).get('/things/7').set(internal()).set('x-request-id', 'has spaces\tand tabs');
    expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const mine = lines.filter((l) => l.requestId === 'abc-123');
    expect(mine.map((l) => l.msg)).toEqual(expect.arrayContaining(['looking up a thing', 'request']));
    expect(mine.find((l) => l.msg === 'request')).toMatchObject({
      service: 'things',
      route: '/things/:id',
      status: 200,
      method: 'GET',
    });
  });

  it('redacts passwords, PINs, tokens and authorization from log lines', () => {
    const pino = createLogger({ name: 't', level: 'info', destination });
    pino.info(
      {
        headers: { authorization: 'Bearer s3cret', cookie: 'c=1' },
        body: { pin: '1234', password: 'pw', apiKey: 'kyso_x', nested: { token: 'tok-v' } },
      },
      'x',
    );
    const last = JSON.stringify(lines[lines.length - 1]);
    for (const secret of ['s3cret', 'c=1', '1234', '"pw"', 'kyso_x', 'tok-v']) expect(last).not.toContain(secret);
    expect(last).toContain('[redacted]');
  });

  it('redacts every secret field name the services use, at four levels of nesting', () => {
    const pino = createLogger({ name: 't', level: 'info', destination });
    pino.info(
      {
        Authorization: 'Bearer AUTHCAP',
        body: { newPassword: 'NEWPW', nationalId: 'NATID', signingPin: 'SPIN', refreshToken: 'RTOK' },
        a: { b: { c: { pin: 'DEEPPIN' } } },
      },
      'y',
    );
    const last = JSON.stringify(lines[lines.length - 1]);
    for (const secret of ['AUTHCAP', 'NEWPW', 'NATID', 'SPIN', 'RTOK', 'DEEPPIN']) expect(last).not.toContain(secret);
  });

  it('redacts the body of Nest log calls too', async () => {
    await request(base).post('/things').set(internal()).send({ password: 'hunter2' });
    expect(JSON.stringify(lines)).not.toContain('hunter2');
  });

  it('sets the security headers', async () => {
    const res = await request(base).get('/things/1').set(internal());
    expect(res.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': expect.stringContaining('max-age='),
      'content-security-policy': expect.stringContaining("default-src 'none'"),
    });
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('serves Prometheus metrics per route template and status, to the internal credential only', async () => {
    await request(base).get('/things/42').set(internal());
    await request(base).get('/things/43');
    expect((await request(base).get('/metrics')).status).toBe(401);
    const res = await request(base).get('/metrics').set(internal());
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/http_requests_total\{[^}]*route="\/things\/:id",status="200"[^}]*\} \d+/);
    expect(res.text).toMatch(/http_requests_total\{[^}]*route="\/things\/:id",status="401"/);
    expect(res.text).not.toContain('/things/42');
    expect(res.text).toContain('http_request_duration_seconds_bucket');
  });

  it('logs and counts a request from one listener on its end', async () => {
    const res = await request(base).get('/things/listeners').set(internal()).set('x-request-id', 'one-listener');
    expect(res.body).toEqual({ finish: 1 });
    expect(lines.find((l) => l.requestId === 'one-listener' && l.msg === 'request')).toMatchObject({
      route: '/things/listeners',
      status: 200,
      durationMs: expect.any(Number),
    });
    const metrics = await request(base).get('/metrics').set(internal());
    expect(metrics.text).toMatch(/http_requests_total\{[^}]*route="\/things\/listeners",status="200"[^}]*\} 1/);
  });

  it('serves its OpenAPI document at /openapi.json to the internal credential only', async () => {
    expect((await request(base).get('/openapi.json')).status).toBe(401);
    const res = await request(base).get('/openapi.json').set(internal());
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/things/{id}', '/things']));
  });

  it('InternalClient forwards the caller and the request id', async () => {
    const client = new InternalClient(base, TOKEN);
    const caller: Caller = {
      kind: 'operator',
      id: 'op-1',
      name: 'Lan',
      scopes: [],
      organizationIds: [],
      roles: [{ role: 'clerk', organizationId: 'o1' }],
      officialId: null,
    };
    expect(
      await client.json('POST', '/things', (raw) => raw, { password: 'x' }, { caller, requestId: 'rid-9' }),
    ).toEqual({
      caller: 'op-1',
    });
    expect(lines.some((l) => l.requestId === 'rid-9')).toBe(true);
    expect(await client.json('POST', '/things', (raw) => raw, { password: 'x' })).toEqual({ caller: 'internal' });
  });
});
