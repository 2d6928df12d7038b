// Writes the chart's generated files (files/rules.json, values.schema.json) from the built rule catalog; run `npm run build` first.
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { RULES } = await import(join(root, 'dist/rules/catalog.js'));
const { chartFiles } = await import(join(root, 'dist/cluster/chart-files.js'));

for (const [path, text] of Object.entries(chartFiles(RULES))) {
  const target = join(root, 'charts/riskgate', path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
}
