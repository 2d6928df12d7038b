// Bench: how long `serve` takes to load the newly-seen-edge baseline from disk, and its peak RSS, for a data file at
// the caps (16 clusters x 5,000 edges) and ones grown past them (200,000 edges: the issue 17 attack, in 16 clusters
// and spread over 400 made-up ones), against a bare read of the same file (a line reader + JSON.parse of every line
// into a Map), each side in a child process of its own.
// Usage: npm run build && node bench/baseline-load.mjs [--rounds 3] [--scenarios 80000x16,200000x16,200000x400]
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = fileURLToPath(import.meta.url);
const repo = join(dirname(here), '..');
const WINDOW_MS = 30 * 24 * 3600 * 1000;

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    scenarios: { type: 'string', default: '80000x16,200000x16,200000x400' },
    child: { type: 'string' },
    dir: { type: 'string' },
  },
});

/** One side, in a process of its own so that its peak RSS is its own: prints {ms, rssMiB, edges}. */
async function child(side, dir) {
  const started = process.hrtime.bigint();
  let edges;
  if (side === 'bare') {
    const map = new Map();
    const lines = createInterface({ input: createReadStream(join(dir, 'baseline.db')), crlfDelay: Infinity });
    for await (const line of lines) {
      if (line === '') continue;
      const doc = JSON.parse(line);
      map.set(doc._id, doc.t);
    }
    edges = map.size;
  } else {
    const { BaselineStore } = await import(join(repo, 'dist', 'baseline', 'baseline-store.js'));
    const quiet = { warn() {}, error() {} };
    const store = await BaselineStore.open({ dir, windowMs: WINDOW_MS, log: quiet });
    edges = store.size;
    await store.close();
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(JSON.stringify({ ms, rssMiB: process.resourceUsage().maxRSS / 1024, edges }));
}

/** A data file as serve writes it (JSON lines `{"_id","k","t"}`): one document per edge (`e:["cluster","source","destination"]`), the clusters' learning starts. */
function writeBaseline(dir, edgeCount, clusters) {
  mkdirSync(dir, { recursive: true });
  const now = Date.now();
  const lines = [];
  for (let c = 0; c < clusters; c++) lines.push(JSON.stringify({ _id: `m:learning:cluster-${c}`, k: 'm', t: now - WINDOW_MS }));
  for (let i = 0; i < edgeCount; i++) {
    const key = JSON.stringify([`cluster-${i % clusters}`, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, `svc-${i % 97}.default:5432`]);
    lines.push(JSON.stringify({ _id: `e:${key}`, k: 'e', t: now - (i % 86_400) * 1000 }));
  }
  writeFileSync(join(dir, 'baseline.db'), `${lines.join('\n')}\n`);
}

function run(side, dir) {
  return JSON.parse(execFileSync(process.execPath, [here, '--child', side, '--dir', dir], { encoding: 'utf8' }));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const rounds = Number(values.rounds);
  const root = mkdtempSync(join(tmpdir(), 'riskgate-bench-baseline-'));
  console.log(`baseline load, median of ${rounds} rounds, load average ${loadavg()[0].toFixed(2)} at the start`);
  try {
    for (const [edgeCount, clusters] of values.scenarios.split(',').map((s) => s.split('x').map(Number))) {
      const results = { bare: [], store: [] };
      for (let r = 0; r < rounds; r++) {
        // The store rewrites (trims, compacts) its file: each round starts from the same file.
        for (const side of ['bare', 'store']) {
          const dir = join(root, `${edgeCount}-${side}-${r}`);
          writeBaseline(dir, edgeCount, clusters);
          results[side].push(run(side, dir));
        }
      }
      const fmt = (side) => {
        const ms = median(results[side].map((x) => x.ms));
        const rss = median(results[side].map((x) => x.rssMiB));
        return { ms, rss, edges: results[side][0].edges };
      };
      const bare = fmt('bare');
      const store = fmt('store');
      console.log(`\n${edgeCount.toLocaleString('en')} edges in ${clusters} clusters on disk`);
      console.log(`  bare read (line reader + JSON.parse into a Map)  ${bare.ms.toFixed(0).padStart(6)} ms  peak RSS ${bare.rss.toFixed(0).padStart(4)} MiB  ${bare.edges} entries  ratio 1.00`);
      console.log(`  riskgate BaselineStore.open (stream within caps) ${store.ms.toFixed(0).padStart(6)} ms  peak RSS ${store.rss.toFixed(0).padStart(4)} MiB  ${store.edges} edges    time ratio ${(store.ms / bare.ms).toFixed(2)}, RSS ratio ${(store.rss / bare.rss).toFixed(2)}`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (values.child) await child(values.child, values.dir);
else await main();
