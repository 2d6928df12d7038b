// The JavaScript → RE2 pattern translation: a table (test/cases/cel/patterns.yaml) and both engines on random strings.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { re2Pattern } from '../../src/cel/re2-pattern.js';
import { evaluateCel } from './cel-evaluation.js';

interface PatternCase {
  js: string;
  re2: string | null;
  why?: string;
}

const { patterns } = parse(readFileSync(join(process.cwd(), 'test', 'cases', 'cel', 'patterns.yaml'), 'utf8')) as { patterns: PatternCase[] };
const translated = patterns.filter((p): p is PatternCase & { re2: string } => p.re2 !== null);

/** Characters where the engines may differ: line terminators, astral characters, surrogate pairs, dashes, slashes. */
const CHARACTERS = ['a', 'b', 'x', 's', 'h', '/', '-', '_', '1', '2', ' ', 'é', '😀', '\n', '\r', '\u2028', '\t', 'A'];
const text = fc.array(fc.constantFrom(...CHARACTERS), { maxLength: 8 }).map((parts) => parts.join(''));
const WORDS = ['sh', '/bin/sh', '/usr/bin/bash', 'busybox', 'env', 'ls', 'bash\n', 'a😀b', '12-ab', 'xxx', 'ab', 'c'];

function re2Matches(re2: string, value: string): boolean | string {
  return evaluateCel('value.matches(pattern)', { value, pattern: re2 });
}

describe('re2Pattern', () => {
  test.each(patterns.map((p) => [p.js, p] as const))('%j', (_js, p) => {
    expect(re2Pattern(p.js)).toBe(p.re2);
  });

  test('every RE2 pattern of the table compiles in an RE2 engine', () => {
    for (const p of translated) expect([p.js, re2Matches(p.re2, '')]).toEqual([p.js, expect.any(Boolean)]);
  });

  test.each(translated.map((p) => [p.js, p.re2] as const))('%j finds a match in exactly the strings its RE2 does', (js, re2) => {
    const regex = new RegExp(js);
    for (const word of WORDS) expect([word, re2Matches(re2, word)]).toEqual([word, regex.test(word)]);
    fc.assert(
      fc.property(text, (value) => re2Matches(re2, value) === regex.test(value)),
      { numRuns: 300 },
    );
  });
});
