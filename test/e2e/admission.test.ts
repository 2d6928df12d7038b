// e2e: every request rule through the real API server and kubectl, as users meet it (cases/admission.yaml).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { startClusterUnderTest, type ClusterUnderTest } from './harness/cluster-under-test.js';
import { loadCases, runCase } from './harness/kubectl-case.js';
import { E2E_FIXTURES, REPO } from './harness/repo.js';
import { identities, replayRiskEvents } from './harness/replay-run.js';
import { readFileSync } from 'node:fs';
import { httpsGet } from './harness/https-get.js';

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

describe('pods/attach', () => {
  test('an interactive attach (stdin) is recorded with the user; a non-interactive one is not', async () => {
    const before = cluster.riskEvents().length;
    const attach = (query: string) =>
      httpsGet(`${cluster.plane.url}/api/v1/namespaces/team-a/pods/shell-target/attach?container=app&${query}`, cluster.plane.ca.cert, { method: 'POST', token: 'token-alice' });
    // No kubelet here: the API server admits the CONNECT, then cannot reach a node (an error status, after admission).
    expect((await attach('stdin=true&stdout=true&tty=true')).status).toBeGreaterThanOrEqual(400);
    expect((await attach('stdout=true')).status).toBeGreaterThanOrEqual(400);
    const events = (await cluster.waitForRiskEvents(before + 1)).slice(before);
    await new Promise((r) => setTimeout(r, 300));
    expect(cluster.riskEvents().slice(before).map((e) => `${e.rule_id} ${e.action} ${e.risk_object} ${String(e.fields['resource'])}`)).toEqual([
      'kubernetes-shell-exec-into-pod record alice@example.com pods/attach',
    ]);
    expect(events[0]?.fields['name']).toBe('shell-target');
  });
});

describe('the API server audit log', () => {
  test("carries riskgate's audit annotations on the requests it judged", () => {
    const events = readFileSync(cluster.plane.auditLog, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { annotations?: Record<string, string>; objectRef?: { name?: string } });
    const denied = events.find((e) => e.objectRef?.name === 'np-alice' && e.annotations?.['enforce.riskgate.io/decision']);
    expect(denied?.annotations).toMatchObject({
      'enforce.riskgate.io/decision': 'deny',
      'enforce.riskgate.io/kubernetes-node-port-creation.action': 'deny',
      'enforce.riskgate.io/kubernetes-node-port-creation.risk_score': '20',
    });
    const warned = events.find((e) => e.objectRef?.name === 'agent' && e.annotations?.['observe.riskgate.io/decision']);
    expect(warned?.annotations?.['observe.riskgate.io/decision']).toBe('warn');
  });

  test('riskgate replay of that log yields exactly the live risk events, with the same event ids', async () => {
    const live = cluster.riskEvents();
    const replayed = await replayRiskEvents(cluster.plane.auditLog, cluster.riskgate.policyFile);
    expect(live.length).toBeGreaterThan(10);
    expect(identities(replayed)).toEqual(identities(live));
  });
});
