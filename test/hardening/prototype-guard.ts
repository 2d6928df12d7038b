// Detects prototype pollution: the built-in prototypes' own keys before any test, and a check that nothing was added since.
import { POLLUTION_MARK } from './hostile-json.js';

const PROTOTYPES: Array<[string, object]> = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
];

const before = new Map(PROTOTYPES.map(([name, proto]) => [name, Reflect.ownKeys(proto).map(String).sort()]));

/** Names of prototypes whose own keys changed, plus `{}` if a fresh object now carries the pollution mark. */
export function pollutedPrototypes(): string[] {
  const changed = PROTOTYPES.filter(([name, proto]) => Reflect.ownKeys(proto).map(String).sort().join('\n') !== before.get(name)!.join('\n')).map(([name]) => name);
  if ((({}) as Record<string, unknown>)[POLLUTION_MARK] !== undefined) changed.push('{}');
  return changed;
}
