// Fuzzes the policy file parser: any text, structured documents with wrong keys and types, YAML bombs, deep nesting, huge values.
import fc from 'fast-check';
import { parsePolicy, PolicyError } from '../../src/engine/policy-file.js';
import type { Policy } from '../../src/engine/policy.js';
import { RULES } from '../../src/rules/catalog.js';
import { DEPTHS, fuzzParams, HEAVY_RUNS } from './fuzz-settings.js';
import { POLLUTION_KEYS } from './hostile-json.js';
import { pollutedPrototypes } from './prototype-guard.js';
import { anyText, billionLaughs, deepBlockYaml, deepYaml, structured, yamlOf, yamlStyle } from './yaml-texts.js';

const FILE = 'policy.yaml';
const KNOWN_KEYS = ['apiVersion', 'kind', 'defaultAction', 'requireReason', 'exemptions', 'rules', 'action', 'namespaceActions', 'expires', 'reason', 'namespaces', 'users', 'groups', 'serviceAccounts', 'labels', 'clusters', 'nodes', 'workloads', ...RULES.map((r) => r.id)];

/** Parses; a failure must be a PolicyError whose message starts with file:line:column inside the text. */
function policyOrPositionedError(text: string): Policy | PolicyError {
  try {
    return parsePolicy(text, FILE, RULES);
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    const lines = text.split(/\r\n|\r|\n/).length;
    expect(error.line).toBeGreaterThanOrEqual(1);
    expect(error.line).toBeLessThanOrEqual(lines + 1);
    expect(error.column).toBeGreaterThanOrEqual(1);
    expect(error.message.startsWith(`${FILE}:${error.line}:${error.column}: `)).toBe(true);
    expect(error.code).toMatch(/^POLICY_[A-Z_]+$/);
    return error;
  }
}

/** What a parsed policy must look like whatever the text: every rule of the catalog, an action each, lists of strings. */
function expectWellFormed(policy: Policy): void {
  expect([...policy.rules.keys()].sort()).toEqual(RULES.map((r) => r.id).sort());
  for (const rule of policy.rules.values()) {
    expect(['deny', 'warn', 'record', 'off']).toContain(rule.action);
    for (const { match } of rule.exemptions) {
      for (const list of [match.namespaces, match.users, match.groups, match.serviceAccounts]) {
        for (const item of list) expect(typeof item).toBe('string');
      }
      for (const value of Object.values(match.labels)) expect(typeof value).toBe('string');
    }
  }
}

afterEach(() => expect(pollutedPrototypes()).toEqual([]));

test('any text: a policy or a PolicyError at file:line:column', () => {
  fc.assert(
    fc.property(anyText, (text) => {
      const result = policyOrPositionedError(text);
      if (!(result instanceof PolicyError)) expectWellFormed(result);
    }),
    fuzzParams(),
  );
});

test('policy-shaped documents with wrong keys and types, in block, flow and JSON style', () => {
  fc.assert(
    fc.property(structured(KNOWN_KEYS), yamlStyle, (doc, style) => {
      const result = policyOrPositionedError(yamlOf(doc, style));
      if (!(result instanceof PolicyError)) expectWellFormed(result);
    }),
    fuzzParams(),
  );
});

const VALID = [
  'apiVersion: riskgate.io/v1',
  'kind: Policy',
  'defaultAction: record',
  'exemptions:',
  '  namespaces: [kube-system]',
  'rules:',
  '  kubernetes-node-port-creation:',
  '    action: deny',
  '    exemptions:',
  '      users: [alice]',
  '      serviceAccounts: ["ci:deployer"]',
  '      labels: {riskgate.io/exempt: "true"}',
  '  kubernetes-daemonset-deployed:',
  '    action: warn',
];

test('a valid policy with one value replaced: an error points at that line', () => {
  const valueLines = VALID.map((line, i) => [line, i] as const).filter(([line]) => /: \S/.test(line));
  fc.assert(
    fc.property(fc.constantFrom(...valueLines), fc.oneof(fc.string({ minLength: 1, maxLength: 30 }).filter((s) => /^[a-z][a-z0-9-]*$/.test(s)), fc.constantFrom('blocked', 'Deny', 'DENY', ' deny', 'yes', '42', 'null', '[]', '{}', ...POLLUTION_KEYS)), ([line, index], value) => {
      const lines = [...VALID];
      lines[index] = `${line.slice(0, line.indexOf(': ') + 2)}${value}`;
      const result = policyOrPositionedError(lines.join('\n'));
      if (result instanceof PolicyError && result.code !== 'POLICY_YAML') expect(result.line).toBe(index + 1);
    }),
    fuzzParams(),
  );
});

