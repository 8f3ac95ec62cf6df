import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { Clock } from '@kyso/common';
import { CHANGE_QUEUE, changeJobId } from '../src/personnel/change-schedule';
import { startOfVietnamDay, vietnamDate } from '../src/requests/working-days';
import { LifecycleWorld, operator, seedWorld } from './lifecycle-support';
import { OpenSslPki, RunningRegistry, startRegistry, startRegistryOn, TestCert, TOKEN } from './support';

const REDIS_URL = 'redis://127.0.0.1:6379';

/** The system clock moved forward to a few seconds before a Vietnam midnight: "tomorrow" is that close. */
class EveClock extends Clock {
  private offset = 0;
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
  /** Now is `seconds` before the next midnight (UTC+7); returns the date that midnight begins. */
  eve(seconds: number): string {
    this.offset = 0;
    const tomorrow = vietnamDate(new Date(Date.now() + 86_400_000));
    this.offset = startOfVietnamDay(tomorrow).getTime() - seconds * 1000 - Date.now();
    return tomorrow;
  }
}

/** This run's BullMQ keys (its own prefix), removed at the end. */
async function dropQueueKeys(pattern: string): Promise<void> {
  const redis = new IORedis(REDIS_URL);
  try {
    for await (const keys of redis.scanStream({ match: pattern, count: 500 }))
      if ((keys as string[]).length) await redis.del(...(keys as string[]));
  } finally {
    redis.disconnect();
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('personnel changes take effect on their effective date (BullMQ delayed jobs, real Redis and Postgres)', () => {
  const prefix = `kyso-test-sched-${randomBytes(4).toString('hex')}`;
  const clock = new EveClock();
  const config = { redisUrl: REDIS_URL, queuePrefix: prefix, clock };
  let reg: RunningRegistry;
  let pki: OpenSslPki;
  let ca: TestCert;
  let w: LifecycleWorld;
  let queueConnection: IORedis;
  let queue: Queue;

  /** An official of the unit with a live certificate on a token they hold. */
  const person = async (name: string) => {
    const id = (
      await reg.post('/officials', {
        fullName: name,
        email: `${randomBytes(5).toString('hex')}@snv.hue.gov.vn`,
        title: 'Chuyên viên',
        organizationId: w.unit,
      })
    ).body.id as string;
    const cert = await reg.post('/certificates', {
      certificatePem: pki.leaf(`/C=VN/CN=${name}`, ca).pem,
      subjectType: 'person',
      holderOfficialId: id,
      organizationId: w.unit,
      keyUri: 'pkcs11:object=x',
      signingPin: '135790',
    });
    expect(cert.status).toBe(201);
    return id;
  };
  const record = (officialId: string, effectiveDate: string) =>
    reg.call('post', '/personnel-changes', w.it).send({ officialId, kind: 'retirement', effectiveDate });
  const statusOf = async (changeEventId: string) =>
    (await reg.sql<{ status: string }>('SELECT status FROM registry.change_event WHERE id = $1', [changeEventId]))[0]
      .status;
  const draftsOf = async (changeEventId: string) =>
    (
      await reg.sql<{ n: number }>(
        'SELECT count(*)::int AS n FROM registry.lifecycle_request WHERE change_event_id = $1',
        [changeEventId],
      )
    )[0].n;
  const audited = async (changeEventId: string, action: string) =>
    (
      await reg.sql<{ n: number }>(
        'SELECT count(*)::int AS n FROM registry.audit_event WHERE entity_id = $1 AND action = $2',
        [changeEventId, action],
      )
    )[0].n;
  const employment = async (officialId: string) => (await reg.get(`/officials/${officialId}`)).body.employmentStatus;
  const pendingRow = async (changeEventId: string) =>
    ((await reg.call('get', '/reports/personnel-changes', w.it)).body as Record<string, unknown>[]).filter(
      (r) => r.changeEventId === changeEventId,
    );

  beforeAll(async () => {
    pki = await OpenSslPki.start();
    ca = pki.ca('Kyso Test CA');
    reg = await startRegistry(config);
    w = await seedWorld(reg, pki, ca);
    queueConnection = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue(CHANGE_QUEUE, { connection: queueConnection, prefix });
  });

  afterAll(async () => {
    await queue?.close();
    queueConnection?.disconnect();
    await reg?.stop();
    pki?.cleanup();
    await dropQueueKeys(`${prefix}:*`);
  });

  it('a change dated today applies at once; one dated tomorrow waits, shows as pending, then applies on its day', async () => {
    const today = vietnamDate(clock.now());
    const now = await record(await person('Trần Văn Hôm'), today);
    expect([now.status, now.body.status, now.body.requests.length]).toEqual([201, 'applied', 1]);

    const binh = await person('Lê Văn Bình');
    const tomorrow = clock.eve(3);
    const res = await record(binh, tomorrow);
    expect([res.status, res.body.status, res.body.requests]).toEqual([201, 'scheduled', []]);
    const id = res.body.changeEventId as string;
    expect(await employment(binh)).toBe('active');
    expect(await draftsOf(id)).toBe(0);
    expect(await pendingRow(id)).toEqual([
      expect.objectContaining({
        type: 'scheduled-change',
        status: 'scheduled',
        requestId: null,
        effectiveDate: tomorrow,
      }),
    ]);
    // An IT officer of another agency neither sees it nor may cancel it.
    const stranger = operator('other-it', [{ role: 'it-officer', organizationId: w.other }]);
    expect(((await reg.call('get', '/reports/personnel-changes', stranger)).body as unknown[]).length).toBe(0);

    await until('the change applied', async () => ((await statusOf(id)) === 'applied' ? true : undefined));
    expect(await employment(binh)).toBe('retired');
    expect((await pendingRow(id)).map((r) => [r.type, r.status, r.reason])).toEqual([
      ['revoke', 'draft', 'retirement'],
    ]);
    expect(await audited(id, 'personnel_change.applied')).toBe(1);
  }, 40_000);

  it('a cancelled change is never applied, and only the managing agency’s IT officer (or an admin) cancels it', async () => {
    const cuc = await person('Phạm Thị Cúc');
    const res = await record(cuc, clock.eve(3));
    const id = res.body.changeEventId as string;
    const stranger = operator('other-it', [{ role: 'it-officer', organizationId: w.other }]);
    const refused = await reg.call('post', `/personnel-changes/${id}/cancel`, stranger).send({});
    expect([refused.status, refused.body.code]).toEqual([403, 'ROLE_NOT_ALLOWED_FOR_STEP']);
    const cancelled = await reg.call('post', `/personnel-changes/${id}/cancel`, w.it).send({});
    expect([cancelled.status, cancelled.body.status]).toEqual([200, 'cancelled']);
    expect(await queue.getJob(changeJobId(id))).toBeUndefined();
    const again = await reg.call('post', `/personnel-changes/${id}/cancel`, w.it).send({});
    expect([again.status, again.body.code]).toEqual([409, 'CHANGE_NOT_SCHEDULED']);
    expect(await pendingRow(id)).toEqual([]);

    // Even a job that still ran (removed too late) finds the change cancelled.
    await queue.add('apply', { changeEventId: id }, { jobId: `late-${id}` });
    await until('the late job', async () => (await (await queue.getJob(`late-${id}`))?.isCompleted()) || undefined);
    // Read again once completed: a job read while it ran has no return value.
    expect((await queue.getJob(`late-${id}`))!.returnvalue).toBe('skipped');
    expect(await statusOf(id)).toBe('cancelled');
    expect(await draftsOf(id)).toBe(0);
    expect(await employment(cuc)).toBe('active');
    expect(await audited(id, 'personnel_change.cancelled')).toBe(1);
  }, 40_000);

  it('a job that runs twice applies the change once', async () => {
    const dung = await person('Võ Văn Dũng');
    const res = await record(dung, clock.eve(2));
    const id = res.body.changeEventId as string;
    // A duplicate of the job (another id, the same change), due at the same time.
    await queue.add('apply', { changeEventId: id }, { jobId: `dup-${id}`, delay: 2_000 });
    const bothJobs = () => Promise.all([queue.getJob(changeJobId(id)), queue.getJob(`dup-${id}`)]);
    await until(
      'both jobs',
      async () => (await Promise.all((await bothJobs()).map((j) => j?.isCompleted()))).every(Boolean) || undefined,
    );
    // Read again once both completed: a job read while it ran has no return value.
    expect((await bothJobs()).map((j) => j!.returnvalue).sort()).toEqual(['applied', 'skipped']);
    expect(await draftsOf(id)).toBe(1);
    expect(await audited(id, 'personnel_change.applied')).toBe(1);
    expect(await employment(dung)).toBe('retired');
  }, 40_000);

  it('a change whose day comes while the registry is down (its job lost with Redis) is applied once at the next start', async () => {
    const em = await person('Đỗ Thị Em');
    const id = (await record(em, clock.eve(1))).body.changeEventId as string;
    await reg.app.close(); // the database stays
    await queue.remove(changeJobId(id));
    await new Promise((r) => setTimeout(r, 1_500)); // its day has come
    const dropAll = reg.stop; // closes the first app (again: a no-op) and drops the database
    const restart = async () => {
      const next = await startRegistryOn(reg.databaseUrl, TOKEN, config);
      reg = { ...next, stop: () => next.app.close().then(dropAll) };
    };
    await restart();
    await until('the change applied after the restart', async () =>
      (await statusOf(id)) === 'applied' ? true : undefined,
    );
    expect(await draftsOf(id)).toBe(1);
    expect(await employment(em)).toBe('retired');
    // A second start finds nothing left to do.
    await reg.app.close();
    await restart();
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await audited(id, 'personnel_change.applied')).toBe(1);
  }, 40_000);
});
