// The filtered view as a download: CSV (one row per event, spreadsheet-safe) or JSON (the events with who answered).
import type { FleetView } from './fleet-events.js';
import type { ViewEvent } from './view-event.js';

export const CSV_COLUMNS = [
  'time', 'action', 'rule_id', 'kind', 'namespace', 'name', 'operation', 'user', 'user_groups', 'src_ip', 'risk_object',
  'risk_object_type', 'risk_score', 'summary', 'event_id', 'request_uid', 'object_uid', 'replica', 'policy',
] as const;

function field(event: ViewEvent, name: string): string {
  const v = event.fields[name];
  return Array.isArray(v) ? v.join(' ') : (v ?? '');
}

function cells(e: ViewEvent): string[] {
  return [
    e.time, e.action, e.rule_id, field(e, 'kind'), field(e, 'namespace'), field(e, 'name'), field(e, 'operation'), field(e, 'user'),
    field(e, 'user_groups'), field(e, 'src_ip'), e.risk_object, e.risk_object_type, String(e.risk_score), e.summary, e.event_id,
    field(e, 'uid'), field(e, 'object_uid'), e.replica ?? '', e.policy?.source ?? '',
  ];
}

/** RFC 4180 quoting; a text starting like a formula (= + - @ tab) gets a leading ' so a spreadsheet shows it as text. */
export function csvCell(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function eventsCsv(events: readonly ViewEvent[]): string {
  return [CSV_COLUMNS.join(','), ...events.map((e) => cells(e).map(csvCell).join(','))].join('\r\n') + '\r\n';
}

export function eventsJson(view: FleetView, query: URLSearchParams, exportedAt: Date): string {
  const { events, replicas, complete, discovery_error } = view;
  return `${JSON.stringify({ exported_at: exportedAt.toISOString(), filter: Object.fromEntries(query), total: events.length, complete, replicas, ...(discovery_error ? { discovery_error } : {}), events }, null, 2)}\n`;
}
