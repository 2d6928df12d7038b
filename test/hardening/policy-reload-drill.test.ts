// Fault drill: the policy file switched between two policies again and again under review load; every answer and event is wholly one policy's.
import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Policy } from '../../src/engine/policy.js';
import { readEventStore } from '../../src/sinks/event-store-reader.js';
import { tempDir } from '../webhook/serve-harness.js';
import { makeTestPki } from '../webhook/tls-harness.js';
import { expectedReview, policyOf } from './expected-events.js';
import { endDrill } from './drill-cleanup.js';
import { DRILL_CLIENTS, DRILL_REVIEWS, LONG } from './fuzz-settings.js';
import { latencySummary, startLoad } from './review-load.js';
import type { LoadBody, Outcome } from './review-load.js';
import { spawnServe, writeServeFiles } from './serve-process.js';
import { VERDICT_BODIES } from './webhook-harness.js';

const SWITCHES = LONG ? 40 : 8;

/** Every rule acts differently under A and B, and under neither as the built-in "everything records" policy would. */
const POLICY_TEXT = {
  A: 'apiVersion: riskgate.io/v1\nkind: Policy\nrules:\n  kubernetes-node-port-creation: {action: deny}\n  kubernetes-daemonset-deployed: {action: warn}\n  kubernetes-shell-exec-into-pod: {action: off}\n',
  B: 'apiVersion: riskgate.io/v1\nkind: Policy\nrules:\n  kubernetes-node-port-creation: {action: warn}\n  kubernetes-daemonset-deployed: {action: deny}\n  kubernetes-shell-exec-into-pod: {action: deny}\n',
} as const;
type Name = keyof typeof POLICY_TEXT;

const BODIES: LoadBody[] = [
  { kind: 'cluster-ip-service', body: VERDICT_BODIES.allow },
  { kind: 'node-port-service', body: VERDICT_BODIES.deny },
  { kind: 'daemonset', body: VERDICT_BODIES.warn },
  { kind: 'shell-exec', body: VERDICT_BODIES.record },
];

const epoch = (performanceTime: number) => performance.timeOrigin + performanceTime;

/**
 * The policy is published the ways the kubelet and operators do: as a ConfigMap volume does (a new ..data directory
 * swapped in by a symlink rename; policy.yaml is a symlink into ..data), by an atomic rename of a plain file over it,
 * and in place (truncate and write) into that plain file.
 */
class PolicyPublisher {
  private version = 0;
  readonly file: string;
  constructor(private readonly mount: string) {
    this.file = join(mount, 'policy.yaml');
  }

  init(text: string): void {
    mkdirSync(this.mount, { recursive: true });
    this.publish(text, 0);
  }

  /** Styles in turn: configmap (policy.yaml becomes the ..data symlink again), rename (a plain file), in-place (into it). */
  publish(text: string, switchNumber: number): string {
    const style = ['configmap', 'rename', 'in-place'][switchNumber % 3]!;
    if (style === 'configmap') {
      this.swapDataDir(text);
      symlinkSync('..data/policy.yaml', `${this.file}.link`);
      renameSync(`${this.file}.link`, this.file);
    } else if (style === 'rename') {
      writeFileSync(`${this.file}.tmp`, text);
      renameSync(`${this.file}.tmp`, this.file);
    } else {
      writeFileSync(this.file, text);
    }
    return style;
  }

  private swapDataDir(text: string): void {
    const dir = `..v${++this.version}`;
    mkdirSync(join(this.mount, dir));
    writeFileSync(join(this.mount, dir, 'policy.yaml'), text);
    symlinkSync(dir, join(this.mount, '..data_tmp'));
    renameSync(join(this.mount, '..data_tmp'), join(this.mount, '..data'));
  }
}

/** Which policies give exactly this answer (both for a request no rule matches). */
function policiesAnswering(o: Outcome, policies: Record<Name, Policy>): Name[] {
  const received = JSON.parse(o.text ?? '') as unknown;
  return (Object.keys(policies) as Name[]).filter((name) => {
    const expected = expectedReview(o, BODIES, policies[name]).response;
    return JSON.stringify(received) === JSON.stringify(expected);
  });
}

