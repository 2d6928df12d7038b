// The risk events as an HTML table: each row links to its detail view; object names and users (chosen by users) are escaped.
import { escapeHtml } from './html-escape.js';
import type { ViewEvent } from './view-event.js';

function field(event: ViewEvent, name: string): string {
  const v = event.fields[name];
  return Array.isArray(v) ? v.join(', ') : (v ?? '');
}

export function objectOf(e: ViewEvent): string {
  const ns = field(e, 'namespace');
  return `${field(e, 'kind')} ${ns ? `${ns}/` : ''}${field(e, 'name')}`;
}

export function shortTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

function row(e: ViewEvent, withReplica: boolean, detail: (e: ViewEvent) => string): string {
  const replica = withReplica ? `<td class="replica wide-only">${escapeHtml(e.replica ?? '')}</td>` : '';
  return `<tr class="event action-${escapeHtml(e.action)}" data-rule="${escapeHtml(e.rule_id)}" data-event-id="${escapeHtml(e.event_id)}">`
    + `<td><a href="${detail(e)}"><time datetime="${escapeHtml(e.time)}">${escapeHtml(shortTime(e.time))}</time></a></td>`
    + `<td class="action">${escapeHtml(e.action)}</td><td class="rule">${escapeHtml(e.rule_id)}</td><td class="object">${escapeHtml(objectOf(e))}</td>`
    + `<td class="user">${escapeHtml(field(e, 'user'))}</td><td class="score num wide-only">${e.risk_score}</td><td class="wide-only">${escapeHtml(e.summary)}</td>${replica}</tr>`;
}

export function eventTable(id: string, events: readonly ViewEvent[], empty: string, withReplica: boolean, detail: (e: ViewEvent) => string): string {
  if (events.length === 0) return `<p class="empty" id="${id}-empty">${escapeHtml(empty)}</p>`;
  const replica = withReplica ? '<th class="wide-only">replica</th>' : '';
  return `<div class="scroll"><table id="${id}" class="events"><thead><tr><th>time (UTC)</th><th>action</th><th>rule</th><th>object</th><th>user</th><th class="num wide-only">score</th><th class="wide-only">what matched</th>${replica}</tr></thead><tbody>${events.map((e) => row(e, withReplica, detail)).join('')}</tbody></table></div>`;
}
