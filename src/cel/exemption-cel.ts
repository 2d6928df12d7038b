// An exemption block as CEL over object, oldObject and request: true exactly for the requests the block exempts (as src/engine/exemption.ts decides).
import type { Exemptions } from '../engine/policy.js';
import type { Cel } from './cel-text.js';
import { FALSE, NO_FACTS, and, call, method, or, primary, relation, stringLiteral } from './cel-text.js';
import { MacroVariables, PLAIN_ROOTS, isMap, pathStart, someValue } from './field-path-cel.js';
import type { Roots } from './field-path-cel.js';
import { anyGlobCel, globRe2 } from './glob-cel.js';
import { REQUEST_NAMESPACE } from './namespace-cel.js';

const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';
/** In a service account pattern, `*` in the namespace half never crosses the `:` that ends it. */
const NAMESPACE_STAR = '[^:]*';

function requestField(name: 'username' | 'groups'): Cel {
  const start = pathStart(`request.${name}`);
  if (typeof start === 'string') throw new Error(`request.${name} has no CEL form`);
  return start.value;
}

function text(value: string): Cel {
  return stringLiteral(value) ?? primary("''");
}

/** `ns:name` patterns against userInfo.username, as `system:serviceaccount:ns:name`. */
function serviceAccountCel(username: Cel, patterns: readonly string[]): Cel {
  return or(
    ...patterns.map((p) => {
      const [ns, name] = p.split(':') as [string, string];
      if (!p.includes('*')) return relation(username, '==', text(`${SERVICE_ACCOUNT_PREFIX}${p}`));
      const body = `${globRe2(ns, NAMESPACE_STAR).slice(1, -1)}:${globRe2(name).slice(1, -1)}`;
      return method(username, 'matches', text(`^${SERVICE_ACCOUNT_PREFIX}${body}$`).text);
    }),
  );
}

/** Every label with its value on `root` (string values only: the evaluator ignores others). */
function carries(root: 'object' | 'oldObject', labels: Record<string, string>, vars: MacroVariables): Cel {
  return and(
    ...Object.entries(labels).map(([key, value]) =>
      someValue(vars.roots[root], [{ key: 'metadata' }, { key: 'labels' }, { key }], (v) => relation(v, '==', text(value)), vars, NO_FACTS),
    ),
  );
}

/** The labels on the object, and on the old object when there is one (an UPDATE cannot exempt itself by adding them). */
function labelsCel(labels: Record<string, string>, vars: MacroVariables): Cel {
  if (Object.keys(labels).length === 0) return FALSE;
  const old = vars.roots.oldObject;
  return and(carries('object', labels, vars), or(relation(call('type', old), '!=', primary('map')), and(isMap(old), carries('oldObject', labels, vars))));
}

/** Every label on the Namespace of the request (`namespaceObject`, null for cluster-scoped resources: then false). */
function namespaceLabelsCel(labels: Record<string, string>, vars: MacroVariables): Cel {
  const entries = Object.entries(labels);
  if (entries.length === 0) return FALSE;
  return and(...entries.map(([key, value]) => someValue(primary('namespaceObject'), [{ key: 'metadata' }, { key: 'labels' }, { key }], (v) => relation(v, '==', text(value)), vars, NO_FACTS)));
}

/**
 * The block exempts the request: any of its namespaces (those given; exact names may be left to a namespaceSelector),
 * users, service accounts, groups, all of its labels, or all of its namespace labels. False when the block names none of them.
 */
export function exemptionCel(block: Exemptions, namespaces: readonly string[] = block.namespaces, roots: Roots = PLAIN_ROOTS): Cel {
  const vars = new MacroVariables(roots);
  const username = requestField('username');
  const groups = requestField('groups');
  const g = vars.next();
  return or(
    anyGlobCel(REQUEST_NAMESPACE, namespaces),
    anyGlobCel(username, block.users),
    serviceAccountCel(username, block.serviceAccounts),
    block.groups.length > 0 ? method(groups, 'exists', g.text, anyGlobCel(g, block.groups).text) : FALSE,
    labelsCel(block.labels, vars),
    namespaceLabelsCel(block.namespaceLabels, vars),
  );
}

