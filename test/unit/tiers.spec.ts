import { resolve } from 'node:path';
import { REPO_ROOT, repoFiles } from '../support/repo-files';

interface Project {
  displayName: string;
  testMatch: string[];
  globalSetup?: string;
}

/* eslint-disable @typescript-eslint/no-require-imports -- jest.config.js is CommonJS; micromatch (jest's own glob matcher) ships no types */
const config = require('../../jest.config.js') as { projects: Project[] };
const micromatch = require('micromatch') as (paths: string[], globs: string[]) => string[];
/* eslint-enable @typescript-eslint/no-require-imports */
const projects = config.projects.map((p) => ({
  ...p,
  globs: p.testMatch.map((g) => g.replace('<rootDir>', REPO_ROOT)),
}));
/** Jest's own rule: a path is a test of a project when its testMatch globs (negations included) keep it. */
const tiersOf = (path: string) =>
  projects.filter((p) => micromatch([resolve(REPO_ROOT, path)], p.globs).length > 0).map((p) => p.displayName);

describe('test tiers (jest.config.js projects)', () => {
  const specs = repoFiles().filter((f) => /\.(spec|test)\.[cm]?[jt]s$/.test(f));

  it('puts every spec file of the repository in exactly one tier', () => {
    expect(specs.length).toBeGreaterThan(50);
    const misplaced = specs.map((f) => [f, tiersOf(f)] as const).filter(([, t]) => t.length !== 1);
    expect(misplaced).toEqual([]);
  });

  it('follows the path convention the README describes', () => {
    expect(tiersOf('libs/pki/src/x509/certificate.spec.ts')).toEqual(['unit']);
    expect(tiersOf('libs/keystore/src/pkcs11/pkcs11-key-store.int.spec.ts')).toEqual(['integration']);
    expect(tiersOf('apps/registry/test/audit.spec.ts')).toEqual(['integration']);
    expect(tiersOf('test/integration/quickstart.spec.ts')).toEqual(['integration']);
    expect(tiersOf('test/e2e/walking-skeleton.e2e.spec.ts')).toEqual(['e2e']);
    expect(tiersOf('test/conformance/pkits.spec.ts')).toEqual(['conformance']);
    expect(tiersOf('test/unit/tiers.spec.ts')).toEqual(['unit']);
  });

  it('checks for PostgreSQL, Redis and SoftHSM2 only in the tiers that use them', () => {
    const setup = Object.fromEntries(projects.map((p) => [p.displayName, Boolean(p.globalSetup)]));
    expect(setup).toEqual({ unit: false, integration: true, e2e: true, conformance: false });
  });
});