test('an unknown key anywhere is named with its full path and its line', () => {
  const keyLines = VALID.map((line, i) => [line, i] as const).filter(([line]) => /^\s*[A-Za-z.-]+:/.test(line) && !line.includes('/'));
  fc.assert(
    fc.property(fc.constantFrom(...keyLines), fc.constantFrom(...POLLUTION_KEYS, 'Action', 'namespace', 'rule', 'exemption', 'kubernetes-node-port-creatio'), ([line, index], key) => {
      const lines = [...VALID];
      lines[index] = line.replace(/^(\s*)[A-Za-z.-]+:/, `$1${key}:`);
      const result = policyOrPositionedError(lines.join('\n'));
      expect(result).toBeInstanceOf(PolicyError);
      const error = result as PolicyError;
      if (error.code === 'POLICY_YAML') return; // e.g. the renamed key now duplicates a sibling
      expect(error.line).toBe(index + 1);
      expect(error.key.endsWith(key)).toBe(true);
    }),
    fuzzParams(),
  );
});

test('prototype keys in labels, rules and exemptions neither pollute nor turn into exemptions', () => {
  for (const key of POLLUTION_KEYS) {
    const text = `exemptions:\n  labels:\n    ${key}: "x"\nrules:\n  kubernetes-node-port-creation:\n    action: deny\n    exemptions:\n      labels: {${key}: "y"}\n`;
    const result = policyOrPositionedError(text);
    if (result instanceof PolicyError) continue;
    // A label exemption that holds is an own property with the value written, never an inherited one.
    for (const { match } of result.exemptions) {
      expect(Object.getPrototypeOf(match.labels)).toBe(Object.prototype);
      const own = Object.getOwnPropertyDescriptor(match.labels, key);
      if (own) expect(own.value).toBe('x');
    }
    expect(result.rules.get('kubernetes-node-port-creation')!.action).toBe('deny');
  }
});

test.each([2, 4, 9])('a billion-laughs document of %i alias levels is refused quickly, without expanding it', (levels) => {
  const text = `${billionLaughs(levels)}rules:\n  kubernetes-node-port-creation:\n    exemptions:\n      users: *l${levels}\n`;
  const result = policyOrPositionedError(text);
  expect(result).toBeInstanceOf(PolicyError);
});

test.each(DEPTHS)('flow collections nested %i deep: a PolicyError, no stack overflow', (depth) => {
  for (const shape of ['array', 'object'] as const) {
    for (const at of ['', 'rules:\n  kubernetes-node-port-creation: ', 'exemptions:\n  users: ']) {
      expect(policyOrPositionedError(`${at}${deepYaml(depth, shape)}\n`)).toBeInstanceOf(PolicyError);
    }
  }
});

test('block mappings nested 5,000 deep: a PolicyError', () => {
  expect(policyOrPositionedError(deepBlockYaml(5_000))).toBeInstanceOf(PolicyError);
});

test('huge values (4 MiB action, 100,000 exemptions) parse or fail at the right line', () => {
  const hugeAction = `rules:\n  kubernetes-node-port-creation:\n    action: ${'d'.repeat(4 * 1024 * 1024)}\n`;
  const error = policyOrPositionedError(hugeAction);
  expect(error).toBeInstanceOf(PolicyError);
  expect((error as PolicyError).line).toBe(3);
  const many = `exemptions:\n  users:\n${Array.from({ length: 100_000 }, (_, i) => `    - user-${i}`).join('\n')}\n`;
  const policy = policyOrPositionedError(many) as Policy;
  expect(policy.exemptions[0]?.match.users).toHaveLength(100_000);
});

test('a policy with bytes that are not UTF-8 is read as text with replacement characters and fails at its position', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat({ max: VALID.length - 1 }), (bytes, line) => {
      const lines = [...VALID];
      lines[line] = `${lines[line]}${Buffer.from(bytes).toString('latin1')}`;
      const text = Buffer.concat([Buffer.from(lines.slice(0, line).join('\n')), Buffer.from('\n'), Buffer.from(bytes), Buffer.from(lines.slice(line).join('\n'))]).toString('utf8');
      policyOrPositionedError(text);
    }),
    fuzzParams(HEAVY_RUNS),
  );
});
