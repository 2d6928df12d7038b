// Exemption `*` patterns: the same answers as the anchored regular expression they replace, in linear time on hostile input (issue 17, finding 10).
import { jest } from '@jest/globals';
import { globMatches } from '../../src/engine/glob-pattern.js';
import { matchesPattern } from '../../src/engine/exemption.js';

const CASES: Array<[value: string, pattern: string, matches: boolean]> = [
  ['alice@example.com', 'alice@example.com', true],
  ['alice@example.com', 'Alice@example.com', false],
  ['alice@dev.example.com', '*@*.example.com', true],
  ['alice@example.com', '*@*.example.com', false],
  ['team-a', 'team-*', true],
  ['team-', 'team-*', true],
  ['team', 'team-*', false],
  ['a', 'a*a', false],
  ['aa', 'a*a', true],
  ['aXbXc', '*b*c', true],
  ['abcabd', '*abd', true],
  ['abcab', '*ab*ab', true],
  ['xyz', '*', true],
  ['', '*', true],
  ['', '**', true],
  ['a.b', 'a?b', false],
  ['a+b', 'a+b', true],
  ['(x)', '(*)', true],
];

test.each(CASES)('%j against %j: %s', (value, pattern, expected) => {
  expect(globMatches(value, pattern)).toBe(expected);
  expect(matchesPattern(value, pattern)).toBe(expected);
});

/** The regular expression riskgate used before: each `*` as `.*`, anchored. */
function asRegex(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
}

test('agrees with the anchored regular expression on every short value and pattern over {a, b, *}', () => {
  const words = (alphabet: string, max: number): string[] => {
    let all = [''];
    let layer = [''];
    for (let n = 0; n < max; n++) {
      layer = layer.flatMap((w) => [...alphabet].map((c) => w + c));
      all = all.concat(layer);
    }
    return all;
  };
  const values = words('ab', 5);
  const patterns = words('ab*', 4);
  for (const pattern of patterns) for (const value of values) expect([value, pattern, globMatches(value, pattern)]).toEqual([value, pattern, asRegex(pattern).test(value)]);
});

test('hostile 100 KB values: each piece between stars is searched for once, never retried', () => {
  const ats = '@'.repeat(50_000);
  const indexOf = jest.spyOn(String.prototype, 'indexOf');
  try {
    // Refused on its suffix without a search (the regular expression this replaced backtracked here for seconds).
    expect(matchesPattern(`${ats}${'a'.repeat(50_000)}`, '*@*.example.com')).toBe(false);
    // One search for the one middle piece.
    expect(matchesPattern(`${ats}@x.example.com`, '*@*.example.com')).toBe(true);
    // Two middle pieces: '@' found at once, 'x' searched once and missing; no retry from each later '@'.
    expect(matchesPattern(`${ats}.example.com`, '*@*x*.example.com')).toBe(false);
    const searches = indexOf.mock.calls.filter(([piece]) => piece === '@' || piece === 'x');
    expect(searches).toEqual([['@', 0], ['@', 0], ['x', 1]]);
  } finally {
    indexOf.mockRestore();
  }
});
