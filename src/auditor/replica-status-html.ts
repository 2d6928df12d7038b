// Which replicas the view holds events from, and which it lacks (did not answer, sent only part, could not be listed): said on the page, not hidden.
import { escapeHtml } from './html-escape.js';
import type { FleetView, ReplicaStatus } from './fleet-events.js';

function item(r: ReplicaStatus): string {
  const name = `<b>${escapeHtml(r.name)}</b>${r.self ? ' (this replica)' : ''}`;
  if (r.skipped) return `<li class="replica-skipped" data-replica="${escapeHtml(r.name)}">${name}: not asked (${escapeHtml(r.skipped)})</li>`;
  if (!r.answered) return `<li class="replica-missing" data-replica="${escapeHtml(r.name)}">${name}: did not answer (${escapeHtml(r.error ?? 'no reason')}); its events are missing</li>`;
  const part = r.events !== r.total ? ` <span class="replica-missing">sent the newest ${r.events} of ${r.total}</span>` : '';
  return `<li class="replica-answered" data-replica="${escapeHtml(r.name)}">${name}: ${r.total} matching${part}</li>`;
}

export function replicaStatus(view: FleetView): string {
  const answered = view.replicas.filter((r) => r.answered).length;
  const asked = view.replicas.filter((r) => !r.skipped).length;
  const warning = view.complete ? '' : ' warning';
  const discovery = view.discovery_error ? `<p class="replica-missing" id="discovery-error">${escapeHtml(view.discovery_error)}</p>` : '';
  const summary = asked === 1 && view.replicas.length === 1 ? 'Events of this replica (no peers configured).' : `Events from ${answered} of ${asked} replicas${view.complete ? '' : ': the view is incomplete'}.`;
  return `<section id="replicas" class="${warning.trim()}" data-complete="${view.complete}"><span>${escapeHtml(summary)}</span>${discovery}<ul>${view.replicas.map(item).join('')}</ul></section>`;
}
