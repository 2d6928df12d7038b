// `riskgate detect-metrics` as a real process over the OTLP/JSON fixtures: table, risk events, --data-dir, errors.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturePath } from '../fixture-path.js';
import { riskgate } from '../replay/cli-process.js';

const EDGES = fixturePath('otlp', 'network-edges.jsonl');
const PROCESSES = fixturePath('otlp', 'node-processes.json');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'riskgate-detect-metrics-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('riskgate detect-metrics', () => {
  test('the fixtures give the SPL rows: two new edges after the warm-up, one shell', async () => {
    const run = await riskgate(['detect-metrics', EDGES, PROCESSES]);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines).toContain('== ESCU - Kubernetes newly seen TCP edge - Rule (kubernetes-newly-seen-tcp-edge): 2 rows');
    expect(lines).toContain('host     source.workload.name  dest.workload.name  tcp.packets_count  first_seen');
    expect(lines).toContain('prod-eu  frontend              payments            1                  2026-03-02T12:00:05.000Z');
    expect(lines).toContain('prod-us  frontend              cart                1                  2026-03-02T12:00:05.000Z');
    expect(lines).toContain('== ESCU - Kubernetes Shell Running on Worker Node - Rule (kubernetes-shell-running-on-worker-node): 1 row');
    expect(run.stdout).toMatch(/\n\S+ +prod-eu +\S+ +20211 +bash +0\.00133\d* +0\.0008\n/);
    expect(run.stderr).toBe('riskgate detect-metrics: 8 payloads, 75 points (0 lacking a dimension), 3 findings (3 recorded, 0 exempt); 0 skipped; baseline 8 edges (in memory)\n');
  });

  test('--shells extended --output risk-events: one RBA event per shell, on the host', async () => {
    const run = await riskgate(['detect-metrics', '--shells', 'extended', '--output', 'risk-events', PROCESSES]);
    expect(run.code).toBe(0);
    const events = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.map((e) => e['threat_object'])).toEqual([['bash'], ['zsh']]);
    expect(events[0]).toMatchObject({ risk_object: 'ip-10-0-1-7.eu-west-1.compute.internal', risk_object_type: 'system', risk_score: 25, source: 'metrics' });
  });

  test('--data-dir keeps the baseline between runs: the second run over the same data finds no new edge', async () => {
    const first = await riskgate(['detect-metrics', '--data-dir', dir, '--output', 'json', EDGES]);
    expect(first.stdout.trim().split('\n')).toHaveLength(2);
    const second = await riskgate(['detect-metrics', '--data-dir', dir, '--output', 'json', EDGES]);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe('');
    expect(second.stderr).toContain(`baseline 8 edges in ${join(dir, 'baseline')}`);
  });

  test('policy exemptions apply; --warmup 0s alerts from the first payload', async () => {
    const policy = join(dir, 'policy.yaml');
    writeFileSync(policy, 'apiVersion: riskgate.io/v1\nkind: Policy\nrules:\n  kubernetes-newly-seen-tcp-edge:\n    exemptions:\n      clusters: [prod-us]\n');
    const run = await riskgate(['detect-metrics', '--policy', policy, '--warmup', '0s', '--output', 'json', EDGES]);
    const rows = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { rule: string; action?: string; exempted?: string; fields: Record<string, string> });
    const edge = (r: { fields: Record<string, string> }) => `${r.fields['host']} ${r.fields['source.workload.name']}->${r.fields['dest.workload.name']}`;
    expect(rows.filter((r) => r.action === 'record').map(edge)).toEqual([
      'prod-eu frontend->cart',
      'prod-eu frontend->catalog',
      'prod-eu cart->redis',
      'prod-eu checkout->payments',
      'prod-eu checkout->cart',
      'prod-eu frontend->payments',
    ]);
    expect(rows.filter((r) => r.exempted).map((r) => r.exempted)).toEqual(['rule cluster=prod-us', 'rule cluster=prod-us']);
  });

  test('a bad line is reported with file:line and skipped; a missing file exits 1; a bad duration exits 2', async () => {
    const file = join(dir, 'export.jsonl');
    writeFileSync(file, '{"resourceMetrics":[]}\n{"resourceMetrics": [\n{"resourceMetrics":{}}\n');
    const bad = await riskgate(['detect-metrics', file]);
    expect(bad.code).toBe(0);
    expect(bad.stderr).toContain(`riskgate detect-metrics: ${file}:2: not JSON: `);
    expect(bad.stderr).toContain(`riskgate detect-metrics: ${file}:3: resourceMetrics: must be an array; skipped`);
    expect(bad.stderr).toContain('1 payloads, 0 points');
    const missing = await riskgate(['detect-metrics', join(dir, 'nope.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`riskgate detect-metrics: ${join(dir, 'nope.json')}: cannot read the metrics file (ENOENT)\n`);
    const usage = await riskgate(['detect-metrics', '--baseline-window', '30 days', EDGES]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--baseline-window: "30 days" is not a duration');
  });
});
