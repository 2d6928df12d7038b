// Fuzzes audit-log replay: any lines and bytes, mutated real audit events, wrappers, deep nesting, pollution keys, chunk splits.
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { parsePolicy } from '../../src/engine/policy-file.js';
import { replay } from '../../src/replay/replay-run.js';
import type { ReplayCounts, ReplayedRequest } from '../../src/replay/replay-run.js';
import { RULES } from '../../src/rules/catalog.js';
import { fixturePath } from '../fixture-path.js';
import { DEPTHS, fuzzParams, HEAVY_RUNS } from './fuzz-settings.js';
import { deeplyNested, dotted, hostileJson, mutate, mutationOf, POLLUTION_PAYLOADS } from './hostile-json.js';
import { pollutedPrototypes } from './prototype-guard.js';

const DENY_ALL = parsePolicy('defaultAction: deny\n', 'deny-all.yaml', RULES);
const NAME = 'audit.log';

function jsonLines(file: string): unknown[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as unknown];
      } catch {
        return [];
      }
    });
}

const EVENTS: unknown[] = [
  ...jsonLines(fixturePath('kube-apiserver-v1.32', 'audit.log.jsonl')),
  ...readdirSync(fixturePath('audit', 'synthetic'))
    .filter((f) => f.endsWith('.jsonl') && f !== 'bad-records.jsonl' && !f.startsWith('splunk'))
    .flatMap((f) => jsonLines(fixturePath('audit', 'synthetic', f))),
  ...readdirSync(fixturePath('audit', 'falco-2018')).flatMap((f) => jsonLines(fixturePath('audit', 'falco-2018', f))),
];

interface Outcome {
  counts: ReplayCounts;
  bad: Array<{ where: string; message: string }>;
  requests: ReplayedRequest[];
}

async function* chunked(bytes: Buffer, cuts: number[]): AsyncGenerator<Buffer> {
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    if (cut <= at || cut >= bytes.length) continue;
    yield bytes.subarray(at, cut);
    at = cut;
  }
  yield bytes.subarray(at);
}

/** Replays a byte stream; every bad record must be reported at `audit.log:<line>` within the text, as one short line. */
async function replayBytes(bytes: Buffer, cuts: number[] = []): Promise<Outcome> {
  const bad: Outcome['bad'] = [];
  const requests: ReplayedRequest[] = [];
  const counts = await replay([{ name: NAME, chunks: chunked(bytes, cuts) }], {
    rules: RULES,
    policy: DENY_ALL,
    observer: { request: (r) => void requests.push(r) },
    onBadRecord: (where, message) => bad.push({ where, message }),
  });
  const lines = bytes.toString('utf8').split('\n').length;
  for (const { where, message } of bad) {
    expect(where).toMatch(new RegExp(`^${NAME.replace('.', '\\.')}:\\d+$`));
    expect(Number(where.slice(NAME.length + 1))).toBeLessThanOrEqual(lines + 1);
    expect(message.length).toBeGreaterThan(0);
    expect(message).not.toContain('\n');
  }
  expect(counts.skipped).toBe(bad.length);
  return { counts, bad, requests };
}

const text = (lines: unknown[]) => Buffer.from(lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'));

afterEach(() => expect(pollutedPrototypes()).toEqual([]));

test('any bytes, cut into chunks anywhere: replay ends and reports bad records by line', async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), fc.array(fc.nat({ max: 600 }), { maxLength: 5 }), async (bytes, cuts) => {
      await replayBytes(Buffer.from(bytes), cuts);
    }),
    fuzzParams(),
  );
});

test('a long annotation key is named whole in the error (the long form\'s counterexample, seed 1667484517)', async () => {
  const event = EVENTS.find((e) => Object.keys((e as { annotations?: object }).annotations ?? {}).some((k) => k.length > 64)) as { annotations: Record<string, unknown> };
  const key = Object.keys(event.annotations).find((k) => k.length > 64)!;
  const { bad } = await replayBytes(text([{ ...event, annotations: { ...event.annotations, [key]: null } }]));
  expect(bad.map(({ message }) => message.split(' ')[0])).toEqual([`annotations.${key}`]);
});

test('a record that spans lines and is not JSON is reported on one line (V8 quotes the text, newlines included)', async () => {
  // The long form's counterexample (seed -845304746): a string value that opens a bracket, between two records.
  const { bad } = await replayBytes(text([[], '[:', { result: '' }]));
  expect(bad.some(({ message }) => message.startsWith('not JSON (') && message.includes('\\n'))).toBe(true);
});

