// e2e harness: where the repository, its built CLI and its chart are.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const CLI = join(REPO, 'dist', 'cli', 'main.js');
export const CHART = join(REPO, 'charts', 'riskgate');
export const E2E_FIXTURES = join(REPO, 'test', 'e2e', 'fixtures');
