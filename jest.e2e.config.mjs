// The end-to-end project: riskgate behind a real kube-apiserver + etcd (KUBEBUILDER_ASSETS), run by `npm run test:e2e`.
import base from './jest.config.mjs';

export default {
  ...base,
  testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  // Each file starts its own control plane (~300 MB, a few seconds): two at a time fit the 2-core CI machine.
  maxWorkers: 2,
  testTimeout: 180_000,
};
