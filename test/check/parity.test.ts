// Parity: the same object judged as an AdmissionReview (webhook path) and as a manifest (riskgate check) gives the same findings and decision.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { decide } from '../../src/engine/decide.js';
import type { Decision } from '../../src/engine/decide.js';
import { evaluate } from '../../src/engine/evaluate.js';
import type { Finding } from '../../src/engine/finding.js';
import { parsePolicy } from '../../src/engine/policy-file.js';
import { defaultPolicy } from '../../src/engine/policy.js';
import type { Policy } from '../../src/engine/policy.js';
import { fromAdmissionReview } from '../../src/request/from-admission-review.js';
import { checkUser, fromManifest } from '../../src/request/from-manifest.js';
import type { ManifestOperation } from '../../src/request/from-manifest.js';
import type { JsonObject } from '../../src/request/json-value.js';
import { parseManifestText } from '../../src/request/manifest-documents.js';
import type { ResourceRequest } from '../../src/request/resource-request.js';
import { RULES } from '../../src/rules/catalog.js';
import { CAPTURES, capturedReview } from '../fixture-path.js';
import { REPO, inBatches, requireBuiltCli, runCli } from './cli-run.js';

const POLICY_TEXT = `apiVersion: riskgate.io/v1
kind: Policy
defaultAction: deny
rules:
  kubernetes-node-port-creation:
    exemptions: {users: [admin-token-user]}
  kubernetes-daemonset-deployed:
    action: warn
    exemptions: {groups: ["system:masters"]}
  kubernetes-load-balancer-node-ports:
    exemptions: {labels: {app: lb-svc}}
`;
const POLICIES: Array<[string, Policy]> = [
  ['built-in', defaultPolicy(RULES)],
  ['deny with exemptions', parsePolicy(POLICY_TEXT, 'parity-policy.yaml', RULES)],
  ['deny everything', parsePolicy('apiVersion: riskgate.io/v1\nkind: Policy\ndefaultAction: deny\n', 'deny.yaml', RULES)],
];

interface Comparable {
  findings: Array<{ rule: string; summary: string; fields: Record<string, string | string[]> }>;
  verdicts: string[];
  exempted: string[];
}

/**
 * What a user of either front end sees: rules, result rows, verdicts and exemptions; without the per-source uid and the
 * object's uid (a manifest describes no live object, so it has none).
 */
function comparable(findings: Finding[], decision: Decision): Comparable {
  return {
    findings: findings.map((f) => {
      const { uid: _uid, object_uid: _objectUid, ...fields } = f.fields;
      return { rule: f.rule.id, summary: f.summary, fields };
    }),
    verdicts: decision.verdicts.map((v) => `${v.finding.rule.id} ${v.action}`),
    exempted: decision.exempted.map((e) => `${e.finding.rule.id} ${e.exemption}`),
  };
}

function judge(request: ResourceRequest, policy: Policy): Comparable {
  const findings = evaluate(request, RULES);
  return comparable(findings, decide(findings, policy, new Date()));
}

/** The manifest path: YAML text → positioned object → ResourceRequest, with the review's identity, namespace and operation as flags. */
function asManifest(review: ResourceRequest): ResourceRequest {
  const text = stringify(review.object);
  const parsed = parseManifestText(text);
  expect(parsed.problems).toEqual([]);
  const [item] = parsed.objects;
  return fromManifest(item!.object, { file: 'capture.yaml', line: item!.line, column: item!.column }, {
    operation: review.operation as ManifestOperation,
    namespace: review.namespace,
    user: checkUser(review.user.username, review.user.groups),
  });
}

const captures = readdirSync(CAPTURES)
  .filter((f) => f.endsWith('.request.json'))
  .map((f) => f.slice(0, 3))
  .filter((prefix) => {
    const { request } = fromAdmissionReview(capturedReview(prefix));
    return request.operation === 'CREATE' || request.operation === 'UPDATE';
  });

describe('parity over the AdmissionReviews captured from kube-apiserver v1.32', () => {
  test('the captures include CREATE and UPDATE of Services and DaemonSets', () => {
    expect(captures).toEqual(['001', '002', '003', '004', '005', '006', '007', '008', '009', '010']);
  });

  describe.each(POLICIES)('policy: %s', (_name, policy) => {
    test.each(captures.filter((c) => c !== '008'))('capture %s: the object as a manifest is judged as the review was', (prefix) => {
      const { request } = fromAdmissionReview(capturedReview(prefix));
      expect(judge(asManifest(request), policy)).toEqual(judge(request, policy));
    });
  });

  test('capture 008 (kubectl label on a DaemonSet, UPDATE) is the documented exception: a manifest has no oldObject', () => {
    const { request } = fromAdmissionReview(capturedReview('008'));
    // At admission the old and new pod templates are equal: nothing fires.
    expect(judge(request, defaultPolicy(RULES)).findings).toEqual([]);
    // As a manifest the live object is unknown: the update is one from nothing, so the template counts as changed.
    expect(judge(asManifest(request), defaultPolicy(RULES)).findings.map((f) => f.rule)).toEqual(['kubernetes-daemonset-template-update']);
  });
});

