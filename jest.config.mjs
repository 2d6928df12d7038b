// Jest in ESM mode (client-node is ESM-only): TypeScript through ts-jest (transpile only; `npm run typecheck` type-checks), `.js` specifiers mapped to `.ts`.
const long = process.env.RISKGATE_LONG_TESTS === '1';

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.test.json' }],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // The real-API-server suite is its own project: `npm run test:e2e` (jest.e2e.config.mjs); so is the container image's
  // (`npm run test:image`, jest.image.config.mjs: it needs the image built).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/', '<rootDir>/test/image/'],
  // build/image is `npm run bundle`'s output (its package.json is riskgate's too): no module of the tests.
  modulePathIgnorePatterns: ['<rootDir>/build/'],
  testTimeout: long ? 600_000 : 60_000,
};
