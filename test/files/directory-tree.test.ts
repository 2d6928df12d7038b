// mkdir -p without Node 20's recursive mkdir: nested creation, existing trees, and paths that cannot be made fail at once.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeDirectoryTree } from '../../src/files/directory-tree.js';
import { FIXTURES } from '../fixture-path.js';

const ROOT = join(FIXTURES, '..', '..');

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'riskgate-directory-tree-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('makes every missing level, and an existing tree is left as it is', () => {
  const deep = join(dir, 'a', 'b', 'c');
  makeDirectoryTree(deep);
  expect(statSync(deep).isDirectory()).toBe(true);
  writeFileSync(join(deep, 'kept'), 'x');
  makeDirectoryTree(deep);
  makeDirectoryTree(join(dir, 'a'));
  expect(statSync(join(deep, 'kept')).isFile()).toBe(true);
});

test('a file in the way is ENOTDIR naming it; a path under /proc fails with the error of the level that cannot be made', () => {
  writeFileSync(join(dir, 'file'), 'x');
  expect(() => makeDirectoryTree(join(dir, 'file', 'sub'))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
  expect(() => makeDirectoryTree(join(dir, 'file'))).toThrow(expect.objectContaining({ code: 'ENOTDIR', path: join(dir, 'file') }));
  expect(() => makeDirectoryTree('/proc/riskgate-no-such/dir')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
});

test('riskgate spl --out under /proc ends at once with an error naming the file, not a spinning process', () => {
  const run = spawnSync(process.execPath, [join(ROOT, 'dist/cli/main.js'), 'spl', '--out', '/proc/riskgate-no-such/out'], { encoding: 'utf8', timeout: 20_000 });
  expect(run.signal).toBeNull();
  expect(run.status).not.toBe(0);
  expect(run.stderr).toMatch(/^riskgate spl: \/proc\/riskgate-no-such\/out\/\S+\.spl: cannot write \(ENOENT\)/);
});
