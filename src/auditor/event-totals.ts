// Totals per user and per namespace of the filtered events, split by action: who and where, at a glance.
import type { RiskEvent } from '../outputs/risk-event.js';

export interface TotalRow {
  value: string;
  deny: number;
  warn: number;
  record: number;
  total: number;
}

export interface Totals {
  rows: TotalRow[];
  /** Distinct values left out of `rows` (only the largest are shown). */
  more: number;
}

export type TotalKey = 'user' | 'namespace';

function keyOf(event: RiskEvent, key: TotalKey): string {
  const v = event.fields[key];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

export function totalsBy(events: readonly RiskEvent[], key: TotalKey, top = 10): Totals {
  const rows = new Map<string, TotalRow>();
  for (const event of events) {
    const value = keyOf(event, key);
    let row = rows.get(value);
    if (!row) rows.set(value, (row = { value, deny: 0, warn: 0, record: 0, total: 0 }));
    row[event.action]++;
    row.total++;
  }
  const sorted = [...rows.values()].sort((a, b) => b.total - a.total || b.deny - a.deny || a.value.localeCompare(b.value));
  return { rows: sorted.slice(0, top), more: Math.max(0, sorted.length - top) };
}
