// Which rule actions a rendered webhook configuration cannot carry out, for a policy that changed after the render (serve --check-webhook-config reads the live one).
import { entryCoverage, liveEntries } from '../../src/cluster/entry-coverage.js';
import { chartRules } from '../../src/cluster/chart-files.js';
import { parsePolicy } from '../../src/engine/policy-file.js';
import { RULES } from '../../src/rules/catalog.js';
import { ensureHelm, find, helmTemplate, objectsOf } from './helm.js';

beforeAll(() => ensureHelm(), 300_000);

function rendered(set: string[]) {
  return liveEntries(find(objectsOf(helmTemplate({ set: ['webhook.checkConfiguration=true', ...set] })), 'ValidatingWebhookConfiguration') as object);
}

function policy(text: string) {
  return parsePolicy(text, 'policy.yaml', RULES);
}

const CATALOG = chartRules(RULES);
const DENY = (...ids: string[]) => `rules:\n${ids.map((id) => `  ${id}: {action: deny}\n`).join('')}`;
const SET_DENY = (...ids: string[]) => ids.map((id) => `policy.rules.${id}.action=deny`);

interface Case {
  what: string;
  renderedWith: string[];
  policy: string;
  vap?: boolean;
  gaps: Array<{ rule: string; scope: string; problem: string | RegExp }>;
}

const CASES: Case[] = [
  { what: 'the policy the chart was rendered with', renderedWith: SET_DENY('kubernetes-node-port-creation'), policy: DENY('kubernetes-node-port-creation'), gaps: [] },
  { what: 'the default policy (every rule records)', renderedWith: [], policy: 'rules: {}\n', gaps: [] },
  {
    what: 'a rule turned deny in the ConfigMap of a chart rendered with none (no enforce entry)',
    renderedWith: [],
    policy: DENY('kubernetes-node-port-creation'),
    gaps: [{ rule: 'kubernetes-node-port-creation', scope: 'enforce', problem: 'no entry of ValidatingWebhookConfiguration riskgate calls /validate/enforce' }],
  },
  {
    what: 'a second deny rule on another kind',
    renderedWith: SET_DENY('kubernetes-node-port-creation'),
    policy: DENY('kubernetes-node-port-creation', 'kubernetes-daemonset-deployed'),
    gaps: [{ rule: 'kubernetes-daemonset-deployed', scope: 'enforce', problem: 'enforce.riskgate.io does not send CREATE of daemonsets to riskgate' }],
  },
  {
    what: 'a deny rule on the kinds the enforce entry gets, whose requests its matchCondition leaves out',
    renderedWith: SET_DENY('kubernetes-node-port-creation', 'kubernetes-node-port-update'),
    policy: DENY('kubernetes-node-port-creation', 'kubernetes-node-port-update', 'kubernetes-load-balancer-node-ports'),
    gaps: [{ rule: 'kubernetes-load-balancer-node-ports', scope: 'enforce', problem: /^the matchConditions of enforce\.riskgate\.io leave this rule's requests out/ }],
  },
  {
    what: 'the same without matchConditions: every request of those kinds reaches riskgate',
    renderedWith: [...SET_DENY('kubernetes-node-port-creation', 'kubernetes-node-port-update'), 'webhook.matchConditions=false'],
    policy: DENY('kubernetes-node-port-creation', 'kubernetes-node-port-update', 'kubernetes-load-balancer-node-ports'),
    gaps: [],
  },
  {
    what: 'every rule turned off in the render, then record again',
    renderedWith: ['policy.defaultAction=off'],
    policy: 'rules: {}\n',
    gaps: RULES.filter((r) => r.type === 'request').map((r) => ({ rule: r.id, scope: 'observe', problem: 'no entry of ValidatingWebhookConfiguration riskgate calls /validate/observe' })),
  },
  { what: 'a deny rule a ValidatingAdmissionPolicy enforces (serve --vap)', renderedWith: [...SET_DENY('kubernetes-node-port-creation'), 'vap.enabled=true'], policy: DENY('kubernetes-node-port-creation'), vap: true, gaps: [] },
  {
    what: 'the same render read by a serve without --vap',
    renderedWith: [...SET_DENY('kubernetes-node-port-creation'), 'vap.enabled=true'],
    policy: DENY('kubernetes-node-port-creation'),
    gaps: [{ rule: 'kubernetes-node-port-creation', scope: 'enforce', problem: 'no entry of ValidatingWebhookConfiguration riskgate calls /validate/enforce' }],
  },
];

test.each(CASES)('$what', ({ renderedWith, policy: text, vap, gaps }) => {
  const found = entryCoverage(policy(text), CATALOG, rendered(renderedWith), 'riskgate', vap ?? false);
  expect(found.map(({ rule, scope, problem }) => ({ rule, scope, problem }))).toEqual(gaps.map((g) => ({ ...g, problem: typeof g.problem === 'string' ? g.problem : expect.stringMatching(g.problem) })));
});

test('a namespace action that denies needs the enforce entry too; the rule\'s record elsewhere needs the observe entry', () => {
  const text = 'rules:\n  kubernetes-daemonset-deployed:\n    action: record\n    namespaceActions: {prod-*: deny}\n';
  const gaps = entryCoverage(policy(text), CATALOG, rendered([]), 'riskgate');
  expect(gaps).toEqual([{ rule: 'kubernetes-daemonset-deployed', actions: ['deny'], scope: 'enforce', problem: 'no entry of ValidatingWebhookConfiguration riskgate calls /validate/enforce' }]);
});

test('a single entry on /validate (every rule at once), by URL, carries both', () => {
  const entries = liveEntries({ webhooks: [{ name: 'all.riskgate.io', clientConfig: { url: 'https://riskgate.example:8443/validate' }, rules: [{ apiGroups: ['*'], apiVersions: ['*'], resources: ['*', 'pods/*'], operations: ['*'] }] }] });
  expect(entryCoverage(policy(DENY('kubernetes-node-port-creation', 'kubernetes-shell-exec-into-pod')), CATALOG, entries, 'riskgate')).toEqual([]);
});
