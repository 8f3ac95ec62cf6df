import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../support/repo-files';

/** A service started from its real entry point (main.ts) in a child process, its JSON log lines kept. */
export interface ServiceProcess {
  child: ChildProcess;
  /** Every JSON line the service wrote to stdout, parsed. */
  lines: LogLine[];
  /** Lines that are not JSON (a crash, console.error). */
  other: string[];
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface LogLine {
  level: number;
  time: string;
  service?: string;
  context?: string;
  msg?: string;
  status?: number;
}

export const WARN = 40;
export const ERROR = 50;

export function startServiceProcess(entry: string, env: Record<string, string>): ServiceProcess {
  const child = spawn(
    process.execPath,
    ['-r', join(REPO_ROOT, 'test/support/ts-register.js'), join(REPO_ROOT, entry)],
    {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', KYSO_LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: LogLine[] = [];
  const other: string[] = [];
  let rest = '';
  const take = (chunk: Buffer) => {
    const parts = (rest + chunk.toString()).split('\n');
    rest = parts.pop() ?? '';
    for (const l of parts.filter(Boolean)) {
      try {
        lines.push(JSON.parse(l) as LogLine);
      } catch {
        other.push(l);
      }
    }
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', (c: Buffer) => other.push(c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    lines,
    other,
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** Polls `probe` until it returns true or `ms` pass. */
export async function waitUntil(probe: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what}: not within ${ms} ms`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One HTTP answer as a load test keeps it. */
export interface Answer {
  status: number;
  code?: string;
  retryAfter: string | null;
  contentType: string | null;
  body: unknown;
}

export async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return {
    status: res.status,
    code: (body as { code?: string })?.code,
    retryAfter: res.headers.get('retry-after'),
    contentType: res.headers.get('content-type'),
    body,
  };
}

/** `workers` concurrent loops calling `step` until `stop()` is called; resolves once all have stopped. */
export function runLoad(workers: number, step: (worker: number, i: number) => Promise<void>) {
  let running = true;
  const done = Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let i = 0; running; i++) await step(w, i);
    }),
  );
  return {
    stop: async () => {
      running = false;
      await done;
    },
  };
}
