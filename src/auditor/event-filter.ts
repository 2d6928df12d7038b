// Which risk events an auditor asked for (time range, rule, action, namespace, user, object name, event id, page), parsed from a query string or CLI options, and applied.
import type { ActiveAction } from '../engine/decide.js';
import { matchesPattern } from '../engine/exemption.js';
import type { RiskEvent } from '../outputs/risk-event.js';
import { RiskgateError } from '../riskgate-error.js';
import { parseDuration } from './duration.js';

export const FILTER_ACTIONS: readonly ActiveAction[] = ['deny', 'warn', 'record'];
export const DEFAULT_LIMIT = 500;
export const MAX_LIMIT = 10_000;
/** The fields a pattern filters on: `*` matches any run of characters, anything else must match exactly (case-sensitive). */
export const PATTERN_KEYS = ['rule', 'namespace', 'user', 'name'] as const;
export type PatternKey = (typeof PATTERN_KEYS)[number];

export interface EventFilter {
  /** Events at or after this time. */
  since?: Date;
  /** Events at or before this time. */
  until?: Date;
  rule?: string;
  action?: ActiveAction;
  namespace?: string;
  user?: string;
  /** The object's name. */
  name?: string;
  /** One event, by event_id (exact). */
  id?: string;
  limit: number;
  /** Matching events to skip, newest first (pagination). */
  offset: number;
}

/** The raw filter as typed: `since` and `until` are a duration back from now (24h) or a time (ISO, or `2026-11-20T10:00` read as UTC). */
export interface FilterInput {
  since?: string;
  until?: string;
  rule?: string;
  action?: string;
  namespace?: string;
  user?: string;
  name?: string;
  id?: string;
  limit?: string;
  offset?: string;
}

/** A time without a zone (what an HTML datetime-local field sends) is UTC, like every time the view shows. */
function utc(text: string): string {
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(text) ? `${text}Z` : text;
}

function time(text: string, name: string, now: Date): Date {
  if (/^\d+(\.\d+)?[smhdw]$/.test(text)) return new Date(now.getTime() - parseDuration(text, name));
  const t = /^\d{4}-\d\d-\d\d/.test(text) ? Date.parse(utc(text)) : Number.NaN;
  if (Number.isNaN(t)) throw new RiskgateError('bad-filter', `${name} ${JSON.stringify(text)} is neither a duration (24h) nor a time (2026-11-20T10:00:00Z; without a zone it is UTC)`);
  return new Date(t);
}

function nonEmpty(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}

function count(text: string, name: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new RiskgateError('bad-filter', `${name} ${JSON.stringify(text)} must be a whole number from ${min} to ${max}`);
  return n;
}

export function parseFilter(input: FilterInput, now: Date): EventFilter {
  const filter: EventFilter = { limit: DEFAULT_LIMIT, offset: 0 };
  const since = nonEmpty(input.since);
  const until = nonEmpty(input.until);
  if (since && since !== 'all') filter.since = time(since, 'since', now);
  if (until) filter.until = time(until, 'until', now);
  if (filter.since && filter.until && filter.since > filter.until) {
    throw new RiskgateError('bad-filter', `since ${filter.since.toISOString()} is after until ${filter.until.toISOString()}`);
  }
  const action = nonEmpty(input.action);
  if (action) {
    if (!FILTER_ACTIONS.includes(action as ActiveAction)) throw new RiskgateError('bad-filter', `action ${JSON.stringify(action)} must be one of ${FILTER_ACTIONS.join(', ')}`);
    filter.action = action as ActiveAction;
  }
  const limit = nonEmpty(input.limit);
  if (limit) filter.limit = count(limit, 'limit', 1, MAX_LIMIT);
  const offset = nonEmpty(input.offset);
  if (offset) filter.offset = count(offset, 'offset', 0, 10 * MAX_LIMIT);
  for (const key of [...PATTERN_KEYS, 'id'] as const) {
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
  if (filter.id && event.event_id !== filter.id) return false;
  if (filter.rule && !matchesPattern(event.rule_id, filter.rule)) return false;
  if (filter.action && event.action !== filter.action) return false;
  if (filter.namespace && !matchesPattern(first(event.fields['namespace']), filter.namespace)) return false;
  if (filter.name && !matchesPattern(first(event.fields['name']), filter.name)) return false;
  if (filter.user && !matchesPattern(first(event.fields['user']), filter.user) && !matchesPattern(event.risk_object, filter.user)) return false;
  return true;
}

/** Newest first; equal times by event_id, so pages of one query never overlap. */
export function newestFirst(a: RiskEvent, b: RiskEvent): number {
  return Date.parse(b.time) - Date.parse(a.time) || (a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0);
}

/** Every matching event, newest first. */
export function matching<E extends RiskEvent>(events: readonly E[], filter: EventFilter): E[] {
  return events.filter((e) => matchesFilter(e, filter)).sort(newestFirst);
}

/** One page of matching events (after `offset`, at most `limit`), newest first; `total` counts every match. */
export function applyFilter<E extends RiskEvent>(events: readonly E[], filter: EventFilter): { events: E[]; total: number } {
  const all = matching(events, filter);
  return { events: all.slice(filter.offset, filter.offset + filter.limit), total: all.length };
}

/** The filter back as query parameters (for links, and for `riskgate events --server`); limit and offset only when asked. */
export function filterQuery(filter: Omit<EventFilter, 'limit' | 'offset'> & { limit?: number; offset?: number }): URLSearchParams {
  const query = new URLSearchParams();
  if (filter.since) query.set('since', filter.since.toISOString());
  if (filter.until) query.set('until', filter.until.toISOString());
  for (const key of ['rule', 'action', 'namespace', 'user', 'name', 'id'] as const) if (filter[key]) query.set(key, filter[key]!);
  if (filter.limit !== undefined) query.set('limit', String(filter.limit));
  if (filter.offset) query.set('offset', String(filter.offset));
  return query;
}
