// The Splunk app export, parsed back: every .conf file, the detection stanzas with their RBA action, macros, stories, and the denied-requests report.
import { decide } from '../../src/engine/decide.js';
import { evaluate } from '../../src/engine/evaluate.js';
import { parsePolicy } from '../../src/engine/policy-file.js';
import { defaultPolicy } from '../../src/engine/policy.js';
import type { AuditEvent } from '../../src/kubernetes/audit-event.js';
import { ENFORCE_WEBHOOK } from '../../src/kubernetes/webhook-names.js';
import { auditAnnotationsOf } from '../../src/outputs/admission-response.js';
import { riskEventsOfDecision } from '../../src/outputs/risk-event.js';
import { requestOfAuditEvent } from '../../src/request/from-audit-event.js';
import { eventFieldReader } from '../../src/replay/event-fields.js';
import { RULES } from '../../src/rules/catalog.js';
import { filterMacroName } from '../../src/rules/search-name.js';
import { deniedRequestsSearch } from '../../src/spl/denied-requests-search.js';
import { ruleUuid } from '../../src/spl/rule-uuid.js';
import { planSearch } from '../../src/spl/search-plan.js';
import type { RequestRule } from '../../src/rules/rule.js';
import { toSpl } from '../../src/spl/to-spl.js';
import { splunkAppFiles } from '../../src/spl/to-splunk-app.js';
import { fixtureAuditEvents } from './audit-fixtures.js';
import { fixturePath } from '../fixture-path.js';
import { replayLines } from '../replay/replay-helpers.js';
import { parseConf } from './conf-parser.js';
import type { ParsedStanza } from './conf-parser.js';
import { searchMatches } from './spl-subset.js';

const POLICY = defaultPolicy(RULES);
const EXPORT = toSpl(RULES, POLICY);
const FILES = splunkAppFiles(EXPORT.searches, RULES, { appId: 'riskgate_kubernetes', version: '0.1.0', policySource: 'built-in' });

function conf(path: string): ParsedStanza[] {
  const file = FILES.find((f) => f.path === `riskgate_kubernetes/${path}`);
  if (!file) throw new Error(`no ${path}`);
  return parseConf(file.content);
}

function stanza(stanzas: ParsedStanza[], name: string): ParsedStanza {
  const found = stanzas.find((s) => s.name === name);
  if (!found) throw new Error(`no stanza [${name}]`);
  return found;
}

/** contentctl's savedsearches_detections.j2 key order for an Anomaly detection with RBA and no notable (splunk-notes §2.1). */
const DETECTION_KEYS = [
  'action.escu', 'action.escu.enabled', 'description', 'action.escu.mappings', 'action.escu.data_models', 'action.escu.eli5',
  'action.escu.how_to_implement', 'action.escu.known_false_positives', 'action.escu.creation_date', 'action.escu.modification_date',
  'action.escu.confidence', 'action.escu.search_type', 'action.escu.product', 'action.escu.providing_technologies',
  'action.escu.analytic_story', 'action.risk', 'action.risk.param._risk_message', 'action.risk.param._risk',
  'action.risk.param._risk_score', 'action.risk.param.verbose', 'cron_schedule', 'dispatch.earliest_time', 'dispatch.latest_time',
  'action.correlationsearch.enabled', 'action.correlationsearch.detection_type', 'action.correlationsearch.label',
  'action.correlationsearch.annotations', 'action.correlationsearch.metadata', 'schedule_window', 'alert.digest_mode', 'disabled',
  'enableSched', 'allow_skew', 'counttype', 'relation', 'quantity', 'realtime_schedule', 'is_visible', 'search',
];

