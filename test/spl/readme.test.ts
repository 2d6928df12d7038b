// docs/splunk.md and docs/replay.md are true: their riskgate spl/replay console examples and the .conf excerpts are re-run and matched against real output.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, requireBuiltCli, runCli } from '../check/cli-run.js';

const SECTION = ['splunk.md', 'replay.md', 'benchmarks.md'].map((page) => readFileSync(join(REPO, 'docs', page), 'utf8')).join('\n');
const ELLIPSIS = '…';

function blocks(lang: string): string[] {
  const out: string[] = [];
  const re = new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```', 'gm');
  for (let m = re.exec(SECTION); m; m = re.exec(SECTION)) out.push(m[1]!);
  return out;
}

interface Example {
  command: string;
  args: string[];
  stdinFile?: string;
  shown: string[];
  exitCode?: number;
}

const COMMAND = /^\$ (?:cat (\S+) \| )?npx riskgate (.*)$/;

/** `$ [cat FILE |] npx riskgate …` lines of the console blocks, the lines shown after each, and a following `$ echo $?`. */
function examples(): Example[] {
  const out: Example[] = [];
  for (const block of blocks('console')) {
    const lines = block.trimEnd().split('\n');
    for (let i = 0; i < lines.length; i++) {
      const match = COMMAND.exec(lines[i]!);
      if (!match) continue;
      let j = i + 1;
      const shown: string[] = [];
      while (j < lines.length && !lines[j]!.startsWith('$ ')) shown.push(lines[j++]!);
      const example: Example = { command: lines[i]!.slice(2), args: match[2]!.split(' '), shown };
      if (match[1]) example.stdinFile = match[1];
      if (lines[j] === '$ echo $?') example.exitCode = Number(lines[j + 1]);
      out.push(example);
    }
  }
  return out;
}

/**
 * Whether `shown` is `real` with elisions: a line `…` stands for any number of lines (none included), a line ending
 * in `…` for a line that starts with the rest; every other line is a whole real line, in order. Returns the first
 * shown line that does not match, or undefined.
 */
function mismatch(shown: readonly string[], real: readonly string[]): string | undefined {
  let j = 0;
  let skipping = false;
  for (const line of shown) {
    if (line === ELLIPSIS) {
      skipping = true;
      continue;
    }
    const matches = (r: string | undefined) => r !== undefined && (line.endsWith(ELLIPSIS) ? r.startsWith(line.slice(0, -ELLIPSIS.length)) : r === line);
    if (skipping) while (j < real.length && !matches(real[j])) j++;
    if (!matches(real[j])) return line;
    j++;
    skipping = false;
  }
  return skipping || j === real.length ? undefined : `(${real.length - j} real line(s) not shown after the last one)`;
}

const lines = (text: string) => text.replace(/\n$/, '').split('\n');

afterAll(() => rmSync('/tmp/riskgate-readme', { recursive: true, force: true }));

describe('docs/splunk.md and docs/replay.md', () => {
  beforeAll(requireBuiltCli);

  test('covers the formats, the app install, the deny search, replay inputs and outputs, and the bench figures', () => {
    for (const text of ['--format escu', '--format splunk-app', '$SPLUNK_HOME/etc/apps', 'tar -czf', 'Requests Denied at Admission', '--output risk-events', '--output json', 'results?output_mode=json', 'bench/replay-throughput.mjs --size 1G']) {
      expect([text, SECTION.includes(text)]).toEqual([text, true]);
    }
  });

  test('the mismatch matcher: elided lines, cut lines, order and trailing lines', () => {
    expect(mismatch(['a', '…', 'd'], ['a', 'b', 'c', 'd'])).toBeUndefined();
    expect(mismatch(['a', 'b…'], ['a', 'bcd'])).toBeUndefined();
    expect(mismatch(['a', '…'], ['a', 'b'])).toBeUndefined();
    expect(mismatch(['b', 'a'], ['a', 'b'])).toBe('b');
    expect(mismatch(['a'], ['a', 'b'])).toMatch(/not shown/);
  });

  test.each(examples().map((e) => [e.command, e] as const))('$ %s prints what the README shows', async (_title, example) => {
    const stdin = example.stdinFile ? readFileSync(join(REPO, example.stdinFile), 'utf8') : '';
    const run = await runCli(example.args, REPO, stdin);
    const real = [...(run.stdout ? lines(run.stdout) : []), ...(run.stderr ? lines(run.stderr) : [])];
    expect(mismatch(example.shown, real)).toBeUndefined();
    expect(run.code).toBe(example.exitCode ?? 0);
  });

  test('the .conf excerpts are lines of the app that the README command writes', async () => {
    const command = examples().find((e) => e.args.includes('splunk-app'))!;
    expect((await runCli(command.args, REPO)).code).toBe(0);
    const excerpts = blocks('ini');
    expect(excerpts.length).toBeGreaterThan(0);
    for (const excerpt of excerpts) {
      const [first, ...shown] = lines(excerpt);
      const file = first!.replace(/^# /, '');
      const real = lines(readFileSync(file, 'utf8'));
      // An excerpt starts at its stanza: skip to it, then match in order.
      expect([file, mismatch([ELLIPSIS, ...shown, ELLIPSIS], real)]).toEqual([file, undefined]);
    }
  });
});