test('lines of hostile JSON values, also wrapped as Splunk results, _raw and EventList', async () => {
  const wrapped = hostileJson.chain((value) =>
    fc.constantFrom(value, { result: value }, { preview: false, result: { _raw: JSON.stringify(value) } }, { _raw: JSON.stringify(value) }, { kind: 'EventList', items: [value, value] }, { result: { _raw: '{not json' } }),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(wrapped, { maxLength: 6 }), async (values) => {
      await replayBytes(text(values));
    }),
    fuzzParams(),
  );
});

/**
 * Whether an error's field name names the mutated path, or a field above or below it. A name may be clipped (a key
 * longer than any Kubernetes key, a very long path): each `…` then stands for the rest of that step or of the path.
 */
function namesPath(field: string, changed: string): boolean {
  if (changed === field || changed.startsWith(`${field}.`) || field.startsWith(`${changed}.`)) return true;
  if (!field.includes('…')) return false;
  const pattern = field.split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${pattern}`, 's').test(changed);
}

test('a real event mutated at any path: replayed, or reported naming the field that is wrong', async () => {
  const eventAndMutation = fc.nat({ max: EVENTS.length - 1 }).chain((i) => fc.tuple(fc.constant(i), mutationOf(EVENTS[i])));
  await fc.assert(
    fc.asyncProperty(eventAndMutation, async ([i, mutation]) => {
      const before = JSON.stringify(EVENTS[i]);
      const { bad } = await replayBytes(text([EVENTS[i], mutate(EVENTS[i], mutation), EVENTS[i]]));
      expect(JSON.stringify(EVENTS[i])).toBe(before);
      for (const { where, message } of bad) {
        expect(where).toBe(`${NAME}:2`);
        const field = message.split(' ')[0]!;
        const changed = dotted(mutation.path);
        if (message.startsWith('is not a JSON object')) continue;
        expect(field === 'event' || namesPath(field, changed)).toBe(true);
      }
    }),
    fuzzParams(),
  );
});

test('pollution payloads inside every object of every real event change nothing', async () => {
  const plain = await replayBytes(text(EVENTS));
  for (const payload of POLLUTION_PAYLOADS) {
    const polluted = EVENTS.map((event) => {
      let out = event;
      for (const path of [[], ['user'], ['objectRef'], ['requestObject'], ['requestObject', 'metadata'], ['responseObject'], ['impersonatedUser'], ['responseStatus']]) {
        for (const [key, value] of Object.entries(payload as object)) out = mutate(out, path.length === 0 ? { kind: 'set', path: [key], value } : { kind: 'add', path, key, value });
      }
      return out;
    });
    const result = await replayBytes(text(polluted));
    expect(result.bad).toEqual([]);
    expect(result.requests.map((r) => [r.request.uid, r.decision.verdicts.map((v) => v.finding.rule.id)])).toEqual(plain.requests.map((r) => [r.request.uid, r.decision.verdicts.map((v) => v.finding.rule.id)]));
  }
});

test('invalid UTF-8 and NUL bytes inside strings of real events: replayed or reported, never thrown', async () => {
  await fc.assert(
    fc.asyncProperty(fc.nat({ max: EVENTS.length - 1 }), fc.uint8Array({ minLength: 1, maxLength: 16 }), fc.array(fc.nat({ max: 4000 }), { maxLength: 4 }), async (i, garbage, cuts) => {
      const line = Buffer.from(JSON.stringify(EVENTS[i]));
      const at = line.indexOf('"', 10) + 1;
      const bytes = Buffer.concat([line.subarray(0, at), Buffer.from(garbage), line.subarray(at), Buffer.from('\n'), line]);
      await replayBytes(bytes, cuts);
    }),
    fuzzParams(HEAVY_RUNS),
  );
});

const DEEP_FIELDS = [['requestObject'], ['requestObject', 'spec', 'template'], ['responseObject', 'spec', 'template'], ['responseObject'], ['requestObject', 'metadata', 'labels'], ['user', 'extra']];

describe.each(DEPTHS)('nesting %i levels deep', (depth) => {
  test.each(DEEP_FIELDS.map((f) => [f.join('.'), f] as const))('in %s of every real event: replayed or reported, never thrown', async (_name, path) => {
    for (const shape of ['array', 'object'] as const) {
      const lines = EVENTS.map((event) => JSON.stringify(mutate(event, { kind: 'set', path, value: '__deep__' })).replace('"__deep__"', deeplyNested(depth, shape)));
      await replayBytes(Buffer.from(lines.join('\n')));
    }
  });
});

test('a 16 MiB line and a stream without any newline are read', async () => {
  const huge = mutate(EVENTS[0], { kind: 'set', path: ['userAgent'], value: 'u'.repeat(16 * 1024 * 1024) });
  const result = await replayBytes(text([huge, EVENTS[0]]));
  expect(result.counts.records).toBe(2);
  const noNewline = await replayBytes(Buffer.from('x'.repeat(4 * 1024 * 1024)));
  expect(noNewline.bad).toHaveLength(1);
});
