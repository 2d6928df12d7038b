// Replays audit logs through the same engine as admission: read, unwrap, validate, one stage per request, evaluate + decide, hand to the outputs.
import type { Decision } from '../engine/decide.js';
import { decide } from '../engine/decide.js';
import { evaluate } from '../engine/evaluate.js';
import type { Finding } from '../engine/finding.js';
import { withNamespaceLabels } from '../engine/namespace-labels.js';
import type { Policy } from '../engine/policy.js';
import { isActive } from '../engine/policy.js';
import type { AdmissionTrace } from '../kubernetes/admission-trace.js';
import { NO_TRACE, admissionTraceOf } from '../kubernetes/admission-trace.js';
import type { AuditEvent } from '../kubernetes/audit-event.js';
import { DecodeError } from '../request/decode-error.js';
import { auditRequestOf, operationOf, validateAuditEvent } from '../request/from-audit-event.js';
import type { JsonValue } from '../request/json-value.js';
import { isJsonObject } from '../request/json-value.js';
import type { ResourceRequest } from '../request/resource-request.js';
import type { OldObjectSource } from '../request/update-objects.js';
import type { Rule } from '../rules/rule.js';
import { RecordError, auditEventsOf, notJsonError } from './audit-record.js';
import type { Unwrapped } from './audit-record.js';
import { jsonRecordBatches } from './json-record-reader.js';
import { candidateRules } from './candidate-rules.js';
import { eventTime } from './event-time.js';
import type { NamespaceLabelMemory } from './namespace-label-memory.js';
import { ObjectMemory, rememberedResources } from './object-memory.js';
import { StageDedup } from './stage-dedup.js';

export interface ReplayInput {
  /** Shown in messages (`file:line`); `-` for stdin. */
  name: string;
  chunks: AsyncIterable<Buffer | string>;
}

export interface ReplayedRequest {
  event: AuditEvent;
  /** `file:line` of the event. */
  where: string;
  request: ResourceRequest;
  findings: Finding[];
  decision: Decision;
  /** What the live webhook left in the event (read only when there are findings). */
  admission: AdmissionTrace;
  /** For an UPDATE: where oldObject came from (remembered from earlier events, derived from the result, or unknown). */
  oldObjectSource?: OldObjectSource;
}

export interface ReplayObserver {
  request(replayed: ReplayedRequest): void | Promise<void>;
}

export interface ReplayCounts {
  /** JSON records read (lines, or array elements). */
  records: number;
  /** Audit events inside them. */
  events: number;
  /** Records or events skipped as unreadable (reported through onBadRecord). */
  skipped: number;
  /** Requests evaluated (after stage dedup, only resources the active rules watch). */
  requests: number;
  findings: number;
  /** Objects the memory of stored objects dropped to stay within maxRemembered. */
  evicted: number;
}

export interface ReplayOptions {
  rules: readonly Rule[];
  policy: Policy;
  observer: ReplayObserver;
  onBadRecord: (where: string, message: string) => void;
  /** Requests waiting for their final stage before the oldest is released (see StageDedup). */
  maxPending?: number;
  /** Stored objects remembered at most, for patches whose result the log lacks (see ObjectMemory). */
  maxRemembered?: number;
  /**
   * Labels of namespaces for namespaceLabels exemptions: fed the log's Namespace writes as they are read (and whatever
   * the caller put in first). Absent: no namespace's labels are known, so no such exemption applies.
   */
  namespaces?: NamespaceLabelMemory;
}

/** Resources (without subresource) some active request rule watches: everything else is skipped before dedup. */
function watchedResources(rules: readonly Rule[], policy: Policy): Set<string> {
  const out = new Set<string>();
  for (const rule of rules) {
    if (rule.type !== 'request' || !isActive(policy, rule.id)) continue;
    for (const resource of rule.match.resources) out.add(resource.split('/')[0]!);
  }
  return out;
}

/**
 * A well-formed event (kind, auditID, stage and verb present) for a resource no active rule watches, or a read other
 * than a `get` the object memory wants: nothing to evaluate. Anything malformed is not "irrelevant": it goes on to the
 * schema check and is reported.
 */
