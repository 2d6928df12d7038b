// A request rule as one CEL expression for a webhook matchCondition: its match (operation, group, version, resource) and condition.
import type { RequestRule, RuleMatch } from '../rules/rule.js';
import type { Approximation } from './approximation.js';
import { allOf, exactly } from './approximation.js';
import type { Cel } from './cel-text.js';
import { FALSE, NO_FACTS, TRUE, and, conditional, including, list, or, primary, relation, stringLiteral } from './cel-text.js';
import { MacroVariables, PLAIN_ROOTS } from './field-path-cel.js';
import type { Roots } from './field-path-cel.js';
import { RiskgateError } from '../riskgate-error.js';
import { conditionCel } from './condition-cel.js';

const SUB_RESOURCE = conditional(primary('has(request.subResource)'), primary('request.subResource'), primary("''"));

function text(value: string): Cel {
  const literal = stringLiteral(value);
  if (literal === null) throw new RiskgateError('RULE_MATCH_TEXT', `rule match value ${JSON.stringify(value)} holds a lone surrogate`);
  return literal;
}

/** `field == 'a'` or `field in ['a', 'b']`; false for an empty list. */
function oneOf(field: Cel, values: string[]): Cel {
  const unique = [...new Set(values)];
  if (unique.length === 0) return FALSE;
  return unique.length === 1 ? relation(field, '==', text(unique[0]!)) : relation(field, 'in', list(unique.map(text)));
}

/** Resources as the evaluator keys them (`services`, `pods/exec`): grouped by resource, each with its subresources ('' for none). */
function resources(names: string[]): Cel {
  const byResource = new Map<string, string[]>();
  for (const name of names) {
    const slash = name.indexOf('/');
    const [resource, sub] = slash < 0 ? [name, ''] : [name.slice(0, slash), name.slice(slash + 1)];
    byResource.set(resource, [...(byResource.get(resource) ?? []), sub]);
  }
  return or(...[...byResource].map(([resource, subs]) => and(oneOf(primary('request.resource.resource'), [resource]), oneOf(SUB_RESOURCE, subs))));
}

/** The rule's match in CEL: what the webhook rules select, narrowed to this rule inside an entry shared with others. */
function matchCel(match: RuleMatch): Cel {
  return and(
    oneOf(primary('request.operation'), match.operations),
    match.apiGroups.includes('*') ? TRUE : oneOf(primary('request.resource.group'), match.apiGroups),
    match.apiVersions.includes('*') ? TRUE : oneOf(primary('request.resource.version'), match.apiVersions),
    resources(match.resources),
  );
}

/**
 * Above this many characters a rule's matchCondition is only its match (an over-approximation): the API server's CEL
 * cost budget and our 32 KiB for the whole enforce expression leave no room for the shell rule's launcher tables
 * (24 KB exact). Every exec then reaches the webhook, which judges it exactly; a ValidatingAdmissionPolicy, which must
 * be exact, still gets the whole condition.
 */
export const MAX_MATCH_CONDITION_CHARS = 8 * 1024;

/** ruleCel for a webhook matchCondition: exact when it fits MAX_MATCH_CONDITION_CHARS, the rule's match alone otherwise. */
export function matchConditionCel(rule: RequestRule): Approximation {
  const full = ruleCel(rule);
  return full.cel.text.length <= MAX_MATCH_CONDITION_CHARS ? full : { cel: matchCel(rule.match), exact: false };
}

/**
 * The CEL true for every request the rule can find (exactly those when `exact`): match and condition. `roots`: how
 * object and oldObject are read (DYNAMIC_ROOTS for a ValidatingAdmissionPolicy, whose typeChecking knows their schema).
 */
export function ruleCel(rule: RequestRule, roots: Roots = PLAIN_ROOTS): Approximation {
  const match = matchCel(rule.match);
  return allOf([exactly(match), rule.condition ? conditionCel(rule.condition, new MacroVariables(roots), including(NO_FACTS, match)) : exactly(TRUE)]);
}
