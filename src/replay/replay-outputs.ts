// The streaming outputs of replay: one JSON line per decided request (`json`), or the RBA risk events of each decision (`risk-events`).
import { riskEventsOfDecision } from '../outputs/risk-event.js';
import { DECISION_ANNOTATION, ENFORCE_WEBHOOK, OBSERVE_WEBHOOK } from '../kubernetes/webhook-names.js';
import type { ReplayObserver, ReplayedRequest } from './replay-run.js';

/** Where output lines go; resolves when the line may be followed by more (stream backpressure). */
export type LineSink = (line: string) => void | Promise<void>;

/** The time of a replayed request: when the API server received it. */
export function requestTime(replayed: ReplayedRequest): Date {
  const stamp = replayed.event.requestReceivedTimestamp ?? replayed.event.stageTimestamp;
  const time = stamp ? new Date(stamp) : new Date(0);
  return Number.isNaN(time.getTime()) ? new Date(0) : time;
}

/** What riskgate itself decided at admission time, if the event carries its audit annotations. */
function admissionDecision(replayed: ReplayedRequest): string | undefined {
  const annotations = replayed.event.annotations ?? {};
  return annotations[`${ENFORCE_WEBHOOK.name}/${DECISION_ANNOTATION}`] ?? annotations[`${OBSERVE_WEBHOOK.name}/${DECISION_ANNOTATION}`];
}

/** `json`: requests with at least one finding, with the decision the policy gives them now. */
export function jsonLines(sink: LineSink): ReplayObserver {
  return {
    request(replayed) {
      const { request, decision, event } = replayed;
      if (replayed.findings.length === 0) return;
      const verdicts = decision.verdicts.map((v) => ({ rule_id: v.finding.rule.id, action: v.action, summary: v.finding.summary }));
      const exempted = decision.exempted.map((e) => ({ rule_id: e.finding.rule.id, exemption: e.exemption }));
      const recorded = admissionDecision(replayed);
      const line = {
        where: replayed.where,
        auditID: request.uid,
        time: requestTime(replayed).toISOString(),
        stage: event.stage,
        verb: event.verb,
        operation: request.operation,
        resource: request.subResource ? `${request.resource}/${request.subResource}` : request.resource,
        namespace: request.namespace,
        name: request.name,
        user: request.user.username,
        ...(event.impersonatedUser?.username ? { authenticated_user: event.user?.username ?? '' } : {}),
        src_ip: request.sourceIPs,
        response_code: event.responseStatus?.code ?? null,
        dry_run: request.dryRun,
        allowed: decision.allowed,
        verdicts,
        exempted,
        ...(recorded ? { admission_decision: recorded } : {}),
      };
      return sink(JSON.stringify(line));
    },
  };
}

/** `risk-events`: the RBA risk events, timed at the request (none for dry-run requests, as at admission). */
export function riskEventLines(sink: LineSink): ReplayObserver {
  return {
    async request(replayed) {
      for (const event of riskEventsOfDecision(replayed.decision, requestTime(replayed))) await sink(JSON.stringify(event));
    },
  };
}
