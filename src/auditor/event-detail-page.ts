// One risk event in full: every field, the request uid, the replica that holds it, and the policy that judged it next to the one in force now.
import { escapeHtml } from './html-escape.js';
import { header, layout, link } from './page-layout.js';
import { objectOf, shortTime } from './event-table-html.js';
import type { JudgingPolicy, ViewEvent } from './view-event.js';

export interface DetailModel {
  user: string;
  event: ViewEvent;
  /** The list's filter, for the way back. */
  back: URLSearchParams;
  /** The rule's entry in the policy this replica has in force now (when it knows its policy). */
  policyNow?: JudgingPolicy;
  /** This replica's name, to say whose policy `policyNow` is. */
  selfName: string;
}

function entry(term: string, value: string, id?: string): string {
  return `<dt>${escapeHtml(term)}</dt><dd${id ? ` id="${id}"` : ''}>${escapeHtml(value)}</dd>`;
}

function list(values: readonly string[]): string {
  return values.length === 0 ? 'none' : values.join('; ');
}

function policyEntries(p: JudgingPolicy, prefix: string): string {
  return entry('policy file', p.source, `${prefix}-source`) + entry('rule action', p.rule_action, `${prefix}-action`)
    + (p.namespace_actions.length > 0 ? entry('actions per namespace', list(p.namespace_actions)) : '')
    + entry('exemptions of the rule', list(p.rule_exemptions)) + entry('exemptions of every rule', list(p.policy_exemptions));
}

function policySection(model: DetailModel): string {
  const { event, policyNow } = model;
  const judged = event.policy
    ? `<h3>Judged under</h3><dl class="detail" id="judged-by">${policyEntries(event.policy, 'judged')}</dl>`
    : `<p class="notice" id="judged-by">Not recorded: ${escapeHtml(event.replica ?? 'the replica')} read this event back from its data directory when it started, so the policy in force when it was judged is not known.</p>`;
  const changed = policyNow && event.policy && policyNow.rule_action !== event.policy.rule_action ? ' <span class="replica-missing">(the rule\'s action has changed since)</span>' : '';
  const now = policyNow ? `<h3>In force now on ${escapeHtml(model.selfName)}${changed}</h3><dl class="detail" id="policy-now">${policyEntries(policyNow, 'now')}</dl>` : '';
  return `<section><h2>Policy</h2><p>The policy gave this event the action <b>${escapeHtml(event.action)}</b>${event.admission_action ? ` (the live webhook: ${escapeHtml(event.admission_action)})` : ''}.</p>${judged}${now}</section>`;
}

function fieldEntries(event: ViewEvent): string {
  return Object.entries(event.fields)
    .map(([key, value]) => entry(key === 'uid' ? 'uid (request uid)' : key, Array.isArray(value) ? value.join(', ') : value, `field-${key}`))
    .join('');
}

export function renderDetail(model: DetailModel): string {
  const e = model.event;
  const summary = [
    entry('event_id', e.event_id, 'event-id'), entry('time (UTC)', shortTime(e.time)), entry('action', e.action, 'event-action'),
    entry('rule', `${e.rule_id} (${e.search_name})`, 'event-rule'), entry('object', objectOf(e)), entry('request uid', String(e.fields['uid'] ?? 'not recorded'), 'request-uid'),
    entry('replica', e.replica ?? '', 'event-replica'), entry('source', e.source), entry('risk object', `${e.risk_object} (${e.risk_object_type}), score ${e.risk_score}`),
    entry('risk message', e.risk_message), entry('what matched', e.summary), entry('threat objects', list(e.threat_object.map((t, i) => `${t} (${e.threat_object_type[i] ?? ''})`))),
    entry('MITRE ATT&CK', list(e.annotations.mitre_attack)), entry('analytic stories', list(e.analyticstories)),
    ...(e.policy_digest ? [entry('policy digest', e.policy_digest, 'policy-digest')] : []),
    ...(e.unreachable_webhook ? [entry('unreachable webhook', e.unreachable_webhook)] : []),
  ].join('');
  const body = `${header(model.user)}<main>
<p><a id="back" href="${link('./', model.back)}">« back to the events</a> · <a href="${link('api/events', new URLSearchParams({ id: e.event_id }))}">as JSON</a></p>
<section><h2>Risk event</h2><dl class="detail" id="event-detail">${summary}</dl></section>
<section><h2>Fields of the request</h2><dl class="detail" id="event-fields">${fieldEntries(e)}</dl></section>
${policySection(model)}</main>`;
  return layout(`riskgate event ${e.event_id}`, body);
}