function irrelevant(value: JsonValue, watched: ReadonlySet<string>, memory: ObjectMemory): boolean {
  if (!isJsonObject(value) || value['kind'] !== 'Event') return false;
  if (typeof value['auditID'] !== 'string' || typeof value['stage'] !== 'string' || typeof value['verb'] !== 'string') return false;
  const ref = value['objectRef'];
  if (ref === undefined) return true;
  if (!isJsonObject(ref)) return false;
  const resource = ref['resource'];
  const subresource = ref['subresource'];
  if (resource === undefined) return true;
  if (typeof resource !== 'string' || (subresource !== undefined && typeof subresource !== 'string')) return false;
  if (!watched.has(resource)) return true;
  if (value['verb'] === 'get' && subresource === undefined) return !memory.wantsReads(typeof ref['apiGroup'] === 'string' ? ref['apiGroup'] : '', resource);
  return !operationOf(value['verb'], subresource ?? '');
}

function parse(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw notJsonError('not JSON', error);
  }
}

/**
 * Reads every input in order and calls the observer once per request admission would have seen and some rule may
 * select (requests no rule can select are only counted: they have no finding).
 */
export async function replay(inputs: readonly ReplayInput[], options: ReplayOptions): Promise<ReplayCounts> {
  const counts: ReplayCounts = { records: 0, events: 0, skipped: 0, requests: 0, findings: 0, evicted: 0 };
  const watched = watchedResources(options.rules, options.policy);
  const dedup = new StageDedup<string>(options.maxPending);
  const candidates = candidateRules(options.rules);
  const ruleIds = new Set(options.rules.map((r) => r.id));
  const memory = new ObjectMemory(rememberedResources(options.rules), options.maxRemembered);
  const judge = async (event: AuditEvent, where: string) => {
    const rules = candidates(event);
    if (!rules) return;
    counts.requests++;
    // A request no rule can select has no finding: counted, but not normalized (patch bodies, exec options) nor observed.
    if (rules.length === 0) return;
    const judged = auditRequestOf(event, memory.recall(event));
    if (!judged) return;
    const { request, oldObjectSource } = judged;
    withNamespaceLabels(request, options.namespaces?.labelsOf);
    const findings = evaluate(request, rules);
    counts.findings += findings.length;
    const admission = findings.length > 0 ? admissionTraceOf(event, ruleIds) : NO_TRACE;
    await options.observer.request({ event, where, request, findings, decision: decide(findings, options.policy, eventTime(event)), admission, ...(oldObjectSource ? { oldObjectSource } : {}) });
  };
  // Judged before the memory takes the event in: a patch is judged against the object as it stood before it.
  const handle = async (event: AuditEvent, where: string) => {
    await judge(event, where);
    memory.observe(event);
  };
  for (const input of inputs) {
    for await (const batch of jsonRecordBatches(input.chunks)) {
      for (const record of batch) {
        counts.records++;
        const where = (): string => `${input.name}:${record.line}`;
        let events: Unwrapped[];
        try {
          events = auditEventsOf(parse(record.text));
        } catch (error) {
          counts.skipped++;
          options.onBadRecord(where(), (error as Error).message);
          continue;
        }
        for (const value of events) {
          if (value instanceof RecordError) {
            counts.skipped++;
            options.onBadRecord(where(), value.message);
            continue;
          }
          counts.events++;
          options.namespaces?.observe(value);
          // Most of a log is requests no active rule watches: they are skipped before the full schema check.
          if (irrelevant(value, watched, memory)) continue;
          let event: AuditEvent;
          try {
            event = validateAuditEvent(value, '');
          } catch (error) {
            counts.skipped++;
            options.onBadRecord(where(), error instanceof DecodeError ? error.detail : (error as Error).message);
            continue;
          }
          for (const staged of dedup.push(event, where())) await handle(staged.event, staged.tag);
        }
      }
    }
  }
  for (const staged of dedup.flush()) await handle(staged.event, staged.tag);
  counts.evicted = memory.evicted;
  return counts;
}
