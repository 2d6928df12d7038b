// Test helper: the real and synthetic audit events of test/fixtures, one parsed event per entry with the file:line it came from.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonObject } from '../../src/request/json-value.js';
import { fixturePath } from '../fixture-path.js';

export interface FixtureEvent {
  where: string;
  event: JsonObject;
}

function eventsOfFile(path: string, name: string): FixtureEvent[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((line, i) => ({ line, i }))
    .filter(({ line }) => line.trim() !== '')
    .map(({ line, i }) => ({ where: `${name}:${i + 1}`, event: JSON.parse(line) as JsonObject }));
}

/**
 * falco-2018 (real, 2018, no userAgent), the kube-apiserver v1.32 logs (real: riskgate's among them, and the patches
 * riskgate denied live), and the synthetic DaemonSet events; each file's events in the order it holds them.
 */
export function fixtureAuditEvents(): FixtureEvent[] {
  const falco = readdirSync(fixturePath('audit', 'falco-2018')).sort().flatMap((f) => eventsOfFile(fixturePath('audit', 'falco-2018', f), `falco-2018/${f}`));
  const v132 = eventsOfFile(fixturePath('kube-apiserver-v1.32', 'audit.log.jsonl'), 'v1.32/audit.log.jsonl');
  const loadBalancers = eventsOfFile(fixturePath('audit', 'load-balancers-v1.32', 'audit.log.jsonl'), 'load-balancers-v1.32/audit.log.jsonl');
  const riskgate = eventsOfFile(fixturePath('audit', 'riskgate-v1.32', 'audit.log.jsonl'), 'riskgate-v1.32/audit.log.jsonl');
  const patches = eventsOfFile(fixturePath('audit', 'patches-v1.32', 'audit.log.jsonl'), 'patches-v1.32/audit.log.jsonl');
  const synthetic = readdirSync(fixturePath('audit', 'synthetic'))
    .filter((f) => f.startsWith('daemonset-') && f.endsWith('.jsonl'))
    .sort()
    .flatMap((f) => eventsOfFile(join(fixturePath('audit', 'synthetic'), f), `synthetic/${f}`));
  return [...falco, ...v132, ...loadBalancers, ...riskgate, ...patches, ...synthetic];
}
