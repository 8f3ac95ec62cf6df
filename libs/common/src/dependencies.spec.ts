import { dependencyFailure, dependencyProblem } from './dependencies';
import { DependencyMonitor } from './dependency-monitor';
import { ProblemError } from './problem';

const err = (props: Record<string, unknown>, message = 'boom') => Object.assign(new Error(message), props);

describe('dependencyFailure', () => {
  it.each([
    ['a refused connection', err({ code: 'ECONNREFUSED' })],
    ['an admin shutdown (57P01)', err({ code: '57P01' }, 'terminating connection due to administrator command')],
    ['a server starting up (57P03)', err({ code: '57P03' })],
    ['a connection exception (08006)', err({ code: '08006' })],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    ['a pool timeout', new Error('timeout exceeded when trying to connect')],
    ['a transaction whose connection died', err({ name: 'QueryRunnerProviderAlreadyReleasedError' }, 'released')],
    ['a query after the connection died', err({ name: 'QueryRunnerAlreadyReleasedError' }, 'released')],
    ['a QueryFailedError wrapping one', err({ driverError: err({ code: '57P01' }) }, 'query failed')],
  ])('takes %s for the database', (_, e) => {
    expect(dependencyFailure(e)).toMatchObject({ dependency: 'postgres', code: 'DATABASE_UNAVAILABLE' });
  });

  it.each([
    ['a closed connection', new Error('Connection is closed.')],
    ['exhausted retries', err({ name: 'MaxRetriesPerRequestError' }, 'Reached the max retries per request limit')],
  ])('takes %s for Redis', (_, e) => {
    expect(dependencyFailure(e)).toMatchObject({ dependency: 'redis', code: 'QUEUE_UNAVAILABLE' });
  });

  it('maps 503 problems by their code or their dependency, and nothing else', () => {
    expect(dependencyFailure(new ProblemError(503, 'TOKEN_UNAVAILABLE', 't'))?.dependency).toBe('token');
    const peer = new ProblemError(503, 'DEPENDENCY_UNAVAILABLE', 't');
    peer.dependency = 'signer';
    expect(dependencyFailure(peer)?.dependency).toBe('signer');
    expect(dependencyFailure(new ProblemError(409, 'TOKEN_UNAVAILABLE', 't'))).toBeUndefined();
    expect(dependencyFailure(err({ code: '23505' }, 'duplicate key'))).toBeUndefined();
    expect(dependencyFailure(new TypeError('x is undefined'))).toBeUndefined();
  });

  it('answers without the cause, with a retry hint', () => {
    const p = dependencyProblem({
      dependency: 'postgres',
      code: 'DATABASE_UNAVAILABLE',
      cause: 'connect 10.0.0.5:5432',
    });
    expect(p.toProblem()).toMatchObject({
      status: 503,
      code: 'DATABASE_UNAVAILABLE',
      retryAfter: 5,
      messageVi: expect.stringContaining('thử lại sau 5 giây'),
    });
    expect(JSON.stringify(p.toProblem())).not.toContain('10.0.0.5');
  });
});

describe('DependencyMonitor', () => {
  const lines: string[] = [];
  const log = { warn: (m: string) => lines.push(`warn ${m}`), log: (m: string) => lines.push(`info ${m}`) };
  beforeEach(() => (lines.length = 0));

  it('logs one line when a dependency goes and one when it is back, however many failures', () => {
    const m = new DependencyMonitor(log);
    for (let i = 0; i < 100; i++) m.reportDown('postgres', 'ECONNREFUSED');
    expect(m.snapshot().postgres.state).toBe('down');
    for (let i = 0; i < 100; i++) m.reportUp('postgres');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^warn postgres unavailable: ECONNREFUSED/);
    expect(lines[1]).toMatch(/^info postgres available again/);
    expect(m.snapshot().postgres.state).toBe('up');
    m.close();
  });

  it('retries the readiness check while down and notices the recovery without traffic', async () => {
    const m = new DependencyMonitor(log, 20);
    let healthy = false;
    let probes = 0;
    m.setProbes({
      redis: async () => {
        probes++;
        if (!healthy) throw new Error('down');
      },
    });
    m.reportDown('redis', 'Connection is closed.');
    await new Promise((r) => setTimeout(r, 100));
    expect(m.isDown('redis')).toBe(true);
    expect(probes).toBeGreaterThan(1);
    healthy = true;
    await new Promise((r) => setTimeout(r, 100));
    expect(m.isDown('redis')).toBe(false);
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['warn', 'info']);
    m.close();
  });
});
