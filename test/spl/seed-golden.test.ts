// Golden: with the built-in policy, the SPL riskgate derives for the ESCU seed rules is ESCU's own search, whitespace aside.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultPolicy } from '../../src/engine/policy.js';
import { RULES, findRule } from '../../src/rules/catalog.js';
import type { RequestRule } from '../../src/rules/rule.js';
import { requestRuleSearch, toSpl } from '../../src/spl/to-spl.js';

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), 'golden');

function golden(name: string): string {
  return readFileSync(join(GOLDEN, name), 'utf8');
}

/** Collapses whitespace; SPL keywords are case-insensitive, so the v8 text's `BY` reads as `by`. */
function normalized(spl: string): string {
  return spl.replace(/\s+/g, ' ').replace(/ BY /g, ' by ').trim();
}

function searchOf(id: string): string {
  return requestRuleSearch(findRule(id) as RequestRule, defaultPolicy(RULES)).search;
}

describe('seed rules reproduce the ESCU searches', () => {
  test.each([
    ['kubernetes-node-port-creation', 'kubernetes-node-port-creation.v4.spl'],
    ['kubernetes-node-port-creation', 'kubernetes-node-port-creation.v8.spl'],
    ['kubernetes-daemonset-deployed', 'kubernetes-daemonset-deployed.v4.spl'],
  ])('%s equals %s', (id, file) => {
    expect(normalized(searchOf(id))).toBe(normalized(golden(file)));
  });

  test('the v4 one-liners are matched byte for byte, not only after normalisation', () => {
    expect(`${searchOf('kubernetes-node-port-creation')}\n`).toBe(golden('kubernetes-node-port-creation.v4.spl'));
    expect(`${searchOf('kubernetes-daemonset-deployed')}\n`).toBe(golden('kubernetes-daemonset-deployed.v4.spl'));
  });

  test('every seed request rule of the catalog has a golden search, and toSpl gives the same text', () => {
    const seeds = RULES.filter((r) => r.type === 'request' && r.escu.isSeed).map((r) => r.id);
    expect(seeds.sort()).toEqual(['kubernetes-daemonset-deployed', 'kubernetes-node-port-creation']);
    const exported = toSpl(RULES, defaultPolicy(RULES));
    for (const id of seeds) expect(exported.searches.find((s) => s.rule.id === id)?.search).toBe(searchOf(id));
  });

  test('the by-list is ASCII-sorted, as ESCU lists it', () => {
    for (const file of ['kubernetes-node-port-creation.v4.spl', 'kubernetes-daemonset-deployed.v4.spl']) {
      const by = /\bby (.*?) \|/.exec(golden(file))![1]!.split(' ');
      expect(by).toEqual([...by].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    }
  });
});
