// Test support: the repository's Markdown pages (README.md and docs/), their fenced blocks, console commands and links.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO } from '../check/cli-run.js';

export interface Page {
  /** Path from the repository root, e.g. `docs/cli/check.md`. */
  path: string;
  text: string;
}

export interface FencedBlock {
  page: string;
  /** 1-based line of the opening fence. */
  line: number;
  info: string;
  body: string;
  /**
   * A command the reader has running in another terminal while they type this block, from a
   * `<!-- console-background: COMMAND -->` line just before the fence (e.g. `npm start`).
   */
  background?: string;
}

/** One `$ ` command of a console block (continuation lines ending in `\` joined as bash reads them) and what it prints. */
export interface ConsoleCommand {
  command: string;
  expected: string[];
}

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

/** README.md and every page under docs/. */
export function pages(): Page[] {
  return [join(REPO, 'README.md'), ...markdownFiles(join(REPO, 'docs'))].map((file) => ({ path: relative(REPO, file), text: readFileSync(file, 'utf8') }));
}

export function page(path: string): string {
  return readFileSync(join(REPO, path), 'utf8');
}

/** The fenced blocks of a page (``` fences, any indentation), with their info string. */
export function fencedBlocks(p: Page): FencedBlock[] {
  const out: FencedBlock[] = [];
  const lines = p.text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^( *)```(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && lines[j] !== `${indent}\`\`\``) body.push(lines[j++]!.slice(indent.length));
    const before = /^<!-- console-background: (.*) -->$/.exec(lines[i - 1] ?? '');
    out.push({ page: p.path, line: i + 1, info: open[2]!.trim(), body: body.join('\n'), ...(before ? { background: before[1]! } : {}) });
    i = j;
  }
  return out;
}

/** The commands of a console block: each `$ ` line, its `\` continuations, and the output lines up to the next `$ `. */
export function consoleCommands(block: FencedBlock): ConsoleCommand[] {
  const out: ConsoleCommand[] = [];
  const lines = block.body.split('\n');
  for (let i = 0; i < lines.length; ) {
    const line = lines[i]!;
    if (!line.startsWith('$ ')) throw new Error(`${block.page}:${block.line + 1 + i}: a console block must start with a "$ " command, found ${JSON.stringify(line)}`);
    const parts = [line.slice(2)];
    i++;
    while (parts[parts.length - 1]!.endsWith('\\') && i < lines.length) parts.push(lines[i++]!);
    const expected: string[] = [];
    while (i < lines.length && !lines[i]!.startsWith('$ ')) expected.push(lines[i++]!);
    while (expected.length > 0 && expected[expected.length - 1]!.trim() === '') expected.pop();
    out.push({ command: parts.join('\n'), expected });
  }
  return out;
}

/** Markdown links `[text](target)` outside fenced blocks, with their line. */
export function links(p: Page): Array<{ target: string; line: number }> {
  const out: Array<{ target: string; line: number }> = [];
  let fenced = false;
  p.text.split('\n').forEach((line, i) => {
    if (/^ *```/.test(line)) fenced = !fenced;
    if (fenced) return;
    for (const m of line.replace(/`[^`]*`/g, '').matchAll(/\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) out.push({ target: m[1]!, line: i + 1 });
  });
  return out;
}

/** The anchors GitHub makes for a page's headings: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
export function headingAnchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of text.split('\n')) {
    if (/^ *```/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6} +(.*?) *#*$/.exec(line);
    if (!heading) continue;
    const base = heading[1]!
      .replace(/`/g, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const m of text.matchAll(/<a (?:name|id)="([^"]+)"/g)) anchors.add(m[1]!);
  return anchors;
}
