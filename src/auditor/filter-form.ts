// The auditor page's filter form: patterns for rule, namespace, user and object name, the action, a time range (recent or custom, UTC) and the page size.
import { escapeHtml } from './html-escape.js';
import { FILTER_ACTIONS, type FilterInput } from './event-filter.js';

export const SINCE_CHOICES = ['1h', '24h', '7d', '30d', 'all'] as const;
export const DEFAULT_SINCE = '7d';
export const PAGE_SIZES = ['25', '50', '100', '200'] as const;
export const DEFAULT_PAGE_SIZE = '50';

/** What the form sends: the filter, plus `from` (a custom start that replaces `since`). */
export interface PageInput extends FilterInput {
  from?: string;
}

function options(values: readonly string[], selected: string | undefined, label: (v: string) => string): string {
  return values.map((v) => `<option value="${escapeHtml(v)}"${v === selected ? ' selected' : ''}>${escapeHtml(label(v))}</option>`).join('');
}

/** A rule pattern typed into the URL (`kubernetes-node-port-*`) stays selected. */
function ruleOption(rule: string | undefined, ruleIds: readonly string[]): string {
  return rule && !ruleIds.includes(rule) ? `<option value="${escapeHtml(rule)}" selected>${escapeHtml(rule)}</option>` : '';
}

function text(name: string, label: string, value: string | undefined, placeholder: string): string {
  return `<label>${label} <input name="${name}" value="${escapeHtml(value ?? '')}" placeholder="${escapeHtml(placeholder)}" size="16"></label>`;
}

/** datetime-local shows minutes; an ISO time typed elsewhere is cut to them. */
function localTime(value: string | undefined): string {
  return value && /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(value) ? value.slice(0, 16) : '';
}

export function filterForm(input: PageInput, ruleIds: readonly string[]): string {
  const since = input.from ? '' : (input.since ?? DEFAULT_SINCE);
  const sinceLabel = (s: string) => (s === 'all' ? 'all time' : `last ${s}`);
  return `<form method="get" action="./" id="filters">
<label>rule <select name="rule"><option value="">all rules</option>${options(ruleIds, input.rule, (r) => r)}${ruleOption(input.rule, ruleIds)}</select></label>
<label>action <select name="action"><option value="">all actions</option>${options(FILTER_ACTIONS, input.action, (a) => a)}</select></label>
${text('namespace', 'namespace', input.namespace, 'team-*')}
${text('user', 'user', input.user, 'alice*')}
${text('name', 'object name', input.name, 'web-*')}
<label>time <select name="since"><option value=""${since === '' ? ' selected' : ''}>custom range</option>${options(SINCE_CHOICES, since, sinceLabel)}</select></label>
<label>from (UTC) <input type="datetime-local" name="from" value="${escapeHtml(localTime(input.from))}"></label>
<label>until (UTC) <input type="datetime-local" name="until" value="${escapeHtml(localTime(input.until))}"></label>
<label>per page <select name="limit">${options(PAGE_SIZES, input.limit ?? DEFAULT_PAGE_SIZE, (s) => s)}</select></label>
<button type="submit">filter</button>
<p class="hint">Patterns: <code>*</code> matches any run of characters (<code>alice*</code> finds alice@example.com); without <code>*</code> the value must match exactly. A custom <i>from</i> replaces the recent-time choice.</p></form>`;
}
