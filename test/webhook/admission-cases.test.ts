// Runs every case of test/cases/admission over real TLS: the answer (allowed, status, warnings, audit annotations) and the risk events recorded.
import { parsePolicy } from '../../src/engine/policy-file.js';
import { defaultPolicy } from '../../src/engine/policy.js';
import type { Policy } from '../../src/engine/policy.js';
import type { RiskEvent } from '../../src/outputs/risk-event.js';
import { MemorySink } from '../../src/outputs/risk-sink.js';
import { RULES } from '../../src/rules/catalog.js';
import { loadAdmissionCases } from './admission-case.js';
import type { AdmissionCase } from './admission-case.js';
import { makeTestPki, startTestServer, testLogger } from './tls-harness.js';
import type { RunningTestServer } from './tls-harness.js';

const cases = loadAdmissionCases();
const sink = new MemorySink();
let policy: Policy = defaultPolicy(RULES);
let now: Date | undefined;
/** The namespace labels of the case: what serve's Namespace watch (tested against the real API server in test/e2e) would hold. */
let namespaces: Record<string, Record<string, string>> = {};
let running: RunningTestServer;

beforeAll(async () => {
  const clock = () => now ?? new Date();
  running = await startTestServer({ rules: RULES, policy: () => policy, sinks: [sink], logger: testLogger().logger, clock, namespaceLabels: (ns) => namespaces[ns] }, makeTestPki());
});
afterAll(() => running.close());

/** `$recorded` stands for the ids of the risk events recorded for the key's rule, comma-joined in order. */
const RECORDED = '$recorded';

function expectedValue(key: string, value: string | null, recorded: readonly RiskEvent[]): unknown {
  if (value === null) return expect.any(String);
  if (value !== RECORDED) return value;
  const ruleId = key.replace(/\.event_id$/, '');
  return recorded.filter((e) => e.rule_id === ruleId).map((e) => e.event_id).join(',');
}

function expectedAnnotations(c: AdmissionCase, recorded: readonly RiskEvent[]): Record<string, unknown> | undefined {
  const wanted = c.expect.auditAnnotations;
  if (!wanted) return undefined;
  return Object.fromEntries(Object.entries(wanted).map(([k, v]) => [k, expectedValue(k, v, recorded)]));
}

test('the case folder holds cases', () => {
  expect(cases.length).toBeGreaterThanOrEqual(40);
});

describe.each([...new Set(cases.map((c) => c.file))])('%s', (file) => {
  test.each(cases.filter((c) => c.file === file).map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    policy = c.policy === undefined ? defaultPolicy(RULES) : parsePolicy(c.policy, `${c.file}:policy`, RULES);
    now = c.now === undefined ? undefined : new Date(c.now);
    namespaces = c.namespaces ?? {};
    sink.events.length = 0;
    const answer = await running.client.postJson(c.path, c.body);
    expect(answer.status).toBe(200);
    const review = answer.json() as { apiVersion: string; kind: string; response: Record<string, unknown> };
    const sent = (c.body as { apiVersion: string; request: { uid: string } });
    expect(review.kind).toBe('AdmissionReview');
    expect(review.apiVersion).toBe(c.expect.apiVersion ?? sent.apiVersion);
    const response = review.response as { uid: string; allowed: boolean; status?: { code: number; message: string }; warnings?: string[]; auditAnnotations?: Record<string, string> };
    expect(response.uid).toBe(sent.request.uid);
    expect(response.allowed).toBe(c.expect.allowed);
    expect(response.status?.code).toBe(c.expect.status);
    for (const part of c.expect.message ?? []) expect(response.status?.message).toContain(part);
    expect(response.warnings).toEqual(c.expect.warnings);
    expect(response.auditAnnotations).toEqual(expectedAnnotations(c, sink.events));
    expect(sink.events.map((e) => e.rule_id)).toEqual(c.expect.recorded ?? []);
  });
});
