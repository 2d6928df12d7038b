// Tests as data: replay of the recorded LoadBalancer audit log (test/fixtures/audit/load-balancers-v1.32) finds the rules expected.json lists per request.
import { readFileSync } from 'node:fs';
import { fixturePath } from '../fixture-path.js';
import { replayLines, replayTable, tableOf } from './replay-helpers.js';

const LOG = fixturePath('audit', 'load-balancers-v1.32', 'audit.log.jsonl');
const EXPECTED = JSON.parse(readFileSync(fixturePath('audit', 'load-balancers-v1.32', 'expected.json'), 'utf8')) as Record<string, string[]>;

test('every recorded request gets the findings expected.json lists (none where it lists none)', async () => {
  const { lines, bad } = await replayLines([LOG], 'json');
  expect(bad).toEqual([]);
  const found = Object.fromEntries(lines.map((l) => [String(l['auditID']).slice(-4), (l['verdicts'] as Array<{ rule_id: string }>).map((v) => v.rule_id)]));
  expect(found).toEqual(Object.fromEntries(Object.entries(EXPECTED).filter(([, rules]) => rules.length > 0)));
});

test('the table has one LoadBalancer row per request found, named by Service and verb', async () => {
  const { tables, counts } = await replayTable([LOG]);
  expect(counts).toMatchObject({ records: 24, events: 24, skipped: 0, requests: 24 });
  const rows = tableOf(tables, 'kubernetes-load-balancer-node-ports').result.rows.map((r) => `${String(r['objectRef.name'])}/${String(r['verb'])}`);
  expect(rows).toEqual([
    'lb-applied/patch',
    'lb-explicit/create',
    'lb-local/create',
    'lb-local-hc/create',
    'lb-quiet/patch',
    'lb-quiet-2/patch',
    'lb-quiet-3/patch',
    'lb-quiet-4/patch',
    'lb-replaced/update',
  ]);
});
