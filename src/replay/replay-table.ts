// The `table` output of replay: per active request rule, the rows its SPL search would produce over the replayed events.
import type { Policy } from '../engine/policy.js';
import type { JsonObject } from '../request/json-value.js';
import type { RequestRule, Rule } from '../rules/rule.js';
import { activeRules, requestRuleSearch } from '../spl/to-spl.js';
import type { RuleSearch } from '../spl/to-spl.js';
import { eventFieldReader } from './event-fields.js';
import type { ReplayObserver, ReplayedRequest } from './replay-run.js';
import type { StatsResult } from './stats-table.js';
import { StatsTable } from './stats-table.js';
import { terminalText } from '../outputs/terminal-text.js';

export interface RuleTable {
  search: RuleSearch;
  result: StatsResult;
}

/**
 * Feeds each rule's stats emulation with the events whose finding for that rule was not exempted (the policy's
 * exemptions are NOT clauses of the search). Findings come from the engine, so extension rules report what
 * admission would have found, which the search only approximates (see the README).
 */
export class ReplayTable implements ReplayObserver {
  private readonly tables: Array<{ search: RuleSearch; table: StatsTable }>;

  constructor(rules: readonly Rule[], policy: Policy) {
    this.tables = activeRules(rules, policy)
      .filter((r): r is RequestRule => r.type === 'request')
      .map((rule) => {
        const search = requestRuleSearch(rule, policy);
        return { search, table: new StatsTable(search.plan!, eventFieldReader(search.plan!)) };
      });
  }

  request({ event, decision }: ReplayedRequest): void {
    for (const { finding } of decision.verdicts) {
      const entry = this.tables.find((t) => t.search.rule.id === finding.rule.id);
      // The validated AuditEvent is the parsed JSON object itself: Splunk's field extraction reads it as JSON.
      entry?.table.add(event as unknown as JsonObject);
    }
  }

  /** The tables, once, after the last request (each StatsTable's result() consumes it). */
  results(): RuleTable[] {
    return this.tables.map(({ search, table }) => ({ search, result: table.result() }));
  }
}

function cell(value: string | string[] | undefined): string {
  if (value === undefined) return '';
  return terminalText(Array.isArray(value) ? value.join(',') : value);
}

/** The lines of one rule's block: heading, dropped-events note, then the aligned header and rows. */
function* blockLines({ search, result }: RuleTable): Generator<string> {
  yield `== ${search.searchName} (${search.rule.id}): ${result.rows.length} row${result.rows.length === 1 ? '' : 's'}`;
  if (result.dropped.events > 0) {
    yield `   ${result.dropped.events} matching event(s) dropped by stats: ${result.dropped.fields.join(', ')} absent from every result (bare fillnull creates no field)`;
  }
  if (result.rows.length === 0) return;
  const { columns } = result;
  const widths = columns.map((c) => c.length);
  for (const row of result.rows) columns.forEach((c, i) => (widths[i] = Math.max(widths[i]!, cell(row[c]).length)));
  const line = (cells: string[]) => cells.map((v, i) => (i === cells.length - 1 ? v : v.padEnd(widths[i]!))).join('  ').trimEnd();
  yield line(columns);
  for (const row of result.rows) yield line(columns.map((c) => cell(row[c])));
}

/**
 * Aligned text, line by line (so a table of many rows is written as it is rendered, never held as one string): a
 * heading per rule, the columns in SPL order, multivalue cells joined with commas, a blank line between rules.
 */
export function* tableLines(tables: readonly RuleTable[]): Generator<string> {
  for (const [i, table] of tables.entries()) {
    if (i > 0) yield '';
    yield* blockLines(table);
  }
}

/** The whole text of tableLines, newline-terminated. */
export function renderTables(tables: readonly RuleTable[]): string {
  return [...tableLines(tables)].map((l) => `${l}\n`).join('');
}
