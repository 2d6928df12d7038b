// Tests as data: replay of a real audit log of patches, applies and replaces riskgate judged live (test/fixtures/audit/patches-v1.32) gives exactly the live findings, denied patches included.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sameJson } from '../../src/engine/match.js';
import { parsePolicy } from '../../src/engine/policy-file.js';
import type { AuditEvent } from '../../src/kubernetes/audit-event.js';
import { ObjectMemory, rememberedResources } from '../../src/replay/object-memory.js';
import { auditRequestOf } from '../../src/request/from-audit-event.js';
import type { JsonObject } from '../../src/request/json-value.js';
import { RULES } from '../../src/rules/catalog.js';
import { fixturePath } from '../fixture-path.js';
import { riskgate } from './cli-process.js';
import { replayLines } from './replay-helpers.js';

const DIR = fixturePath('audit', 'patches-v1.32');
const LOG = join(DIR, 'audit.log.jsonl');
const POLICY = parsePolicy(readFileSync(join(DIR, 'policy.yaml'), 'utf8'), join(DIR, 'policy.yaml'), RULES);
const EXPECTED = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Record<string, string[]>;
type Line = Record<string, unknown>;
const LIVE = readFileSync(join(DIR, 'live-risk-events.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
const EVENTS = readFileSync(LOG, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditEvent);
const identity = (e: Line) => `${String(e['rule_id'])} ${String(e['action'])} ${String(e['risk_object'])} ${String(e['event_id'])}`;

describe('replay of the recorded log with the policy riskgate ran with', () => {
  test('risk events: exactly the live ones (rule, action, user, event id), the denied patches, applies, replaces and edits included', async () => {
    const { lines, bad } = await replayLines([LOG], 'risk-events', POLICY);
    expect(bad).toEqual([]);
    expect(lines.map(identity).sort()).toEqual(LIVE.map(identity).sort());
    expect(lines.every((e) => e['admission_action'] === undefined)).toBe(true);
  });

  test('json: each create, update and patch has the rules expected.json lists, and every UPDATE was judged against the remembered object', async () => {
    const { lines } = await replayLines([LOG], 'json', POLICY);
    const judged = lines.filter((l) => (l['verdicts'] as Line[]).length > 0);
    const found = Object.fromEntries(judged.map((l) => [String(l['auditID']), (l['verdicts'] as Line[]).map((v) => String(v['rule_id'])).sort()]));
    expect(found).toEqual(Object.fromEntries(Object.entries(EXPECTED).filter(([, rules]) => rules.length > 0)));
    expect(lines.filter((l) => l['operation'] === 'UPDATE').map((l) => l['old_object'])).toEqual(lines.filter((l) => l['operation'] === 'UPDATE').map(() => 'remembered'));
  });
});

describe('without the events before it, a request is judged on itself alone', () => {
  test('a denied JSON patch has nothing to be judged on: no finding', async () => {
    const { lines } = await replayLines([LOG], 'json', POLICY);
    expect(lines.map((l) => l['where'])).toContain('audit.log.jsonl:4');
    const alone = await riskgate(['replay', '--output', 'json', '--policy', join(DIR, 'policy.yaml'), '-'], `${JSON.stringify(EVENTS[3])}\n`);
    expect(alone.stdout).toBe('');
  });

  test('a denied kubectl replace is judged as an update from nothing, and the json line says the old object was unknown', async () => {
    const alone = await riskgate(['replay', '--output', 'json', '--policy', join(DIR, 'policy.yaml'), '-'], `${JSON.stringify(EVENTS[24])}\n`);
    expect(JSON.parse(alone.stdout)).toMatchObject({ verb: 'update', old_object: 'unknown', verdicts: [{ rule_id: 'kubernetes-node-port-update' }] });
  });
});

test('--max-remembered caps the memory (least recently used out): the summary counts the objects forgotten; a patch of one is judged without it', async () => {
  // A read of lb-noports, a read of np-edge, then the denied JSON patch of lb-noports.
  const input = [EVENTS[2], EVENTS[15], EVENTS[3]].map((e) => `${JSON.stringify(e)}\n`).join('');
  const args = ['replay', '--output', 'json', '--policy', join(DIR, 'policy.yaml')];
  const two = await riskgate([...args, '--max-remembered', '2', '-'], input);
  expect(JSON.parse(two.stdout)).toMatchObject({ name: 'lb-noports', old_object: 'remembered', verdicts: [{ rule_id: 'kubernetes-load-balancer-node-ports' }] });
  expect(two.stderr).toBe('riskgate replay: 3 records, 3 audit events, 1 requests evaluated, 1 findings; 0 skipped\n');
  const one = await riskgate([...args, '--max-remembered', '1', '-'], input);
  expect(one.stdout).toBe('');
  expect(one.stderr).toBe('riskgate replay: 3 records, 3 audit events, 1 requests evaluated, 0 findings; 0 skipped; 1 stored objects forgotten past --max-remembered 1 (their later patches judged without the old object)\n');
  const bad = await riskgate(['replay', '--max-remembered', '0', LOG]);
  expect(bad.code).not.toBe(0);
  expect(bad.stderr).toContain('must be a whole number of at least 1');
});

/** Drops what every write changes (resourceVersion, generation, managedFields). */
function comparable(object: JsonObject): JsonObject {
  const { resourceVersion: _v, generation: _g, managedFields: _m, ...metadata } = object['metadata'] as JsonObject;
  return { ...object, metadata };
}

test('the object replay rebuilds for each successful patch or replace is the one the API server stored, but for two named differences', () => {
  const memory = new ObjectMemory(rememberedResources(RULES));
  const differ: number[] = [];
  let compared = 0;
  EVENTS.forEach((event, i) => {
    const code = event.responseStatus?.code ?? 0;
    const known = memory.recall(event);
    if (known && code < 300) {
      // The result as the log shows it (RequestResponse) or as the next read of the object does (carol's Request level).
      const stored = (event.level === 'RequestResponse' ? event.responseObject : EVENTS.slice(i + 1).find((e) => e.verb === 'get' && e.objectRef?.name === event.objectRef?.name)?.responseObject) as JsonObject | undefined;
      const rebuilt = auditRequestOf({ ...event, responseObject: undefined, level: 'Request' }, known)!;
      if (stored) {
        compared++;
        expect(rebuilt.oldObjectSource).toBe('remembered');
        if (!sameJson(comparable(rebuilt.request.object!), comparable(stored))) differ.push(i + 1);
      }
    }
    memory.observe(event);
  });
  expect(compared).toBeGreaterThanOrEqual(10);
  // 10: a JSON patch adds a port without `protocol`, which the API server defaults to TCP.
  // 14: `kubectl patch --type=merge` of spec.ports, which the log cannot tell from a strategic merge patch: replay merges
  // the list by port where the API server replaced it (src/request/patch-type.ts).
  expect(differ).toEqual([10, 14]);
});
