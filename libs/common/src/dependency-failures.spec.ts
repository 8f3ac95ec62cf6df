import { Controller, Get, Module } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Writable } from 'node:stream';
import request from 'supertest';
import { createService } from './bootstrap';
import { HealthController, READINESS_CHECKS } from './health.controller';

/** What node-postgres throws while the server is down, and whether the check passes. */
const state = { databaseUp: false };
const refused = () => Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:5432'), { code: 'ECONNREFUSED' });

@Controller('records')
class RecordsController {
  @Get()
  list() {
    if (!state.databaseUp) throw refused();
    return [];
  }
}

@Module({
  controllers: [RecordsController, HealthController],
  providers: [
    {
      provide: READINESS_CHECKS,
      useValue: {
        postgres: async () => {
          if (!state.databaseUp) throw refused();
        },
      },
    },
  ],
})
class RecordsModule {}

describe('a dependency failure through createService', () => {
  let app: NestExpressApplication;
  const lines: { level: number; msg?: string; status?: number }[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });

  beforeAll(async () => {
    process.env.KYSO_LOG_LEVEL = 'info';
    app = await createService(RecordsModule, {
      name: 'records',
      port: 0,
      host: '127.0.0.1',
      logDestination: destination,
    });
    delete process.env.KYSO_LOG_LEVEL;
    await app.listen(0, '127.0.0.1');
  });
  afterAll(() => app?.close());

  it('answers 503 DATABASE_UNAVAILABLE with Retry-After, logs one warning for many requests, and reports recovery', async () => {
    const server = app.getHttpServer();
    const answers = await Promise.all(Array.from({ length: 20 }, () => request(server).get('/records')));
    for (const res of answers) {
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).toMatchObject({ code: 'DATABASE_UNAVAILABLE', retryAfter: 5 });
      expect(res.text).not.toContain('10.1.2.3');
    }
    const notReady = await request(server).get('/health/ready');
    expect(notReady.status).toBe(503);
    expect(notReady.body.dependencies.postgres.state).toBe('down');

    state.databaseUp = true;
    expect((await request(server).get('/records')).status).toBe(200);
    const ready = await request(server).get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.dependencies.postgres.state).toBe('up');

    const outage = lines.filter((l) => l.level >= 40 || /available again/.test(l.msg ?? ''));
    expect(outage).toEqual([
      expect.objectContaining({ level: 40, msg: expect.stringMatching(/^postgres unavailable: ECONNREFUSED/) }),
      expect.objectContaining({ level: 30, msg: expect.stringMatching(/^postgres available again after/) }),
    ]);
    // The access log keeps its line per request, at info: a 503 is not an error.
    expect(lines.filter((l) => l.msg === 'request' && l.status === 503).every((l) => l.level === 30)).toBe(true);
  });
});
