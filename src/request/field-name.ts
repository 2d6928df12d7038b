// Names a field of a decoded body in error messages (`request.userInfo.extra.<key>`), short whatever the input's keys.
import type { JsonPath } from './json-depth.js';

/**
 * A key longer than this is cut: an error names the field, it does not echo a megabyte key. 317 is the longest
 * Kubernetes label or annotation key (a 253-character DNS prefix, `/`, a 63-character name), so no valid key is cut.
 */
const MAX_STEP_LENGTH = 317;
/**
 * A path longer than this (a key nested hundreds of levels deep) keeps its first steps and ends in `…`; it keeps an
 * error message, name included, under 400 characters.
 */
const MAX_NAME_LENGTH = 320;

/** `text` cut to at most `max` characters, the cut marked with `…`. */
export function clipText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The dotted name of a path (`request.object.spec.ports.0.nodePort`), bounded in length. */
export function fieldName(path: JsonPath): string {
  let name = '';
  for (const step of path) {
    const part = clipText(String(step), MAX_STEP_LENGTH);
    const next = name === '' ? part : `${name}.${part}`;
    if (name !== '' && next.length > MAX_NAME_LENGTH) return `${name}.…`;
    name = next;
  }
  return name;
}

/** The path of an Ajv error's instancePath (a JSON pointer: `/request/userInfo/extra/a~1b` → request, userInfo, extra, a/b). */
export function pointerPath(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}
