// `serve --check-webhook-config NAME`: reads riskgate's ValidatingWebhookConfiguration at start-up, on each policy change and every 10 minutes, and warns of rule actions it does not carry.
import type { Logger } from 'pino';
import { KubeApi, statusMessage } from '../cluster-audit/kube-api.js';
import { clusterAccess } from '../cluster-audit/kube-credentials.js';
import type { Policy } from '../engine/policy.js';
import type { Rule } from '../rules/rule.js';
import { chartRules } from './chart-files.js';
import { entryCoverage, liveEntries, type CoverageGap } from './entry-coverage.js';

export const COVERAGE_CHECK_INTERVAL_MS = 600_000;

export interface EntryCoverageDeps {
  logger: Logger;
  rules: readonly Rule[];
  policy(): Policy;
  onPolicyChange(listener: (policy: Policy) => void): void;
}

export interface EntryCoverageOptions {
  name: string;
  /** serve --vap: the exact deny rules are ValidatingAdmissionPolicies and need no enforce entry. */
  vap: boolean;
  intervalMs?: number;
}

/** The gaps the last check found (by rule/scope), so each is logged when it appears and when it is mended, not every 10 minutes. */
function key(gap: CoverageGap): string {
  return `${gap.rule}|${gap.scope}|${gap.problem}`;
}

export class EntryCoverageCheck {
  private known = new Set<string>();
  private unreadable: string | undefined;

  constructor(
    private readonly api: Pick<KubeApi, 'call'>,
    private readonly options: EntryCoverageOptions,
    private readonly deps: EntryCoverageDeps,
  ) {}

  /** Reads the configuration and logs what changed since the last check; never throws. */
  async run(reason: string): Promise<CoverageGap[] | undefined> {
    const path = `/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/${encodeURIComponent(this.options.name)}`;
    let response;
    try {
      response = await this.api.call('GET', path);
    } catch (error) {
      this.cannotRead(`the API server did not answer: ${(error as Error).message}`);
      return undefined;
    }
    if (response.status !== 200) {
      this.cannotRead(response.status === 404 ? 'it does not exist' : `HTTP ${response.status}: ${statusMessage(response)}`);
      return undefined;
    }
    this.unreadable = undefined;
    const gaps = entryCoverage(this.deps.policy(), chartRules(this.deps.rules), liveEntries(response.body as object), this.options.name, this.options.vap);
    this.report(gaps, reason);
    return gaps;
  }

  private cannotRead(why: string): void {
    if (this.unreadable === why) return;
    this.unreadable = why;
    this.deps.logger.warn({ webhookConfig: this.options.name, reason: why }, 'cannot read the ValidatingWebhookConfiguration: whether it sends each rule to the entry its action needs is not checked');
  }

  private report(gaps: CoverageGap[], reason: string): void {
    const now = new Set(gaps.map(key));
    for (const gap of gaps) {
      if (this.known.has(key(gap))) continue;
      const effect = gap.scope === 'enforce' ? 'it denies nothing' : 'it warns and records nothing';
      this.deps.logger.warn(
        { webhookConfig: this.options.name, rule: gap.rule, actions: gap.actions, entry: gap.scope, problem: gap.problem, reason },
        `rule ${gap.rule} is ${gap.actions.join('/')} but ${gap.problem}: ${effect} until the configuration is updated (helm upgrade, or re-apply manifests/install)`,
      );
    }
    const mended = [...this.known].filter((k) => !now.has(k));
    if (mended.length > 0 || (this.known.size === 0 && gaps.length === 0 && reason === 'start-up')) {
      if (gaps.length === 0) this.deps.logger.info({ webhookConfig: this.options.name, reason }, 'the webhook configuration sends every rule to the entry its action needs');
    }
    this.known = now;
  }
}

/** Starts the checks: now, on each policy change, every 10 minutes (the configuration changes on its own: helm upgrade). */
export function startEntryCoverageCheck(options: EntryCoverageOptions, deps: EntryCoverageDeps): { stop(): void } {
  let access;
  try {
    access = clusterAccess({});
  } catch (error) {
    // Advisory: without credentials serve still starts, and says what it cannot check.
    deps.logger.warn({ webhookConfig: options.name, reason: (error as Error).message }, 'cannot read the ValidatingWebhookConfiguration: whether it sends each rule to the entry its action needs is not checked');
    return { stop: () => {} };
  }
  const api = new KubeApi(access.config, access.server, { maxSockets: 1, timeoutMs: 10_000 });
  const check = new EntryCoverageCheck(api, options, deps);
  let chain: Promise<unknown> = check.run('start-up');
  const schedule = (reason: string) => (chain = chain.then(() => check.run(reason)));
  deps.onPolicyChange(() => void schedule('policy change'));
  const timer = setInterval(() => void schedule('periodic check'), options.intervalMs ?? COVERAGE_CHECK_INTERVAL_MS);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      api.close();
    },
  };
}
