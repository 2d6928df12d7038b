// `riskgate policy validate FILE` reads a policy as serve does; `riskgate policy schema` prints a JSON Schema that accepts exactly the files the reader accepts (request and metric rules, exemptions, namespaceActions).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { parsePolicy } from '../../src/engine/policy-file.js';
import { RULES } from '../../src/rules/catalog.js';
import { REPO, requireBuiltCli, runCli } from '../check/cli-run.js';

const CASES = join(REPO, 'test', 'cases', 'check');
const SAMPLES_POLICY = join(REPO, 'manifests', 'samples', '.riskgate', 'policy.yaml');

/** Policy texts beside the repository's files: each valid or invalid for one reason. */
const TEXTS: string[] = [
  '',
  'defaultAction: warn\n',
  'apiVersion: riskgate.io/v1\nkind: Policy\nrequireReason: false\n',
  'rules:\n  kubernetes-node-port-creation: {action: deny}\n',
  'rules:\n  kubernetes-node-port-creation:\n    namespaceActions:\n      - "prod-*": deny\n      - "dev-*": record\n',
  'rules:\n  kubernetes-node-port-creation:\n    namespaceActions: {"prod-*": deny}\n',
  'rules:\n  kubernetes-node-port-creation:\n    exemptions:\n      - namespaces: [ingress]\n        expires: 2027-01-01T00:00:00Z\n        reason: migration\n',
  'rules:\n  kubernetes-node-port-creation:\n    exemptions: {serviceAccounts: ["ci:deployer"], labels: {team: a}}\n',
  'exemptions: {namespaces: [kube-system]}\n',
  'rules:\n  kubernetes-nodeport-creation: {action: deny}\n',
  'rules:\n  kubernetes-node-port-creation: {action: block}\n',
  'rules:\n  kubernetes-newly-seen-tcp-edge: {action: deny}\n',
  'rules:\n  kubernetes-newly-seen-tcp-edge: {exemptions: {clusters: [dev]}}\n',
  'rules:\n  kubernetes-node-port-creation: {exemptions: {clusters: [dev]}}\n',
  'rules:\n  kubernetes-node-port-creation: {exemptions: {serviceAccounts: [deployer]}}\n',
  'rules:\n  kubernetes-node-port-creation: {exemptions: {namespaces: [a], expires: tomorrow}}\n',
  'rules:\n  kubernetes-node-port-creation: {namespaceActions: {"prod-*": block}}\n',
  'defaultAction: maybe\n',
  'kind: Policies\n',
  'rule: {}\n',
];

function readerAccepts(text: string): boolean {
  try {
    parsePolicy(text, 'policy.yaml', RULES);
    return true;
  } catch {
    return false;
  }
}

describe('riskgate policy', () => {
  beforeAll(requireBuiltCli);

  test('validate: a valid file is one line on stdout, exit 0', async () => {
    const result = await runCli(['policy', 'validate', SAMPLES_POLICY], REPO);
    expect([result.code, result.stderr]).toEqual([0, '']);
    expect(result.stdout).toMatch(/^.*policy\.yaml: valid \(rules: \d+ deny, \d+ warn, \d+ record, \d+ off; \d+ global exemption blocks?\)\n$/);
  });

  test('validate: an invalid file is file:line:column: key: message, exit 1; a missing one says so', async () => {
    const bad = await runCli(['policy', 'validate', 'test/cases/check/17-policy-error/policy.yaml'], REPO);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^riskgate policy validate: test\/cases\/check\/17-policy-error\/policy\.yaml:5:3: rules\.kubernetes-nodeport-creation: unknown rule id \(known: .*\)\n$/);
    const missing = await runCli(['policy', 'validate', 'no-such-policy.yaml'], REPO);
    expect([missing.code, missing.stderr]).toEqual([1, 'riskgate policy validate: no-such-policy.yaml: cannot read policy: no such file or directory\n']);
  });

  test('schema: valid JSON Schema 2020-12 that agrees with the reader on every policy file of the cases and the samples, and on each edge text', async () => {
    const result = await runCli(['policy', 'schema'], REPO);
    expect(result.code).toBe(0);
    const validate = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true }).compile(JSON.parse(result.stdout) as object);
    const files = readdirSync(CASES).map((c) => join(CASES, c, 'policy.yaml')).filter((f) => existsSync(f));
    const texts = [...files.map((f) => readFileText(f)), readFileText(SAMPLES_POLICY), ...TEXTS];
    expect(files.length).toBeGreaterThan(10);
    const disagreements = texts.filter((text) => validate(parse(text) ?? null) !== readerAccepts(text));
    expect(disagreements).toEqual([]);
    // Not vacuous: both kinds are there.
    expect(texts.filter(readerAccepts).length).toBeGreaterThan(10);
    expect(texts.filter((t) => !readerAccepts(t)).length).toBeGreaterThan(8);
  });
});

function readFileText(file: string): string {
  return readFileSync(file, 'utf8');
}
