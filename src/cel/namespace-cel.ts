// A rule's namespaceActions as CEL over request.namespace: true exactly in the namespaces where the rule's action is a wanted one (first match wins).
import type { Action, RulePolicy } from '../engine/policy.js';
import type { Cel } from './cel-text.js';
import { FALSE, TRUE, primary } from './cel-text.js';
import { globCel } from './glob-cel.js';

/** request.namespace, '' for a cluster-scoped object (the API server leaves the field out). */
export const REQUEST_NAMESPACE: Cel = primary("(has(request.namespace) ? request.namespace : '')");

/**
 * Written so the chart's template can spell the same text (templates/_helpers.tpl, riskgate.namespaceTerm): from
 * the last entry back, `m || rest` where the entry's action is wanted and `!(m) && (rest)` where it is not, with
 * `true`/`false` folded away.
 */
export function namespaceActionCel(rule: RulePolicy, wanted: (action: Action) => boolean): Cel {
  let rest: Cel = wanted(rule.action) ? TRUE : FALSE;
  for (const { pattern, action } of [...rule.namespaceActions].reverse()) {
    const m = globCel(REQUEST_NAMESPACE, pattern);
    if (wanted(action)) {
      if (rest.text !== TRUE.text) rest = rest.text === FALSE.text ? m : { text: `${m.text} || ${rest.text}`, level: 'or' };
    } else if (rest.text !== FALSE.text) {
      rest = rest.text === TRUE.text ? { text: `!(${m.text})`, level: 'relation' } : { text: `!(${m.text}) && (${rest.text})`, level: 'and' };
    }
  }
  return rest;
}
