// A finding: one rule matched one request (or one metric series); carries the SPL-like result row the risk event is built from.
import type { Rule } from '../rules/rule.js';
import type { ResourceRequest } from '../request/resource-request.js';

/** A result row, as the rule's SPL would produce it: `user`, `src_ip`, `user_groups`, `host`… */
export type FindingFields = Record<string, string | string[]>;

/** What exemptions are checked against. Request findings fill the first group, metric findings the second. */
export interface Subject {
  namespace?: string;
  username?: string;
  groups?: string[];
  /** Labels of the object; for an UPDATE, labels of the old object too (both must carry an exempting label). */
  labels?: Record<string, string>;
  oldLabels?: Record<string, string>;
  /** Labels of the request's Namespace as the front end knows them; absent when unknown (then no namespace-label exemption applies). */
  namespaceLabels?: Record<string, string>;
  cluster?: string;
  node?: string;
  workload?: string;
}

export interface Finding {
  rule: Rule;
  fields: FindingFields;
  subject: Subject;
  /** The rule's summary with tokens filled in: what exactly matched. */
  summary: string;
  /** The request that matched (absent for metric findings). */
  request?: ResourceRequest;
}

/** A template cut at its `$field$` tokens: texts[0], fields[0], texts[1]… (texts has one more entry than fields). */
interface TokenTemplate {
  texts: string[];
  fields: string[];
}

const TOKEN = /\$([A-Za-z0-9_.]+)\$/g;

/** Templates are the rules' own summary and message texts: a handful, each cut once (bounded all the same). */
const templates = new Map<string, TokenTemplate>();
const MAX_TEMPLATES = 1024;

function templateOf(text: string): TokenTemplate {
  let template = templates.get(text);
  if (template) return template;
  template = { texts: [], fields: [] };
  let at = 0;
  for (const match of text.matchAll(TOKEN)) {
    template.texts.push(text.slice(at, match.index));
    template.fields.push(match[1]!);
    at = match.index + match[0].length;
  }
  template.texts.push(text.slice(at));
  if (templates.size < MAX_TEMPLATES) templates.set(text, template);
  return template;
}

/** Fills `$field$` tokens from the fields; multivalue fields are joined with ", ", missing fields become "unknown". */
export function fillTokens(text: string, fields: FindingFields): string {
  const { texts, fields: names } = templateOf(text);
  let filled = texts[0]!;
  for (let i = 0; i < names.length; i++) {
    const value = fields[names[i]!];
    filled += value === undefined ? 'unknown' : Array.isArray(value) ? value.join(', ') : value;
    filled += texts[i + 1]!;
  }
  return filled;
}
