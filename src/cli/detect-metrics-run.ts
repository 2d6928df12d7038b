// Runs `riskgate detect-metrics`: OTLP/JSON files through the metric pipeline (baseline, policy) to a table, JSON or risk events.
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { BaselineStore } from '../baseline/baseline-store.js';
import type { Verdict } from '../engine/decide.js';
import { metricOptions } from '../engine/metric-options.js';
import type { MetricOptionTexts } from '../engine/metric-options.js';
import { defaultPolicy } from '../engine/policy.js';
import type { Policy } from '../engine/policy.js';
import { MetricPipeline } from '../otlp/metric-pipeline.js';
import type { MetricBatch } from '../otlp/metric-pipeline.js';
import { readOtlpJsonFile } from '../otlp/otlp-json-file.js';
import type { RiskEvent } from '../outputs/risk-event.js';
import { terminalText } from '../outputs/terminal-text.js';
import { readPolicyFile } from '../policy/policy-store.js';
import { DecodeError } from '../request/decode-error.js';
import { RULES } from '../rules/catalog.js';
import { searchName } from '../rules/search-name.js';

export const DETECT_METRICS_OUTPUTS = ['table', 'json', 'risk-events'] as const;
export type DetectMetricsOutput = (typeof DETECT_METRICS_OUTPUTS)[number];

export interface DetectMetricsOptions extends MetricOptionTexts {
  policy?: string;
  dataDir?: string;
  output: DetectMetricsOutput;
}

interface Totals {
  batches: number;
  skipped: number;
  points: number;
  incomplete: number;
  findings: number;
  recorded: number;
  exempted: number;
}

/** Columns of a rule's rows: its result-row fields in first-seen order, without the internal series key. */
function renderTable(verdicts: readonly Verdict[]): string {
  const byRule = new Map<string, Verdict[]>();
  for (const v of verdicts) byRule.set(v.finding.rule.id, [...(byRule.get(v.finding.rule.id) ?? []), v]);
  const blocks = RULES.filter((r) => r.type === 'metric').map((rule) => {
    const rows = (byRule.get(rule.id) ?? []).map((v) => v.finding.fields);
    const heading = `== ${searchName(rule)} (${rule.id}): ${rows.length} row${rows.length === 1 ? '' : 's'}`;
    if (rows.length === 0) return heading;
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((c) => c !== 'series');
    const cell = (v: string | string[] | undefined) => terminalText(v === undefined ? '' : Array.isArray(v) ? v.join(',') : v);
    const matrix = [columns.map(terminalText), ...rows.map((row) => columns.map((c) => cell(row[c])))];
    const widths = columns.map((_, i) => Math.max(...matrix.map((r) => r[i]!.length)));
    return [heading, ...matrix.map((r) => r.map((v, i) => (i === r.length - 1 ? v : v.padEnd(widths[i]!))).join('  ').trimEnd())].join('\n');
  });
  return `${blocks.join('\n\n')}\n`;
}

function jsonLine(where: string, batch: MetricBatch): string[] {
  const verdicts = batch.decision.verdicts.map((v) => ({ where, rule: v.finding.rule.id, action: v.action, summary: v.finding.summary, fields: v.finding.fields, subject: v.finding.subject }));
  const exempted = batch.decision.exempted.map((e) => ({ where, rule: e.finding.rule.id, exempted: e.exemption, summary: e.finding.summary, fields: e.finding.fields, subject: e.finding.subject }));
  return [...verdicts, ...exempted].map((o) => JSON.stringify(o));
}

function loadPolicy(file: string | undefined): Policy {
  return file ? readPolicyFile(file, RULES).policy : defaultPolicy(RULES);
}

/** Returns the exit code: 0 after a run (unreadable payloads are reported and skipped), 1 when a file or the policy cannot be read. */
export async function runDetectMetrics(files: readonly string[], options: DetectMetricsOptions, io: { stdout: Writable; stderr: Writable }): Promise<number> {
  const policy = loadPolicy(options.policy);
  const settings = metricOptions(RULES, options);
  const storeDir = options.dataDir ? join(options.dataDir, 'baseline') : undefined;
  const store = await BaselineStore.open({ ...(storeDir ? { dir: storeDir } : {}), windowMs: settings.baselineWindowMs, onError: (e) => io.stderr.write(`riskgate detect-metrics: baseline write failed: ${String(e)}\n`) });
  const events: RiskEvent[] = [];
  const pipeline = new MetricPipeline({ rules: RULES, policy: () => policy, state: { edges: store, shellReports: store }, options: settings, record: (e) => events.push(...e) });
  const totals: Totals = { batches: 0, skipped: 0, points: 0, incomplete: 0, findings: 0, recorded: 0, exempted: 0 };
  const verdicts: Verdict[] = [];
  const out: string[] = [];
  try {
    for (const file of files) {
      for (const record of await readOtlpJsonFile(file)) {
        if ('error' in record) {
          totals.skipped += 1;
          io.stderr.write(`riskgate detect-metrics: ${terminalText(`${record.where}: ${record.error}`)}; skipped\n`);
          continue;
        }
        let batch: MetricBatch;
        try {
          batch = pipeline.ingest(record.request);
        } catch (error) {
          if (!(error instanceof DecodeError)) throw error;
          totals.skipped += 1;
          io.stderr.write(`riskgate detect-metrics: ${terminalText(`${record.where}: ${error.message}`)}; skipped\n`);
          continue;
        }
        totals.batches += 1;
        totals.points += batch.points;
        totals.incomplete += batch.incomplete;
        totals.findings += batch.findings.length;
        totals.recorded += batch.decision.verdicts.length;
        totals.exempted += batch.decision.exempted.length;
        verdicts.push(...batch.decision.verdicts);
        if (options.output === 'json') out.push(...jsonLine(record.where, batch));
      }
    }
  } finally {
    await store.close();
  }
  if (options.output === 'table') io.stdout.write(renderTable(verdicts));
  else if (options.output === 'risk-events') io.stdout.write(events.map((e) => `${JSON.stringify(e)}\n`).join(''));
  else io.stdout.write(out.map((l) => `${l}\n`).join(''));
  io.stderr.write(
    `riskgate detect-metrics: ${totals.batches} payloads, ${totals.points} points (${totals.incomplete} lacking a dimension), ` +
      `${totals.findings} findings (${totals.recorded} recorded, ${totals.exempted} exempt); ${totals.skipped} skipped; ` +
      `baseline ${store.size} edges${storeDir ? ` in ${storeDir}` : ' (in memory)'}\n`,
  );
  return 0;
}
