// e2e harness: where the repository, its built CLI and its chart are (found upwards, so a compiled copy under bench/out works too).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function repositoryRoot(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'charts', 'riskgate'))) return dir;
  }
  throw new Error(`no riskgate repository above ${from}`);
}

export const REPO = repositoryRoot(dirname(fileURLToPath(import.meta.url)));
export const CLI = join(REPO, 'dist', 'cli', 'main.js');
export const CHART = join(REPO, 'charts', 'riskgate');
export const E2E_FIXTURES = join(REPO, 'test', 'e2e', 'fixtures');
