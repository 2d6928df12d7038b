// Generators of hostile YAML texts: arbitrary bytes, structured documents with wrong keys and types, alias bombs, deep nesting.
import fc from 'fast-check';
import { stringify } from 'yaml';
import { deeplyNested, hostileJson, POLLUTION_KEYS } from './hostile-json.js';

/** Any text: printable, full Unicode, control characters, and YAML's own punctuation in bulk. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.array(fc.constantFrom('-', ':', ' ', '\n', '\t', '{', '}', '[', ']', '&a', '*a', '!', '|', '>', '#', '---', '...', '"', "'", '%YAML 1.1', '<<', '?', 'key', 'rules', 'exemptions', 'action', 'deny'), { maxLength: 80 }).map((parts) => parts.join('')),
);

/** A YAML text written from a JSON value in one of the styles people use (block, flow, JSON). */
export function yamlOf(value: unknown, style: 'block' | 'flow' | 'json'): string {
  if (style === 'json') return JSON.stringify(value, null, 2) ?? 'null';
  return stringify(value, { collectionStyle: style === 'flow' ? 'flow' : 'block', lineWidth: 0 });
}

export const yamlStyle = fc.constantFrom('block' as const, 'flow' as const, 'json' as const);

/** A document whose values are hostile JSON, under keys of `known` and pollution keys, `depth` levels of known keys deep. */
export function structured(known: readonly string[]): fc.Arbitrary<unknown> {
  const key = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: fc.constantFrom(...POLLUTION_KEYS) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) });
  return fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, hostileJson, tie('map'), fc.array(tie('node'), { maxLength: 3 })),
    map: fc.array(fc.tuple(key, tie('node')), { maxLength: 5 }).map((entries) => JSON.parse(`{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`) as unknown),
  })).map;
}

/** `a: &a [x, x, …]` then each level referencing the previous one nine times: 10^levels nodes once expanded. */
export function billionLaughs(levels: number): string {
  const lines = ['l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i <= levels; i++) lines.push(`l${i}: &l${i} [${Array.from({ length: 10 }, () => `*l${i - 1}`).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}

/** Flow collections nested `depth` deep, as YAML (JSON is YAML). */
export function deepYaml(depth: number, shape: 'array' | 'object'): string {
  return deeplyNested(depth, shape);
}

/** Block mappings nested `depth` deep by indentation. */
export function deepBlockYaml(depth: number): string {
  return Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}k:`).join('\n') + ' 1\n';
}
