// The streaming reader: JSON lines, arrays and pretty-printed values, whatever the chunk boundaries, with the right line numbers.
import fc from 'fast-check';
import { jsonRecordBatches } from '../../src/replay/json-record-reader.js';
import type { JsonRecord } from '../../src/replay/json-record-reader.js';

async function records(chunks: Array<string | Buffer>): Promise<JsonRecord[]> {
  async function* source() {
    for (const chunk of chunks) yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  }
  const out: JsonRecord[] = [];
  for await (const batch of jsonRecordBatches(source())) out.push(...batch);
  return out;
}

/** Cuts a text's bytes at the given fractions (chunk boundaries may fall inside multi-byte characters). */
function cut(text: string, points: number[]): Buffer[] {
  const bytes = Buffer.from(text);
  const cuts = [...new Set(points.map((p) => Math.floor(p * bytes.length)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let last = 0;
  for (const c of [...cuts, bytes.length]) {
    out.push(bytes.subarray(last, c));
    last = c;
  }
  return out;
}

const event = fc.record({ auditID: fc.uuid(), verb: fc.constantFrom('create', 'patch'), note: fc.string({ unit: 'binary' }) });

describe('jsonRecordBatches', () => {
  test('JSON lines: blank lines skipped, CRLF stripped, line numbers kept, a last line without newline', async () => {
    expect(await records(['{"a":1}\r\n\n{"b":', '2}\n  \n{"c":3}'])).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 3, text: '{"b":2}' },
      { line: 5, text: '{"c":3}' },
    ]);
  });

  test('a JSON array, pretty-printed, with strings holding brackets, quotes and newlines escaped', async () => {
    const text = '[\n  {"a": "]}{[", "b": "say \\"hi\\"\\n"},\n  {\n    "c": [1, {"d": 2}]\n  }\n]\n';
    expect(await records([text])).toEqual([
      { line: 2, text: '{"a": "]}{[", "b": "say \\"hi\\"\\n"}' },
      { line: 3, text: '{\n    "c": [1, {"d": 2}]\n  }' },
    ]);
  });

  test('pretty-printed values one after another (a lone { on the first line)', async () => {
    expect(await records(['{\n "a": 1\n}\n{\n "b": 2\n}\n'])).toEqual([
      { line: 1, text: '{\n "a": 1\n}' },
      { line: 4, text: '{\n "b": 2\n}' },
    ]);
  });

  test('junk between array elements comes out as its own record, at its line', async () => {
    expect(await records(['[{"a":1},\nnot-json,\n{"b":2}]'])).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 2, text: 'not-json' },
      { line: 3, text: '{"b":2}' },
    ]);
  });

  test('property: any chunking of JSON lines or of an array gives the same records, parseable back to the events', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 8 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }), fc.boolean(), async (events, points, asArray) => {
        const text = asArray ? `[\n${events.map((e) => JSON.stringify(e, null, 1)).join(',\n')}\n]\n` : `${events.map((e) => JSON.stringify(e)).join('\n')}\n`;
        const got = await records(cut(text, points));
        expect(got.map((r) => JSON.parse(r.text) as unknown)).toEqual(events);
        if (!asArray) expect(got.map((r) => r.line)).toEqual(events.map((_, i) => i + 1));
      }),
      { numRuns: 150 },
    );
  });
});
