// Splunk .conf text: stanzas of `key = value`, multi-line values continued with a trailing backslash, JSON values as contentctl writes them.
export interface ConfStanza {
  name: string;
  entries: Array<[string, string]>;
}

/** contentctl's escapeNewlines: trim, then every line break becomes ` \` + newline (a .conf continuation line). */
function confValue(value: string): string {
  return value.trim().replace(/\r?\n/g, ' \\\n');
}

export function renderConf(stanzas: readonly ConfStanza[], header: readonly string[] = []): string {
  const blocks = stanzas.map((s) => [`[${s.name}]`, ...s.entries.map(([k, v]) => `${k} = ${confValue(v)}`)].join('\n'));
  return [...header.map((h) => `# ${h}`), ...(header.length > 0 ? [''] : []), blocks.join('\n\n'), ''].join('\n');
}

export type JsonLike = string | number | boolean | null | JsonLike[] | { [key: string]: JsonLike };

/**
 * JSON as Jinja's `tojson` writes it in contentctl's templates (Python json.dumps): keys sorted, `", "` and `": "`
 * separators, and `<`, `>`, `&`, `'` escaped as \u003c… so the value is safe in any context.
 */
export function confJson(value: JsonLike): string {
  if (value === null || typeof value !== 'object') {
    return JSON.stringify(value).replace(/[<>&']/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  }
  if (Array.isArray(value)) return `[${value.map(confJson).join(', ')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${confJson(k)}: ${confJson(value[k]!)}`).join(', ')}}`;
}
