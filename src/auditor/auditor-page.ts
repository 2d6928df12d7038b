// The auditor page: filters, who answered, counts-per-rule chart, totals per user and namespace, the cluster audit now, recent denials, one page of risk events, exports.
import { auditSection, type AuditSection } from './audit-section-html.js';
import { escapeHtml } from './html-escape.js';
import { chartLegend, ruleChartSvg } from './rule-chart-svg.js';
import type { RuleCounts } from './rule-counts.js';
import type { Totals } from './event-totals.js';
import type { FleetView } from './fleet-events.js';
import type { ViewEvent } from './view-event.js';
import { eventTable } from './event-table-html.js';
import { filterForm, type PageInput } from './filter-form.js';
import { header, layout, link } from './page-layout.js';
import { replicaStatus } from './replica-status-html.js';
import { totalsTable } from './totals-html.js';

export interface PageModel {
  user: string;
  input: PageInput;
  /** The filter as the viewer typed it (links keep it), without the page offset. */
  query: URLSearchParams;
  ruleIds: readonly string[];
  view: FleetView;
  /** This page of the matching events. */
  events: readonly ViewEvent[];
  offset: number;
  limit: number;
  /** The recent denials, shown only when the action filter does not already narrow the table (undefined: not shown). */
  denials: readonly ViewEvent[] | undefined;
  counts: RuleCounts;
  users: Totals;
  namespaces: Totals;
  /** What the cluster audit holds now (serve --audit-interval), when it runs. */
  audit?: AuditSection;
}

/** Page links; the ids go on the upper one only. */
function pager(model: PageModel, upper: boolean): string {
  const total = model.view.events.length;
  if (total === 0) return '';
  const first = model.offset + 1;
  const last = model.offset + model.events.length;
  const newer = model.offset > 0 ? `<a rel="prev"${upper ? ' id="newer"' : ''} href="${link('./', model.query, { offset: String(Math.max(0, model.offset - model.limit)) })}">« newer</a>` : '';
  const older = last < total ? `<a rel="next"${upper ? ' id="older"' : ''} href="${link('./', model.query, { offset: String(last) })}">older »</a>` : '';
  return `<nav class="pager" aria-label="pages">${newer}<span${upper ? ' id="page-range"' : ''}>${first}–${last} of ${total}</span>${older}</nav>`;
}

function exports(query: URLSearchParams): string {
  return `<p class="exports">Download every matching event (all pages): <a id="export-csv" href="${link('export.csv', query)}" download>CSV</a> · <a id="export-json" href="${link('export.json', query)}" download>JSON</a> · API: <a href="${link('api/events', query)}">api/events</a>, <a href="${link('api/counts', query)}">api/counts</a></p>`;
}

export function renderPage(model: PageModel): string {
  const { view, query } = model;
  const withReplica = view.replicas.length > 1;
  const detail = (e: ViewEvent) => link('event', query, { id: e.event_id, offset: model.offset ? String(model.offset) : undefined });
  const filterOn = (key: string) => (value: string) => link('./', query, { [key]: value, offset: undefined });
  const denials = model.denials === undefined ? '' : `<section><h2>Recent denials</h2>${eventTable('denials', model.denials, 'No denials match the filter.', withReplica, detail)}</section>`;
  const body = `${header(model.user)}
<main>${filterForm(model.input, model.ruleIds)}
${replicaStatus(view)}
<section><h2>Counts per rule over time</h2>${ruleChartSvg(model.counts)}${chartLegend(model.counts)}</section>
<section class="totals" id="totals">${totalsTable('per-user', 'Per user', model.users, filterOn('user'))}${totalsTable('per-namespace', 'Per namespace', model.namespaces, filterOn('namespace'))}</section>
${model.audit ? auditSection(model.audit, (rule, namespace) => link('./', query, { rule, namespace, offset: undefined })) : ''}
${denials}
<section><h2>Risk events <small id="event-count">${escapeHtml(String(view.events.length))} matching</small></h2>${exports(query)}${pager(model, true)}${eventTable('events', model.events, 'No risk events match the filter.', withReplica, detail)}${pager(model, false)}</section></main>`;
  return layout('riskgate risk events', body);
}
