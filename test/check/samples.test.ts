// manifests/samples: for every rule a manifest can trip, a sample trips it and a sample of the same kind passes it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseInputs, runCheck } from '../../src/check/check-run.js';
import { readManifestInputs } from '../../src/check/manifest-inputs.js';
import { parsePolicy } from '../../src/engine/policy-file.js';
import { checkUser } from '../../src/request/from-manifest.js';
import type { ManifestOperation } from '../../src/request/from-manifest.js';
import { RULES, requestRules } from '../../src/rules/catalog.js';
import type { RequestRule } from '../../src/rules/rule.js';
import { REPO } from './cli-run.js';

const SAMPLES = join(REPO, 'manifests', 'samples');
const POLICY_FILE = join(SAMPLES, '.riskgate', 'policy.yaml');
const policy = parsePolicy(readFileSync(POLICY_FILE, 'utf8'), POLICY_FILE, RULES);

/** Operations under which a manifest can stand for the rule's request: CREATE or UPDATE of a resource (not a subresource). */
function manifestOperations(rule: RequestRule): ManifestOperation[] {
  if (rule.match.resources.every((r) => r.includes('/'))) return [];
  return rule.match.operations.filter((op): op is ManifestOperation => op === 'CREATE' || op === 'UPDATE');
}

async function check(operation: ManifestOperation) {
  const inputs = await readManifestInputs([SAMPLES]);
  return runCheck(parseInputs(inputs), {
    rules: RULES,
    policy,
    toolVersion: 'test',
    settings: { operation, namespace: 'default', user: checkUser('riskgate-check', []), policy: POLICY_FILE, failOn: 'deny' },
  });
}

const rules = requestRules(RULES);
const withManifestForm = rules.filter((r) => manifestOperations(r).length > 0);
const cases = withManifestForm.flatMap((rule) => manifestOperations(rule).map((op) => [rule.id, op, rule] as const));

describe('manifests/samples', () => {
  test('the samples read cleanly and the hidden .riskgate folder (the policy) is skipped', async () => {
    const report = await check('CREATE');
    expect(report.errors).toEqual([]);
    expect(report.files.some((f) => f.includes('.riskgate'))).toBe(false);
  });

  test('rules without a manifest form are only subresource (CONNECT) rules', () => {
    for (const rule of rules.filter((r) => !withManifestForm.includes(r))) {
      expect(rule.match.resources.every((r) => r.includes('/'))).toBe(true);
    }
  });

  test.each(cases)('%s under %s: a sample trips it and a sample of the same kind passes', async (ruleId, operation, rule) => {
    const report = await check(operation);
    const selected = report.objects.filter((o) => o.applicableRules.some((a) => a.rule.id === ruleId));
    const tripping = selected.filter((o) => o.findings.some((f) => f.rule.id === ruleId && f.action !== 'exempt'));
    const passing = selected.filter((o) => !o.findings.some((f) => f.rule.id === ruleId && f.action !== 'exempt'));
    expect(tripping.map((o) => `${o.kind}/${o.name}`)).not.toEqual([]);
    expect(passing.map((o) => `${o.kind}/${o.name}`)).not.toEqual([]);
    // The policy of the samples gives each rule a failing action, so the samples show it with teeth.
    expect(['deny', 'warn']).toContain(policy.rules.get(rule.id)?.action);
  });
});
