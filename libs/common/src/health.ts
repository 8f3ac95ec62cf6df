import { socketAgent } from './internal-client';
/** Readiness checks: each dependency answers within a short timeout or counts as down. */
export interface CheckResult {
  ok: boolean;
  detail: string;
}

export type ReadinessCheck = () => Promise<void>;

export const READINESS_TIMEOUT_MS = 2_000;

export async function runChecks(
  checks: Record<string, ReadinessCheck>,
): Promise<{ ok: boolean; checks: Record<string, CheckResult> }> {
  const names = Object.keys(checks);
  const results = await Promise.all(names.map((n) => runOne(checks[n])));
  const out: Record<string, CheckResult> = {};
  names.forEach((n, i) => (out[n] = results[i]));
  return { ok: results.every((r) => r.ok), checks: out };
}

async function runOne(check: ReadinessCheck): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${READINESS_TIMEOUT_MS} ms`)), READINESS_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return { ok: true, detail: 'ok' };
  } catch (e) {
    return { ok: false, detail: (e as Error).message || String(e) };
  } finally {
    clearTimeout(timer);
  }
}

/** A check that GETs `url` and expects 2xx. */
export function httpCheck(url: string, socketPath?: string): ReadinessCheck {
  return async () => {
    let res: Response;
    try {
      res = await fetch(url, {
        signal: AbortSignal.timeout(READINESS_TIMEOUT_MS),
        // A co-located service's socket (serviceSocket): checked the way its calls go.
        ...(socketPath === undefined ? {} : { dispatcher: socketAgent(socketPath) }),
      } as RequestInit);
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      throw new Error(`${url} did not answer${cause ? ` (${cause})` : ''}`);
    }
    await res.body?.cancel();
    if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  };
}
