// Lint and the house's boundaries (the house style guide, style.md, points 16 and 19).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const APPS = ['gateway', 'signer', 'verifier', 'registry'];
const FRAMEWORKS = ['@nestjs/*', 'typeorm', 'bullmq', 'ioredis', 'pg', 'express', 'undici', 'prom-client', 'pino'];

/** An app's code (and its own tests) may not reach into another app's sources. */
const otherApps = (app) =>
  APPS.filter((a) => a !== app).map((other) => ({
    regex: `(^|/)(apps/)?${other}/(src|test)(/|$)`,
    message: `apps/${app} must not import apps/${other}: talk over HTTP or a queue, or move shared code to libs/.`,
  }));

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'var/**', 'coverage/**', 'bench/results/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-require-imports': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ImportDeclaration[source.value=/shared\\u002F(conformance|seeds|docs|hooks)/]',
          message: 'Tests and code never read ../shared: copy the data into the repository.',
        },
      ],
    },
  },
  {
    files: ['libs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '(^|/)apps/', message: 'A lib never imports an app.' }] },
      ],
    },
  },
  {
    files: ['libs/pki/**/*.ts'],
    ignores: ['libs/pki/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: FRAMEWORKS, message: 'libs/pki imports no framework: pass I/O in through interfaces.' },
            {
              regex: '(^|/)(apps|@kyso/(common|keystore))(/|$)',
              message: 'libs/pki depends on no app and no other lib.',
            },
          ],
        },
      ],
    },
  },
  ...APPS.map((app) => ({
    files: [`apps/${app}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', { patterns: otherApps(app) }] },
  })),
  // Tests of one app start only that app (other apps are HTTP stubs in apps/<app>/test), also not
  // through the root helpers that start or migrate them all; only test/e2e and test/integration may.
  ...APPS.map((app) => ({
    files: [`apps/${app}/test/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...otherApps(app),
            {
              regex:
                '(^|/)(test/(e2e|integration)/|(test/support/stack|scripts/migrate|scripts/dev/(seed|operators))(\\.ts)?$)',
              message: `apps/${app}/test starts only apps/${app}: stub the other apps over HTTP in apps/${app}/test.`,
            },
          ],
        },
      ],
    },
  })),
);
