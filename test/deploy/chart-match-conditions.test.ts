// The enforce entry's CEL matchCondition as helm renders it: present on Kubernetes 1.28+, absent on 1.27 or when turned off, and what it lets through.
import { join } from 'node:path';
import { parsePolicy } from '../../src/engine/policy-file.js';
import { ENFORCE_WEBHOOK, OBSERVE_WEBHOOK } from '../../src/kubernetes/webhook-names.js';
import { RULES } from '../../src/rules/catalog.js';
import { CAPTURES, readJson } from '../fixture-path.js';
import { celVariables, evaluateCel } from '../cel/cel-evaluation.js';
import { expectedDenyCondition } from './expected-webhooks.js';
import { CHART, ensureHelm, find, helm, objectsOf } from './helm.js';
import type { K8sObject } from './helm.js';
import { validateObject } from './kubernetes-schemas.js';

beforeAll(() => ensureHelm(), 300_000);

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = Record<string, any>;

const ENFORCE = join(CHART, 'ci', 'enforce-values.yaml');

function render(kubeVersion: string, values: string[] = [], set: string[] = []): K8sObject[] {
  const run = helm(['template', 'riskgate', CHART, '--namespace', 'riskgate', '--kube-version', kubeVersion, ...values.flatMap((v) => ['-f', v]), ...set.flatMap((s) => ['--set', s])]);
  if (run.status !== 0) throw new Error(`helm template failed: ${run.stderr}`);
  return objectsOf(run.stdout);
}

function entries(objects: K8sObject[]): Map<string, Obj> {
  return new Map((find(objects, 'ValidatingWebhookConfiguration') as Obj).webhooks.map((w: Obj) => [w.name, w]));
}

function policyOf(objects: K8sObject[]) {
  return parsePolicy((find(objects, 'ConfigMap') as Obj).data['policy.yaml'] as string, 'rendered policy.yaml', RULES);
}

function capture(prefix: string): unknown {
  return readJson(join(CAPTURES, `${prefix}.request.json`));
}

describe('enforce matchCondition', () => {
  test.each(['1.28.0', '1.32.13'])('Kubernetes %s: one condition on the enforce entry, the CEL of the deny rules; none on the observe entry', async (version) => {
    const objects = render(version, [ENFORCE]);
    const webhooks = entries(objects);
    const expected = expectedDenyCondition(RULES, policyOf(objects));
    expect(expected).toBeDefined();
    expect(webhooks.get(ENFORCE_WEBHOOK.name)!.matchConditions).toEqual([{ name: 'deny-rule-may-match', expression: expected }]);
    expect(webhooks.get(OBSERVE_WEBHOOK.name)!.matchConditions).toBeUndefined();
    await validateObject(find(objects, 'ValidatingWebhookConfiguration'));
  });

  test('Kubernetes 1.27 (no matchConditions): the same entries without the condition', () => {
    const old = entries(render('1.27.16', [ENFORCE]));
    const current = entries(render('1.32.13', [ENFORCE]));
    expect([...old.values()].every((w) => w.matchConditions === undefined)).toBe(true);
    for (const [name, entry] of current) {
      const { matchConditions: _dropped, ...rest } = entry;
      expect(old.get(name)).toEqual(rest);
    }
  });

  test('webhook.matchConditions=false turns it off on a current cluster', () => {
    const webhooks = entries(render('1.32.13', [ENFORCE], ['webhook.matchConditions=false']));
    expect(webhooks.get(ENFORCE_WEBHOOK.name)!.matchConditions).toBeUndefined();
  });

  // 32 KiB: the shell rule's exact CEL (24 KB) is replaced by its match (src/cel/rule-cel.ts); test/e2e/install.test.ts applies
  // that render to kube-apiserver v1.32.13, which compiles and accepts it (and a ClusterIP create still passes).
  test('every rule in deny mode: one condition (the API server allows 64), the expression within our 32 KiB budget', () => {
    const objects = render('1.32.13', [], ['policy.defaultAction=deny']);
    const enforce = entries(objects).get(ENFORCE_WEBHOOK.name)!;
    expect(enforce.matchConditions).toHaveLength(1);
    const expression: string = enforce.matchConditions[0].expression;
    expect(expression).toBe(expectedDenyCondition(RULES, policyOf(objects)));
    expect(expression.length).toBeLessThan(32 * 1024);
  });

  test('the rendered expression sends a NodePort create, a shell exec and a ClusterIP→NodePort patch; not a ClusterIP create or a DaemonSet label', () => {
    const expression: string = entries(render('1.32.13', [ENFORCE])).get(ENFORCE_WEBHOOK.name)!.matchConditions[0].expression;
    const sent = (prefix: string) => evaluateCel(expression, celVariables(capture(prefix)));
    expect(sent('001-Service-CREATE-np-svc')).toBe(true);
    expect(sent('003-Service-UPDATE-cip-svc')).toBe(true);
    expect(sent('011-PodExecOptions-CONNECT-shell-target')).toBe(true);
    expect(sent('002-Service-CREATE-cip-svc')).toBe(false);
    expect(sent('008-DaemonSet-UPDATE-node-agent')).toBe(false);
  });

  test('no deny rule (the default policy): no enforce entry, so no condition', () => {
    expect(entries(render('1.32.13')).has(ENFORCE_WEBHOOK.name)).toBe(false);
  });
});
