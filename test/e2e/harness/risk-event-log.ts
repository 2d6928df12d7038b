// e2e harness: the risk events a riskgate process wrote to its log sink (one JSON line each, msg riskgate.risk_event).
import type { Riskgate } from './riskgate-process.js';

export interface LoggedRiskEvent {
  event_id: string;
  rule_id: string;
  action: string;
  risk_object: string;
  risk_score: number;
  summary: string;
  fields: Record<string, string | string[]>;
  [key: string]: unknown;
}

export function riskEventsOf(riskgate: Riskgate): LoggedRiskEvent[] {
  return riskgate.logLines().filter((l) => l['msg'] === 'riskgate.risk_event') as unknown as LoggedRiskEvent[];
}