describe('splunk-app export', () => {
  test('an installable app folder: app.conf, macros, saved searches, stories, metadata', () => {
    expect(FILES.map((f) => f.path).sort()).toEqual([
      'riskgate_kubernetes/README.txt',
      'riskgate_kubernetes/default/analyticstories.conf',
      'riskgate_kubernetes/default/app.conf',
      'riskgate_kubernetes/default/macros.conf',
      'riskgate_kubernetes/default/savedsearches.conf',
      'riskgate_kubernetes/metadata/default.meta',
    ]);
    const app = conf('default/app.conf');
    expect(app.map((s) => s.name)).toEqual(['install', 'launcher', 'ui', 'package']);
    expect(stanza(app, 'package').values).toMatchObject({ id: 'riskgate_kubernetes' });
    expect(stanza(app, 'launcher').values['version']).toBe('0.1.0');
    expect(stanza(conf('metadata/default.meta'), '').values).toEqual({ access: 'read : [ * ], write : [ admin, sc_admin ]', export: 'system' });
  });

  test('README.txt says how to install the app (copy into etc/apps, or tar it), for the app id given', () => {
    const files = splunkAppFiles(EXPORT.searches, RULES, { appId: 'k8s_riskgate', version: '0.1.0', policySource: 'built-in' });
    const readme = files.find((f) => f.path === 'k8s_riskgate/README.txt')!.content;
    expect(readme).toContain('copy this folder to $SPLUNK_HOME/etc/apps/ and restart Splunk');
    expect(readme).toContain('tar -czf k8s_riskgate.tgz k8s_riskgate');
    expect(readme).toContain('"riskgate - Kubernetes Requests Denied at Admission"');
  });

  test('one detection stanza per active rule, contentctl keys in order, with the RBA action and the hourly schedule', () => {
    const saved = conf('default/savedsearches.conf');
    expect(EXPORT.searches.length).toBeGreaterThanOrEqual(6);
    for (const search of EXPORT.searches) {
      const s = stanza(saved, search.searchName);
      expect([search.rule.id, s.keys]).toEqual([search.rule.id, DETECTION_KEYS]);
      expect(s.values).toMatchObject({
        'action.risk': '1',
        'action.risk.param._risk_message': search.rule.risk.message,
        'cron_schedule': '0 * * * *',
        'dispatch.earliest_time': '-70m@m',
        'dispatch.latest_time': '-10m@m',
        'action.correlationsearch.label': search.searchName,
        'disabled': 'false',
        'search': search.search,
      });
      const risk = JSON.parse(s.values['action.risk.param._risk']!) as Array<Record<string, unknown>>;
      expect(risk).toEqual([
        ...search.rule.risk.riskObjects.map((r) => ({ risk_object_field: r.field, risk_object_type: r.type, risk_score: r.score })),
        ...search.rule.risk.threatObjects.map((t) => ({ threat_object_field: t.field, threat_object_type: t.type })),
      ]);
      const metadata = JSON.parse(s.values['action.correlationsearch.metadata']!) as Record<string, unknown>;
      expect(metadata['detection_id']).toBe(search.rule.escu.isSeed ? search.rule.escu.id : ruleUuid(search.rule.id));
    }
  });

  test('the Node Port seed stanza carries the values derived in splunk-notes §2.1 (v8 rba block, ESCU mappings)', () => {
    const s = stanza(conf('default/savedsearches.conf'), 'ESCU - Kubernetes Node Port Creation - Rule');
    expect(s.values['action.risk.param._risk']).toBe(
      '[{"risk_object_field": "user", "risk_object_type": "user", "risk_score": 20}, {"threat_object_field": "src_ip", "threat_object_type": "ip_address"}]',
    );
    expect(s.values['action.escu.mappings']).toBe('{"cis20": ["CIS 13"], "kill_chain_phases": ["Installation"], "mitre_attack": ["T1204"], "nist": ["DE.AE"]}');
    expect(s.values['action.risk.param._risk_message']).toBe('Kubernetes node port creation from user $user$');
    expect(JSON.parse(s.values['action.correlationsearch.metadata']!)).toEqual({
      deprecated: '0',
      detection_id: 'd7fc865e-b8a1-4029-a960-cf4403b821b6',
      detection_version: '8',
      publish_time: Date.UTC(2026, 2, 10) / 1000,
    });
  });

  test('macros.conf defines kube_audit, kubernetes_metrics and every macro the saved searches call', () => {
    const macros = conf('default/macros.conf');
    expect(stanza(macros, 'kube_audit').values['definition']).toBe('source="kubernetes"');
    expect(stanza(macros, 'kubernetes_metrics').values['definition']).toBe('index=kubernetes_metrics');
    for (const search of EXPORT.searches) expect(stanza(macros, filterMacroName(search.rule)).values['definition']).toBe('search *');
    const used = conf('default/savedsearches.conf').flatMap((s) => [...(s.values['search'] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
    for (const name of new Set(used)) expect(macros.map((m) => m.name)).toContain(name);
  });

  test('analyticstories.conf: each story lists its detections; each detection has its savedsearch:// stanza', () => {
    const stories = conf('default/analyticstories.conf');
    const security = stanza(stories, 'analytic_story://Kubernetes Security');
    const names = EXPORT.searches.filter((s) => s.rule.risk.analyticStories.includes('Kubernetes Security')).map((s) => s.searchName).sort();
    expect(JSON.parse(security.values['searches']!)).toEqual(names);
    expect(security.values).toMatchObject({ category: 'Cloud Security', last_updated: '2023-12-06', spec_version: '3' });
    for (const search of EXPORT.searches) expect(stanza(stories, `savedsearch://${search.searchName}`).values['type']).toBe('detection');
  });

  test('a policy with off rules and exemptions: off rules have no stanza, exemptions are in the stanza search', () => {
    const policy = parsePolicy(
      'apiVersion: riskgate.io/v1\nkind: Policy\nexemptions: {namespaces: [kube-system]}\nrules:\n  kubernetes-daemonset-deployed: {action: off}\n',
      'p.yaml',
      RULES,
    );
    const exported = toSpl(RULES, policy);
    const saved = parseConf(splunkAppFiles(exported.searches, RULES, { appId: 'a', version: '1', policySource: 'p.yaml' }).find((f) => f.path === 'a/default/savedsearches.conf')!.content);
    expect(saved.map((s) => s.name)).not.toContain('ESCU - Kubernetes DaemonSet Deployed - Rule');
    expect(stanza(saved, 'ESCU - Kubernetes Node Port Creation - Rule').values['search']).toContain('NOT objectRef.namespace=kube-system');
  });
});

describe('the denied-requests report', () => {
  const report = stanza(conf('default/savedsearches.conf'), 'riskgate - Kubernetes Requests Denied at Admission');

  test('reads 403 responses with the decision annotation the enforce webhook writes', () => {
    expect(report.values['search']).toBe(deniedRequestsSearch(RULES));
    expect(report.values).toMatchObject({ enableSched: '0', is_visible: 'true', 'dispatch.earliest_time': '-24h@h' });
    const base = report.values['search']!.split(' | ')[0]!.replace('`kube_audit` ', '');
    expect(base).toBe('responseStatus.code=403 "annotations.enforce.riskgate.io/decision"=deny');
    // Run over the fixtures: the requests riskgate denied (real and dry-run) are listed; the 500s of riskgate down and
    // the capture's denials by another webhook are not.
    const plan = planSearch(RULES.find((r) => r.id === 'kubernetes-node-port-creation') as RequestRule, POLICY);
    const selected = fixtureAuditEvents().filter(({ event }) => searchMatches(base, event, eventFieldReader(plan)));
    // patches-v1.32: every patch, replace and apply riskgate denied there (its README lists them), none it let through.
    const patchDenials = [4, 6, 8, 12, 17, 25, 29, 33, 44, 48, 52, 56, 58, 62, 64, 68, 72, 74, 76];
    expect(selected.map((e) => e.where)).toEqual([
      ...[8, 12, 13, 17].map((n) => `riskgate-v1.32/audit.log.jsonl:${n}`),
      ...patchDenials.map((n) => `patches-v1.32/audit.log.jsonl:${n}`),
      'synthetic/daemonset-patches.jsonl:4',
    ]);
  });

  test('agrees with replay: the requests it lists are those replay shows with admission_decision deny, and not the not-judged ones', async () => {
    const base = report.values['search']!.split(' | ')[0]!.replace('`kube_audit` ', '');
    const plan = planSearch(RULES.find((r) => r.id === 'kubernetes-node-port-creation') as RequestRule, POLICY);
    const listed = fixtureAuditEvents()
      .filter((e) => e.where.startsWith('riskgate-v1.32/') && searchMatches(base, e.event, eventFieldReader(plan)))
      .map((e) => String(e.event['auditID']));
    const { lines } = await replayLines([fixturePath('audit', 'riskgate-v1.32', 'audit.log.jsonl')], 'json');
    expect(lines.filter((l) => l['admission_decision'] === 'deny').map((l) => l['auditID'])).toEqual(listed);
    expect(lines.filter((l) => l['admission_decision'] === 'not-judged').map((l) => l['response_code'])).toEqual([500, 500, 201]);
  });

  test('shows the event ids of the denying rules, as the webhook wrote them into its annotations', () => {
    for (const rule of RULES.filter((r) => r.type === 'request')) {
      expect(report.values['search']).toContain(`if('annotations.enforce.riskgate.io/${rule.id}.action'="deny", 'annotations.enforce.riskgate.io/${rule.id}.event_id', null())`);
    }
    expect(report.values['search']).toMatch(/\| table _time auditID .* rule_id event_id responseStatus\.message \|/);
  });

  test('names the denying rules from the very annotation keys admission-response writes', () => {
    const [event] = fixtureAuditEvents().filter((e) => e.where === 'synthetic/daemonset-patches.jsonl:4');
    const request = requestOfAuditEvent(event!.event as unknown as AuditEvent)!;
    const deny = parsePolicy('apiVersion: riskgate.io/v1\nkind: Policy\ndefaultAction: deny\n', 'deny.yaml', RULES);
    const decision = decide(evaluate(request, RULES), deny, new Date());
    const written = Object.keys(auditAnnotationsOf(decision, riskEventsOfDecision(decision, new Date(0)))).map((k) => `annotations.${ENFORCE_WEBHOOK.name}/${k}`);
    expect(written).toContain('annotations.enforce.riskgate.io/kubernetes-daemonset-template-update.action');
    expect(written).toContain('annotations.enforce.riskgate.io/kubernetes-daemonset-template-update.event_id');
    expect(written).toContain('annotations.enforce.riskgate.io/decision');
    for (const rule of RULES.filter((r) => r.type === 'request')) {
      expect(report.values['search']).toContain(`if('annotations.enforce.riskgate.io/${rule.id}.action'="deny", "${rule.id}", null())`);
    }
    // The synthetic event was written with the keys admission-response produces for this request.
    expect(Object.keys(event!.event['annotations'] as object)).toEqual(expect.arrayContaining(written.map((k) => k.replace(/^annotations\./, ''))));
  });
});
