// The metric detectors' settings: the rules' defaults (30 d window, 1 h warm-up, the seed's shells) with the operator's overrides.
import { metricRules } from '../rules/catalog.js';
import type { Rule } from '../rules/rule.js';
import { RiskgateError } from '../riskgate-error.js';
import type { MetricOptions } from './detect-metrics.js';
import { DEFAULT_MAX_CLUSTERS, DEFAULT_MAX_EDGES_PER_CLUSTER } from './detect-metrics.js';

/** The option texts as typed (`--baseline-window 30d --warmup 1h --shells extended`). */
export interface MetricOptionTexts {
  baselineWindow?: string;
  warmup?: string;
  shells?: string;
  baselineMaxClusters?: string;
  baselineMaxEdges?: string;
}

function count(text: string, option: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < 1) throw new RiskgateError('METRIC_OPTION', `${option}: "${text}" is not a whole number of at least 1`);
  return n;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3600_000, d: 86_400_000 };
const DURATION = /^(\d+)(ms|s|m|h|d)$/;

/** `90s`, `15m`, `1h`, `30d` (or `0s`) → milliseconds. */
export function parseDuration(text: string, option: string): number {
  const m = DURATION.exec(text.trim());
  if (!m) throw new RiskgateError('METRIC_OPTION', `${option}: "${text}" is not a duration (a whole number with ms, s, m, h or d, e.g. 30d)`);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

/**
 * `seed` (sh, bash, csh, tcsh: the ESCU list), `extended` (plus dash, zsh, ash, ksh), or a comma-separated list of
 * executable names, which may start with `extended,` or `seed,` to add to one of those.
 */
export function parseShells(text: string, seed: readonly string[], extended: readonly string[]): string[] {
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new RiskgateError('METRIC_OPTION', '--shells: give seed, extended or a comma-separated list of executable names');
  const out = new Set<string>();
  for (const name of names) {
    if (name === 'seed') seed.forEach((s) => out.add(s));
    else if (name === 'extended') [...seed, ...extended].forEach((s) => out.add(s));
    else if (/^[A-Za-z0-9._+-]+$/.test(name)) out.add(name);
    else throw new RiskgateError('METRIC_OPTION', `--shells: "${name}" is not an executable name`);
  }
  return [...out];
}

export function metricOptions(rules: readonly Rule[], texts: MetricOptionTexts = {}): MetricOptions {
  const metric = metricRules(rules);
  const edge = metric.find((r) => r.detector === 'newly-seen-edge');
  const shell = metric.find((r) => r.detector === 'shell-process');
  const seedShells = shell?.metrics.shells ?? [];
  return {
    baselineWindowMs: texts.baselineWindow ? parseDuration(texts.baselineWindow, '--baseline-window') : (edge?.metrics.baselineWindowSeconds ?? 30 * 86_400) * 1000,
    warmupMs: texts.warmup ? parseDuration(texts.warmup, '--warmup') : (edge?.metrics.warmupSeconds ?? 3600) * 1000,
    shells: new Set(texts.shells ? parseShells(texts.shells, seedShells, shell?.metrics.extendedShells ?? []) : seedShells),
    maxClusters: texts.baselineMaxClusters ? count(texts.baselineMaxClusters, '--baseline-max-clusters') : DEFAULT_MAX_CLUSTERS,
    maxEdgesPerCluster: texts.baselineMaxEdges ? count(texts.baselineMaxEdges, '--baseline-max-edges') : DEFAULT_MAX_EDGES_PER_CLUSTER,
  };
}
