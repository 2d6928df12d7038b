// Rewrites what each `$ npx riskgate … --help` line of docs/cli/*.md prints, from the built CLI (run `npm run build` first); test/docs checks them.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dir = join(root, 'docs', 'cli');
const env = { ...process.env, NO_COLOR: '1', TERM: 'dumb', COLUMNS: '120' };
const HELP_LINE = /^\$ npx riskgate ((?:[\w-]+ )+)--help$/;

function helpOf(words) {
  return execFileSync(process.execPath, [join(root, 'dist', 'cli', 'main.js'), ...words, '--help'], { env, encoding: 'utf8' }).replace(/\n+$/, '');
}

/** Each help line followed by its output, up to the next `$` line or the end of the block. */
function rewrite(text) {
  const out = [];
  let skipping = false;
  for (const line of text.split('\n')) {
    if (skipping && (line.startsWith('$ ') || line === '```')) skipping = false;
    if (skipping) continue;
    out.push(line);
    const help = line.match(HELP_LINE);
    if (help) {
      out.push(helpOf(help[1].trim().split(' ')));
      skipping = true;
    }
  }
  return out.join('\n');
}

for (const file of readdirSync(dir).filter((f) => f.endsWith('.md'))) {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  const next = rewrite(text);
  if (next !== text) {
    writeFileSync(path, next);
    console.log(`wrote ${path}`);
  }
}
