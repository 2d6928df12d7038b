// Real risk events for sink tests: the captured NodePort AdmissionReview, denied by policy, with a distinct request uid per event.
import { decide } from '../../src/engine/decide.js';
import { evaluate } from '../../src/engine/evaluate.js';
import { parsePolicy } from '../../src/engine/policy-file.js';
import { riskEventsOfDecision, type RiskEvent } from '../../src/outputs/risk-event.js';
import { fromAdmissionReview } from '../../src/request/from-admission-review.js';
import { RULES } from '../../src/rules/catalog.js';
import { capturedReview } from '../fixture-path.js';

const POLICY = parsePolicy(
  'rules:\n  kubernetes-node-port-creation: {action: deny}\n  kubernetes-daemonset-deployed: {action: warn}\n',
  'policy.yaml',
  RULES,
);

/** The risk events riskgate records for capture `prefix` (e.g. '001' NodePort, '007' DaemonSet), with the request uid suffixed by `n`. */
export function riskEventsFor(prefix: string, n: number, time = new Date('2026-11-20T10:00:00.000Z'), change?: (r: ReturnType<typeof fromAdmissionReview>['request']) => void): RiskEvent[] {
  const { request } = fromAdmissionReview(capturedReview(prefix));
  request.uid = `${request.uid}-${n}`;
  change?.(request);
  return riskEventsOfDecision(decide(evaluate(request, RULES), POLICY, time), time);
}

/** `count` distinct NodePort deny events, one second apart. */
export function sampleEvents(count: number, from = 0): RiskEvent[] {
  return Array.from({ length: count }, (_, i) => riskEventsFor('001', from + i, new Date(Date.UTC(2026, 10, 20, 10, 0, i % 60)))).flat();
}
