// e2e: every request rule in its other mode through the real API server and kubectl (cases/admission-flipped.yaml).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { startClusterUnderTest, type ClusterUnderTest } from './harness/cluster-under-test.js';
import { loadCases, runCase } from './harness/kubectl-case.js';
import { E2E_FIXTURES, REPO } from './harness/repo.js';

const cases = loadCases(join(REPO, 'test', 'e2e', 'cases', 'admission-flipped.yaml'));
let cluster: ClusterUnderTest;

const POD = `apiVersion: v1
kind: Pod
metadata: {name: shell-target, namespace: team-b}
spec:
  containers: [{name: app, image: busybox, command: [sleep, infinity], stdin: true}]
`;

beforeAll(async () => {
  cluster = await startClusterUnderTest({ values: [join(E2E_FIXTURES, 'values-flipped.yaml')], namespaces: ['team-b'] });
  await cluster.plane.kubectl.apply(POD);
});
afterAll(async () => {
  await cluster?.stop();
});

describe('admission through the real API server, modes flipped', () => {
  for (const c of cases) {
    test(c.name, async () => {
      expect(await runCase(cluster, c)).toEqual([]);
    });
  }
});
