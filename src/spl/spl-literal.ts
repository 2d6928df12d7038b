// Writes names and values into SPL text: search-command terms, eval strings and field references, regex literals.
import type { Scalar } from '../rules/rule.js';

const BARE_SEARCH_VALUE = /^[A-Za-z0-9_.:/*@-]+$/;
const BARE_SEARCH_FIELD = /^[A-Za-z0-9_.{}]+$/;
const BARE_EVAL_FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;

function quoted(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A value in a search term (`field=value`): bare when safe, quoted otherwise; `*` stays a wildcard either way. */
export function searchValue(value: Scalar): string {
  const text = String(value);
  return BARE_SEARCH_VALUE.test(text) ? text : quoted(text);
}

/** A field name in a search term; names with `/`, `-` or spaces (label keys, annotation keys) are quoted. */
export function searchField(name: string): string {
  return BARE_SEARCH_FIELD.test(name) ? name : quoted(name);
}

/** `field=value` as the search command reads it (case-insensitive value, wildcards allowed). */
export function searchTerm(field: string, value: Scalar): string {
  return `${searchField(field)}=${searchValue(value)}`;
}

/** `field=value` for one value, `field IN (a, b)` for several. */
export function searchTermIn(field: string, values: readonly Scalar[]): string {
  if (values.length === 1) return searchTerm(field, values[0]!);
  return `${searchField(field)} IN (${values.map(searchValue).join(', ')})`;
}

/** A string literal in an eval expression. */
export function evalString(text: string): string {
  return quoted(text);
}

/** A field reference in an eval expression: single-quoted unless a plain identifier. */
export function evalField(name: string): string {
  return BARE_EVAL_FIELD.test(name) ? name : `'${name}'`;
}

/** A regular expression matching exactly one of the values (for mvfind, which tests every value of a multivalue field). */
export function exactRegex(values: readonly Scalar[]): string {
  const escaped = values.map((v) => String(v).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
  return escaped.length === 1 ? `^${escaped[0]}$` : `^(${escaped.join('|')})$`;
}
