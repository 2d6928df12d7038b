// docs/policy.md and docs/webhook.md are true: the rule table equals the rule catalog, the policy error and the risk-event line are real output (test/docs runs their console blocks).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePolicy } from '../../src/engine/policy-file.js';
import { policyDigest } from '../../src/policy/policy-store.js';
import { defaultPolicy } from '../../src/engine/policy.js';
import { RULES } from '../../src/rules/catalog.js';
import type { Rule } from '../../src/rules/rule.js';
import { reviewAdmission } from '../../src/webhook/review.js';
import { capturedReview } from '../fixture-path.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const policyPage = readFileSync(join(REPO, 'docs', 'policy.md'), 'utf8');
const webhookPage = readFileSync(join(REPO, 'docs', 'webhook.md'), 'utf8');
const SAMPLE_POLICY = 'manifests/samples/.riskgate/policy.yaml';

function blocks(page: string, lang: string): string[] {
  const out: string[] = [];
  const re = new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```', 'gm');
  for (let m = re.exec(page); m; m = re.exec(page)) out.push(m[1]!);
  return out;
}

/** The markdown table whose header row starts with `| rule |`, as rows of trimmed cells. */
function ruleTable(): { header: string[]; rows: string[][] } {
  const lines = policyPage.split('\n');
  const at = lines.findIndex((l) => l.startsWith('| rule |'));
  if (at < 0) throw new Error('no rule table in docs/policy.md');
  const cells = (line: string) => line.slice(1, -1).split('|').map((c) => c.trim());
  const rows: string[][] = [];
  for (let i = at + 2; i < lines.length && lines[i]!.startsWith('|'); i++) rows.push(cells(lines[i]!));
  return { header: cells(lines[at]!), rows };
}

function resources(rule: Rule): string {
  if (rule.type === 'metric') {
    const metrics = rule.detector === 'newly-seen-edge' ? [rule.metrics.metric] : rule.metrics.metrics;
    return `OTLP metrics ${metrics.map((m) => `\`${m}\``).join(', ')}`;
  }
  return rule.match.resources.map((r) => `\`${rule.match.apiGroups.filter((g) => g !== '').map((g) => `${g}/`).join('')}${r}\``).join(', ');
}

/** One README row per catalog rule, in catalog order. */
function expectedRow(rule: Rule): string[] {
  const escu = `[${rule.escu.name}](${rule.escu.url})`;
  return [
    `\`${rule.id}\``,
    rule.escu.isSeed ? escu : `extends ${escu}`,
    `\`${rule.escu.id}\``,
    `v${rule.escu.version}`,
    resources(rule),
    rule.type === 'request' ? rule.match.operations.join(', ') : '—',
    rule.risk.riskObjects.map((o) => `\`${o.field}\` (${o.type})`).join(', '),
    rule.risk.riskObjects.map((o) => String(o.score)).join(', '),
    rule.risk.mitreAttack.join(', '),
    defaultPolicy(RULES).rules.get(rule.id)!.action,
  ];
}

describe('docs/policy.md and docs/webhook.md', () => {
  test('the rule table lists every rule of the catalog, with its ESCU provenance, match, risk and default action', () => {
    const { header, rows } = ruleTable();
    expect(header).toEqual(['rule', 'ESCU detection', 'ESCU id', 'version', 'resources', 'operations', 'risk object', 'risk score', 'MITRE ATT&CK', 'default action']);
    expect(rows).toEqual(RULES.map(expectedRow));
  });

  test('the list under the table names every rule', () => {
    for (const rule of RULES) expect(policyPage).toContain(`\n- \`${rule.id}\`: `);
  });

  test('the risk-event line shown is the engine’s event for capture 001 under the samples policy', () => {
    const policyText = readFileSync(join(REPO, SAMPLE_POLICY), 'utf8');
    const policy = { ...parsePolicy(policyText, SAMPLE_POLICY, RULES), digest: policyDigest(policyText) };
    const review = (capture: string) => reviewAdmission({ body: capturedReview(capture), policy, rules: RULES, now: new Date(), scope: 'all' });
    const [eventLine] = blocks(webhookPage, 'json');
    expect(webhookPage).toContain('admissionreview/001-Service-CREATE-np-svc.request.json');
    // The risk-event line, its decision time and (shortened) uid aside, is the engine's event for capture 001.
    const shown = JSON.parse(eventLine!) as Record<string, unknown> & { fields: Record<string, unknown> };
    const event = review('001').riskEvents[0]!;
    expect(shown).toMatchObject({ level: 'info', msg: 'riskgate.risk_event' });
    const { time: _shownTime, level: _level, msg: _msg, fields: { uid: _shownUid, ...shownFields }, ...shownRest } = shown;
    const { time: _time, fields: { uid: _uid, ...fields }, ...rest } = event;
    expect(shownRest).toEqual(rest);
    expect(shownFields).toEqual(fields);
  });

  test('the policy error shown is the one serve prints for that file', () => {
    const cat = '$ cat docs/examples/policy-unknown-action.yaml';
    const example = blocks(policyPage, 'console').find((b) => b.includes(cat));
    expect(example).toBeDefined();
    const lines = example!.split('\n');
    const file = lines.slice(lines.indexOf(cat) + 1, lines.findIndex((l) => l.startsWith('$ npx riskgate serve'))).join('\n') + '\n';
    const printed = lines.find((l) => l.startsWith('riskgate serve: '))!.slice('riskgate serve: '.length);
    expect(() => parsePolicy(file, 'docs/examples/policy-unknown-action.yaml', RULES)).toThrow(printed);
    expect(lines[lines.indexOf('$ echo $?') + 1]).toBe('1');
  });
});
