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

/** Fills `$field$` tokens from the fields; multivalue fields are joined with ", ", missing fields become "unknown". */
export function fillTokens(template: string, fields: FindingFields): string {
  return template.replace(/\$([A-Za-z0-9_.]+)\$/g, (_all, name: string) => {
    const value = fields[name];
    if (value === undefined) return 'unknown';
    return Array.isArray(value) ? value.join(', ') : value;
  });
}
