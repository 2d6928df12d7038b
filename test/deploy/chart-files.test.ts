// The chart's generated files equal what the rule catalog gives today (regenerate: bash tools/generate-chart.sh).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { MAX_MATCH_CONDITION_CHARS, matchConditionCel, ruleCel } from '../../src/cel/rule-cel.js';
import { chartFiles, chartRules } from '../../src/cluster/chart-files.js';
import { RULES, RULE_IDS, requestRules } from '../../src/rules/catalog.js';
import { CHART } from './helm.js';

describe('generated chart files', () => {
  test.each(Object.entries(chartFiles(RULES)))('%s is up to date with src/rules/catalog.ts', (path, text) => {
    expect(readFileSync(join(CHART, path), 'utf8')).toBe(text);
  });

  test('rules.json lists every request rule with its match and matchCondition CEL, and no metric rule', () => {
    const file = JSON.parse(readFileSync(join(CHART, 'files', 'rules.json'), 'utf8')) as { rules: ReturnType<typeof chartRules> };
    expect(file.rules.map((r) => r.id)).toEqual(requestRules(RULES).map((r) => r.id));
    for (const rule of requestRules(RULES)) {
      const { cel, exact } = matchConditionCel(rule);
      expect(file.rules.find((r) => r.id === rule.id)).toEqual({ id: rule.id, ...rule.match, matchCondition: cel.text, matchConditionExact: exact });
    }
  });

  test('a rule whose exact CEL is too large for a matchCondition (the shell rule and its launcher tables) sends every request of its match', () => {
    const shell = requestRules(RULES).find((r) => r.id === 'kubernetes-shell-exec-into-pod')!;
    expect(ruleCel(shell).exact).toBe(true);
    expect(ruleCel(shell).cel.text.length).toBeGreaterThan(MAX_MATCH_CONDITION_CHARS);
    const fallback = matchConditionCel(shell);
    expect(fallback.exact).toBe(false);
    expect(fallback.cel.text).not.toContain('object.command');
    for (const rule of requestRules(RULES).filter((r) => r !== shell)) expect(matchConditionCel(rule)).toEqual(ruleCel(rule));
  });

  test('values.schema.json knows exactly the catalog rule ids, metric rules only record or off', () => {
    const schema = JSON.parse(readFileSync(join(CHART, 'values.schema.json'), 'utf8'));
    const rules = schema.properties.policy.properties.rules;
    expect(Object.keys(rules.properties)).toEqual([...RULE_IDS]);
    expect(rules.additionalProperties).toBe(false);
    for (const rule of RULES) {
      const actions = rules.properties[rule.id].properties.action.enum;
      expect(actions).toEqual(rule.type === 'metric' ? ['record', 'off', false] : ['deny', 'warn', 'record', 'off', false]);
    }
  });

  test('values.yaml and every ci/ scenario satisfy values.schema.json; bad rule ids, actions and keys do not', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(JSON.parse(readFileSync(join(CHART, 'values.schema.json'), 'utf8')));
    const defaults = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8'), { version: '1.1' });
    expect([validate(defaults), validate.errors]).toEqual([true, null]);
    const bad = (policy: unknown) => validate({ ...defaults, policy });
    expect(bad({ rules: { 'kubernetes-no-such-rule': { action: 'deny' } } })).toBe(false);
    expect(bad({ rules: { 'kubernetes-node-port-creation': { action: 'block' } } })).toBe(false);
    expect(bad({ rules: { 'kubernetes-node-port-creation': { action: true } } })).toBe(false);
    expect(bad({ rules: { 'kubernetes-newly-seen-tcp-edge': { action: 'deny' } } })).toBe(false);
    expect(bad({ rules: { 'kubernetes-node-port-creation': { exemptions: { nodes: ['n1'] } } } })).toBe(false);
    expect(bad({ exemptions: { serviceAccounts: ['no-colon'] } })).toBe(false);
    expect(bad({ rules: { 'kubernetes-node-port-creation': { action: false } } })).toBe(true);
    expect(validate({ ...defaults, replicaCount: 1 })).toBe(false);
    expect(validate({ ...defaults, unknownKey: 1 })).toBe(false);
  });
});
