// `riskgate events --output table`: risk events as aligned columns (time, action, rule, object, user, score, event_id).
import type { RiskEvent } from '../outputs/risk-event.js';
import { terminalText } from '../outputs/terminal-text.js';

const HEADERS = ['TIME', 'ACTION', 'RULE', 'OBJECT', 'USER', 'SCORE', 'EVENT_ID'];

function field(event: RiskEvent, name: string): string {
  const v = event.fields[name];
  return Array.isArray(v) ? v.join(',') : (v ?? '');
}


export function eventRow(e: RiskEvent): string[] {
  const ns = field(e, 'namespace');
  return [e.time.replace(/\.\d+Z$/, 'Z'), e.action, e.rule_id, `${field(e, 'kind')}/${ns ? `${ns}/` : ''}${field(e, 'name')}`, field(e, 'user'), String(e.risk_score), e.event_id].map(terminalText);
}

export function eventsTable(events: readonly RiskEvent[]): string {
  const rows = [HEADERS, ...events.map(eventRow)];
  const widths = HEADERS.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}
