// Replay judges each audited request at its own time: exemption blocks apply up to their end, namespaceActions per namespace.
import { parsePolicy } from '../../src/engine/policy-file.js';
import { RULES } from '../../src/rules/catalog.js';
import { fixturePath } from '../fixture-path.js';
import { replayLines } from './replay-helpers.js';

/** Two DaemonSet creates: kube-system by the helm service account at 11:00:00, monitoring by alice at 11:05:00. */
const LOG = fixturePath('audit', 'synthetic', 'daemonset-create-levels.jsonl');

function policyEnding(expires: string) {
  return parsePolicy(
    [
      'rules:',
      '  kubernetes-daemonset-deployed:',
      '    action: record',
      '    namespaceActions: {"kube-*": deny, monitoring: warn}',
      '    exemptions:',
      '      - users: [alice]',
      `        expires: ${expires}`,
      '        reason: fluent-bit rollout',
    ].join('\n'),
    'lifecycle.yaml',
    RULES,
  );
}

async function judged(expires: string) {
  const { lines } = await replayLines([LOG], 'json', policyEnding(expires));
  return lines.map((l) => ({ namespace: l['namespace'], verdicts: l['verdicts'], exempted: l['exempted'] }));
}

test('a block still live at the request time exempts it, named with its reason; namespaceActions deny in kube-*', async () => {
  expect(await judged('2026-11-21T11:05:00.001Z')).toEqual([
    { namespace: 'kube-system', verdicts: [expect.objectContaining({ rule_id: 'kubernetes-daemonset-deployed', action: 'deny' })], exempted: [] },
    {
      namespace: 'monitoring',
      verdicts: [],
      exempted: [{ rule_id: 'kubernetes-daemonset-deployed', exemption: 'rule user=alice (reason: fluent-bit rollout; expires 2026-11-21T11:05:00.001Z)' }],
    },
  ]);
});

test('a block that ended at the request time (11:05:00 exactly) no longer exempts: the namespace action applies', async () => {
  const [, monitoring] = await judged('2026-11-21T11:05:00Z');
  expect(monitoring).toEqual({ namespace: 'monitoring', verdicts: [expect.objectContaining({ rule_id: 'kubernetes-daemonset-deployed', action: 'warn' })], exempted: [] });
});

test('risk events follow the same decision: deny in kube-system, warn in monitoring once the block has ended', async () => {
  const { lines } = await replayLines([LOG], 'risk-events', policyEnding('2026-11-21T11:00:00Z'));
  expect(lines.map((l) => [l['fields'] && (l['fields'] as Record<string, unknown>)['namespace'], l['action']])).toEqual([
    ['kube-system', 'deny'],
    ['monitoring', 'warn'],
  ]);
});

test('a finding the live webhook exempted carries that exemption on its replayed risk event when the policy now says otherwise', async () => {
  const log = fixturePath('audit', 'riskgate-v1.32', 'audit.log.jsonl');
  const policy = parsePolicy('rules:\n  kubernetes-node-port-creation: {action: deny}\n', 'p.yaml', RULES);
  const { lines } = await replayLines([log], 'risk-events', policy);
  const once = lines.filter((l) => l['admission_action'] === 'exempt');
  expect(once.map((l) => [l['rule_id'], l['action'], l['admission_exemption']])).toEqual([['kubernetes-node-port-creation', 'deny', 'rule namespace=edge-*']]);
});
