// The container-image project: riskgate's image (built by `npm run image`) run with podman as the chart runs it, run by `npm run test:image`.
import base from './jest.config.mjs';

export default {
  ...base,
  testMatch: ['<rootDir>/test/image/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  // One container (and one control plane) at a time: the machine has 2 cores.
  maxWorkers: 1,
  testTimeout: 180_000,
};
