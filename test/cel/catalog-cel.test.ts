// Every catalog rule's matchCondition CEL, run by a CEL engine, against the evaluator: on real captures, our bodies and random requests.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { ruleCel } from '../../src/cel/rule-cel.js';
import { ruleMatches } from '../../src/engine/evaluate.js';
import { fromAdmissionReview } from '../../src/request/from-admission-review.js';
import { RULES, requestRules } from '../../src/rules/catalog.js';
import { CAPTURES, readJson } from '../fixture-path.js';
import { CASES_DIR, loadAdmissionCases } from '../webhook/admission-case.js';
import { celVariables, evaluateCel, unguardedHas } from './cel-evaluation.js';

const rules = requestRules(RULES).map((rule) => ({ rule, ...ruleCel(rule) }));

/** Per rule: the evaluator's verdict and the CEL's; the CEL must be a bool, true whenever the rule matches, equal when exact. */
function disagreements(body: unknown): string[] {
  const { request } = fromAdmissionReview(body);
  const variables = celVariables(body);
  return rules.flatMap(({ rule, cel, exact }) => {
    const found = ruleMatches(rule, request);
    const value = evaluateCel(cel.text, variables);
    if (typeof value !== 'boolean') return [`${rule.id}: ${value}`];
    if (found && !value) return [`${rule.id}: the evaluator finds it, the CEL is false (the webhook would not be called)`];
    if (exact && value !== found) return [`${rule.id}: exact CEL is ${value}, the evaluator says ${found}`];
    return [];
  });
}

/** Ids of the rules whose CEL is true for the body. */
function celTrue(body: unknown): string[] {
  const variables = celVariables(body);
  return rules.filter(({ cel }) => evaluateCel(cel.text, variables) === true).map(({ rule }) => rule.id);
}

const captures = readdirSync(CAPTURES).filter((f) => f.endsWith('.request.json')).sort();
const bodies = readdirSync(join(CASES_DIR, 'bodies')).filter((f) => f.endsWith('.json')).sort();

describe('catalog rules: CEL against the evaluator', () => {
  test('every catalog rule compiles exactly (no request goes to the webhook that no rule can match)', () => {
    expect(rules.filter((r) => !r.exact).map((r) => r.rule.id)).toEqual([]);
  });

  test('every has() of every rule stands next to its type(…) == map guard (cel-go fails has() on anything else)', () => {
    expect(rules.flatMap(({ rule, cel }) => unguardedHas(cel.text).map((h) => `${rule.id}: ${h}`))).toEqual([]);
  });

  test.each(captures)('capture %s (kube-apiserver v1.32)', (file) => {
    expect(disagreements(readJson(join(CAPTURES, file)))).toEqual([]);
  });

  test.each(bodies)('body %s', (file) => {
    expect(disagreements(readJson(join(CASES_DIR, 'bodies', file)))).toEqual([]);
  });

  test('every admission case body (captures with their edits)', () => {
    const cases = loadAdmissionCases();
    expect(cases.length).toBeGreaterThan(40);
    for (const c of cases) expect([`${c.file}: ${c.name}`, disagreements(c.body)]).toEqual([`${c.file}: ${c.name}`, []]);
  });
});

/** A capture changed into an UPDATE that only adds a label: what `kubectl label` sends. */
function labelUpdate(prefix: string): unknown {
  const file = captures.find((f) => f.startsWith(prefix))!;
  const body = readJson(join(CAPTURES, file)) as { request: Record<string, unknown> & { object: { metadata: Record<string, unknown> } } };
  const before = structuredClone(body.request.object);
  body.request.object.metadata['labels'] = { ...(body.request.object.metadata['labels'] as object), team: 'a' };
  body.request.operation = 'UPDATE';
  body.request.oldObject = before;
  return body;
}

