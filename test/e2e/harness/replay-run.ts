// e2e harness: `riskgate replay` of the control plane's real audit log, through the built CLI, parsed as risk events.
import { execFile } from 'node:child_process';
import { CLI } from './repo.js';
import type { LoggedRiskEvent } from './risk-event-log.js';

export interface ReplayOutput {
  code: number;
  stdout: string;
  stderr: string;
}

export function replay(args: string[]): Promise<ReplayOutput> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'replay', ...args], { maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

export function jsonLines<T>(text: string): T[] {
  return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as T);
}

export async function replayRiskEvents(auditLog: string, policyFile: string): Promise<LoggedRiskEvent[]> {
  const out = await replay(['--policy', policyFile, '--output', 'risk-events', auditLog]);
  if (out.code !== 0) throw new Error(`riskgate replay exited ${out.code}: ${out.stderr}`);
  return jsonLines<LoggedRiskEvent>(out.stdout);
}

/** Events as comparable lines: rule, action, risk object, event id. */
export function identities(events: readonly LoggedRiskEvent[]): string[] {
  return events.map((e) => `${e.rule_id} ${e.action} ${e.risk_object} ${e.event_id}`).sort();
}
