// The scenarios as data, each run through the real receiver in every encoding the otlphttp exporter can send.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { MetricOptionTexts } from '../../src/engine/metric-options.js';
import type { RiskEvent } from '../../src/outputs/risk-event.js';
import { decodeStatus } from '../../src/otlp/otlp-protobuf.js';
import { edgePayload, processPayload } from './collector-payload.js';
import type { Edge, Process } from './collector-payload.js';
import { bodyOf, ENCODINGS, postBody, startReceiver } from './receiver-harness.js';
import type { Encoding, Receiver } from './receiver-harness.js';

const T0 = Date.parse('2026-03-02T10:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** One step: a payload and the risk events it must add (as `edge CLUSTER SRC->DST` or `shell HOST EXE:PID`), a restart, or a malformed body. */
type Step =
  | { edges: Edge[]; events: string[] }
  | { processes: Process[]; events: string[] }
  | { restart: true }
  | { malformed: true };

interface Scenario {
  name: string;
  options?: MetricOptionTexts;
  steps: Step[];
}

const e = (source: string, dest: string, timeMs: number, cluster = 'prod-eu'): Edge => ({ cluster, source, dest, timeMs });
const p = (executable: string, pid: number, cpu: number[], memory: number[]): Process => ({
  host: 'node-7',
  cluster: 'prod-eu',
  node: 'node-7',
  pid,
  executable,
  cpu,
  memory,
  timeMs: T0,
});

const SCENARIOS: Scenario[] = [
  {
    name: 'a new edge is one finding, however many points it has',
    steps: [{ edges: [e('frontend', 'cart', T0), e('frontend', 'cart', T0 + 10_000), e('frontend', 'cart', T0 + 20_000)], events: ['edge prod-eu frontend->cart'] }],
  },
  {
    name: 'an edge already in the baseline is no finding; the same pair in another cluster is',
    steps: [
      { edges: [e('frontend', 'cart', T0)], events: ['edge prod-eu frontend->cart'] },
      { edges: [e('frontend', 'cart', T0 + HOUR)], events: [] },
      { edges: [e('frontend', 'cart', T0 + 2 * HOUR), e('frontend', 'cart', T0 + 2 * HOUR, 'prod-us')], events: ['edge prod-us frontend->cart'] },
    ],
  },
  {
    name: 'an edge last seen longer ago than the window (30 d) is a finding again',
    steps: [
      { edges: [e('frontend', 'cart', T0)], events: ['edge prod-eu frontend->cart'] },
      { edges: [e('frontend', 'cart', T0 + 29 * DAY)], events: [] },
      { edges: [e('frontend', 'cart', T0 + 59 * DAY + MINUTE)], events: ['edge prod-eu frontend->cart'] },
    ],
  },
  {
    name: 'a shorter --baseline-window forgets sooner',
    options: { warmup: '0s', baselineWindow: '7d' },
    steps: [
      { edges: [e('frontend', 'cart', T0)], events: ['edge prod-eu frontend->cart'] },
      { edges: [e('frontend', 'cart', T0 + 8 * DAY)], events: ['edge prod-eu frontend->cart'] },
    ],
  },
  {
    name: 'a restart keeps the baseline',
    steps: [
      { edges: [e('frontend', 'cart', T0)], events: ['edge prod-eu frontend->cart'] },
      { restart: true },
      { edges: [e('frontend', 'cart', T0 + HOUR), e('frontend', 'admin', T0 + HOUR)], events: ['edge prod-eu frontend->admin'] },
    ],
  },
  {
    name: 'the warm-up (default 1 h) learns silently, across a restart, then alerts',
    options: {},
    steps: [
      { edges: [e('frontend', 'cart', T0)], events: [] },
      { restart: true },
      { edges: [e('frontend', 'search', T0 + 59 * MINUTE)], events: [] },
      { edges: [e('frontend', 'cart', T0 + HOUR), e('frontend', 'search', T0 + HOUR), e('frontend', 'admin', T0 + HOUR)], events: ['edge prod-eu frontend->admin'] },
    ],
  },
  {
    name: 'shells: non-zero utilisation is one finding per host × pid; zero, and non-shells, are none',
    steps: [
      {
        processes: [p('bash', 4242, [0.03, 0], [0.002, 0.002]), p('sh', 4243, [0, 0], [0, 0]), p('python3', 4244, [0.5], [0.1]), p('sh', 4245, [0], [0.001])],
        events: ['shell node-7 bash:4242', 'shell node-7 sh:4245'],
      },
      { processes: [p('zsh', 4246, [0.2], [0.01])], events: [] },
    ],
  },
  {
    name: '--shells extended adds zsh, dash, ash and ksh',
    options: { warmup: '0s', shells: 'extended' },
    steps: [{ processes: [p('zsh', 1, [0.2], [0.01]), p('dash', 2, [0], [0.01]), p('ksh', 3, [0.1], [0])], events: ['shell node-7 zsh:1', 'shell node-7 dash:2', 'shell node-7 ksh:3'] }],
  },
  {
    name: 'a malformed body is a 400 with a message, and nothing else is lost',
    steps: [
      { edges: [e('frontend', 'cart', T0)], events: ['edge prod-eu frontend->cart'] },
      { malformed: true },
      { edges: [e('frontend', 'cart', T0 + HOUR), e('frontend', 'search', T0 + HOUR)], events: ['edge prod-eu frontend->search'] },
    ],
  },
];

function label(event: RiskEvent): string {
  const f = event.fields;
  if (event.rule_id === 'kubernetes-newly-seen-tcp-edge') return `edge ${event.risk_object} ${f['source.workload.name']}->${f['dest.workload.name']}`;
  return `shell ${event.risk_object} ${f['process.executable.name']}:${f['process.pid']}`;
}

/** Half of a well-formed body, compressed as the encoding says: truncated protobuf, or JSON cut mid-way. */
function malformedBody(encoding: Encoding): Uint8Array {
  const whole = bodyOf(edgePayload([e('frontend', 'broken', T0)]), { ...encoding, gzip: false });
  const cut = whole.subarray(0, Math.floor(whole.length / 2));
  return encoding.gzip ? gzipSync(cut) : cut;
}

async function errorMessage(res: Response, encoding: Encoding): Promise<string> {
  if (encoding.contentType === 'application/json') return ((await res.json()) as { message: string }).message;
  return decodeStatus(new Uint8Array(await res.arrayBuffer())).message;
}

let dir: string;
let receiver: Receiver | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'riskgate-otlp-scenario-'));
});
afterEach(async () => {
  await receiver?.stop();
  receiver = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe.each(ENCODINGS)('OTLP/HTTP receiver, $name', (encoding) => {
  test.each(SCENARIOS)('$name', async (scenario) => {
    const start = () => startReceiver({ dir: join(dir, 'baseline'), options: scenario.options ?? { warmup: '0s' } });
    let r = (receiver = await start());
    for (const [i, step] of scenario.steps.entries()) {
      const where = `step ${i + 1}`;
      if ('restart' in step) {
        await r.stop();
        r = receiver = await start();
        continue;
      }
      if ('malformed' in step) {
        const edgesBefore = r.store.size;
        const res = await postBody(r.url, malformedBody(encoding), encoding);
        expect([where, res.status]).toEqual([where, 400]);
        const message = await errorMessage(res, encoding);
        expect(message).toMatch(encoding.contentType === 'application/json' ? /^body: not JSON: / : /^body: not an ExportMetricsServiceRequest: /);
        expect(r.warnings).toEqual([expect.objectContaining({ code: encoding.contentType === 'application/json' ? 'OTLP_JSON' : 'OTLP_PROTOBUF' })]);
        expect(r.store.size).toBe(edgesBefore);
        continue;
      }
      const before = r.sink.events.length;
      const payload = 'edges' in step ? edgePayload(step.edges) : processPayload(step.processes);
      const res = await postBody(r.url, bodyOf(payload, encoding), encoding);
      expect([where, res.status]).toEqual([where, 200]);
      expect([where, r.sink.events.slice(before).map(label)]).toEqual([where, step.events]);
    }
    for (const event of r.sink.events) expect(event).toMatchObject({ action: 'record', risk_score: 25, risk_object_type: 'system', source: 'metrics' });
  });
});
