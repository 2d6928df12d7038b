// The text output's last block: replayed findings the live webhook never judged (a webhook call failed) or judged otherwise.
import type { FailedWebhook } from '../kubernetes/admission-trace.js';
import { NOT_JUDGED } from '../kubernetes/admission-trace.js';
import type { Finding } from '../engine/finding.js';
import { liveMarker } from './live-marker.js';
import type { ReplayObserver, ReplayedRequest } from './replay-run.js';
import { terminalText } from '../outputs/terminal-text.js';

/** Findings listed per kind of note; the rest are only counted (a long outage must not flood the report). */
const MAX_LISTED = 20;

interface Note {
  count: number;
  lines: string[];
}

function fieldOf(finding: Finding, name: string): string {
  const value = finding.fields[name];
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

function objectOf(finding: Finding): string {
  const namespace = fieldOf(finding, 'namespace');
  return `${fieldOf(finding, 'resource')} ${namespace ? `${namespace}/` : ''}${fieldOf(finding, 'name')}`;
}

function failureText({ name, outcome }: FailedWebhook): string {
  return `webhook ${name} unreachable (${outcome === 'refused' ? 'the API server refused the request: HTTP 500' : 'the API server went on without it: failurePolicy Ignore'})`;
}

function add(note: Note, line: string): void {
  if (++note.count <= MAX_LISTED) note.lines.push(terminalText(line));
}

function plural(count: number): string {
  return `${count} finding${count === 1 ? '' : 's'}`;
}

function* noteLines(note: Note): Generator<string> {
  for (const line of note.lines) yield `  ${line}`;
  if (note.count > note.lines.length) yield `  … ${note.count - note.lines.length} more`;
}

/** Collects, per replayed finding, how it compares with what the live webhook left in the audit event. */
export class AdmissionNotes implements ReplayObserver {
  private readonly notJudged: Note = { count: 0, lines: [] };
  private readonly otherwise: Note = { count: 0, lines: [] };

  request({ where, decision, admission }: ReplayedRequest): void {
    const findings = [
      ...decision.verdicts.map((v) => ({ finding: v.finding, action: v.action as string })),
      ...decision.exempted.map((e) => ({ finding: e.finding, action: 'exempt' })),
    ];
    for (const { finding, action } of findings) {
      const marker = liveMarker(admission, finding.rule.id, action);
      if (marker.admission_action === undefined) continue;
      const head = `${where}  ${finding.rule.id}  ${objectOf(finding)}  replay: ${action}`;
      if (marker.admission_action === NOT_JUDGED && admission.failedWebhook) add(this.notJudged, `${head}  ${failureText(admission.failedWebhook)}`);
      else add(this.otherwise, `${head}  admission: ${marker.admission_action}`);
    }
  }

  /** Nothing when every finding agrees with its audit annotations or the log holds none. */
  *lines(): Generator<string> {
    if (this.notJudged.count === 0 && this.otherwise.count === 0) return;
    yield '';
    yield '== riskgate at admission (read from its audit annotations)';
    if (this.notJudged.count > 0) {
      yield `${plural(this.notJudged.count)} never judged by riskgate (${NOT_JUDGED}): the API server failed calling a webhook, so riskgate neither denied nor recorded them; these are not riskgate denials`;
      yield* noteLines(this.notJudged);
    }
    if (this.otherwise.count > 0) {
      yield `${plural(this.otherwise.count)} judged otherwise at admission (the policy or the rules changed since):`;
      yield* noteLines(this.otherwise);
    }
  }
}
