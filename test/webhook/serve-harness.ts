// Starts `riskgate serve` in-process (startServe) on 127.0.0.1:0 with logs captured, and a client trusting its CA.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServe } from '../../src/cli/serve-runtime.js';
import type { RunningServe } from '../../src/cli/serve-runtime.js';
import type { ServeOptions } from '../../src/cli/serve-extension.js';
import { LogCapture, TlsClient } from './tls-harness.js';

export interface ServeUnderTest {
  serve: RunningServe;
  logs: LogCapture;
  client: TlsClient;
  stop(): Promise<void>;
}

export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `riskgate-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function serveForTest(options: Partial<ServeOptions> & { certsDir: string }, caFile?: string): Promise<ServeUnderTest> {
  const logs = new LogCapture();
  const serve = await startServe(
    { host: '127.0.0.1', port: 0, logLevel: 'info', drainTimeout: 5, ...options },
    { destination: logs, watch: { debounceMs: 20, pollMs: 0 } },
  );
  const client = new TlsClient(serve.address.port, readFileSync(caFile ?? join(options.certsDir, 'ca.crt'), 'utf8'));
  return {
    serve,
    logs,
    client,
    stop: async () => {
      client.close();
      await serve.shutdown('test');
    },
  };
}
