// What `riskgate serve` loads before any option asks for more: the modules it always imports, and what they import statically, must not include the heavy ones that only some features need.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The Kubernetes client is about 80 MiB of RSS (Events, --manage-certs, the auditor, the cluster audit load it), node-forge
 * 11 MiB (only to make a certificate): a webhook with files for its certificate and the local store needs neither.
 */
const HEAVY = ['@kubernetes/client-node', 'node-forge'];

/** Specifiers of value imports and re-exports (`import type` / `export type` are erased; `await import()` loads later). */
function staticImports(source: string): string[] {
  const specifiers: string[] = [];
  const pattern = /^(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
  for (const match of source.matchAll(pattern)) specifiers.push(match[1]!);
  return specifiers;
}

/**
 * What serve always loads: the CLI, then (by `await import`) its wiring, the risk-event side with the local store and,
 * with --metrics-port, /metrics. Events, the auditor, --manage-certs, OTLP and the cluster audit load theirs when asked.
 */
const SERVE_ENTRIES = ['src/cli/main.ts', 'src/cli/serve-runtime.ts', 'src/sinks/risk-events-serve-runtime.ts', 'src/metrics/metrics-serve.ts'];

/** Every package reached from the entries through static imports of src files, with the first file importing it. */
function reachablePackages(entries: string[]): Map<string, string> {
  const packages = new Map<string, string>();
  const seen = new Set<string>();
  const queue = entries.map((entry) => join(repo, entry));
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of staticImports(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) {
        const target = resolve(dirname(file), specifier.replace(/\.js$/, '.ts'));
        if (existsSync(target)) queue.push(target);
      } else if (!specifier.startsWith('node:') && !packages.has(specifier)) {
        packages.set(specifier, file.slice(repo.length + 1));
      }
    }
  }
  return packages;
}

test('serve loads neither the Kubernetes client nor node-forge until a feature asks for them', () => {
  const packages = reachablePackages(SERVE_ENTRIES);
  expect([...packages.keys()]).toEqual(expect.arrayContaining(['commander', 'pino', 'express', 'prom-client'])); // the walk does follow the wiring
  const heavy = HEAVY.filter((name) => packages.has(name)).map((name) => `${name} (imported by ${packages.get(name)})`);
  expect(heavy).toEqual([]);
});
