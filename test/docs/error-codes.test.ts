// Every error code in src/ is in the troubleshooting table of docs/operations.md, so no error a user meets goes unexplained.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../check/cli-run.js';
import { page } from './markdown-pages.js';

/** Upper-case literals that are not riskgate error codes: system errno names, environment variables, TLS cipher names, table headers, ids. */
const NOT_CODES = new Set(['ENOTDIR', 'ETIMEDOUT', 'RISKGATE_CHECK_THREADS', 'RISKGATE_HEC_TOKEN', 'KUBERNETES_API_SERVER', 'EVENT_ID', 'TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const codes = new Set<string>();
for (const file of sources(join(REPO, 'src'))) {
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)'/g)) if (!NOT_CODES.has(m[1]!)) codes.add(m[1]!);
  for (const m of text.matchAll(/(?:Error\(|super\(|code: )'([A-Z][A-Z0-9_]+)'/g)) if (!NOT_CODES.has(m[1]!)) codes.add(m[1]!);
}
const table = page('docs/operations.md').split('## Troubleshooting: every error code')[1] ?? '';
const documented = new Set([...table.matchAll(/^\| ([^|]+) \|/gm)].flatMap((m) => [...m[1]!.matchAll(/`([A-Z0-9_]+)`/g)].map((c) => c[1]!)));

describe('troubleshooting', () => {
  test('the source has error codes to document', () => {
    expect(codes.size).toBeGreaterThan(50);
  });

  test.each([...codes].sort())('%s is explained in docs/operations.md', (code) => {
    expect(documented.has(code) ? code : `${code} is missing from the troubleshooting table`).toBe(code);
  });
});
