// JSON streams: a text of objects back to back is split into its values as kubectl's decoder reads them; anything else is left to the YAML reader.
import { splitJsonStream } from '../../src/request/json-stream.js';
import { parseManifestText } from '../../src/request/manifest-documents.js';

describe('splitJsonStream', () => {
  it('splits objects back to back and one per line, strings with braces, quotes and escapes kept whole', () => {
    const a = '{"a":"}{\\"","b":[{"c":"]"}]}';
    const b = '{"d":"\\\\"}';
    expect(splitJsonStream(`${a}${b}`)).toEqual([{ text: a, offset: 0 }, { text: b, offset: a.length }]);
    expect(splitJsonStream(`\n ${a}\n${b}\n`)?.map((part) => part.offset)).toEqual([2, a.length + 3]);
  });

  it('leaves one object, YAML, a document marker between objects and an unclosed object to the YAML reader', () => {
    expect(splitJsonStream('{"a":1}\n')).toBeUndefined();
    expect(splitJsonStream('apiVersion: v1\n')).toBeUndefined();
    expect(splitJsonStream('{"a":1}\n---\n{"b":2}\n')).toBeUndefined();
    expect(splitJsonStream('{"a":1}{"b":')).toBeUndefined();
    expect(splitJsonStream('{"a":1} x {"b":2}')).toBeUndefined();
  });
});

describe('parseManifestText on a JSON stream', () => {
  it('positions each object at its own line and column', () => {
    const svc = (name: string) => `{"apiVersion":"v1","kind":"Service","metadata":{"name":"${name}"}}`;
    const parsed = parseManifestText(`${svc('a')}\n  ${svc('b')}${svc('c')}\n`);
    expect(parsed.problems).toEqual([]);
    expect(parsed.objects.map((o) => [o.line, o.column, (o.object['metadata'] as { name: string }).name])).toEqual([
      [1, 1, 'a'],
      [2, 3, 'b'],
      [2, 3 + svc('b').length, 'c'],
    ]);
  });
});
