// Test helper: reads Splunk .conf text back into stanzas (comments, `key = value`, backslash continuation lines); rejects duplicates.
export interface ParsedStanza {
  name: string;
  keys: string[];
  values: Record<string, string>;
}

export function parseConf(text: string): ParsedStanza[] {
  const stanzas: ParsedStanza[] = [];
  const lines = text.split('\n');
  let current: ParsedStanza | undefined;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1)}\n${lines[++i]!}`;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const header = /^\[(.*)\]$/.exec(trimmed);
    if (header) {
      if (stanzas.some((s) => s.name === header[1])) throw new Error(`line ${i + 1}: duplicate stanza [${header[1]}]`);
      current = { name: header[1]!, keys: [], values: {} };
      stanzas.push(current);
      continue;
    }
    const eq = line.indexOf('=');
    if (!current || eq < 0) throw new Error(`line ${i + 1}: not a stanza header or key = value: ${line}`);
    const key = line.slice(0, eq).trim();
    if (current.keys.includes(key)) throw new Error(`line ${i + 1}: duplicate key ${key} in [${current.name}]`);
    current.keys.push(key);
    current.values[key] = line.slice(eq + 1).trim();
  }
  return stanzas;
}
