/**
 * No container engine runs here, so docker-compose.yml and the Dockerfile are checked as data: the
 * file parses, every `${VAR}` resolves, each Kyso service's environment passes that app's own
 * configuration loader (the one it runs at boot) and names no variable the app does not read, and
 * every command points at something the build produces.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CORE_SCHEMA, load, mergeTag } from 'js-yaml';
import { DEFAULT_PORTS } from '@kyso/common';
import { gatewayConfigFromEnv } from '../../apps/gateway/src/config';
import { registryConfigFromEnv } from '../../apps/registry/src/config';
import { signerConfigFromEnv } from '../../apps/signer/src/config';
import { verifierConfigFromEnv } from '../../apps/verifier/src/config';

const ROOT = resolve(__dirname, '../..');
const read = (f: string) => readFileSync(resolve(ROOT, f), 'utf8');

/** Docker Compose interpolation (compose reads YAML 1.1, with `<<` merge keys): ${VAR}, ${VAR:-default}, ${VAR:?error}. */
export function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(/\$\{([A-Z0-9_]+)(?:(:-|:\?)([^}]*))?\}/g, (_m, name: string, op?: string, arg?: string) => {
    const v = env[name];
    if (v !== undefined && v !== '') return v;
    if (op === ':-') return arg ?? '';
    if (op === ':?') throw new Error(`${name}: ${arg}`);
    return '';
  });
}

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  volumes?: string[];
}

const SECRETS = {
  KYSO_INTERNAL_TOKEN: 'an-internal-token-of-some-length',
  KYSO_REGISTRY_DATA_KEY: Buffer.alloc(32, 7).toString('base64'),
  KYSO_TOKEN_PIN: '123456',
  KYSO_TOKEN_SO_PIN: '654321',
  KYSO_ADMIN_PASSWORD: 'a long admin password',
};
const compose = () =>
  load(interpolate(read('docker-compose.yml'), SECRETS), { schema: CORE_SCHEMA.withTags(mergeTag) }) as {
    services: Record<string, Service>;
  };

/** Runs an app's boot-time loader against exactly this environment, recording what it reads. */
function loadWith(env: Record<string, string>, loader: () => unknown): Set<string> {
  const seen = new Set<string>();
  const saved = process.env;
  process.env = new Proxy(
    { ...env },
    {
      get: (t, k) => {
        if (typeof k === 'string') seen.add(k);
        return Reflect.get(t, k);
      },
    },
  );
  try {
    loader();
  } finally {
    process.env = saved;
  }
  return seen;
}

const LOADERS: Record<string, () => unknown> = {
  'dist/apps/gateway/src/main.js': gatewayConfigFromEnv,
  'dist/apps/registry/src/main.js': registryConfigFromEnv,
  'dist/apps/signer/src/main.js': signerConfigFromEnv,
  'dist/apps/verifier/src/main.js': verifierConfigFromEnv,
  'dist/apps/verifier/src/worker.js': verifierConfigFromEnv,
};
/** Read outside the loaders: the logger's level, and the other services' addresses. */
const SHARED = new Set(['KYSO_LOG_LEVEL', ...Object.keys(DEFAULT_PORTS).map((s) => `KYSO_${s.toUpperCase()}_URL`)]);

describe('docker-compose.yml', () => {
  it('refuses to start without each secret rather than running with an empty one', () => {
    for (const name of Object.keys(SECRETS)) {
      const env: Record<string, string | undefined> = { ...SECRETS, [name]: undefined };
      expect(() => interpolate(read('docker-compose.yml'), env)).toThrow(name);
    }
  });

  it("gives every Kyso service an environment its app's configuration accepts, and nothing it does not read", () => {
    const { services } = compose();
    const apps = Object.entries(services).filter(([, s]) => s.command?.[1] && LOADERS[s.command[1]]);
    expect(apps.map(([n]) => n).sort()).toEqual(['gateway', 'registry', 'signer', 'verifier', 'verifier-worker']);
    for (const [name, s] of apps) {
      const env = s.environment ?? {};
      let read: Set<string> = new Set();
      expect(() => (read = loadWith(env, LOADERS[s.command![1]]))).not.toThrow();
      const stray = Object.keys(env).filter((k) => k.startsWith('KYSO_') && !read.has(k) && !SHARED.has(k));
      expect({ name, stray }).toEqual({ name, stray: [] });
      expect(env.KYSO_HOST).toBe('0.0.0.0');
    }
  });

  it('runs migrations, the token and the first admin before the services, and checks each service is healthy', () => {
    const { services } = compose();
    expect(services.migrate.command).toEqual(['node', 'dist/scripts/migrate.js']);
    expect(services['first-admin'].command).toEqual(expect.arrayContaining(['create-operator', '--if-absent']));
    expect(services['first-admin'].environment?.KYSO_OPERATOR_PASSWORD).toBe(SECRETS.KYSO_ADMIN_PASSWORD);
    for (const name of ['registry', 'signer', 'verifier', 'verifier-worker', 'gateway']) {
      expect(services[name].depends_on?.migrate).toEqual({ condition: 'service_completed_successfully' });
    }
    expect(services.signer.depends_on?.['token-init']).toEqual({ condition: 'service_completed_successfully' });
    expect(services.gateway.depends_on?.['first-admin']).toEqual({ condition: 'service_completed_successfully' });
    for (const [name, port] of Object.entries(DEFAULT_PORTS)) {
      expect(services[name].healthcheck?.test).toEqual(['CMD', 'sh', 'docker/healthcheck.sh', String(port)]);
    }
    expect(services.postgres.healthcheck).toBeDefined();
    expect(services.redis.healthcheck).toBeDefined();
  });

  it('points every command at a file the build produces', () => {
    const { services } = compose();
    for (const s of Object.values(services)) {
      const target = s.command?.find((c) => c.startsWith('dist/') || c.startsWith('docker/'));
      if (!target) continue;
      const source = target.startsWith('dist/') ? target.replace(/^dist\//, '').replace(/\.js$/, '.ts') : target;
      expect(existsSync(resolve(ROOT, source))).toBe(true);
    }
  });
});

describe('Dockerfile', () => {
  const text = read('Dockerfile');
  it('builds in one stage and runs from a second with production dependencies only, as a non-root user', () => {
    const stages = text.split(/^FROM /m).slice(1);
    expect(stages).toHaveLength(2);
    expect(stages[0]).toMatch(/npm ci/);
    expect(stages[0]).toMatch(/npm run build/);
    expect(stages[0]).toMatch(/npm prune --omit=dev/);
    expect(stages[1]).toMatch(/^USER node$/m);
    expect(stages[1]).not.toMatch(/npm (ci|install)(?![^\n]*--omit=dev)/);
    expect(stages[1]).toMatch(/COPY --from=build [^\n]*\/app\/dist/);
  });
});
