// Splits a JSON stream (objects back to back, as `jq -c` and `kubectl get -o json` pipelines write) into its values' texts, as kubectl's decoder reads a text that opens with `{`.

/** One top-level value of the stream: its text and where it begins in the whole text (0-based offset). */
export interface JsonStreamPart {
  text: string;
  offset: number;
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

/** The offset just past the value opening at `start` (a `{`), or -1 when the text ends first. Strings are skipped whole. */
function valueEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    } else if (c === '{' || c === '[') {
      depth++;
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/**
 * The values of `text` when it holds two or more JSON objects separated by whitespace only; otherwise undefined (one
 * object, YAML, or a text whose values do not close: the YAML reader then reports what is wrong where it is).
 */
export function splitJsonStream(text: string): JsonStreamPart[] | undefined {
  const parts: JsonStreamPart[] = [];
  let i = 0;
  while (i < text.length) {
    if (WHITESPACE.has(text[i]!) || (i === 0 && text[i] === '\uFEFF')) {
      i++;
      continue;
    }
    if (text[i] !== '{') return undefined;
    const end = valueEnd(text, i);
    if (end < 0) return undefined;
    parts.push({ text: text.slice(i, end), offset: i });
    i = end;
  }
  return parts.length >= 2 ? parts : undefined;
}
