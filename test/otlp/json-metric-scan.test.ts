// The OTLP/JSON scanner against JSON.parse: the same bodies accepted, the same values counted, the same points and failures as parsing whole.
import fc from 'fast-check';
import { BudgetCounter, BudgetError, countJsonShape, DEFAULT_DECODE_LIMITS } from '../../src/otlp/decode-budget.js';
import type { DecodeLimits } from '../../src/otlp/decode-budget.js';
import { OtlpJsonScanner, scanOtlpJson } from '../../src/otlp/json-metric-scan.js';
import type { JsonLayout } from '../../src/otlp/json-metric-scan.js';
import { parseOtlpJson, pointsWithinBudget } from '../../src/otlp/otlp-app.js';
import { metricPoints } from '../../src/signals/metric-points.js';
import { edgePayload } from './collector-payload.js';

const WANTED = new Set(['tcp.packets', 'process.cpu.utilization', 'process.memory.utilization']);
const RECEIVED = Date.parse('2026-03-02T12:00:00Z');
const counter = (limits: Partial<DecodeLimits> = {}) => new BudgetCounter({ ...DEFAULT_DECODE_LIMITS, ...limits });

/** Scans `bytes` fed in pieces cut at `cuts` (positions, any order, any repeats). */
function scanInPieces(bytes: Uint8Array, cuts: number[], c = counter()): JsonLayout {
  const scanner = new OtlpJsonScanner(c);
  let from = 0;
  for (const cut of cuts.map((n) => n % (bytes.length + 1)).sort((a, b) => a - b)) {
    scanner.feed(bytes.subarray(from, Math.max(from, cut)));
    from = Math.max(from, cut);
  }
  scanner.feed(bytes.subarray(from));
  return scanner.finish();
}

function values(text: string): number {
  const c = counter();
  scanOtlpJson(Buffer.from(text), c);
  return c.totals.values;
}

/** What JSON.parse builds from a value: each object, array, key, string, number and literal. */
function built(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + built(v), 1);
  if (typeof value === 'object' && value !== null) return Object.values(value).reduce((n: number, v) => n + 1 + built(v), 1);
  return 1;
}

const parses = (bytes: Buffer) => {
  try {
    JSON.parse(bytes.toString('utf8'));
    return true;
  } catch {
    return false;
  }
};

describe('the scanner accepts exactly what JSON.parse accepts', () => {
  test.each([
    ['{}', true],
    [' [1, -0, 0.5e-3, 1E+2, "a\\u00e9\\n", true, false, null] ', true],
    ['"\u00e9\u{1f600}"', true],
    ['01', false],
    ['[1.]', false],
    ['[.5]', false],
    ['[-]', false],
    ['[1e]', false],
    ['{"a" 1}', false],
    ['{"a":1,}', false],
    ['[1,]', false],
    ['[1 2]', false],
    ['"\\x"', false],
    ['"\\u12G4"', false],
    ['"tab\there"', false],
    ['tru', false],
    ['nulls', false],
    ['[}', false],
    ['{]', false],
    ['', false],
    ['\ufeff{}', false],
    ['{} {}', false],
    ['\u00a0{}', false],
  ])('%j → %s', (text, valid) => {
    expect(parses(Buffer.from(text))).toBe(valid);
    expect(scanOtlpJson(Buffer.from(text), counter()).kind !== 'invalid').toBe(valid);
  });

  // Mutations of valid JSON (insert, delete, replace a byte from the ones JSON's grammar turns on) land on both sides
  // of the line; any byte, including lone continuation bytes and bytes after a backslash, is in the alphabet.
  const alphabet = fc.constantFrom(...'{}[]",:\\/-+.eE0123456789tfnrualsbu x\t\n\r\u0000\u001f\u007f'.split('').map((c) => c.charCodeAt(0)), 0x80, 0xc3, 0xa9, 0xef, 0xbb, 0xbf, 0xff);
  const mutated = fc.tuple(fc.json(), fc.array(fc.tuple(fc.nat(), fc.nat(2), alphabet), { maxLength: 4 })).map(([text, edits]) => {
    const bytes = [...Buffer.from(text)];
    for (const [at, op, byte] of edits) {
      const i = at % (bytes.length + 1);
      if (op === 0) bytes.splice(i, 0, byte);
      else if (op === 1) bytes.splice(i, 1);
      else bytes[Math.min(i, bytes.length - 1)] = byte;
    }
    return Buffer.from(bytes);
  });

  test('mutated JSON, whole or in pieces: invalid exactly when JSON.parse throws', () => {
    fc.assert(
      fc.property(mutated, fc.array(fc.nat(), { maxLength: 5 }), (bytes, cuts) => {
        const valid = parses(bytes);
        expect(scanOtlpJson(bytes, counter()).kind !== 'invalid').toBe(valid);
        expect(scanInPieces(bytes, cuts).kind !== 'invalid').toBe(valid);
        // Refused by JSON.parse of the text up to the byte the scan stopped at: the scan stops no earlier than JSON.parse.
        if (!valid) expect(() => pointsWithinBudget(bytes, 'json', counter(), WANTED, RECEIVED)).toThrow(/^body: not JSON: /);
      }),
      { numRuns: 20_000 },
    );
  });

  test('arbitrary bytes and short strings of JSON punctuation: invalid exactly when JSON.parse throws', () => {
    const punctuation = fc.array(alphabet, { maxLength: 12 }).map((b) => Buffer.from(b));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 24 }).map((b) => Buffer.from(b)), punctuation), (bytes) => {
        expect(scanOtlpJson(bytes, counter()).kind !== 'invalid').toBe(parses(bytes));
      }),
      { numRuns: 20_000 },
    );
  });

  test('a deep nesting is scanned without recursion (JSON.parse takes it too)', () => {
    const deep = Buffer.from(`${'['.repeat(200_000)}${']'.repeat(200_000)}`);
    expect(parses(deep)).toBe(true);
    expect(scanOtlpJson(deep, counter()).kind).toBe('irregular');
  });
});

