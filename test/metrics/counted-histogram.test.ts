// The review latency histogram counted without prom-client's Histogram: the same /metrics text as prom-client's own for the same observations.
import { Histogram, Registry, type RegistryContentType } from 'prom-client';
import { CountedHistogram } from '../../src/metrics/counted-histogram.js';
import { REVIEW_LATENCY_BUCKETS } from '../../src/metrics/review-metrics.js';

const NAME = 'riskgate_review_duration_seconds';
const HELP = 'Time from the request reaching riskgate to its answer.';

/** Values on, between and past the bounds, as a review sees them (seconds), per scope. */
const observations: Array<[string, number]> = [
  ['all', 0.0003], ['all', 0.00025], ['all', 0.0008], ['enforce', 0.012], ['all', 0], ['observe', 11], ['all', 0.0041],
  ['enforce', 0.00001], ['all', 2.5], ['all', 0.004], ['observe', 0.1], ['all', 0.000251],
];

function both(): { ours: Registry<RegistryContentType>; theirs: Registry<RegistryContentType>; counted: CountedHistogram; reference: Histogram<'scope'> } {
  const ours = new Registry<RegistryContentType>();
  const theirs = new Registry<RegistryContentType>();
  const counted = new CountedHistogram({ name: NAME, help: HELP, labelName: 'scope', buckets: REVIEW_LATENCY_BUCKETS }).register(ours);
  const reference = new Histogram({ name: NAME, help: HELP, labelNames: ['scope'] as const, buckets: REVIEW_LATENCY_BUCKETS, registers: [theirs] });
  for (const [scope, seconds] of observations) {
    counted.seriesFor(scope).observe(seconds);
    reference.observe({ scope }, seconds);
  }
  return { ours, theirs, counted, reference };
}

test('the exposition is prom-client\'s, byte for byte, in the Prometheus and the OpenMetrics formats', async () => {
  const { ours, theirs } = both();
  expect(await ours.metrics()).toBe(await theirs.metrics());
  ours.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  theirs.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  expect(await ours.metrics()).toBe(await theirs.metrics());
});

test('the JSON form and a reset match too, and counting goes on after the reset', async () => {
  const { ours, theirs, counted, reference } = both();
  // prom-client adds exemplar: null to each of its samples; the samples themselves are the same.
  const samples = async (registry: Registry<RegistryContentType>) =>
    (await registry.getMetricsAsJSON()).map(({ values, ...metric }) => ({ ...metric, values: values.map((sample) => ({ labels: sample.labels, value: sample.value, metricName: (sample as { metricName?: string }).metricName })) }));
  expect(await samples(ours)).toEqual(await samples(theirs));
  ours.resetMetrics();
  theirs.resetMetrics();
  counted.seriesFor('all').observe(0.0002);
  reference.observe({ scope: 'all' }, 0.0002);
  const zeroSeries = (text: string) => text.split('\n').filter((line) => !/scope="(enforce|observe)"/.test(line)).join('\n');
  // prom-client forgets the reset series; ours keeps them at zero (a scope that answered once stays in /metrics).
  expect(zeroSeries(await ours.metrics())).toBe(await theirs.metrics());
  expect(await ours.metrics()).toContain(`${NAME}_count{scope="enforce"} 0`);
});

test('buckets must be finite and increasing', () => {
  for (const buckets of [[], [0.1, 0.1], [0.2, 0.1], [0.1, Number.POSITIVE_INFINITY]]) {
    expect(() => new CountedHistogram({ name: NAME, help: HELP, labelName: 'scope', buckets })).toThrow('buckets must be finite and increasing');
  }
});
