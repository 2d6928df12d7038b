// A riskgate process killed with SIGKILL while HEC is down: a new sink on the same data dir delivers every event it had accepted.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HecSink } from '../../src/sinks/hec-sink.js';
import { requireBuiltCli } from '../check/cli-run.js';
import { HecTestServer } from './hec-test-server.js';
import { sampleEvents } from './risk-event-samples.js';
import { RecordingLog, tempDir } from './sink-test-kit.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'spool-writer-child.mjs');

function spoolInChild(url: string, dataDir: string, eventsFile: string): Promise<() => Promise<void>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, url, dataDir, eventsFile], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
    child.stdout.once('data', () => {
      child.removeAllListeners('exit');
      resolve(() => new Promise((done) => {
        child.once('exit', () => done());
        child.kill('SIGKILL');
      }));
    });
  });
}

test('SIGKILL during a HEC outage loses nothing that write() accepted', async () => {
  requireBuiltCli(); // the child runs the build in dist/
  const tmp = tempDir();
  const server = await new HecTestServer({ token: 'crash-test-token', ack: true }).start();
  try {
    await server.setMode('busy');
    const events = sampleEvents(200);
    writeFileSync(join(tmp.dir, 'events.json'), JSON.stringify(events));
    const kill = await spoolInChild(server.url, join(tmp.dir, 'data'), join(tmp.dir, 'events.json'));
    await server.waitFor(() => server.statuses.includes(503), 20_000, 'the child to meet the outage');
    await kill(); // no close(), no final fsync: only what write() put in the page cache
    await server.setMode('ok');
    const log = new RecordingLog();
    const restarted = new HecSink({ url: server.url, token: 'crash-test-token', dataDir: join(tmp.dir, 'data'), ack: true, ackPollMs: 10, lingerMs: 5, log });
    await server.waitFor(() => server.uniqueIndexedIds().size === 200, 20_000, 'all 200 events after the crash');
    expect(server.uniqueIndexedIds()).toEqual(new Set(events.map((e) => e.event_id)));
    await restarted.close();
  } finally {
    await server.close();
    tmp.remove();
  }
});
