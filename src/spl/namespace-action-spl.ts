// Compiles a rule's namespaceActions into base-search terms: the search selects only the namespaces where the rule is not off.
import { matchesPattern } from '../engine/exemption.js';
import type { Policy } from '../engine/policy.js';
import type { RequestRule } from '../rules/rule.js';
import { searchTerm } from './spl-literal.js';

type Term = boolean | { term: string } | { not: Term } | { op: 'and' | 'or'; left: Term; right: Term };

function inNamespace(pattern: string): Term {
  // A pattern of stars matches every namespace, even the empty one of a cluster-scoped object (no objectRef.namespace).
  return matchesPattern('', pattern) ? true : { term: searchTerm('objectRef.namespace', pattern) };
}

function or(left: Term, right: Term): Term {
  if (left === true || right === true) return true;
  if (left === false) return right;
  return right === false ? left : { op: 'or', left, right };
}

function andNot(matched: Term, rest: Term): Term {
  if (matched === true || rest === false) return false;
  const not: Term = matched === false ? true : { not: matched };
  return rest === true ? not : { op: 'and', left: not, right: rest };
}

function render(term: Exclude<Term, boolean>): string {
  if ('term' in term) return term.term;
  if ('not' in term) return `NOT ${render(term.not as Exclude<Term, boolean>)}`;
  const parts = [term.left, term.right].map((t) => render(t as Exclude<Term, boolean>));
  // The search command evaluates OR before AND: every group keeps its parentheses.
  return `(${parts.join(term.op === 'or' ? ' OR ' : ' ')})`;
}

/**
 * The namespaces where the rule's action is not off, first match winning as in admission: `[]` when that is all of
 * them, `NOT *` when none. Patterns read as search-command wildcards on objectRef.namespace.
 */
export function namespaceActionTerms(rule: RequestRule, policy: Policy): string[] {
  const own = policy.rules.get(rule.id);
  if (!own || own.namespaceActions.length === 0) return [];
  let active: Term = own.action !== 'off';
  for (const { pattern, action } of [...own.namespaceActions].reverse()) {
    active = action === 'off' ? andNot(inNamespace(pattern), active) : or(inNamespace(pattern), active);
  }
  if (active === true) return [];
  return [active === false ? 'NOT *' : render(active)];
}
