// Parses a policy YAML text into a Policy, rejecting unknown rule ids, actions and keys with file:line:column and the key.
import { isScalar, isSeq } from 'yaml';
import type { LineCounter, Node, Pair } from 'yaml';
import { clipText } from '../request/field-name.js';
import { readYamlStream } from '../request/yaml-stream.js';
import type { Rule } from '../rules/rule.js';
import type { ReadBlock } from './exemption-blocks.js';
import { ALL_EXEMPTIONS, METRIC_EXEMPTIONS, REQUEST_EXEMPTIONS, readExemptionBlocks } from './exemption-blocks.js';
import { PolicyError, PolicyReader } from './policy-reader.js';
import type { Action, NamespaceAction, Policy, RulePolicy } from './policy.js';
import { ACTIONS, DEFAULT_ACTION, METRIC_ACTIONS } from './policy.js';

export { ALL_EXEMPTIONS, METRIC_EXEMPTIONS, REQUEST_EXEMPTIONS, PolicyError };

export const POLICY_API_VERSION = 'riskgate.io/v1';

const TOP_KEYS = ['apiVersion', 'kind', 'defaultAction', 'requireReason', 'exemptions', 'rules'] as const;
const REQUEST_RULE_KEYS = ['action', 'namespaceActions', 'exemptions'] as const;
const METRIC_RULE_KEYS = ['action', 'exemptions'] as const;

function namespaceAction(r: PolicyReader, pair: Pair, key: string): NamespaceAction {
  const pattern = isScalar(pair.key) && typeof pair.key.value === 'string' ? pair.key.value : '';
  if (pattern === '') r.fail('POLICY_NOT_A_STRING', pair, key, 'namespace patterns must be non-empty strings');
  return { pattern, action: r.action(pair.value, `${key}.${pattern}`, ACTIONS) };
}

/**
 * `{"prod-*": deny, "dev-*": record}` (patterns in file order), or a list of one-key mappings (`- "prod-*": deny`),
 * which keeps its order where a mapping may not (Helm values sort keys).
 */
function readNamespaceActions(r: PolicyReader, node: unknown, key: string): NamespaceAction[] {
  if (!isSeq(node)) return r.map(node, key).items.map((pair) => namespaceAction(r, pair, key));
  return node.items.map((item, i) => {
    const map = r.map(item, `${key}[${i}]`);
    if (map.items.length !== 1) r.fail('POLICY_NOT_ONE_PATTERN', item as Node, `${key}[${i}]`, 'each item maps one namespace pattern to an action');
    return namespaceAction(r, map.items[0]!, `${key}[${i}]`);
  });
}

function readRule(r: PolicyReader, rule: Rule, node: unknown, key: string, defaultAction: Action, blocks: ReadBlock[]): RulePolicy {
  const metric = rule.type === 'metric';
  const actions = metric ? METRIC_ACTIONS : ACTIONS;
  // A metric rule cannot deny or warn: a defaultAction of deny/warn makes it record.
  const fallback: Action = actions.includes(defaultAction) ? defaultAction : 'record';
  const result: RulePolicy = { action: fallback, namespaceActions: [], exemptions: [] };
  for (const [name, pair] of r.entries(r.map(node, key), key, metric ? METRIC_RULE_KEYS : REQUEST_RULE_KEYS)) {
    if (name === 'action') result.action = r.action(pair.value, `${key}.action`, actions);
    else if (name === 'namespaceActions') result.namespaceActions = readNamespaceActions(r, pair.value, `${key}.namespaceActions`);
    else {
      const read = readExemptionBlocks(r, pair.value, `${key}.exemptions`, metric ? METRIC_EXEMPTIONS : REQUEST_EXEMPTIONS);
      blocks.push(...read);
      result.exemptions = read.map((b) => b.block);
    }
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

/** With `requireReason: true`, the first block (in file order) without a reason is an error at its line. */
function checkReasons(r: PolicyReader, blocks: readonly ReadBlock[]): void {
  const missing = blocks.filter((b) => b.block.reason === undefined).sort((a, b) => (a.node.range?.[0] ?? 0) - (b.node.range?.[0] ?? 0))[0];
  if (missing) r.fail('POLICY_REASON_REQUIRED', missing.node as Node, missing.key, 'requireReason is true: this exemption block needs a reason');
}

/** Parses policy YAML. `file` only names the text in error messages. */
export function parsePolicy(text: string, file: string, rules: readonly Rule[]): Policy {
  const { contents, lines } = policyContents(text, file);
  const r: PolicyReader = new PolicyReader(file, lines);
  const top = r.map(contents, '');
  let defaultAction: Action = DEFAULT_ACTION;
  let requireReason = false;
  const blocks: ReadBlock[] = [];
  let global: ReadBlock[] = [];
  let rulesNode: unknown;
  for (const [name, pair] of r.entries(top, '', TOP_KEYS)) {
    if (name === 'apiVersion' && r.string(pair.value, name) !== POLICY_API_VERSION) {
      r.fail('POLICY_API_VERSION', pair, name, `must be ${POLICY_API_VERSION}`);
    }
    if (name === 'kind' && r.string(pair.value, name) !== 'Policy') r.fail('POLICY_KIND', pair, name, 'must be Policy');
    if (name === 'defaultAction') defaultAction = r.action(pair.value, name, ACTIONS);
    if (name === 'requireReason') requireReason = r.boolean(pair.value, name);
    if (name === 'exemptions') global = readExemptionBlocks(r, pair.value, name, ALL_EXEMPTIONS);
    if (name === 'rules') rulesNode = pair.value;
  }
  blocks.push(...global);
  const byId = new Map(rules.map((rule) => [rule.id, rule]));
  const configured = new Map<string, RulePolicy>();
  for (const pair of r.map(rulesNode, 'rules').items) {
    const id = isScalar(pair.key) ? String(pair.key.value) : '';
    const rule = byId.get(id);
    if (!rule) r.fail('POLICY_UNKNOWN_RULE', pair, `rules.${id}`, `unknown rule id (known: ${[...byId.keys()].join(', ')})`);
    configured.set(id, readRule(r, rule, pair.value, `rules.${id}`, defaultAction, blocks));
  }
  if (requireReason) checkReasons(r, blocks);
  const all = new Map<string, RulePolicy>();
  for (const rule of rules) {
    all.set(rule.id, configured.get(rule.id) ?? readRule(r, rule, null, `rules.${rule.id}`, defaultAction, blocks));
  }
  return { source: file, exemptions: global.map((b) => b.block), rules: all, requireReason };
}
