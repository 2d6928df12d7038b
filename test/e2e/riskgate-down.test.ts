// e2e: the fail split with riskgate stopped: only what a deny rule can judge fails closed (cases/riskgate-down.yaml).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { startClusterUnderTest, type ClusterUnderTest } from './harness/cluster-under-test.js';
import { loadCases, runCase } from './harness/kubectl-case.js';
import { E2E_FIXTURES, REPO } from './harness/repo.js';
import { replayRiskEvents } from './harness/replay-run.js';

const cases = loadCases(join(REPO, 'test', 'e2e', 'cases', 'riskgate-down.yaml'));
let cluster: ClusterUnderTest;

beforeAll(async () => {
  cluster = await startClusterUnderTest({ values: [join(E2E_FIXTURES, 'values-staged.yaml')], namespaces: ['team-a', 'edge-1'] });
  const { kubectl } = cluster.plane;
  await kubectl.ok(['create', 'service', 'clusterip', 'up-cip', '--tcp=80:8080', '-n', 'team-a']);
  await kubectl.ok(['create', 'service', 'nodeport', 'up-np', '--tcp=80:8080', '-n', 'edge-1']);
  expect(await cluster.riskgate.stop()).toBe(0);
});
afterAll(async () => {
  await cluster?.stop();
});

describe('riskgate down behind the real API server', () => {
  for (const c of cases) {
    test(c.name, async () => {
      expect(await runCase(cluster, c)).toEqual([]);
    });
  }
});

test('riskgate replay of the audit log marks what riskgate never judged, not as its denials', async () => {
  const events = await replayRiskEvents(cluster.plane.auditLog, cluster.riskgate.policyFile);
  const byName = (name: string) => events.filter((e) => e.fields['name'] === name).map((e) => `${e.rule_id} ${e.action} ${String(e['admission_action'])} ${String(e['unreachable_webhook'])}`);
  // Refused by the API server (failed calling webhook "enforce.riskgate.io"): the policy would deny, riskgate never saw it.
  expect(byName('down-np')).toEqual(['kubernetes-node-port-creation deny not-judged enforce.riskgate.io']);
  expect(byName('down-lb-explicit')).toEqual(['kubernetes-load-balancer-node-ports deny not-judged enforce.riskgate.io']);
  // Admitted while riskgate was down (the Ignore entry failed open): a warn riskgate never printed.
  expect(byName('down-agent')).toEqual(['kubernetes-daemonset-deployed warn not-judged observe.riskgate.io']);
});
