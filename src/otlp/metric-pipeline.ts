// The metric flow after decoding: OTLP request → points → metric detectors → policy decision → risk events → sink.
import type { Decision } from '../engine/decide.js';
import { decide } from '../engine/decide.js';
import type { EdgeGuardHit, EdgeRefusals, MetricOptions, MetricState } from '../engine/detect-metrics.js';
import { detectMetrics, wantedMetrics } from '../engine/detect-metrics.js';
import type { Finding } from '../engine/finding.js';
import type { Policy } from '../engine/policy.js';
import type { RiskEvent } from '../outputs/risk-event.js';
import { riskEventsOfDecision } from '../outputs/risk-event.js';
import type { Rule } from '../rules/rule.js';
import { metricPoints } from '../signals/metric-points.js';
import type { MetricPoint } from '../signals/metric-points.js';

/**
 * How far ahead of the receive time a point may be stamped. The baseline runs on data time and prunes what is older
 * than the window before its newest sighting, so one point from a node whose clock is a year ahead would otherwise
 * make every edge "new" again; points stamped later than this are taken at the receive time.
 */
export const MAX_CLOCK_AHEAD_MS = 5 * 60_000;

export interface MetricPipelineDeps {
  rules: readonly Rule[];
  /** Read once per batch, so a policy reload never splits one. */
  policy: () => Policy;
  state: MetricState;
  options: MetricOptions;
  /** Receives the risk events of each batch (a FanOutSink's write in `serve`). */
  record: (events: readonly RiskEvent[]) => void;
  clock?: () => Date;
}

export interface MetricBatch {
  /** Data points of the metrics the rules read. */
  points: number;
  /** Points dropped because they lack a dimension a rule groups by. */
  incomplete: number;
  /** Points stamped more than MAX_CLOCK_AHEAD_MS after the receive time, taken at the receive time instead. */
  ahead: number;
  findings: Finding[];
  /** Points and edges the baseline refused (stale, before learning, past a cap). */
  refused: EdgeRefusals;
  /** Caps reached and bursts of new edges (each is also a finding). */
  guard: EdgeGuardHit[];
  decision: Decision;
  events: RiskEvent[];
}

export class MetricPipeline {
  private readonly wanted: ReadonlySet<string>;
  private readonly clock: () => Date;

  constructor(private readonly deps: MetricPipelineDeps) {
    this.wanted = wantedMetrics(deps.rules);
    this.clock = deps.clock ?? (() => new Date());
  }

  /**
   * Runs one ExportMetricsServiceRequest (OTLP/JSON shape). A payload it cannot read throws a DecodeError before any
   * point reaches a detector, so a malformed request changes nothing.
   */
  ingest(request: unknown): MetricBatch {
    const now = this.clock();
    return this.run(metricPoints(request, this.wanted, now.getTime()), now, undefined);
  }

  /**
   * Runs the points of one live request, decoded elsewhere (the receiver's worker thread) at `receivedAt`: points older
   * than the window before it are refused, and warm-up is judged by it. Without `receivedAt`, as `ingest`: the clock's
   * time, nothing refused for its age (a recorded file, a test's fixed payload).
   */
  ingestPoints(points: MetricPoint[], receivedAt?: Date): MetricBatch {
    return receivedAt ? this.run(points, receivedAt, receivedAt.getTime()) : this.run(points, this.clock(), undefined);
  }

  private run(points: MetricPoint[], now: Date, receivedMs: number | undefined): MetricBatch {
    const nowMs = now.getTime();
    let ahead = 0;
    for (const point of points) {
      if (point.timeMs > nowMs + MAX_CLOCK_AHEAD_MS) {
        point.timeMs = nowMs;
        ahead += 1;
      }
    }
    points.sort((a, b) => a.timeMs - b.timeMs);
    const { findings, incomplete, refused, guard } = detectMetrics(points, this.deps.rules, this.deps.state, this.deps.options, receivedMs);
    const decision = decide(findings, this.deps.policy(), now);
    const events = riskEventsOfDecision(decision, now);
    if (events.length > 0) this.deps.record(events);
    return { points: points.length, incomplete, ahead, findings, decision, events, refused, guard };
  }
}
