// A histogram counted with plain numbers where it is observed (one series per value of its one label) and shown through prom-client's registry, in the text prom-client's own Histogram writes.
import type { Metric, Registry, RegistryContentType } from 'prom-client';

/** One label value's buckets: counts[i] observations at or below bounds[i] and above the bound before; the last slot is +Inf. */
export class CountedSeries {
  private readonly counts: Float64Array;
  private sum = 0;
  private count = 0;

  constructor(
    readonly labelValue: string,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** One observation: a bucket search from the smallest bound (the usual value is small) and three additions. */
  observe(value: number): void {
    let i = 0;
    while (i < this.bounds.length && value > this.bounds[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
  }

  clear(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }

  /** The cumulative bucket counts (one per bound, then +Inf), the sum and the count. */
  snapshot(): { cumulative: number[]; sum: number; count: number } {
    const cumulative: number[] = [];
    let running = 0;
    for (const n of this.counts) cumulative.push((running += n));
    return { cumulative, sum: this.sum, count: this.count };
  }
}

/** A sample in the shape prom-client's registry formats: `name_bucket{le="…",label="…"} value`. */
interface Sample {
  labels: Record<string, string | number>;
  value: number;
  metricName: string;
}

export interface CountedHistogramOptions {
  name: string;
  help: string;
  labelName: string;
  buckets: readonly number[];
}

/**
 * What prom-client's Registry reads from a metric (name, help, type, aggregator, get, reset): its Histogram costs
 * a label check, a label hash and a bucket lookup by property name for every observation, this one a few additions.
 */
export class CountedHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly name: string;
  readonly help: string;
  private readonly labelName: string;
  private readonly bounds: readonly number[];
  private readonly series = new Map<string, CountedSeries>();

  constructor(options: CountedHistogramOptions) {
    const bounds = [...options.buckets];
    if (bounds.length === 0 || bounds.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= bounds[i - 1]!))) {
      throw new Error(`${options.name}: buckets must be finite and increasing`);
    }
    this.name = options.name;
    this.help = options.help;
    this.labelName = options.labelName;
    this.bounds = bounds;
  }

  /** The series of one label value, made the first time it is asked for (callers keep it). */
  seriesFor(labelValue: string): CountedSeries {
    let series = this.series.get(labelValue);
    if (!series) this.series.set(labelValue, (series = new CountedSeries(labelValue, this.bounds)));
    return series;
  }

  /** The samples, as prom-client's Histogram lists them: each series' buckets (le first), +Inf, _sum, _count. */
  async get(): Promise<{ name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: Sample[] }> {
    const values: Sample[] = [];
    for (const series of this.series.values()) {
      const { cumulative, sum, count } = series.snapshot();
      const own = { [this.labelName]: series.labelValue };
      this.bounds.forEach((bound, i) => values.push({ labels: { le: bound, ...own }, value: cumulative[i]!, metricName: `${this.name}_bucket` }));
      values.push({ labels: { le: '+Inf', ...own }, value: count, metricName: `${this.name}_bucket` });
      values.push({ labels: own, value: sum, metricName: `${this.name}_sum` });
      values.push({ labels: own, value: count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** Registry.resetMetrics(): every series starts again from zero (in place: callers keep their series). */
  reset(): void {
    for (const series of this.series.values()) series.clear();
  }

  /**
   * Registers it. prom-client types a registry's metrics as its own four classes, while the registry itself only
   * reads the members above (how it writes `/metrics`, the JSON form and resets), hence the one cast.
   */
  register(registry: Registry<RegistryContentType>): this {
    registry.registerMetric(this as unknown as Metric);
    return this;
  }
}
