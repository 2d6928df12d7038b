// Tests as data: each synthetic audit file (test/fixtures/audit/synthetic) with the findings, SPL rows and skipped lines expected.json lists.
import { readFileSync } from 'node:fs';
import { fixturePath } from '../fixture-path.js';
import { replayLines, replayTable, tableOf } from './replay-helpers.js';

interface Expected {
  requests: Record<string, string[]>;
  rows: Record<string, number>;
  skipped: number[];
}

const DIR = fixturePath('audit', 'synthetic');
const CASES = Object.entries(JSON.parse(readFileSync(`${DIR}/expected.json`, 'utf8')) as Record<string, Expected>);

describe.each(CASES)('%s', (file, expected) => {
  const path = `${DIR}/${file}`;

  test('findings per request (auditID suffix)', async () => {
    const { lines } = await replayLines([path], 'json');
    const found = Object.fromEntries(lines.map((l) => [String(l['auditID']).slice(-4), (l['verdicts'] as Array<{ rule_id: string }>).map((v) => v.rule_id)]));
    const wanted = Object.fromEntries(Object.entries(expected.requests).filter(([, rules]) => rules.length > 0));
    expect(found).toEqual(wanted);
  });

  test('SPL rows per rule and skipped lines', async () => {
    const { tables, bad } = await replayTable([path]);
    for (const [rule, rows] of Object.entries(expected.rows)) expect([rule, tableOf(tables, rule).result.rows.length]).toEqual([rule, rows]);
    const others = tables.filter((t) => !(t.search.rule.id in expected.rows));
    for (const t of others) expect([t.search.rule.id, t.result.rows.length]).toEqual([t.search.rule.id, 0]);
    expect(bad.map((b) => Number(/:(\d+):/.exec(b)![1]))).toEqual(expected.skipped);
  });
});

describe('synthetic details', () => {
  test('two stages, two source IPs: the ResponseComplete stage, one row per IP, groups sorted', async () => {
    const { tables, counts } = await replayTable([`${DIR}/daemonset-create-two-stages.jsonl`]);
    expect(counts).toMatchObject({ events: 2, requests: 1 });
    const rows = tableOf(tables, 'kubernetes-daemonset-deployed').result.rows;
    expect(rows.map((r) => [r['src_ip'], r['stage'], r['responseStatus.code'], r['count'], r['user_groups']])).toEqual([
      ['10.0.0.7', 'ResponseComplete', '201', '1', ['dev-team', 'system:authenticated']],
      ['192.168.1.20', 'ResponseComplete', '201', '1', ['dev-team', 'system:authenticated']],
    ]);
  });

  test('impersonation: the risk event names bob (whom admission saw), the SPL row the authenticated admin', async () => {
    const path = `${DIR}/daemonset-create-impersonated.jsonl`;
    const { lines } = await replayLines([path], 'risk-events');
    expect(lines.map((l) => l['risk_object'])).toEqual(['bob']);
    const { tables } = await replayTable([path]);
    expect(tableOf(tables, 'kubernetes-daemonset-deployed').result.rows.map((r) => r['user'])).toEqual(['admin']);
    const json = await replayLines([path], 'json');
    expect(json.lines[0]).toMatchObject({ user: 'bob', authenticated_user: 'admin' });
  });

  test('the patch riskgate denied carries its admission decision', async () => {
    const { lines } = await replayLines([`${DIR}/daemonset-patches.jsonl`], 'json');
    expect(lines.find((l) => String(l['auditID']).endsWith('0a06'))).toMatchObject({ response_code: 403, admission_decision: 'deny' });
  });

  test('Splunk exports and the plain log give the same findings', async () => {
    const plain = await replayLines([`${DIR}/daemonset-create-two-stages.jsonl`, `${DIR}/daemonset-create-impersonated.jsonl`], 'risk-events');
    for (const file of ['splunk-export.jsonl', 'splunk-export-array.json', 'splunk-rest-results.json']) {
      const exported = await replayLines([`${DIR}/${file}`], 'risk-events');
      expect(exported.lines).toEqual(plain.lines);
    }
  });

  test('a bad _raw inside a REST results document costs only its own event', async () => {
    const { bad, counts } = await replayTable([`${DIR}/splunk-rest-results.json`]);
    expect(bad).toEqual([expect.stringMatching(/^splunk-rest-results\.json:1: _raw is not JSON \(/)]);
    expect(counts).toMatchObject({ records: 1, events: 2, skipped: 1, requests: 2 });
  });

  test('bad records are reported with file:line and why', async () => {
    const { bad, counts } = await replayTable([`${DIR}/bad-records.jsonl`]);
    expect(bad).toEqual([
      expect.stringMatching(/^bad-records\.jsonl:2: not JSON \(/),
      expect.stringMatching(/^bad-records\.jsonl:3: not JSON \(/),
      'bad-records.jsonl:5: auditID is required',
    ]);
    expect(counts).toMatchObject({ records: 5, skipped: 3, requests: 2 });
  });
});
