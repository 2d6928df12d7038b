// An http:// HEC URL (token and risk events in clear text) stops serve at start-up unless --hec-insecure accepts it, with a warning (issue 17, finding 12).
import { join } from 'node:path';
import { serveExtensions } from '../../src/cli/serve-extensions.js';
import { startServe } from '../../src/cli/serve-runtime.js';
import { LogCapture } from '../webhook/tls-harness.js';
import { tempDir } from '../webhook/serve-harness.js';

let dir: { dir: string; remove(): void };
beforeAll(() => (dir = tempDir('hec-insecure')));
afterAll(() => dir.remove());

function start(extra: Record<string, unknown>, logs = new LogCapture()) {
  process.env['RISKGATE_HEC_TOKEN'] = 'test-token';
  return startServe(
    { host: '127.0.0.1', port: 0, logLevel: 'info', drainTimeout: 1, certsDir: dir.dir, dataDir: join(dir.dir, 'data'), spoolMaxMb: 16, archiveMaxMb: 16, hecSource: 'riskgate', ...extra },
    { destination: logs, extensions: serveExtensions },
  );
}

test('--hec-url http://… is refused with what it would expose and the way out', async () => {
  await expect(start({ hecUrl: 'http://127.0.0.1:9/services/collector' })).rejects.toThrow(
    '--hec-url http://127.0.0.1:9/services/collector: plain HTTP would send the HEC token and every risk event in clear text; use https://, or add --hec-insecure to accept that',
  );
});

test('--hec-insecure accepts it and says so in a warning', async () => {
  const logs = new LogCapture();
  const serve = await start({ hecUrl: 'http://127.0.0.1:9', hecInsecure: true }, logs);
  try {
    expect(logs.lines.find((l) => String(l['msg']).startsWith('HEC over plain HTTP'))).toMatchObject({ level: 'warn', hec: 'http://127.0.0.1:9' });
  } finally {
    await serve.shutdown('test');
    delete process.env['RISKGATE_HEC_TOKEN'];
  }
});
