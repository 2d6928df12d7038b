// serve --watch-namespaces when the API server cannot be reached: every lookup is "unknown" (no namespaceLabels exemption applies), one warning, retries, a clean stop.
import { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { NamespaceLabelWatch } from '../../src/cluster/namespace-label-watch.js';
import { freePort } from '../e2e/harness/free-port.js';

function recordingLogger(): { logger: Logger; lines: Array<{ level: string; message: string }> } {
  const lines: Array<{ level: string; message: string }> = [];
  const at = (level: string) => (_fields: unknown, message: string) => void lines.push({ level, message });
  return { logger: { info: at('info'), warn: at('warn'), error: at('error') } as unknown as Logger, lines };
}

test('an API server that refuses connections: unknown labels, one warning however often the watch is retried', async () => {
  // A port nothing listens on: the connection is refused, as when the API server restarts.
  const port = await freePort();
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'down', server: `https://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'x' }],
    contexts: [{ name: 'down', cluster: 'down', user: 'u' }],
    currentContext: 'down',
  });
  const { logger, lines } = recordingLogger();
  const watch = new NamespaceLabelWatch({ logger, config, restartDelayMs: 20 });
  await watch.start();
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(watch.labelsOf('default')).toBeUndefined();
  expect(lines).toEqual([{ level: 'warn', message: 'cannot watch Namespaces: no namespaceLabels exemption applies until the first list succeeds' }]);
  await watch.stop();
});
