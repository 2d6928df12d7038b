// Replay and the live webhook agree on identity: replay reuses the event_id riskgate wrote into the audit annotations, reports the live action where it differs, and marks what riskgate never judged.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePolicy } from '../../src/engine/policy-file.js';
import { defaultPolicy } from '../../src/engine/policy.js';
import type { Policy } from '../../src/engine/policy.js';
import { admissionTraceOf } from '../../src/kubernetes/admission-trace.js';
import type { AuditEvent } from '../../src/kubernetes/audit-event.js';
import { RULES } from '../../src/rules/catalog.js';
import { reviewAdmission } from '../../src/webhook/review.js';
import { capturedReview, fixturePath } from '../fixture-path.js';
import { riskgate } from './cli-process.js';
import { replayLines } from './replay-helpers.js';

const DIR = fixturePath('audit', 'riskgate-v1.32');
const LOG = join(DIR, 'audit.log.jsonl');
const POLICY_FILE = join(DIR, 'policy.yaml');
const POLICIES: Record<string, Policy> = {
  'policy.yaml': parsePolicy(readFileSync(POLICY_FILE, 'utf8'), POLICY_FILE, RULES),
  'built-in': defaultPolicy(RULES),
};
type Expected = Record<string, Record<string, { admission_decision: string; findings: string[] }>>;
const EXPECTED = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Expected;

type Line = Record<string, unknown>;
const jsonLinesOf = (text: string): Line[] => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
const LIVE = jsonLinesOf(readFileSync(join(DIR, 'live-risk-events.jsonl'), 'utf8'));
const identity = (e: Line) => `${String(e['rule_id'])} ${String(e['risk_object'])} ${String(e['event_id'])}`;

/** A finding as expected.json writes it: `rule action`, then `(admission: …, webhook … unreachable)` when marked. */
function findingText(v: Line): string {
  const live = v['admission_action'];
  const webhook = v['unreachable_webhook'] ? `, webhook ${String(v['unreachable_webhook'])} unreachable` : '';
  return `${String(v['rule_id'])} ${String(v['action'] ?? 'exempt')}${live ? ` (admission: ${String(live)}${webhook})` : ''}`;
}

describe('a real audit log of riskgate up, then down (test/fixtures/audit/riskgate-v1.32)', () => {
  test.each(Object.keys(EXPECTED))('json with %s: riskgate\'s recorded decision and each finding, marked where the live webhook differs', async (name) => {
    const { lines, bad } = await replayLines([LOG], 'json', POLICIES[name]);
    expect(bad).toEqual([]);
    const found = Object.fromEntries(
      lines.map((l) => [
        String(l['auditID']).slice(-4),
        { admission_decision: l['admission_decision'], findings: [...(l['verdicts'] as Line[]), ...(l['exempted'] as Line[])].map(findingText) },
      ]),
    );
    expect(found).toEqual(EXPECTED[name]);
  });

  test('risk events with riskgate\'s policy: exactly the live ones, same event ids and actions, plus the not-judged ones marked', async () => {
    const { lines } = await replayLines([LOG], 'risk-events', POLICIES['policy.yaml']);
    const judged = lines.filter((e) => e['admission_action'] === undefined);
    expect(judged.map((e) => [identity(e), e['action'], e['summary']])).toEqual(LIVE.map((e) => [identity(e), e['action'], e['summary']]));
    expect(lines.filter((e) => e['admission_action'] !== undefined).map((e) => [e['rule_id'], e['action'], e['admission_action'], e['unreachable_webhook']])).toEqual([
      ['kubernetes-node-port-creation', 'deny', 'not-judged', 'enforce.riskgate.io'],
      ['kubernetes-node-port-update', 'deny', 'not-judged', 'enforce.riskgate.io'],
      ['kubernetes-daemonset-deployed', 'warn', 'not-judged', 'observe.riskgate.io'],
    ]);
  });

  test('risk events under another policy keep the live ids and carry the live action next to their own', async () => {
    const { lines } = await replayLines([LOG], 'risk-events', POLICIES['built-in']);
    const recordedLive = lines.filter((e) => e['admission_action'] !== 'not-judged' && e['admission_action'] !== 'exempt');
    expect(recordedLive.map(identity)).toEqual(LIVE.map(identity));
    expect(recordedLive.map((e) => [e['action'], e['admission_action']])).toEqual(LIVE.map((e) => ['record', e['action'] === 'record' ? undefined : e['action']]));
    // Exempted live, so no live risk event: its id comes from the auditID.
    const exempted = lines.filter((e) => e['admission_action'] === 'exempt');
    expect(exempted.map((e) => (e['fields'] as Line)['name'])).toEqual(['np-edge']);
    expect(LIVE.map((e) => e['event_id'])).not.toContain(exempted[0]!['event_id']);
  });

  test('the text output says which findings riskgate never judged and which it judged otherwise', async () => {
    const run = await riskgate(['replay', '--policy', POLICY_FILE, LOG]);
    expect(run.code).toBe(0);
    const notes = run.stdout.slice(run.stdout.indexOf('== riskgate at admission')).trimEnd().split('\n');
    expect(notes).toEqual([
      '== riskgate at admission (read from its audit annotations)',
      '3 findings never judged by riskgate (not-judged): the API server failed calling a webhook, so riskgate neither denied nor recorded them; these are not riskgate denials',
      `  ${LOG}:26  kubernetes-node-port-creation  services team-a/np-down  replay: deny  webhook enforce.riskgate.io unreachable (the API server refused the request: HTTP 500)`,
      `  ${LOG}:28  kubernetes-node-port-update  services team-a/web  replay: deny  webhook enforce.riskgate.io unreachable (the API server refused the request: HTTP 500)`,
      `  ${LOG}:31  kubernetes-daemonset-deployed  daemonsets team-a/agent-down  replay: warn  webhook observe.riskgate.io unreachable (the API server went on without it: failurePolicy Ignore)`,
    ]);
    const builtIn = await riskgate(['replay', LOG]);
    expect(builtIn.stdout).toContain('6 findings judged otherwise at admission (the policy or the rules changed since):');
    expect(builtIn.stdout).toContain(`  ${LOG}:14  kubernetes-node-port-creation  services edge-1/np-edge  replay: record  admission: exempt`);
  });
});

