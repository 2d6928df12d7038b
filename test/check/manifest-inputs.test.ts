// Reading PATH arguments: walk order, skipped entries, symlink loops, explicit files of any extension, stdin.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { readManifestInputs } from '../../src/check/manifest-inputs.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'riskgate-inputs-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const names = (inputs: Awaited<ReturnType<typeof readManifestInputs>>) => inputs.map((i) => ('error' in i ? `error ${i.file}` : i.file.slice(dir.length + 1)));

describe('readManifestInputs', () => {
  test('folders: depth-first in byte order of names, manifests only, hidden entries skipped', async () => {
    for (const f of ['b.yaml', 'B.yml', 'a/z.json', 'a/y.YAML', '.git/x.yaml', 'c/.hidden.yaml', 'c/readme.md', 'a-b.yaml']) {
      mkdirSync(join(dir, f, '..'), { recursive: true });
      writeFileSync(join(dir, f), '');
    }
    expect(names(await readManifestInputs([dir]))).toEqual(['B.yml', 'a/y.YAML', 'a/z.json', 'a-b.yaml', 'b.yaml']);
  });

  test('a symlink loop is walked once, not forever', async () => {
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'm.yaml'), '');
    symlinkSync('..', join(dir, 'sub', 'up'));
    expect(names(await readManifestInputs([dir]))).toEqual(['sub/m.yaml']);
  });

  test('a file named on the command line is read whatever its extension; stdin is read from the stream', async () => {
    writeFileSync(join(dir, 'manifest.txt'), 'kind: X');
    const inputs = await readManifestInputs([join(dir, 'manifest.txt'), '-'], Readable.from([Buffer.from('apiVersion: v1\n'), 'kind: Service\n']));
    expect(inputs).toEqual([
      { file: join(dir, 'manifest.txt'), text: 'kind: X' },
      { file: '<stdin>', text: 'apiVersion: v1\nkind: Service\n' },
    ]);
  });

  test('an unreadable path is an error naming it, and the next path is still read', async () => {
    writeFileSync(join(dir, 'ok.yaml'), 'x');
    const inputs = await readManifestInputs([join(dir, 'nope'), join(dir, 'ok.yaml')]);
    expect(inputs).toEqual([
      { file: join(dir, 'nope'), error: { code: 'INPUT_UNREADABLE', file: join(dir, 'nope'), message: 'cannot read: no such file or directory' } },
      { file: join(dir, 'ok.yaml'), text: 'x' },
    ]);
  });
});
