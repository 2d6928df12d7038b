// The auditor page as HTML: filter form, counts-per-rule chart, recent denials and the risk events table; and the sign-in page.
import type { RiskEvent } from '../outputs/risk-event.js';
import { escapeHtml } from './html-escape.js';
import { FILTER_ACTIONS, type FilterInput } from './event-filter.js';
import { chartLegend, ruleChartSvg } from './rule-chart-svg.js';
import type { RuleCounts } from './rule-counts.js';

export const SINCE_CHOICES = ['1h', '24h', '7d', '30d', 'all'] as const;
export const DEFAULT_SINCE = '7d';

export interface PageModel {
  user: string;
  input: FilterInput;
  ruleIds: readonly string[];
  events: readonly RiskEvent[];
  total: number;
  denials: readonly RiskEvent[];
  counts: RuleCounts;
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><link rel="stylesheet" href="auditor.css"></head>
<body>${body}</body></html>
`;
}

function options(values: readonly string[], selected: string | undefined, allLabel: string): string {
  const all = `<option value=""${selected ? '' : ' selected'}>${escapeHtml(allLabel)}</option>`;
  return all + values.map((v) => `<option value="${escapeHtml(v)}"${v === selected ? ' selected' : ''}>${escapeHtml(v)}</option>`).join('');
}

function field(event: RiskEvent, name: string): string {
  const v = event.fields[name];
  return Array.isArray(v) ? v.join(', ') : (v ?? '');
}

function row(e: RiskEvent): string {
  const object = `${field(e, 'kind')} ${field(e, 'namespace') ? `${field(e, 'namespace')}/` : ''}${field(e, 'name')}`;
  return `<tr class="event action-${escapeHtml(e.action)}" data-rule="${escapeHtml(e.rule_id)}"><td><time datetime="${escapeHtml(e.time)}">${escapeHtml(e.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z'))}</time></td><td class="action">${escapeHtml(e.action)}</td><td class="rule">${escapeHtml(e.rule_id)}</td><td>${escapeHtml(object)}</td><td class="user">${escapeHtml(field(e, 'user'))}</td><td class="score">${e.risk_score}</td><td>${escapeHtml(e.summary)}</td><td class="id">${escapeHtml(e.event_id)}</td></tr>`;
}

function table(id: string, events: readonly RiskEvent[], empty: string): string {
  if (events.length === 0) return `<p class="empty" id="${id}-empty">${escapeHtml(empty)}</p>`;
  return `<table id="${id}"><thead><tr><th>time (UTC)</th><th>action</th><th>rule</th><th>object</th><th>user</th><th>score</th><th>what matched</th><th>event_id</th></tr></thead><tbody>${events.map(row).join('')}</tbody></table>`;
}

function filterForm(model: PageModel): string {
  const i = model.input;
  return `<form method="get" action="./" id="filters">
<label>rule <select name="rule">${options(model.ruleIds, i.rule, 'all rules')}</select></label>
<label>action <select name="action">${options(FILTER_ACTIONS, i.action, 'all actions')}</select></label>
<label>namespace <input name="namespace" value="${escapeHtml(i.namespace ?? '')}" size="14"></label>
<label>user <input name="user" value="${escapeHtml(i.user ?? '')}" size="20"></label>
<label>since <select name="since">${SINCE_CHOICES.map((s) => `<option value="${s}"${(i.since ?? DEFAULT_SINCE) === s ? ' selected' : ''}>${s === 'all' ? 'all time' : `last ${s}`}</option>`).join('')}</select></label>
<button type="submit">filter</button></form>`;
}

export function renderPage(model: PageModel): string {
  const shown = model.events.length < model.total ? `${model.events.length} newest of ${model.total}` : String(model.total);
  const body = `<header><h1>riskgate: risk events</h1><form method="post" action="logout" class="who">signed in as <b>${escapeHtml(model.user)}</b> <button type="submit">sign out</button></form></header>
<main>${filterForm(model)}
<section><h2>Counts per rule over time</h2>${ruleChartSvg(model.counts)}${chartLegend(model.counts)}</section>
<section><h2>Recent denials</h2>${table('denials', model.denials, 'No denials match the filter.')}</section>
<section><h2>Risk events <small id="event-count">${escapeHtml(shown)}</small></h2>${table('events', model.events, 'No risk events match the filter.')}</section>
<p class="api">JSON: <a href="api/events">api/events</a> and <a href="api/counts">api/counts</a> take the same filters.</p></main>`;
  return layout('riskgate risk events', body);
}

export function renderSignIn(message: string): string {
  const body = `<header><h1>riskgate: risk events</h1></header><main>
<p class="notice" id="sign-in-message">${escapeHtml(message)}</p>
<form method="post" action="login" id="sign-in"><label>bearer token <input type="password" name="token" autocomplete="off" size="60" required></label>
<button type="submit">sign in</button></form>
<p>Use a Kubernetes token (<code>kubectl create token NAME</code>) allowed to <code>list riskevents.riskgate.io</code>, or the static token of <code>--auditor-token-file</code>. API clients send <code>Authorization: Bearer TOKEN</code>.</p></main>`;
  return layout('riskgate: sign in', body);
}

export const AUDITOR_CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#111}
header{display:flex;justify-content:space-between;align-items:center;padding:8px 16px;background:#1d2b3a;color:#fff}
header h1{font-size:18px;margin:0}.who{margin:0}main{padding:8px 16px}
#filters{display:flex;flex-wrap:wrap;gap:12px;align-items:end;margin:8px 0}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f3f5f7}.action-deny .action{color:#b00020;font-weight:600}.action-warn .action{color:#8a5a00}.id{font-family:monospace;font-size:11px;color:#555}
.legend{list-style:none;padding:0;display:flex;gap:16px;flex-wrap:wrap}.empty,.notice{color:#555}
h2{font-size:15px;margin:16px 0 6px}h2 small{font-weight:normal;color:#555}
`;
