import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../support/repo-files';

/**
 * eslint.config.mjs enforces the house's boundaries. ESLint loads its (ESM) config in a child
 * process, as `npm test` does; each sample is linted as if it were the named file.
 */
const SAMPLES: Record<string, [file: string, source: string]> = {
  appTestImportsOtherApp: ['apps/registry/test/x.ts', "import { createSignerApp } from '../../signer/src/app';"],
  appTestImportsAllAppsStack: ['apps/registry/test/x.ts', "import { startStack } from '../../../test/support/stack';"],
  appTestImportsSeed: [
    'apps/verifier/test/x.ts',
    "import { createDemoOperators } from '../../../scripts/dev/operators';",
  ],
  appTestImportsOwnApp: ['apps/registry/test/x.ts', "import { createRegistryApp } from '../src/app';"],
  appTestImportsTestSupport: [
    'apps/registry/test/x.ts',
    "import { createTestDatabase } from '../../../test/support/db';",
  ],
  appSourceImportsOtherApp: ['apps/gateway/src/x.ts', "import { createApiKey } from '../../registry/src/app';"],
  rootTestStartsAllApps: ['test/e2e/x.ts', "import { createSignerApp } from '../../apps/signer/src/app';"],
  rootSupportStartsAllApps: ['test/support/x.ts', "import { createRegistryApp } from '../../apps/registry/src/app';"],
  libImportsApp: ['libs/common/src/x.ts', "import { x } from '../../../apps/gateway/src/x';"],
  pkiImportsFramework: ['libs/pki/src/x.ts', "import { Injectable } from '@nestjs/common';"],
};

const LINT = `
const { ESLint } = require('eslint');
(async () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  const samples = JSON.parse(process.argv[1]);
  const out = {};
  for (const [name, [filePath, code]] of Object.entries(samples)) {
    const [r] = await eslint.lintText(code + '\\nexport {};\\n', { filePath });
    out[name] = r.messages.filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax').length;
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
`;

describe('the boundary rules of eslint.config.mjs', () => {
  let refused: Record<string, number>;

  beforeAll(async () => {
    const { stdout } = await promisify(execFile)('node', ['-e', LINT, JSON.stringify(SAMPLES)], { cwd: REPO_ROOT });
    refused = JSON.parse(stdout) as Record<string, number>;
  }, 60_000);

  it('keep an app, its tests included, from importing another app or the helpers that start them all', () => {
    expect(refused.appTestImportsOtherApp).toBe(1);
    expect(refused.appTestImportsAllAppsStack).toBe(1);
    expect(refused.appTestImportsSeed).toBe(1);
    expect(refused.appSourceImportsOtherApp).toBe(1);
  });

  it("let an app's tests use the app itself and the shared test support", () => {
    expect(refused.appTestImportsOwnApp).toBe(0);
    expect(refused.appTestImportsTestSupport).toBe(0);
  });

  it('let the root-level tests start every app', () => {
    expect(refused.rootTestStartsAllApps).toBe(0);
    expect(refused.rootSupportStartsAllApps).toBe(0);
  });

  it('keep libs from importing apps, and libs/pki from frameworks', () => {
    expect(refused.libImportsApp).toBe(1);
    expect(refused.pkiImportsFramework).toBe(1);
  });
});
