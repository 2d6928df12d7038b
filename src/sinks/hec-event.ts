// A risk event in the HEC JSON event format: time (epoch seconds), host, source, sourcetype, index, event, index-time fields.
import type { RiskEvent } from '../outputs/risk-event.js';

export const HEC_SOURCETYPE = 'riskgate:risk';

export interface HecMetadata {
  host: string;
  source: string;
  sourcetype: string;
  /** Omitted when unset: the token's default index applies. */
  index?: string;
}

export interface HecEvent {
  time: number;
  host: string;
  source: string;
  sourcetype: string;
  index?: string;
  event: RiskEvent;
  fields: Record<string, string>;
}

/** Epoch seconds with milliseconds, as HEC's `time` expects. */
export function epochSeconds(iso: string): number {
  return Date.parse(iso) / 1000;
}

/**
 * Index-time fields carry a `riskgate_` prefix: a JSON event with KV_MODE=json would otherwise show both the indexed and
 * the search-time value of a same-named field (a multivalue field with two equal values).
 */
export function hecEventOf(event: RiskEvent, meta: HecMetadata): HecEvent {
  const out: HecEvent = {
    time: epochSeconds(event.time),
    host: meta.host,
    source: meta.source,
    sourcetype: meta.sourcetype,
    event,
    fields: { riskgate_event_id: event.event_id, riskgate_rule_id: event.rule_id, riskgate_action: event.action },
  };
  if (meta.index) out.index = meta.index;
  return out;
}

/** A HEC batch: JSON objects one after another (HEC takes no array), newline-separated for readability. */
export function hecBatchBody(events: readonly RiskEvent[], meta: HecMetadata): string {
  return events.map((e) => JSON.stringify(hecEventOf(e, meta))).join('\n');
}
