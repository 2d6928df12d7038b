// Every `$` command in README.md and docs/ is run verbatim and prints what the page shows (`…` marks what changes between runs).
import { requireBuiltCli } from '../check/cli-run.js';
import { consoleCommands, fencedBlocks, pages } from './markdown-pages.js';
import type { FencedBlock } from './markdown-pages.js';
import { matchesShown, runConsole } from './console-run.js';

const BLOCK_TIMEOUT_MS = 120_000;
const blocks = pages().flatMap(fencedBlocks);
const consoleBlocks = blocks.filter((b) => b.info === 'console');

describe('console blocks in README.md and docs/', () => {
  beforeAll(requireBuiltCli);

  test('every block with `$ ` lines is a console block (so none escapes this test), and there are some', () => {
    const hidden = blocks.filter((b) => b.info !== 'console' && b.body.split('\n').some((l) => l.startsWith('$ ')));
    expect(hidden.map((b) => `${b.page}:${b.line}`)).toEqual([]);
    expect(consoleBlocks.length).toBeGreaterThan(10);
  });

  test.each(consoleBlocks.map((b) => [`${b.page}:${b.line}`, b] as const))('%s prints what the page shows', async (_where, block: FencedBlock) => {
    const commands = consoleCommands(block);
    const runs = await runConsole(commands, BLOCK_TIMEOUT_MS, block.background);
    for (const [i, run] of runs.entries()) {
      const shown = commands[i]!.expected;
      if (!matchesShown(shown, run.printed)) {
        expect({ command: run.command, printed: run.printed.join('\n') }).toEqual({ command: run.command, printed: shown.join('\n') });
      }
    }
  }, BLOCK_TIMEOUT_MS + 10_000);
});
