// The streaming outputs of replay: one JSON line per decided request (`json`), or the RBA risk events of each decision (`risk-events`).
import { NOT_JUDGED } from '../kubernetes/admission-trace.js';
import { riskEventsOfDecision } from '../outputs/risk-event.js';
import { liveMarker } from './live-marker.js';
import type { ReplayObserver, ReplayedRequest } from './replay-run.js';

/** Where output lines go; resolves when the line may be followed by more (stream backpressure). */
export type LineSink = (line: string) => void | Promise<void>;

/** The time of a replayed request: when the API server received it. */
export function requestTime(replayed: ReplayedRequest): Date {
  const stamp = replayed.event.requestReceivedTimestamp ?? replayed.event.stageTimestamp;
  const time = stamp ? new Date(stamp) : new Date(0);
  return Number.isNaN(time.getTime()) ? new Date(0) : time;
}

/** `json`: requests with at least one finding, with the decision the policy gives them now. */
export function jsonLines(sink: LineSink): ReplayObserver {
  return {
    request(replayed) {
      const { request, decision, event } = replayed;
      if (replayed.findings.length === 0) return;
      const { admission } = replayed;
      const verdicts = decision.verdicts.map((v) => ({
        rule_id: v.finding.rule.id,
        action: v.action,
        summary: v.finding.summary,
        ...liveMarker(admission, v.finding.rule.id, v.action),
      }));
      const exempted = decision.exempted.map((e) => ({ rule_id: e.finding.rule.id, exemption: e.exemption, ...liveMarker(admission, e.finding.rule.id, 'exempt') }));
      const notJudged = [...verdicts, ...exempted].some((v) => v.admission_action === NOT_JUDGED);
      const recorded = admission.decision ?? (notJudged ? NOT_JUDGED : undefined);
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
        ...(replayed.oldObjectSource ? { old_object: replayed.oldObjectSource } : {}),
        allowed: decision.allowed,
        verdicts,
        exempted,
        ...(recorded ? { admission_decision: recorded } : {}),
      };
      return sink(JSON.stringify(line));
    },
  };
}

/**
 * `risk-events`: the RBA risk events, timed at the request (none for dry-run requests, as at admission), with the
 * event ids the live webhook recorded for the same rule and risk objects, and the live action where it differs.
 */
export function riskEventLines(sink: LineSink): ReplayObserver {
  return {
    async request(replayed) {
      const { admission } = replayed;
      const liveIds = (ruleId: string) => admission.rules.get(ruleId)?.eventIds;
      for (const event of riskEventsOfDecision(replayed.decision, requestTime(replayed), liveIds)) {
        await sink(JSON.stringify({ ...event, ...liveMarker(admission, event.rule_id, event.action) }));
      }
    },
  };
}
