/**
 * Four tiers as jest projects (README, "Tests"); a spec file's path decides its tier:
 * - unit: `*.spec.ts` beside the code in apps/<app>/src and libs/<lib>/src, and test/unit/. No PostgreSQL,
 *   Redis or SoftHSM2 (local tools such as openssl and pdfsig are fine); runs in seconds.
 * - integration: `*.int.spec.ts` beside the code, everything under apps/<app>/test/ and test/integration/.
 *   Real PostgreSQL, Redis, SoftHSM2 and services.
 * - e2e: test/e2e/, all services started together and driven through the gateway.
 * - conformance: test/conformance/, published vectors such as NIST PKITS.
 * test/unit/tiers.spec.ts fails when a spec file falls in no tier or in two.
 */
const shared = {
  testEnvironment: 'node',
  rootDir: '.',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@kyso/(pki|keystore|common|contracts)$': '<rootDir>/libs/$1/src',
    '^@kyso/(pki|keystore|common|contracts)/(.*)$': '<rootDir>/libs/$1/src/$2',
  },
  setupFiles: ['reflect-metadata', '<rootDir>/test/support/quiet.ts'],
};

/** Only the tiers that need PostgreSQL, Redis and SoftHSM2 check for them first. */
const withServices = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};

module.exports = {
  testTimeout: 60000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/apps/*/src/**/*.spec.ts',
        '<rootDir>/libs/*/src/**/*.spec.ts',
        '<rootDir>/test/unit/**/*.spec.ts',
        '!**/*.int.spec.ts',
      ],
    },
    {
      ...shared,
      ...withServices,
      displayName: 'integration',
      testMatch: [
        '<rootDir>/apps/*/src/**/*.int.spec.ts',
        '<rootDir>/libs/*/src/**/*.int.spec.ts',
        '<rootDir>/apps/*/test/**/*.spec.ts',
        '<rootDir>/test/integration/**/*.spec.ts',
      ],
    },
    { ...shared, ...withServices, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.spec.ts'] },
    { ...shared, displayName: 'conformance', testMatch: ['<rootDir>/test/conformance/**/*.spec.ts'] },
  ],
};
