// Test helper: replays fixture files in-process and collects the table, the JSON lines or the risk events.
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import type { Policy } from '../../src/engine/policy.js';
import { defaultPolicy } from '../../src/engine/policy.js';
import { jsonLines, riskEventLines } from '../../src/replay/replay-outputs.js';
import type { ReplayCounts, ReplayObserver } from '../../src/replay/replay-run.js';
import { replay } from '../../src/replay/replay-run.js';
import type { RuleTable } from '../../src/replay/replay-table.js';
import { ReplayTable } from '../../src/replay/replay-table.js';
import { RULES } from '../../src/rules/catalog.js';

export interface Collected {
  counts: ReplayCounts;
  bad: string[];
}

async function run(paths: readonly string[], policy: Policy, observer: ReplayObserver): Promise<Collected> {
  const bad: string[] = [];
  const inputs = paths.map((p) => ({ name: basename(p), chunks: createReadStream(p, { highWaterMark: 97 }) }));
  const counts = await replay(inputs, { rules: RULES, policy, observer, onBadRecord: (where, message) => bad.push(`${where}: ${message}`) });
  return { counts, bad };
}

export async function replayTable(paths: readonly string[], policy = defaultPolicy(RULES)): Promise<Collected & { tables: RuleTable[] }> {
  const table = new ReplayTable(RULES, policy);
  const collected = await run(paths, policy, table);
  return { ...collected, tables: table.results() };
}

export async function replayLines(paths: readonly string[], output: 'json' | 'risk-events', policy = defaultPolicy(RULES)): Promise<Collected & { lines: Array<Record<string, unknown>> }> {
  const lines: Array<Record<string, unknown>> = [];
  const sink = (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>);
  const collected = await run(paths, policy, output === 'json' ? jsonLines(sink) : riskEventLines(sink));
  return { ...collected, lines };
}

export function tableOf(tables: RuleTable[], ruleId: string): RuleTable {
  const table = tables.find((t) => t.search.rule.id === ruleId);
  if (!table) throw new Error(`no table for ${ruleId}`);
  return table;
}
