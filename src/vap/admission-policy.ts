// Writes one ValidatingAdmissionPolicy and its Binding (admissionregistration.k8s.io/v1) for a rule and an action (deny or warn) under a policy at an instant.
import { exemptionCel } from '../cel/exemption-cel.js';
import type { Cel } from '../cel/cel-text.js';
import { FALSE, TRUE, or, stringLiteral } from '../cel/cel-text.js';
import { namespaceActionCel } from '../cel/namespace-cel.js';
import { DYNAMIC_ROOTS } from '../cel/field-path-cel.js';
import { ruleCel } from '../cel/rule-cel.js';
import { isLive } from '../engine/exemption.js';
import { rfc3339 } from '../engine/exemption-text.js';
import type { ExemptionBlock, Policy } from '../engine/policy.js';
import { exemptionHint } from '../outputs/admission-response.js';
import type { RequestRule } from '../rules/rule.js';
import { summaryCel, warningCel } from './summary-cel.js';

export type VapAction = 'deny' | 'warn';

/** The label every generated object carries, and the annotation naming when it must be generated again. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'riskgate';
export const RULE_LABEL = 'riskgate.io/rule';
export const ACTION_LABEL = 'riskgate.io/action';
export const REGENERATE_ANNOTATION = 'riskgate.io/regenerate-before';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec: { [key: string]: Json } };

export interface VapOptions {
  /** Namespaces the policy never applies to (as the webhook's namespaceSelector excludes them). */
  excludeNamespaces: readonly string[];
}

export interface AdmissionPolicyPair {
  rule: RequestRule;
  action: VapAction;
  policy: K8sObject;
  binding: K8sObject;
  /** The earliest end of an exemption block compiled in: past it the pair is stale. */
  regenerateBefore?: Date;
}

export function vapName(rule: RequestRule, action: VapAction): string {
  return `riskgate-${rule.id}-${action}`;
}

function literal(text: string): string {
  return stringLiteral(text)!.text;
}

/** The blocks live at `now` that apply to the rule, policy-wide first. */
function liveBlocks(policy: Policy, rule: RequestRule, now: Date): ExemptionBlock[] {
  return [...policy.exemptions, ...(policy.rules.get(rule.id)?.exemptions ?? [])].filter((b) => isLive(b, now));
}

/** Exact namespace names go to the namespaceSelector (with the excluded ones); patterns and everything else stay CEL. */
function exemptions(blocks: readonly ExemptionBlock[]): { selectorNames: string[]; cel: Cel } {
  const selectorNames = [...new Set(blocks.flatMap((b) => b.match.namespaces.filter((n) => !n.includes('*'))))];
  const cel = or(...blocks.map((b) => exemptionCel(b.match, b.match.namespaces.filter((n) => n.includes('*')), DYNAMIC_ROOTS)));
  return { selectorNames, cel };
}

/**
 * The policy applies where the rule takes the action, no block exempts, and the rule finds the request: then its one
 * validation fails. (Its audit annotations must be strings, never null: a policy that applies is a verdict.)
 */
function matchConditions(namespaceTerm: Cel, exempt: Cel, found: Cel): Json[] {
  return [
    ...(namespaceTerm.text !== TRUE.text ? [{ name: 'namespace-action', expression: namespaceTerm.text }] : []),
    ...(exempt.text !== FALSE.text ? [{ name: 'not-exempt', expression: `!(${exempt.text})` }] : []),
    { name: 'rule-finds', expression: found.text },
  ];
}

function messages(rule: RequestRule, action: VapAction, policySource: string): { message: string; messageExpression?: string; variables: Json[] } {
  const summary = summaryCel(rule);
  const tail = `; ${rule.reason}. ${exemptionHint(rule.id, policySource)}`;
  const head = `riskgate denied this request: rule ${rule.id} (${rule.name}): `;
  const message = action === 'deny' ? `${head}${rule.summary}${tail}` : `riskgate ${rule.id}: ${rule.summary}`;
  if (!summary) return { message, variables: [] };
  const messageExpression = action === 'deny' ? `${literal(head)} + variables.summary + ${literal(tail)}` : warningCel(rule, 'variables.summary');
  return { message, messageExpression, variables: [{ name: 'summary', expression: summary.text }] };
}

/**
 * The pair for `rule` in `action`, or undefined when the rule takes that action in no namespace. The policy applies,
 * and its validation fails, exactly when the rule finds the request (its CEL must be exact: see vap-set.ts) in a
 * namespace where it takes the action and no exemption block live at `now` exempts it.
 */
export function admissionPolicyPair(rule: RequestRule, action: VapAction, policy: Policy, now: Date, options: VapOptions): AdmissionPolicyPair | undefined {
  const own = policy.rules.get(rule.id);
  if (!own) return undefined;
  const namespaceTerm = namespaceActionCel(own, (a) => a === action);
  if (namespaceTerm.text === FALSE.text) return undefined;
  const blocks = liveBlocks(policy, rule, now);
  const ends = blocks.flatMap((b) => (b.expires ? [b.expires.getTime()] : []));
  const regenerateBefore = ends.length > 0 ? new Date(Math.min(...ends)) : undefined;
  const exempt = exemptions(blocks);
  const name = vapName(rule, action);
  const labels = { [MANAGED_BY_LABEL]: MANAGED_BY, [RULE_LABEL]: rule.id, [ACTION_LABEL]: action };
  const annotations = regenerateBefore ? { [REGENERATE_ANNOTATION]: rfc3339(regenerateBefore) } : undefined;
  const excluded = [...new Set([...options.excludeNamespaces, ...exempt.selectorNames])];
  const { message, messageExpression, variables } = messages(rule, action, policy.source);
  const score = Math.max(...rule.risk.riskObjects.map((r) => r.score));
  const conditions = matchConditions(namespaceTerm, exempt.cel, ruleCel(rule, DYNAMIC_ROOTS).cel);
  const { apiGroups, apiVersions, operations, resources } = rule.match;
  const vapPolicy: K8sObject = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name, labels, ...(annotations ? { annotations } : {}) },
    spec: {
      failurePolicy: action === 'deny' ? 'Fail' : 'Ignore',
      matchConstraints: {
        resourceRules: [{ apiGroups: [...apiGroups], apiVersions: [...apiVersions], operations: [...operations], resources: [...resources], scope: '*' }],
        matchPolicy: 'Equivalent',
        ...(excluded.length > 0 ? { namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: excluded }] } } : {}),
      },
      matchConditions: conditions,
      ...(variables.length > 0 ? { variables } : {}),
      validations: [{ expression: 'false', message, ...(messageExpression ? { messageExpression } : {}), ...(action === 'deny' ? { reason: 'Forbidden' } : {}) }],
      // The webhook's own annotation keys (<rule>.action, <rule>.risk_score): replay and the SPL read a VAP's verdict like the webhook's.
      auditAnnotations: [
        { key: `${rule.id}.action`, valueExpression: literal(action) },
        { key: `${rule.id}.risk_score`, valueExpression: literal(String(score)) },
      ],
    },
  };
  const binding: K8sObject = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name, labels, ...(annotations ? { annotations } : {}) },
    spec: { policyName: name, validationActions: [action === 'deny' ? 'Deny' : 'Warn', 'Audit'] },
  };
  return { rule, action, policy: vapPolicy, binding, ...(regenerateBefore ? { regenerateBefore } : {}) };
}
