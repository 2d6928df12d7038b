// The mstats searches of the metric rules, written from the same rule data the detectors read (seed 004 as is, seed 003 fixed).
import type { ExemptionBlock, Exemptions, Policy } from '../engine/policy.js';
import type { MetricRule, NewlySeenEdgeRule, ShellProcessRule } from '../rules/rule.js';
import { filterMacroName } from '../rules/search-name.js';
import { globRegex, strptimeOf } from './expiry-spl.js';
import { evalField, evalString, searchTermIn } from './spl-literal.js';

export interface MetricSplOptions {
  /** The shells of `--shells` (default: the rule's seed list). */
  shells?: readonly string[];
  /** The baseline window of `--baseline-window`, in seconds (default: the rule's 30 days). */
  baselineWindowSeconds?: number;
}

const UNITS: Array<[string, number]> = [
  ['d', 86_400],
  ['h', 3600],
  ['m', 60],
  ['s', 1],
];

/** 3600 → `-1h`, 2592000 → `-30d`: SPL relative time in the largest unit that divides it. */
export function relativeTime(seconds: number): string {
  const [unit, size] = UNITS.find(([, s]) => seconds % s === 0)!;
  return `-${seconds / size}${unit}`;
}

type MetricExemptions = Pick<Exemptions, 'clusters' | 'nodes' | 'workloads'>;

/** Policy-wide and per-rule blocks, as decide() applies them (any one exempts). */
function blocksOf(rule: MetricRule, policy: Policy | undefined): ExemptionBlock[] {
  return [...(policy?.exemptions ?? []), ...(policy?.rules.get(rule.id)?.exemptions ?? [])];
}

/** The lists of the blocks together. */
function exemptionsOf(blocks: readonly ExemptionBlock[]): MetricExemptions {
  const union = (key: keyof MetricExemptions) => [...new Set(blocks.flatMap((b) => b.match[key]))];
  return { clusters: union('clusters'), nodes: union('nodes'), workloads: union('workloads') };
}

type DimensionPairs = (e: MetricExemptions) => Array<[string, string[]]>;

/**
 * `search NOT dim IN (…)` for the lists of the blocks without an end, whose dimension the result rows carry; and for
 * each block with an end, `where NOT (… AND now() < strptime(…))` (the rows are aggregates without a `_time`: the
 * scheduled search stops exempting once the block has ended). Namespace exemptions (and workload ones for shells)
 * have no dimension in the seed's BY lists: they apply in riskgate only.
 */
function exemptionStage(blocks: readonly ExemptionBlock[], pairsOf: DimensionPairs, rowDimensions: readonly string[]): string[] {
  const carried = (e: MetricExemptions) => pairsOf(e).filter(([dimension, values]) => values.length > 0 && rowDimensions.includes(dimension));
  const terms = carried(exemptionsOf(blocks.filter((b) => b.expires === undefined))).map(
    ([dimension, values]) => `NOT ${values.length > 1 ? `(${searchTermIn(dimension, values)})` : searchTermIn(dimension, values)}`,
  );
  const bounded = blocks.flatMap((b) => {
    const tests = carried(exemptionsOf([b])).map(([dimension, values]) => `match(${evalField(dimension)}, ${evalString(globRegex(values))})`);
    if (b.expires === undefined || tests.length === 0) return [];
    return [`where NOT (${tests.length > 1 ? `(${tests.join(' OR ')})` : tests[0]} AND now() < ${strptimeOf(b.expires)})`];
  });
  return [...(terms.length > 0 ? [`search ${terms.join(' ')}`] : []), ...bounded];
}

/**
 * Seed 003 corrected. ESCU's search (v3) has three flaws, fixed here:
 * 1. its baseline subsearch groups by source and destination workload only, so an edge seen in ANY cluster during the
 *    30 days hides a new edge in this one: both searches now group by k8s.cluster.name too;
 * 2. it keeps an edge with `search current="true" current!="false"` on the multivalue field made by
 *    `eventstats values(current)`, and `!=` on a multivalue field matches when ANY value differs, so old edges
 *    (current = True, false) pass too: each side now carries numeric flags, `stats max()` folds them into one value per
 *    edge and `where current=1 AND previous=0` tests single values;
 * 3. its subsearch starts with `mstats` and no pipe, which a subsearch reads as search terms rather than the generating
 *    command: it is written `[| mstats …]`.
 */
export function newlySeenEdgeSearch(rule: NewlySeenEdgeRule, policy?: Policy, options: MetricSplOptions = {}): string {
  const m = rule.metrics;
  const by = [m.clusterDimension, m.sourceDimension, m.destDimension].join(' ');
  const current = relativeTime(m.currentWindowSeconds);
  const baseline = relativeTime(options.baselineWindowSeconds ?? m.baselineWindowSeconds);
  return [
    `| mstats count(${m.metric}) as ${m.countField} where \`${m.indexMacro}\` AND earliest=${current} by ${by}`,
    'eval current=1, previous=0',
    `append [| mstats count(${m.metric}) as previous_count where \`${m.indexMacro}\` AND earliest=${baseline} latest=${current} by ${by} | eval current=0, previous=1]`,
    `stats sum(${m.countField}) as ${m.countField} max(current) as current max(previous) as previous by ${by}`,
    'where current=1 AND previous=0',
    'fields - current previous',
    ...exemptionStage(
      blocksOf(rule, policy),
      (exemptions) => [
        [m.clusterDimension, exemptions.clusters],
        // riskgate judges an edge by its source (client) workload.
        [m.sourceDimension, exemptions.workloads],
      ],
      [m.clusterDimension, m.sourceDimension],
    ),
    `rename ${m.rename.from} as ${m.rename.to}`,
    `\`${filterMacroName(rule)}\``,
  ].join(' | ');
}

/** Seed 004 as ESCU wrote it (the golden test holds it to the seed's text), with the configured shells and exemptions. */
export function shellProcessSearch(rule: ShellProcessRule, policy?: Policy, options: MetricSplOptions = {}): string {
  const m = rule.metrics;
  const averages = m.metrics.map((metric) => `avg(${metric}) as ${metric}`).join(' ');
  const shells = (options.shells ?? m.shells).map((s) => JSON.stringify(s)).join(',');
  const by = m.groupBy.join(' ');
  return [
    `| mstats ${averages} where \`${m.indexMacro}\` AND ${m.executableDimension} IN (${shells}) by ${by} span=${m.spanSeconds}s`,
    `search ${m.metrics.map((metric) => `${metric}>0`).join(' OR ')}`,
    `stats ${averages} by ${by}`,
    ...exemptionStage(
      blocksOf(rule, policy),
      (exemptions) => [
        ['k8s.cluster.name', exemptions.clusters],
        ['k8s.node.name', exemptions.nodes],
      ],
      m.groupBy,
    ),
    `rename ${m.rename.from} as ${m.rename.to}`,
    `\`${filterMacroName(rule)}\``,
  ].join(' | ');
}

/** The writer `riskgate spl` (src/spl/to-spl.ts) calls for every metric rule. */
export function metricSearch(rule: MetricRule, policy?: Policy, options?: MetricSplOptions): string {
  return rule.detector === 'newly-seen-edge' ? newlySeenEdgeSearch(rule, policy, options) : shellProcessSearch(rule, policy, options);
}
