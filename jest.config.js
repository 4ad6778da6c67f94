/**
 * Jest runs the TypeScript sources as native ES modules, so it must be started
 * through `node --experimental-vm-modules` (see the `test` script).
 * The two workspace packages resolve to their sources, not their builds, so a
 * test never needs `npm run build` first and never loads two copies of a class.
 */
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/libs'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^nestjs-nylas-connect$': '<rootDir>/libs/nylas-connect/src/index.ts',
    '^nylas-emulator$': '<rootDir>/libs/nylas-emulator/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
  },
  testTimeout: 30000,
};