describe('values are counted as JSON.parse would build them, chunk by chunk', () => {
  test.each([
    ['{}', 1],
    ['{"a":1}', 3],
    ['{"a":[1,"x",{"b":null}],"c":true}', 10],
    ['{"s":"a \\" {[ quoted, brace"}', 3],
    ['[ 1 , 2 , -3.5e2 ]', 4],
  ])('%s → %i values', (text, n) => {
    expect(values(text)).toBe(n);
  });

  test('any JSON: the values JSON.parse builds, whole or cut anywhere (inside strings, escapes, numbers, literals)', () => {
    fc.assert(
      fc.property(fc.json(), fc.array(fc.nat(), { maxLength: 6 }), (text, cuts) => {
        const c = counter();
        scanInPieces(Buffer.from(text), cuts, c);
        expect(c.totals.values).toBe(built(JSON.parse(text)));
      }),
      { numRuns: 2000 },
    );
  });

  test('no JSON text of n bytes holds more than (n + 1) / 2 values', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(values(text)).toBeLessThanOrEqual((Buffer.byteLength(text) + 1) / 2);
      }),
      { numRuns: 1000 },
    );
    expect(values('[0,0,0,0]')).toBe(5);
  });

  test('the 20 KB gzip of 7 M empty resourceMetrics is refused in its first 2 MB, long before its 21 MB inflate', () => {
    const bytes = Buffer.from(`{"resourceMetrics":[${'{},'.repeat(6_999_999)}{}]}`);
    const scanner = new OtlpJsonScanner(counter());
    let fed = 0;
    expect(() => {
      for (; fed < bytes.length; fed += 64 * 1024) scanner.feed(bytes.subarray(fed, fed + 64 * 1024));
    }).toThrow(BudgetError);
    expect(fed).toBeLessThan(2 * 1024 * 1024);
  });
});

