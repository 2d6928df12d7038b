// Fault drill (issue 17, finding 4): `riskgate serve` restarted on a baseline grown to 200,000 made-up edges with the default caps; it loads the newest within them, says so, stays under the chart's 256 Mi and answers reviews at once.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../webhook/serve-harness.js';
import { makeTestPki, TlsClient } from '../webhook/tls-harness.js';
import { endDrill } from './drill-cleanup.js';
import { spawnServe, writeServeFiles } from './serve-process.js';
import { VERDICT_BODIES, VERDICT_POLICY, withUid } from './webhook-harness.js';

const CHART_MEMORY_LIMIT = 256 * 1024 * 1024;
const EDGES = 200_000;

function peakRss(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'))!;
  return Number(/(\d+)/.exec(line)![1]) * 1024;
}

/** The file the attack leaves: short keys (the fewer bytes per edge, the more edges a file of a given size holds), 400 made-up clusters and the real one. */
function poisonedBaseline(file: string, now: number): void {
  const lines: string[] = [JSON.stringify({ _id: 'm:learning:prod', k: 'm', t: now - 40 * 86_400_000 })];
  for (let i = 0; i < EDGES; i++) {
    const cluster = i % 4 === 0 ? 'prod' : `f${i % 400}`;
    lines.push(JSON.stringify({ _id: `e:${JSON.stringify([cluster, `s${i}`, 'd'])}`, k: 'e', t: now - (EDGES - i) * 1000 }));
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

afterEach(endDrill);

test('a restart on 200,000 edges: the newest within the default caps (16 clusters x 5,000), a warning with the counts, RSS < 256 Mi, reviews answered < 1 s', async () => {
  const dir = tempDir('riskgate-baseline-restart-');
  try {
    const pki = makeTestPki();
    const files = writeServeFiles(dir.dir, pki, VERDICT_POLICY);
    writeFileSync(join(dir.dir, 'otlp-token'), 'collector-token');
    mkdirSync(join(files.dataDir, 'baseline'), { recursive: true });
    const file = join(files.dataDir, 'baseline', 'baseline.db');
    poisonedBaseline(file, Date.now());
    const before = statSync(file).size;
    const serve = await spawnServe([...files.args, '--otlp-port', '0', '--otlp-token-file', join(dir.dir, 'otlp-token')]);
    await serve.logs.waitFor('OTLP metrics receiver listening', {}, 0);
    const warning = serve.logs.lines.find((l) => l['msg'] === 'baseline over its caps: loaded the newest edges of the newest clusters, the rest is dropped');
    expect(warning).toMatchObject({ edgeLines: EDGES, clustersKept: 16, maxClusters: 16, maxEdgesPerCluster: 5000 });
    expect(warning!['edgesKept']).toBeLessThanOrEqual(80_000);
    const client = new TlsClient(serve.port, pki.ca.cert);
    const started = performance.now();
    const answer = await client.postJson('/validate', withUid(VERDICT_BODIES.deny, 'after-restart'));
    expect(performance.now() - started).toBeLessThan(1000);
    expect((answer.json()['response'] as { allowed: boolean }).allowed).toBe(false);
    client.close();
    expect(peakRss(serve.pid)).toBeLessThan(CHART_MEMORY_LIMIT);
    // The file is rewritten as loaded: what a second restart reads is within the caps.
    expect(statSync(file).size).toBeLessThan(before / 2);
  } finally {
    await endDrill();
    dir.remove();
  }
}, 60_000);
