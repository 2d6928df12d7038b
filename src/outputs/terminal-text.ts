// Text for an analyst's terminal: characters that would move the cursor, recolour, reorder or forge a line are shown as escapes.
/**
 * C0 controls (line breaks and tabs included), DEL, C1 controls, the line and paragraph separators, and the bidi
 * embedding, override and isolate marks (which can make `exe.txt` read as `txt.exe`).
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escaped(char: string): string {
  const named = NAMED[char];
  if (named !== undefined) return named;
  const code = char.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * A value from a request, a manifest or a metric (a name, a user agent, an exec command) made safe to print on a
 * terminal in one line: `\x1b[2J` instead of a cleared screen, `\n` instead of a forged second line. JSON, JUnit and
 * SARIF outputs keep the real value (their formats escape it).
 */
export function terminalText(value: string): string {
  return value.replace(UNSAFE, escaped);
}
