// test/fixtures/README.md names every fixture folder and its provenance; the otlp README names every otlp file.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from './fixture-path.js';

const folders = (dir: string) => readdirSync(dir).filter((name) => statSync(join(dir, name)).isDirectory());

describe('fixture READMEs', () => {
  const readme = readFileSync(join(FIXTURES, 'README.md'), 'utf8');
  const rows = readme.split('\n').filter((line) => line.startsWith('| `'));

  // audit/ is described by its subfolders (and its one loose file).
  test.each([...folders(FIXTURES).filter((f) => f !== 'audit'), ...folders(join(FIXTURES, 'audit')).map((f) => `audit/${f}`)])('%s/ has a row saying where it comes from', (folder) => {
    const row = rows.find((line) => line.startsWith(`| \`${folder}/\``));
    expect(row).toBeDefined();
    expect(row).toMatch(/\*\*(recorded|generated|written by hand)\*\*/);
  });

  test('otlp/README.md describes every file of the folder, and says the data is synthetic', () => {
    const otlp = readFileSync(join(FIXTURES, 'otlp', 'README.md'), 'utf8');
    expect(otlp).toContain('**These payloads are synthetic.**');
    for (const file of readdirSync(join(FIXTURES, 'otlp')).filter((f) => f !== 'README.md')) expect(otlp).toContain(`| \`${file}\` |`);
  });
});
