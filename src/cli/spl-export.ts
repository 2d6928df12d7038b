// Runs `riskgate spl`: loads the policy, renders the chosen format from the rule data, prints it or writes it under --out.
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { usesNamespaceLabels } from '../engine/namespace-labels.js';
import { defaultPolicy } from '../engine/policy.js';
import type { Policy } from '../engine/policy.js';
import { readPolicyFile } from '../policy/policy-store.js';
import { RiskgateError } from '../riskgate-error.js';
import { RULES, findRule } from '../rules/catalog.js';
import type { Rule } from '../rules/rule.js';
import type { GeneratedFile } from '../spl/escu-yaml.js';
import { escuYamlFiles } from '../spl/escu-yaml.js';
import { activeRules, toSpl } from '../spl/to-spl.js';
import type { MetricSearchWriter, SplExport } from '../spl/to-spl.js';
import { DEFAULT_APP_ID, splunkAppFiles } from '../spl/to-splunk-app.js';
import { makeDirectoryTree } from '../files/directory-tree.js';
import { metricOptions } from '../engine/metric-options.js';
import { metricSearch } from '../spl/metric-spl.js';
import type { MetricSplOptions } from '../spl/metric-spl.js';

export const SPL_FORMATS = ['spl', 'escu', 'splunk-app'] as const;
export type SplFormat = (typeof SPL_FORMATS)[number];

export interface SplOptions {
  policy?: string;
  rule?: string;
  format: SplFormat;
  out?: string;
  appId?: string;
  /** `--baseline-window 7d`: the newly seen TCP edge search's baseline. */
  baselineWindow?: string;
  /** `--shells extended`: the shell-on-worker-node search's executables. */
  shells?: string;
}

export class SplUsageError extends RiskgateError {}

/**
 * The mstats writer of the metric rules with the detectors' settings that shape their searches (`--baseline-window`,
 * `--shells`, read as `serve` and `detect-metrics` read them); without them, the rules' defaults (seed 004 as ESCU wrote it).
 */
function metricSearchWriter(options: SplOptions): MetricSearchWriter {
  const splOptions: MetricSplOptions = {};
  try {
    const settings = metricOptions(RULES, { baselineWindow: options.baselineWindow, shells: options.shells });
    if (options.baselineWindow !== undefined) splOptions.baselineWindowSeconds = Math.round(settings.baselineWindowMs / 1000);
    if (options.shells !== undefined) splOptions.shells = [...settings.shells];
  } catch (error) {
    if (error instanceof RiskgateError) throw new SplUsageError('SPL_USAGE', error.message);
    throw error;
  }
  if (splOptions.baselineWindowSeconds === 0) throw new SplUsageError('SPL_USAGE', '--baseline-window: give a window longer than 0s');
  return (rule, policy) => metricSearch(rule, policy, splOptions);
}

function loadPolicy(file: string | undefined): Policy {
  return file ? readPolicyFile(file, RULES).policy : defaultPolicy(RULES);
}

function selectedRules(policy: Policy, ruleId: string | undefined): Rule[] {
  if (!ruleId) return [...RULES];
  const rule = findRule(ruleId);
  if (!rule) throw new SplUsageError('SPL_UNKNOWN_RULE', `--rule ${ruleId}: unknown rule id (known: ${RULES.map((r) => r.id).join(', ')})`);
  if (activeRules([rule], policy).length === 0) throw new RiskgateError('SPL_RULE_OFF', `--rule ${ruleId}: the rule is off in policy ${policy.source}, so it has no search`);
  return [rule];
}

function packageVersion(): string {
  return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
}

function filesOf(exported: SplExport, options: SplOptions, policy: Policy): GeneratedFile[] {
  if (options.format === 'escu') return escuYamlFiles(exported.searches);
  if (options.format === 'splunk-app') {
    return splunkAppFiles(exported.searches, RULES, { appId: options.appId ?? DEFAULT_APP_ID, version: packageVersion(), policySource: policy.source });
  }
  return exported.searches.map((s) => ({ path: `${s.rule.id}.spl`, content: `${s.search}\n` }));
}

/** What goes to stdout without --out. */
function printed(exported: SplExport, options: SplOptions): string {
  if (options.format === 'escu') return escuYamlFiles(exported.searches).map((f) => f.content).join('---\n');
  if (options.rule) return exported.searches.map((s) => `${s.search}\n`).join('');
  return exported.searches.map((s) => `# ${s.rule.id}: ${s.searchName}\n${s.search}\n`).join('\n');
}

async function writeFiles(out: string, files: readonly GeneratedFile[]): Promise<string[]> {
  const written: string[] = [];
  for (const file of files) {
    const path = join(out, ...file.path.split('/'));
    try {
      makeDirectoryTree(dirname(path));
      await writeFile(path, file.content);
    } catch (error) {
      throw new RiskgateError('SPL_WRITE', `${path}: cannot write (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    written.push(path);
  }
  return written;
}

/** The audit event of a Service or an exec does not carry its namespace's labels, so the searches cannot leave those requests out. */
export const NAMESPACE_LABELS_NOTE = 'namespaceLabels exemptions are not in the searches (an audit event does not carry its namespace\'s labels): they list what those exemptions exempt; riskgate replay --namespaces FILE applies them';

/** Returns the exit code; messages go to the given writers. */
export async function runSplExport(options: SplOptions, stdout: (text: string) => void, stderr: (text: string) => void): Promise<number> {
  if (options.appId !== undefined && !/^[A-Za-z0-9_-]+$/.test(options.appId)) {
    throw new SplUsageError('SPL_USAGE', `--app-id ${JSON.stringify(options.appId)}: use letters, digits, _ and - only (it names the app folder)`);
  }
  if (options.format === 'splunk-app' && !options.out) throw new SplUsageError('SPL_USAGE', '--format splunk-app writes a folder: give --out DIR');
  const policy = loadPolicy(options.policy);
  const rules = selectedRules(policy, options.rule);
  const exported = toSpl(rules, policy, metricSearchWriter(options));
  for (const { rule, reason } of exported.skipped) stderr(`riskgate spl: ${rule.id} left out: ${reason}\n`);
  if (usesNamespaceLabels(policy)) stderr(`riskgate spl: ${NAMESPACE_LABELS_NOTE}\n`);
  if (!options.out) {
    stdout(printed(exported, options));
    return 0;
  }
  const written = await writeFiles(options.out, filesOf(exported, options, policy));
  stderr(`riskgate spl: wrote ${written.length} file(s):\n${written.map((w) => `  ${w}\n`).join('')}`);
  return 0;
}

