// Which risk events an auditor asked for (time, rule, action, namespace, user), parsed from a query string or CLI options, and applied.
import type { ActiveAction } from '../engine/decide.js';
import type { RiskEvent } from '../outputs/risk-event.js';
import { RiskgateError } from '../riskgate-error.js';
import { parseDuration } from './duration.js';

export const FILTER_ACTIONS: readonly ActiveAction[] = ['deny', 'warn', 'record'];
export const DEFAULT_LIMIT = 500;
export const MAX_LIMIT = 10_000;

export interface EventFilter {
  /** Events at or after this time. */
  since?: Date;
  until?: Date;
  rule?: string;
  action?: ActiveAction;
  namespace?: string;
  user?: string;
  limit: number;
}

/** The raw filter as typed: `since` is a duration (24h) or an ISO time. */
export interface FilterInput {
  since?: string;
  until?: string;
  rule?: string;
  action?: string;
  namespace?: string;
  user?: string;
  limit?: string;
}

function time(text: string, name: string, now: Date): Date {
  if (/^\d+(\.\d+)?[smhdw]$/.test(text.trim())) return new Date(now.getTime() - parseDuration(text, name));
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new RiskgateError('bad-filter', `${name} ${JSON.stringify(text)} is neither a duration (24h) nor an ISO time (2026-11-20T10:00:00Z)`);
  return new Date(t);
}

function nonEmpty(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}

export function parseFilter(input: FilterInput, now: Date): EventFilter {
  const filter: EventFilter = { limit: DEFAULT_LIMIT };
  const since = nonEmpty(input.since);
  const until = nonEmpty(input.until);
  if (since && since !== 'all') filter.since = time(since, 'since', now);
  if (until) filter.until = time(until, 'until', now);
  const action = nonEmpty(input.action);
  if (action) {
    if (!FILTER_ACTIONS.includes(action as ActiveAction)) throw new RiskgateError('bad-filter', `action ${JSON.stringify(action)} must be one of ${FILTER_ACTIONS.join(', ')}`);
    filter.action = action as ActiveAction;
  }
  const limit = nonEmpty(input.limit);
  if (limit) {
    const n = Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) throw new RiskgateError('bad-filter', `limit ${JSON.stringify(limit)} must be a whole number from 1 to ${MAX_LIMIT}`);
    filter.limit = n;
  }
  for (const key of ['rule', 'namespace', 'user'] as const) {
    const value = nonEmpty(input[key]);
    if (value) filter[key] = value;
  }
  return filter;
}

function first(value: string | string[] | undefined): string {
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

export function matchesFilter(event: RiskEvent, filter: EventFilter): boolean {
  const t = Date.parse(event.time);
  if (filter.since && t < filter.since.getTime()) return false;
  if (filter.until && t > filter.until.getTime()) return false;
  if (filter.rule && event.rule_id !== filter.rule) return false;
  if (filter.action && event.action !== filter.action) return false;
  if (filter.namespace && first(event.fields['namespace']) !== filter.namespace) return false;
  if (filter.user && first(event.fields['user']) !== filter.user && event.risk_object !== filter.user) return false;
  return true;
}

/** Matching events, newest first, at most `limit`; `total` counts every match. */
export function applyFilter(events: readonly RiskEvent[], filter: EventFilter): { events: RiskEvent[]; total: number } {
  const matching = events.filter((e) => matchesFilter(e, filter)).sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
  return { events: matching.slice(0, filter.limit), total: matching.length };
}

/** The filter back as query parameters (for links, and for `riskgate events --server`). */
export function filterQuery(filter: EventFilter): URLSearchParams {
  const query = new URLSearchParams();
  if (filter.since) query.set('since', filter.since.toISOString());
  if (filter.until) query.set('until', filter.until.toISOString());
  for (const key of ['rule', 'action', 'namespace', 'user'] as const) if (filter[key]) query.set(key, filter[key]!);
  query.set('limit', String(filter.limit));
  return query;
}
