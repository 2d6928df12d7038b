// Parses a policy YAML text into a Policy, rejecting unknown rule ids, actions and keys with file:line:column and the key.
import { Pair, Scalar, YAMLMap, YAMLSeq, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { LineCounter, Node } from 'yaml';
import { clipText } from '../request/field-name.js';
import { readYamlStream } from '../request/yaml-stream.js';
import type { Rule } from '../rules/rule.js';
import { RiskgateError } from '../riskgate-error.js';
import type { Action, Exemptions, Policy, RulePolicy } from './policy.js';
import { ACTIONS, DEFAULT_ACTION, METRIC_ACTIONS, emptyExemptions } from './policy.js';

export const POLICY_API_VERSION = 'riskgate.io/v1';

export class PolicyError extends RiskgateError {
  constructor(
    code: string,
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly key: string,
    detail: string,
  ) {
    super(code, `${file}:${line}:${column}: ${key ? `${key}: ` : ''}${detail}`);
    this.name = 'PolicyError';
  }
}

const TOP_KEYS = ['apiVersion', 'kind', 'defaultAction', 'exemptions', 'rules'] as const;
const RULE_KEYS = ['action', 'exemptions'] as const;
const LIST_EXEMPTIONS = ['namespaces', 'users', 'groups', 'serviceAccounts', 'clusters', 'nodes', 'workloads'] as const;
type ListExemption = (typeof LIST_EXEMPTIONS)[number];
export const REQUEST_EXEMPTIONS: readonly string[] = ['namespaces', 'users', 'groups', 'serviceAccounts', 'labels'];
export const METRIC_EXEMPTIONS: readonly string[] = ['namespaces', 'clusters', 'nodes', 'workloads'];
export const ALL_EXEMPTIONS: readonly string[] = [...LIST_EXEMPTIONS, 'labels'];

class Reader {
  constructor(
    private readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  fail(code: string, node: Node | Pair | null | undefined, key: string, detail: string): never {
    const offset = (isPair(node) ? (node.key as Node | null)?.range?.[0] : (node as Node | null | undefined)?.range?.[0]) ?? 0;
    const pos = this.lines.linePos(offset);
    throw new PolicyError(code, this.file, pos.line, pos.col, key, detail);
  }

  map(node: unknown, key: string): YAMLMap {
    if (node === null || node === undefined) return new YAMLMap();
    if (!isMap(node)) this.fail('POLICY_NOT_A_MAP', node as Node, key, 'must be a mapping');
    return node;
  }

  entries(map: YAMLMap, key: string, allowed: readonly string[]): Array<[string, Pair]> {
    return map.items.map((pair) => {
      const name = isScalar(pair.key) ? String(pair.key.value) : '';
      const path = key ? `${key}.${name}` : name;
      if (!allowed.includes(name)) this.fail('POLICY_UNKNOWN_KEY', pair, path, `unknown key (expected one of: ${allowed.join(', ')})`);
      return [name, pair];
    });
  }

  string(node: unknown, key: string): string {
    if (!isScalar(node) || typeof node.value !== 'string' || node.value === '') {
      this.fail('POLICY_NOT_A_STRING', node as Node, key, 'must be a non-empty string');
    }
    return node.value;
  }

  stringList(node: unknown, key: string): string[] {
    if (node === null || (isScalar(node) && node.value === null)) return [];
    if (!isSeq(node)) this.fail('POLICY_NOT_A_LIST', node as Node, key, 'must be a list of strings');
    return (node as YAMLSeq).items.map((item, i) => this.string(item, `${key}[${i}]`));
  }

  action(node: unknown, key: string, allowed: readonly Action[]): Action {
    const value = isScalar(node) ? node.value : undefined;
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      this.fail('POLICY_UNKNOWN_ACTION', node as Node, key, `unknown action ${JSON.stringify(value ?? null)} (expected one of: ${allowed.join(', ')})`);
    }
    return value as Action;
  }
}

function readExemptions(r: Reader, node: unknown, key: string, allowed: readonly string[]): Exemptions {
  const exemptions = emptyExemptions();
  for (const [name, pair] of r.entries(r.map(node, key), key, allowed)) {
    const path = `${key}.${name}`;
    if (name === 'labels') {
      for (const [label, labelPair] of r.map(pair.value, path).items.map((p) => [isScalar(p.key) ? String(p.key.value) : '', p] as const)) {
        if (label === '') r.fail('POLICY_NOT_A_STRING', labelPair, `${path}`, 'label keys must be strings');
        const value = labelPair.value;
        if (!isScalar(value) || (typeof value.value !== 'string' && typeof value.value !== 'number' && typeof value.value !== 'boolean')) {
          r.fail('POLICY_NOT_A_STRING', labelPair, `${path}.${label}`, 'label values must be strings');
        }
        exemptions.labels[label] = String((value as Scalar).value);
      }
      continue;
    }
    const list = r.stringList(pair.value, path);
    if (name === 'serviceAccounts') {
      list.forEach((sa, i) => {
        if (!/^[^:\s]+:[^:\s]+$/.test(sa)) {
          r.fail('POLICY_BAD_SERVICE_ACCOUNT', (pair.value as YAMLSeq).items[i] as Node, `${path}[${i}]`, `"${sa}" is not namespace:name`);
        }
      });
    }
    exemptions[name as ListExemption] = list;
  }
  return exemptions;
}

function readRule(r: Reader, rule: Rule, node: unknown, key: string, defaultAction: Action): RulePolicy {
  const actions = rule.type === 'metric' ? METRIC_ACTIONS : ACTIONS;
  const exemptionKeys = rule.type === 'metric' ? METRIC_EXEMPTIONS : REQUEST_EXEMPTIONS;
  // A metric rule cannot deny or warn: a defaultAction of deny/warn makes it record.
  const fallback: Action = actions.includes(defaultAction) ? defaultAction : 'record';
  const result: RulePolicy = { action: fallback, exemptions: emptyExemptions() };
  for (const [name, pair] of r.entries(r.map(node, key), key, RULE_KEYS)) {
    if (name === 'action') result.action = r.action(pair.value, `${key}.action`, actions);
    else result.exemptions = readExemptions(r, pair.value, `${key}.exemptions`, exemptionKeys);
  }
  return result;
}

/** The one YAML document of a policy text (null contents when it is empty); a YAML error throws POLICY_YAML at its position. */
function policyContents(text: string, file: string): { contents: unknown; lines: LineCounter } {
  const { entries, lines } = readYamlStream(text, { uniqueKeys: true, prettyErrors: false });
  const yamlError = (offset: number, message: string): never => {
    const pos = lines.linePos(offset);
    throw new PolicyError('POLICY_YAML', file, pos.line, pos.col, '', clipText(message.split('\n')[0] || 'invalid YAML', 200));
  };
  const [first, second] = entries;
  if (first === undefined) return { contents: null, lines };
  if ('problem' in first) return yamlError(first.problem.offset, first.problem.message);
  const syntax = first.document.errors[0];
  if (syntax) return yamlError(syntax.pos[0], syntax.message);
  if (second !== undefined && 'problem' in second) return yamlError(second.problem.offset, second.problem.message);
  if (second !== undefined) return yamlError(second.document.range[0], 'a policy file holds one YAML document: remove this one or the `---` before it');
  return { contents: first.document.contents, lines };
}

/** Parses policy YAML. `file` only names the text in error messages. */
export function parsePolicy(text: string, file: string, rules: readonly Rule[]): Policy {
  const { contents, lines } = policyContents(text, file);
  const r: Reader = new Reader(file, lines);
  const top = r.map(contents, '');
  let defaultAction: Action = DEFAULT_ACTION;
  let exemptions = emptyExemptions();
  let rulesNode: unknown;
  for (const [name, pair] of r.entries(top, '', TOP_KEYS)) {
    if (name === 'apiVersion' && r.string(pair.value, name) !== POLICY_API_VERSION) {
      r.fail('POLICY_API_VERSION', pair, name, `must be ${POLICY_API_VERSION}`);
    }
    if (name === 'kind' && r.string(pair.value, name) !== 'Policy') r.fail('POLICY_KIND', pair, name, 'must be Policy');
    if (name === 'defaultAction') defaultAction = r.action(pair.value, name, ACTIONS);
    if (name === 'exemptions') exemptions = readExemptions(r, pair.value, name, ALL_EXEMPTIONS);
    if (name === 'rules') rulesNode = pair.value;
  }
  const byId = new Map(rules.map((rule) => [rule.id, rule]));
  const configured = new Map<string, RulePolicy>();
  for (const pair of r.map(rulesNode, 'rules').items) {
    const id = isScalar(pair.key) ? String(pair.key.value) : '';
    const rule = byId.get(id);
    if (!rule) r.fail('POLICY_UNKNOWN_RULE', pair, `rules.${id}`, `unknown rule id (known: ${[...byId.keys()].join(', ')})`);
    configured.set(id, readRule(r, rule, pair.value, `rules.${id}`, defaultAction));
  }
  const all = new Map<string, RulePolicy>();
  for (const rule of rules) {
    all.set(rule.id, configured.get(rule.id) ?? readRule(r, rule, null, `rules.${rule.id}`, defaultAction));
  }
  return { source: file, exemptions, rules: all };
}
