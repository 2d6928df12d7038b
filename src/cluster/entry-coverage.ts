// Which rule actions the live ValidatingWebhookConfiguration cannot carry out: a deny rule whose requests no enforce entry receives, a warn/record rule no observe entry receives.
import { actionsOf, type Action, type Policy } from '../engine/policy.js';
import { ENFORCE_WEBHOOK, OBSERVE_WEBHOOK, VALIDATE_PATH } from '../kubernetes/webhook-names.js';
import type { ChartRule } from './chart-files.js';

/** One `rules[]` item of a webhook entry, as the API server stores it. */
export interface LiveWebhookRule {
  apiGroups?: string[];
  apiVersions?: string[];
  resources?: string[];
  operations?: string[];
}

/** What the check reads of one webhook entry. */
export interface LiveEntry {
  name: string;
  /** clientConfig.service.path, or the path of clientConfig.url. */
  path: string | undefined;
  rules: LiveWebhookRule[];
  matchConditions: Array<{ name: string; expression: string }>;
}

export type EntryScope = 'enforce' | 'observe';

export interface CoverageGap {
  rule: string;
  /** The actions of the rule that need the missing entry. */
  actions: Action[];
  scope: EntryScope;
  /** What is wrong, in a sentence that names the entry or the path. */
  problem: string;
}

const SCOPE_PATH: Record<EntryScope, string> = { enforce: ENFORCE_WEBHOOK.path, observe: OBSERVE_WEBHOOK.path };

function listed(values: readonly string[] | undefined, value: string): boolean {
  return (values ?? []).some((v) => v === '*' || v === value);
}

// A webhook rule's resource pattern: services, *, pods/exec, pods/* or */exec (any resource with that subresource).
function resourceListed(patterns: readonly string[] | undefined, resource: string): boolean {
  const [name, sub] = resource.split('/');
  return (patterns ?? []).some((p) => {
    if (p === resource) return true;
    const [pName, pSub] = p.split('/');
    if (sub === undefined) return p === '*';
    return (pName === '*' || pName === name) && (pSub === '*' || pSub === sub);
  });
}

/** Whether the entry's rules send every (group, version, resource, operation) of the rule. */
function routes(entry: LiveEntry, rule: ChartRule): boolean {
  for (const group of rule.apiGroups) {
    for (const version of rule.apiVersions) {
      for (const resource of rule.resources) {
        for (const operation of rule.operations) {
          const sent = entry.rules.some((r) => listed(r.apiGroups, group) && listed(r.apiVersions, version) && resourceListed(r.resources, resource) && listed(r.operations, operation));
          if (!sent) return false;
        }
      }
    }
  }
  return true;
}

/** An entry with matchConditions lets a request through only when every one is true: each must hold the rule's own condition. */
function conditionsAdmit(entry: LiveEntry, rule: ChartRule): boolean {
  return entry.matchConditions.every((c) => c.expression.includes(`(${rule.matchCondition})`));
}

function gapFor(entries: readonly LiveEntry[], rule: ChartRule, scope: EntryScope, configName: string): string | undefined {
  const candidates = entries.filter((e) => e.path === SCOPE_PATH[scope] || e.path === VALIDATE_PATH);
  if (candidates.length === 0) return `no entry of ValidatingWebhookConfiguration ${configName} calls ${SCOPE_PATH[scope]}`;
  const routing = candidates.filter((e) => routes(e, rule));
  if (routing.length === 0) {
    const names = candidates.map((e) => e.name).join(', ');
    return `${names} does not send ${rule.operations.join('/')} of ${rule.resources.join(', ')} to riskgate`;
  }
  if (scope === 'enforce' && !routing.some((e) => conditionsAdmit(e, rule))) {
    return `the matchConditions of ${routing.map((e) => e.name).join(', ')} leave this rule's requests out (written for another policy)`;
  }
  return undefined;
}

/**
 * The rules whose actions the configuration cannot carry out. deny needs the enforce entry (failurePolicy Fail), except
 * for rules a ValidatingAdmissionPolicy denies (`vap`: the exact ones); warn and record need the observe entry.
 */
export function entryCoverage(policy: Policy, rules: readonly ChartRule[], entries: readonly LiveEntry[], configName: string, vap = false): CoverageGap[] {
  const gaps: CoverageGap[] = [];
  for (const rule of rules) {
    const rulePolicy = policy.rules.get(rule.id);
    if (!rulePolicy) continue;
    const actions = actionsOf(rulePolicy);
    const needs: Array<[EntryScope, Action[]]> = [
      ['enforce', vap && rule.matchConditionExact ? [] : actions.filter((a) => a === 'deny')],
      ['observe', actions.filter((a) => a === 'warn' || a === 'record')],
    ];
    for (const [scope, needing] of needs) {
      if (needing.length === 0) continue;
      const problem = gapFor(entries, rule, scope, configName);
      if (problem) gaps.push({ rule: rule.id, actions: needing, scope, problem });
    }
  }
  return gaps;
}

interface StoredWebhook {
  name?: string;
  clientConfig?: { url?: string; service?: { path?: string } };
  rules?: LiveWebhookRule[];
  matchConditions?: Array<{ name?: string; expression?: string }>;
}

function pathOf(clientConfig: StoredWebhook['clientConfig']): string | undefined {
  if (clientConfig?.service) return clientConfig.service.path ?? '/';
  if (!clientConfig?.url) return undefined;
  try {
    return new URL(clientConfig.url).pathname;
  } catch {
    return undefined;
  }
}

/** The entries of a ValidatingWebhookConfiguration object as read from the API server (JSON). */
export function liveEntries(configuration: { webhooks?: StoredWebhook[] }): LiveEntry[] {
  return (configuration.webhooks ?? []).map((w) => ({
    name: w.name ?? '',
    path: pathOf(w.clientConfig),
    rules: w.rules ?? [],
    matchConditions: (w.matchConditions ?? []).map((c) => ({ name: c.name ?? '', expression: c.expression ?? '' })),
  }));
}