/** Parsing the whole body, as the receiver did before the scanner: points, or the failure's class and message, and the counts. */
function wholeParse(body: Buffer, limits: Partial<DecodeLimits>) {
  const c = counter(limits);
  try {
    const request = parseOtlpJson(body);
    countJsonShape(request, c);
    return { points: metricPoints(request, WANTED, RECEIVED), resources: c.totals.resources, counted: c.totals.points };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

function scanned(body: Buffer, limits: Partial<DecodeLimits>, cuts: number[]) {
  const c = counter(limits);
  try {
    const layout = scanInPieces(body, cuts, c);
    return { points: pointsWithinBudget(body, 'json', c, WANTED, RECEIVED, layout), resources: c.totals.resources, counted: c.totals.points };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

/** JSON.parse's message quotes the text around the fault; a body refused by the scan is parsed only up to the fault. */
function withoutSnippet<T extends { error?: string }>(result: T): T {
  return result.error ? { ...result, error: result.error.replace(/, (\.\.\.)?".*"(\.\.\.)? is not valid JSON$/s, ' (text) is not valid JSON') } : result;
}

const names = fc.constantFrom('tcp.packets', 'tcp.bytes', 'process.cpu.utilization', 'process.memory.utilization', 'process.cpu.time', 'caf\u00e9');
const anyValue = fc.oneof(
  fc.record({ stringValue: fc.constantFrom('prod', 'shop', 'db', '\u00e9t\u00e9', 'a"b') }),
  fc.record({ intValue: fc.oneof(fc.constantFrom('42', '-7', '9007199254740993', 'x'), fc.integer()) }),
  fc.record({ doubleValue: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant('NaN')) }),
  fc.record({ boolValue: fc.oneof(fc.boolean(), fc.constant('yes')) }),
  fc.record({ arrayValue: fc.record({ values: fc.array(fc.record({ stringValue: fc.constant('v') }), { maxLength: 2 }) }) }),
);
const attributes = fc.array(fc.record({ key: fc.constantFrom('k8s.cluster.name', 'source.workload.name', 'dest.workload.name', 'process.executable.name', 'state'), value: anyValue }), { maxLength: 4 });
const dataPoint = fc.record(
  {
    attributes,
    timeUnixNano: fc.oneof(fc.constantFrom('1772452800000000000', '0', '-1'), fc.nat()),
    asInt: fc.oneof(fc.constantFrom('42', '1e3'), fc.integer()),
    asDouble: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant('Infinity')),
    flags: fc.nat(3),
  },
  { requiredKeys: [] },
);
const points = fc.record({ dataPoints: fc.array(dataPoint, { maxLength: 3 }) }, { requiredKeys: [] });
const metric = fc.record(
  { name: names, unit: fc.constant('1'), gauge: points, sum: points, histogram: points, summary: points },
  { requiredKeys: ['name'] },
);
const request = fc.record(
  {
    resourceMetrics: fc.array(
      fc.record(
        {
          resource: fc.record({ attributes }, { requiredKeys: [] }),
          scopeMetrics: fc.array(fc.record({ scope: fc.record({ name: fc.constant('s') }), metrics: fc.array(metric, { maxLength: 4 }) }, { requiredKeys: [] }), { maxLength: 3 }),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 3 },
    ),
  },
  { requiredKeys: [] },
);

/**
 * Text edits a sender could make that change what the shape means: a key given twice (JSON.parse keeps the last), a
 * key spelt with an escape, a field that is null or of another type, a metric that is not an object, a name escaped.
 */
const EDITS: ReadonlyArray<(text: string) => string> = [
  (t) => t.replace('"name":"tcp.bytes"', '"name":"tcp.bytes","name":"tcp.packets"'),
  (t) => t.replace('"name":"tcp.packets"', '"name":"tcp.packets","name":"tcp.bytes"'),
  (t) => t.replace('"name":"tcp.bytes"', '"na\\u006de":"tcp.packets","name":"tcp.bytes"'),
  (t) => t.replace('"name":"tcp.bytes"', '"name":"tcp.\\u0070ackets"'),
  (t) => t.replace('"metrics":[', '"metrics":[7,'),
  (t) => t.replace('"metrics":[', '"metrics":null,"x":['),
  (t) => t.replace('"resource":{', '"resource":null,"r":{'),
  (t) => t.replace('"scopeMetrics":[', '"scopeMetrics":{},"s":['),
  (t) => t.replace('"resourceMetrics":[', '"resourceMetrics":[[],'),
  (t) => t.replace('"resourceMetrics":[', '"resourceMetrics":[],"resourceMetrics":['),
  (t) => t.replace('"sum":{', '"sum":[],"gauge":{'),
  (t) => t.replace('"dataPoints":[', '"dataPoints":[1],"dataPoints":['),
  (t) => t.replace('"dataPoints":[', '"dataPoints":"no","d":['),
  (t) => t.replace('"name":"', '"name":1,"n":"'),
  (t) => t.replace(/"name":"[^"]*",?/, ''),
  (t) => `[${t}]`,
  (t) => t.replace('{"name"', '{"__proto__":{"name":"tcp.packets"},"name"'),
  (t) => t.replace('"gauge":{', '"gau\\u0067e":{'),
  (t) => t,
];

describe('spans of the wanted metrics read what the whole body reads', () => {
  test('collector-shaped requests, edited or not, with tight limits or none: the same points, failures and counts as parsing whole', () => {
    const limits = fc.oneof(fc.constant({}), fc.record({ points: fc.nat(12), resources: fc.nat(3) }));
    fc.assert(
      fc.property(request, fc.nat(EDITS.length - 1), limits, fc.array(fc.nat(), { maxLength: 4 }), (payload, edit, budget, cuts) => {
        const body = Buffer.from(EDITS[edit]!(JSON.stringify(payload)));
        expect(withoutSnippet(scanned(body, budget, cuts))).toEqual(withoutSnippet(wholeParse(body, budget)));
        // Unedited, the spans are read (the comparison above is not only the whole parse against itself).
        if (edit === EDITS.length - 1) expect(scanOtlpJson(body, counter()).kind).toBe('spans');
      }),
      { numRuns: 5000 },
    );
  });

  test('a collector batch: only the wanted metrics and their resources are parsed, every point is counted', () => {
    const payload = edgePayload(Array.from({ length: 50 }, (_, i) => ({ cluster: i % 2 ? 'prod' : 'dev', source: `s${i}`, dest: 'db', timeMs: 1 })));
    const body = Buffer.from(JSON.stringify(payload));
    const layout = scanOtlpJson(body, counter());
    expect(layout.kind).toBe('spans');
    if (layout.kind !== 'spans') return;
    expect(layout.metrics.map((s) => [s.resource, s.scope, s.index, body.toString('utf8', s.nameStart, s.nameEnd)])).toEqual([
      [0, 0, 0, '"tcp.packets"'],
      [0, 0, 1, '"tcp.bytes"'],
      [1, 0, 0, '"tcp.packets"'],
      [1, 0, 1, '"tcp.bytes"'],
    ]);
    expect(JSON.parse(body.toString('utf8', layout.resourceStart[1], layout.resourceEnd[1]))).toEqual(payload.resourceMetrics![1]!.resource);
    expect(scanned(body, {}, [])).toEqual(wholeParse(body, {}));
    expect(wholeParse(body, {})).toMatchObject({ resources: 2, counted: 52 });
  });

  test('a key cut between chunks at every position is still recognised', () => {
    const body = Buffer.from(JSON.stringify(edgePayload([{ cluster: 'prod', source: 'a', dest: 'b', timeMs: 1 }])));
    const whole = scanOtlpJson(body, counter());
    for (let cut = 0; cut <= body.length; cut++) {
      for (const second of [cut + 1, cut + 7]) expect(scanInPieces(body, [cut, second])).toEqual(whole);
    }
  });

  test('a body that is not JSON fails with JSON.parse\'s message on the text up to the byte at fault, naming the body', () => {
    const body = Buffer.from('{"resourceMetrics":[{"scopeMetrics":[}]}');
    expect(wholeParse(body, {})).toEqual({ error: 'DecodeError: body: not JSON: Unexpected token \'}\', ..."Metrics":[}]}" is not valid JSON' });
    expect(scanned(body, {}, [])).toEqual({ error: 'DecodeError: body: not JSON: Unexpected token \'}\', ..."Metrics":[}" is not valid JSON' });
    // A value after the fault is never built: the parse stops where the scan stopped counting.
    const tail = Buffer.from(`[0,x${',0'.repeat(1000)}]`);
    const c = counter({ values: 3 });
    expect(scanned(tail, { values: 3 }, [])).toEqual({ error: 'DecodeError: body: not JSON: Unexpected token \'x\', "[0,x" is not valid JSON' });
    scanOtlpJson(tail, c);
    expect(c.totals.values).toBe(2);
    // The character at fault is named whole, not a piece of its UTF-8 bytes.
    expect(scanned(Buffer.from('[\u00e9]'), {}, [])).toEqual({ error: 'DecodeError: body: not JSON: Unexpected token \'\u00e9\', "[\u00e9" is not valid JSON' });
  });
});
