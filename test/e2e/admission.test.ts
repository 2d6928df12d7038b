// e2e: every request rule through the real API server and kubectl, as users meet it (cases/admission.yaml).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { startClusterUnderTest, type ClusterUnderTest } from './harness/cluster-under-test.js';
import { loadCases, runCase } from './harness/kubectl-case.js';
import { E2E_FIXTURES, REPO } from './harness/repo.js';

const cases = loadCases(join(REPO, 'test', 'e2e', 'cases', 'admission.yaml'));
let cluster: ClusterUnderTest;

const POD = `apiVersion: v1
kind: Pod
metadata: {name: shell-target, namespace: team-a}
spec:
  containers: [{name: app, image: busybox, command: [sleep, infinity], stdin: true}]
`;

beforeAll(async () => {
  cluster = await startClusterUnderTest({ values: [join(E2E_FIXTURES, 'values-staged.yaml')], namespaces: ['team-a', 'edge-1', 'ci'] });
  const { kubectl } = cluster.plane;
  for (const sa of ['deployer', 'builder']) {
    await kubectl.ok(['create', 'serviceaccount', sa, '-n', 'ci']);
    await kubectl.ok(['create', 'clusterrolebinding', `ci-${sa}`, '--clusterrole=cluster-admin', `--serviceaccount=ci:${sa}`]);
  }
  await kubectl.apply(POD);
});
afterAll(async () => {
  await cluster?.stop();
});

describe('admission through the real API server', () => {
  for (const c of cases) {
    test(c.name, async () => {
      expect(await runCase(cluster, c)).toEqual([]);
    });
  }
});