describe('the capture of another webhook (test/fixtures/kube-apiserver-v1.32)', () => {
  const CAPTURE_LOG = fixturePath('kube-apiserver-v1.32', 'audit.log.jsonl');
  const DOWN_LOG = fixturePath('kube-apiserver-v1.32', 'audit-webhook-down.log.jsonl');

  test("its webhook's annotations (`policy.harness.example.com/decision: deny`) are not taken for riskgate's", async () => {
    const { lines } = await replayLines([CAPTURE_LOG], 'json');
    expect(lines.filter((l) => l['response_code'] === 403).length).toBeGreaterThan(0);
    for (const line of lines) expect([line['name'], line['admission_decision']]).toEqual([line['name'], undefined]);
  });

  test('the 500 of the webhook down names the webhook the API server failed to call; a ClusterIP create is no finding', async () => {
    const events = jsonLinesOf(readFileSync(DOWN_LOG, 'utf8')) as unknown as AuditEvent[];
    expect(events.map((e) => admissionTraceOf(e, new Set(RULES.map((r) => r.id))).failedWebhook)).toEqual([{ name: 'policy.harness.example.com', outcome: 'refused' }, undefined]);
    const { lines } = await replayLines([DOWN_LOG], 'json', parsePolicy('apiVersion: riskgate.io/v1\nkind: Policy\ndefaultAction: deny\n', 'deny.yaml', RULES));
    expect(lines).toEqual([]);
  });
});

describe('webhook path → audit annotations → replay gives the same event_id', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'riskgate-live-identity-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /**
   * The capture's AdmissionReviews 001–012 are the requests of its audit log, in order (the ones its webhook
   * annotated). Each review goes through riskgate's webhook path; its auditAnnotations replace the capture webhook's
   * in the real audit event, as the API server writes them (`<webhook name>/<key>`, here a name of our own).
   */
  function auditLogWithRiskgateAnnotations(webhook: string): { log: string; live: Line[] } {
    const events = jsonLinesOf(readFileSync(fixturePath('kube-apiserver-v1.32', 'audit.log.jsonl'), 'utf8'));
    const judged = [...new Set(events.filter((e) => Object.keys((e['annotations'] as object) ?? {}).some((k) => k.startsWith('policy.harness.example.com/'))).map((e) => String(e['auditID'])))];
    expect(judged).toHaveLength(12);
    const live: Line[] = [];
    const annotationsOf = new Map<string, Record<string, string>>();
    judged.forEach((auditID, i) => {
      const { response, riskEvents } = reviewAdmission({ body: capturedReview(String(i + 1).padStart(3, '0')), policy: defaultPolicy(RULES), rules: RULES, now: new Date(), scope: 'all' });
      live.push(...(riskEvents as unknown as Line[]));
      annotationsOf.set(auditID, Object.fromEntries(Object.entries(response.response.auditAnnotations ?? {}).map(([k, v]) => [`${webhook}/${k}`, v])));
    });
    const rewritten = events.map((e) => {
      const own = Object.entries((e['annotations'] as Record<string, string>) ?? {}).filter(([k]) => !k.startsWith('policy.harness.example.com/'));
      return { ...e, annotations: { ...Object.fromEntries(own), ...annotationsOf.get(String(e['auditID'])) } };
    });
    const log = join(dir, `${webhook}.jsonl`);
    writeFileSync(log, rewritten.map((e) => JSON.stringify(e)).join('\n') + '\n');
    return { log, live };
  }

  test.each(['enforce.riskgate.io', 'riskgate-observe.platform.example.com'])('with the annotations written by %s', async (webhook) => {
    const { log, live } = auditLogWithRiskgateAnnotations(webhook);
    expect(live.map((e) => e['rule_id'])).toEqual([
      'kubernetes-node-port-creation', 'kubernetes-node-port-update', 'kubernetes-load-balancer-node-ports', 'kubernetes-daemonset-deployed',
      'kubernetes-node-port-creation', 'kubernetes-shell-exec-into-pod', 'kubernetes-shell-exec-into-pod',
    ]);
    const replayed = (await replayLines([log], 'risk-events')).lines;
    expect(replayed.map(identity)).toEqual(live.map(identity));
    expect(replayed.every((e) => e['admission_action'] === undefined)).toBe(true);
    // Without riskgate's annotations the ids come from the auditIDs: none is the live one.
    const unannotated = (await replayLines([fixturePath('kube-apiserver-v1.32', 'audit.log.jsonl')], 'risk-events')).lines;
    expect(unannotated.map((e) => e['event_id'])).toHaveLength(live.length);
    for (const e of unannotated) expect(live.map((l) => l['event_id'])).not.toContain(e['event_id']);
  });
});
