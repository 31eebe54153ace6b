/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/packages/verify/test'],
  testMatch: ['**/*.test.ts'],
  setupFiles: ['<rootDir>/test/support/setup-env.js'],
  // Synthesis in a hook or test can take seconds on a loaded 2-core machine: no test may fail on the clock.
  testTimeout: 120_000,
  // Most of the slow suites wait on child processes (the cdk CLI, the handler in a fresh node): two
  // workers on two cores (jest's default would be one).
  maxWorkers: 2,
  transform: {
    // tsconfig.json sets isolatedModules: ts-jest transpiles each file alone; `tsc --noEmit` type-checks.
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