/** An AdmissionReview for a sample manifest, built on a real capture of the same kind (its kind, resource and userInfo shape). */
function reviewFor(object: JsonObject, template: string, username: string, groups: string[]): unknown {
  const review = JSON.parse(JSON.stringify(capturedReview(template))) as { request: Record<string, unknown> };
  const metadata = object['metadata'] as { name: string; namespace: string };
  Object.assign(review.request, {
    uid: `parity-${metadata.name}`,
    name: metadata.name,
    namespace: metadata.namespace,
    operation: 'CREATE',
    userInfo: { username, groups },
    object,
    oldObject: null,
    dryRun: false,
  });
  return review;
}

describe('parity over manifests/samples wrapped as AdmissionReviews', () => {
  const samples = ['services/node-port.yaml', 'services/cluster-ip.yaml', 'services/load-balancers.yaml', 'daemonsets/node-agent.yaml', 'daemonsets/approved-log-shipper.yaml'];
  const policy = parsePolicy(readFileSync(join(REPO, 'manifests/samples/.riskgate/policy.yaml'), 'utf8'), 'policy.yaml', RULES);

  test.each(samples)('%s', (file) => {
    const parsed = parseManifestText(readFileSync(join(REPO, 'manifests/samples', file), 'utf8'));
    expect(parsed.objects.length).toBeGreaterThan(0);
    for (const item of parsed.objects) {
      const template = item.object['kind'] === 'DaemonSet' ? '007' : '001';
      const { request: admission } = fromAdmissionReview(reviewFor(item.object, template, 'jane', ['developers', 'system:authenticated']));
      const manifest = fromManifest(item.object, { file, line: item.line, column: item.column }, { operation: 'CREATE', namespace: 'default', user: checkUser('jane', ['developers']) });
      expect(judge(manifest, policy)).toEqual(judge(admission, policy));
    }
  });
});

describe('parity through the CLI: riskgate check on each captured object, written as a manifest file', () => {
  let dir: string;
  beforeAll(() => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'riskgate-parity-'));
    writeFileSync(join(dir, 'policy.yaml'), POLICY_TEXT);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('findings and actions of --output json equal the webhook decision for every capture but 008', async () => {
    const policy = POLICIES[1]![1];
    const prefixes = captures.filter((c) => c !== '008');
    const results = await inBatches(prefixes, 3, async (prefix) => {
      const { request } = fromAdmissionReview(capturedReview(prefix));
      writeFileSync(join(dir, `${prefix}.yaml`), stringify(request.object));
      const groups = request.user.groups.flatMap((g) => ['--group', g]);
      const args = ['check', `${prefix}.yaml`, '--policy', 'policy.yaml', '--output', 'json', '--operation', request.operation, '--namespace', request.namespace, '--user', request.user.username, ...groups];
      const run = await runCli(args, dir);
      const report = JSON.parse(run.stdout) as { objects: Array<{ findings: Array<{ rule: string; action: string; exemption?: string }> }> };
      const cli = report.objects.flatMap((o) => o.findings.map((f) => (f.exemption ? `${f.rule} ${f.exemption}` : `${f.rule} ${f.action}`)));
      const decision = decide(evaluate(request, RULES), policy, new Date());
      const webhook = [...decision.verdicts.map((v) => `${v.finding.rule.id} ${v.action}`), ...decision.exempted.map((e) => `${e.finding.rule.id} ${e.exemption}`)];
      return { prefix, exit: run.code, cli: cli.sort(), webhook: webhook.sort(), allowed: decision.allowed };
    });
    for (const r of results) {
      expect({ prefix: r.prefix, findings: r.cli }).toEqual({ prefix: r.prefix, findings: r.webhook });
      expect({ prefix: r.prefix, exit: r.exit }).toEqual({ prefix: r.prefix, exit: r.allowed ? 0 : 1 });
    }
    // The policy makes the captures disagree in interesting ways: some denied, some exempted, some allowed.
    expect(results.filter((r) => !r.allowed).map((r) => r.prefix)).toEqual(['001', '003', '004']);
  }, 60_000);
});