describe('policy reload under load (real serve process)', () => {
  afterEach(endDrill);
  const tmp = tempDir('policy-reload-drill');
  afterAll(() => tmp.remove());

  test('switching between two policies: each answer and its risk events are wholly the old or the new policy, never a mix', async () => {
    const pki = makeTestPki();
    const publisher = new PolicyPublisher(join(tmp.dir, 'policy'));
    publisher.init(POLICY_TEXT.A);
    const files = writeServeFiles(tmp.dir, pki, '');
    const args = [...files.args];
    args[args.indexOf('--policy') + 1] = publisher.file;
    const policies = { A: policyOf(POLICY_TEXT.A, publisher.file), B: policyOf(POLICY_TEXT.B, publisher.file) };

    const serve = await spawnServe(args);
    try {
      const load = startLoad({ port: serve.port, ca: pki.ca.cert, clients: DRILL_CLIENTS, bodies: BODIES, keepAlive: true });
      const perSwitch = Math.ceil(DRILL_REVIEWS / (SWITCHES + 1));
      await load.untilAnswered(perSwitch);
      /** When each policy took effect, by serve's own clock (its "policy reloaded" lines). */
      const inForce: Array<{ since: number; name: Name }> = [{ since: 0, name: 'A' }];
      const styles = new Set<string>();
      for (let i = 0; i < SWITCHES; i++) {
        const name: Name = i % 2 === 0 ? 'B' : 'A';
        const from = serve.logs.lines.length;
        styles.add(publisher.publish(POLICY_TEXT[name], i + 1));
        const reloaded = await serve.logs.waitFor('policy reloaded', {}, from);
        inForce.push({ since: Number(reloaded['time']), name });
        await load.untilAnswered(perSwitch);
      }
      const outcomes = await load.stop();
      const exit = await serve.stop();
      expect(exit).toEqual({ code: 0, signal: null });

      expect(outcomes.filter((o) => o.status !== 200).map((o) => `${o.uid}: ${o.status ?? o.error}`)).toEqual([]);
      expect(serve.logs.lines.filter((l) => l['msg'] === 'policy file rejected, keeping the previous policy')).toEqual([]);
      const events = new Map<string, Array<{ rule: string; action: string }>>();
      for (const e of readEventStore(files.dataDir).events) {
        const uid = String(e.fields['uid']);
        events.set(uid, [...(events.get(uid) ?? []), { rule: e.rule_id, action: e.action }]);
      }
      const seen = { A: 0, B: 0 };
      for (const o of outcomes) {
        const matches = policiesAnswering(o, policies);
        // The whole AdmissionReview (allowed, status, warnings, auditAnnotations) is exactly what one of the two policies gives.
        expect({ uid: o.uid, matches: matches.length > 0 }).toEqual({ uid: o.uid, matches: true });
        if (matches.length !== 1) continue;
        const name = matches[0]!;
        seen[name]++;
        // …and it is a policy in force at some moment while the review was in flight.
        const atStart = inForce.filter((p) => p.since <= epoch(o.startedAt)).at(-1)!;
        const during = inForce.filter((p) => p.since > epoch(o.startedAt) && p.since <= epoch(o.startedAt + o.ms));
        expect([atStart, ...during].map((p) => p.name)).toContain(name);
        // Its risk events carry the same policy's actions.
        const expectedEvents = expectedReview(o, BODIES, policies[name]).eventIds.length;
        const recorded = events.get(o.uid) ?? [];
        expect(recorded.length).toBe(expectedEvents);
        for (const e of recorded) expect({ uid: o.uid, action: e.action }).toEqual({ uid: o.uid, action: policies[name].rules.get(e.rule)?.action });
      }
      expect(seen.A).toBeGreaterThan(0);
      expect(seen.B).toBeGreaterThan(0);

      const latency = latencySummary(outcomes);
      console.log(
        `policy reload drill: ${SWITCHES} switches (${[...styles].join(', ')}), ${outcomes.length} reviews answered ` +
          `(${seen.A} under A, ${seen.B} under B, the rest the same under both), 0 mixed; p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms`,
      );
    } finally {
      await serve.stop();
    }
  });
});
