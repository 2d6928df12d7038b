// Child process for the crash test: a HecSink (from the build in dist/) spools the given events, says so, then waits to be SIGKILLed.
// Usage: node spool-writer-child.mjs HEC_URL DATA_DIR EVENTS_JSON_FILE
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [url, dataDir, eventsFile] = process.argv.slice(2);
const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { HecSink } = await import(join(repo, 'dist', 'sinks', 'hec-sink.js'));
const sink = new HecSink({ url, token: 'crash-test-token', dataDir, lingerMs: 5, backoff: { initialMs: 10, maxMs: 50 } });
for (const event of JSON.parse(readFileSync(eventsFile, 'utf8'))) sink.write([event]);
process.stdout.write('spooled\n');
setInterval(() => {}, 60_000);
