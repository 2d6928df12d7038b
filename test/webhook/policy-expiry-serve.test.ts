// serve and exemption blocks that end: warned of in the log at start-up, noted when they end, and no longer applied from that instant, with no reload.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { startServe } from '../../src/cli/serve-runtime.js';
import type { RunningServe } from '../../src/cli/serve-runtime.js';
import { parsePolicy } from '../../src/engine/policy-file.js';
import { nextExpiry } from '../../src/engine/policy-expiry.js';
import { policyMetrics } from '../../src/metrics/policy-metrics.js';
import { policyExpiryExtension } from '../../src/policy/policy-expiry-extension.js';
import { RULES } from '../../src/rules/catalog.js';
import { capturedReview } from '../fixture-path.js';
import { LogCapture, TlsClient } from './tls-harness.js';
import { tempDir } from './serve-harness.js';

const NODE_PORT = capturedReview('001');

function policyEndingAt(end: Date): string {
  return [
    'rules:',
    '  kubernetes-node-port-creation:',
    '    action: deny',
    '    exemptions:',
    '      - namespaces: [default]',
    `        expires: ${end.toISOString()}`,
    '        reason: load test window',
  ].join('\n');
}

describe('serve with a block ending in two seconds', () => {
  const tmp = tempDir('expiry');
  const logs = new LogCapture();
  const end = new Date(Date.now() + 2000);
  let serve: RunningServe;
  let client: TlsClient;

  beforeAll(async () => {
    const file = join(tmp.dir, 'policy.yaml');
    writeFileSync(file, policyEndingAt(end));
    serve = await startServe(
      { host: '127.0.0.1', port: 0, logLevel: 'info', drainTimeout: 5, policy: file, certsDir: join(tmp.dir, 'certs') },
      { destination: logs, extensions: [policyExpiryExtension], watch: { debounceMs: 20, pollMs: 0 } },
    );
    client = new TlsClient(serve.address.port, readFileSync(join(tmp.dir, 'certs', 'ca.crt'), 'utf8'));
  });
  afterAll(async () => {
    client.close();
    await serve.shutdown('test');
    tmp.remove();
  });

  async function allowed(): Promise<boolean> {
    return ((await client.postJson('/validate', NODE_PORT)).json()['response'] as { allowed: boolean }).allowed;
  }

  test('start-up warns of the block, naming its line, rule, reason and end', () => {
    expect(logs.lines).toContainEqual(
      expect.objectContaining({ level: 'warn', msg: 'exemption block ends soon', file: `${join(tmp.dir, 'policy.yaml')}:5`, rule: 'kubernetes-node-port-creation', reason: 'load test window' }),
    );
  });

  test('exempt before the end, denied from it on, and the end is logged as it passes', async () => {
    expect(await allowed()).toBe(true);
    await logs.waitFor('exemption block ended: it no longer applies');
    expect(Date.now()).toBeGreaterThanOrEqual(end.getTime());
    expect(await allowed()).toBe(false);
    expect(logs.lines.filter((l) => l['msg'] === 'policy reloaded')).toEqual([]);
  }, 10_000);
});

test('riskgate_policy_next_exemption_expiry_seconds: the time to the next end; +Inf once every block has ended', async () => {
  const policy = parsePolicy(
    'exemptions:\n  - {users: [a], expires: 2026-12-01T00:00:00Z, reason: x}\n  - {users: [b], expires: 2026-12-03T00:00:00Z, reason: y}\n',
    'p.yaml',
    RULES,
  );
  let now = Date.parse('2026-11-30T23:00:00Z');
  const registry = new Registry();
  policyMetrics(registry, () => nextExpiry(policy, new Date(now)), () => now);
  const value = async () => (await registry.getSingleMetric('riskgate_policy_next_exemption_expiry_seconds')!.get()).values.map((v) => v.value);
  expect(await value()).toEqual([3600]);
  now = Date.parse('2026-12-01T00:00:00Z');
  expect(await value()).toEqual([2 * 86_400]);
  now = Date.parse('2026-12-03T00:00:00Z');
  expect(await value()).toEqual([Number.POSITIVE_INFINITY]);
  expect(await registry.metrics()).toContain('riskgate_policy_next_exemption_expiry_seconds +Inf');
});