describe('what the enforce entry receives (every rule in deny mode)', () => {
  test.each([
    ['ClusterIP Service create (002)', () => readJson(join(CAPTURES, captures.find((f) => f.startsWith('002'))!)), []],
    ['kubectl label svc on a ClusterIP Service', () => labelUpdate('002'), []],
    ['kubectl label svc on a NodePort Service', () => labelUpdate('001'), []],
    ['kubectl label svc on a LoadBalancer Service', () => labelUpdate('006'), []],
    ['kubectl label ds (008: template unchanged)', () => readJson(join(CAPTURES, captures.find((f) => f.startsWith('008'))!)), []],
    ['NodePort Service create (001)', () => readJson(join(CAPTURES, captures.find((f) => f.startsWith('001'))!)), ['kubernetes-node-port-creation']],
    ['ClusterIP → NodePort patch (003)', () => readJson(join(CAPTURES, captures.find((f) => f.startsWith('003'))!)), ['kubernetes-node-port-update']],
    ['exec of sh -c id (011)', () => readJson(join(CAPTURES, captures.find((f) => f.startsWith('011'))!)), ['kubernetes-shell-exec-into-pod']],
  ] as const)('%s', (_name, body, expected) => {
    expect(celTrue(body())).toEqual(expected);
  });
});

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Drops undefined members, as JSON would. */
function json<T>(value: T): Json {
  return JSON.parse(JSON.stringify(value)) as Json;
}

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const port = fc.record({ port: fc.constantFrom(80, 443), nodePort: optional(fc.constantFrom(30001, 30002)) });
const service = fc.record({
  metadata: fc.record({ name: fc.constant('s'), labels: optional(fc.record({ team: fc.constantFrom('a', 'b') })) }),
  spec: fc.record({
    type: optional(fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName')),
    ports: optional(fc.array(port, { maxLength: 3 })),
    allocateLoadBalancerNodePorts: optional(fc.boolean()),
    externalTrafficPolicy: optional(fc.constantFrom('Cluster', 'Local')),
    healthCheckNodePort: optional(fc.constantFrom(32000, 32001)),
  }),
});
const daemonSet = fc.record({
  metadata: fc.record({ name: fc.constant('d'), labels: optional(fc.record({ team: fc.constantFrom('a', 'b') })) }),
  spec: fc.record({ template: optional(fc.record({ spec: fc.record({ containers: fc.array(fc.record({ image: fc.constantFrom('x:1', 'x:2') }), { maxLength: 2 }) }) })) }),
});
const command = fc.array(fc.constantFrom('sh', '/bin/bash', 'busybox', 'env', 'ls', '-c', 'id', '/usr/bin/zsh', 'sh\n', 'a😀b'), { maxLength: 3 });
const connect = fc.record({ stdin: optional(fc.boolean()), command: optional(command) });

function review(resource: { group: string; resource: string }, operation: string, object: unknown, oldObject: unknown, subResource?: string): unknown {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: json({
      uid: 'u-1',
      kind: { group: resource.group, version: 'v1', kind: 'K' },
      resource: { group: resource.group, version: 'v1', resource: resource.resource },
      subResource,
      name: 'n',
      namespace: 'default',
      operation,
      userInfo: { username: 'dev', groups: ['devs'] },
      object,
      oldObject,
      dryRun: false,
    }),
  };
}

const operation = fc.constantFrom('CREATE', 'UPDATE', 'DELETE');
const requests = fc.oneof(
  fc.tuple(operation, service, service).map(([op, now, before]) => review({ group: '', resource: 'services' }, op, op === 'DELETE' ? undefined : now, op === 'CREATE' ? undefined : before)),
  fc.tuple(operation, daemonSet, daemonSet).map(([op, now, before]) => review({ group: 'apps', resource: 'daemonsets' }, op, op === 'DELETE' ? undefined : now, op === 'CREATE' ? undefined : before)),
  fc.tuple(fc.constantFrom('exec', 'attach', 'log'), connect).map(([sub, options]) => review({ group: '', resource: 'pods' }, 'CONNECT', options, undefined, sub)),
);

describe('catalog rules on random Services, DaemonSets and pod connections', () => {
  test('the CEL agrees with the evaluator', () => {
    fc.assert(fc.property(requests, (body) => disagreements(body).length === 0), { numRuns: 2000 });
  });

  test('the random requests reach both answers of every rule', () => {
    const seen = new Map<string, Set<boolean>>();
    fc.assert(
      fc.property(requests, (body) => {
        const { request } = fromAdmissionReview(body);
        for (const { rule } of rules) seen.set(rule.id, (seen.get(rule.id) ?? new Set()).add(ruleMatches(rule, request)));
      }),
      { numRuns: 2000, seed: 7 },
    );
    expect([...seen].filter(([, answers]) => answers.size < 2).map(([id]) => id)).toEqual([]);
  });
});
