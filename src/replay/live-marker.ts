// Replay's verdict next to the live webhook's: the fields to add when they differ, or when the webhook never judged the request.
import type { AdmissionTrace } from '../kubernetes/admission-trace.js';
import { NOT_JUDGED, liveActionOf } from '../kubernetes/admission-trace.js';

/** Added to a replayed verdict, exempted finding or risk event; empty when the live webhook agreed or left no trace. */
export interface LiveMarker {
  /** The live action (deny, warn, record), `exempt`, or `not-judged`. */
  admission_action?: string;
  /** With `not-judged`: the webhook the API server failed to call. */
  unreachable_webhook?: string;
  /** With `exempt`: the exemption the webhook named (with its block's reason and end), e.g. a block that has ended since. */
  admission_exemption?: string;
  /** The digest of the policy the live webhook judged under, when its audit annotations name it. */
  admission_policy_digest?: string;
}

/** `replayAction` is the policy's action now, or `exempt` for an exempted finding. */
export function liveMarker(admission: AdmissionTrace, ruleId: string, replayAction: string): LiveMarker {
  const digest: LiveMarker = admission.policyDigest !== undefined && admission.rules.has(ruleId) ? { admission_policy_digest: admission.policyDigest } : {};
  const live = liveActionOf(admission, ruleId);
  if (live === undefined || live === replayAction) return digest;
  if (live === NOT_JUDGED && admission.failedWebhook) return { admission_action: live, unreachable_webhook: admission.failedWebhook.name };
  const exemption = live === 'exempt' ? admission.rules.get(ruleId)?.exempted : undefined;
  return exemption !== undefined ? { admission_action: live, admission_exemption: exemption, ...digest } : { admission_action: live, ...digest };
}
