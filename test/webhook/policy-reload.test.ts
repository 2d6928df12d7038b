// Policy file reload in a running server: a good new file applies to the next review; a bad one keeps the old policy and logs why.
import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServe } from '../../src/cli/serve-runtime.js';
import { capturedReview } from '../fixture-path.js';
import { LogCapture } from './tls-harness.js';
import { serveForTest, tempDir } from './serve-harness.js';
import type { ServeUnderTest } from './serve-harness.js';

const NODE_PORT = capturedReview('001');
const policyWith = (action: string) => `apiVersion: riskgate.io/v1\nkind: Policy\nrules:\n  kubernetes-node-port-creation:\n    action: ${action}\n`;

async function allowed(s: ServeUnderTest): Promise<boolean> {
  const answer = await s.client.postJson('/validate', NODE_PORT);
  expect(answer.status).toBe(200);
  return (answer.json()['response'] as { allowed: boolean }).allowed;
}

describe('policy reload (plain file)', () => {
  const tmp = tempDir('policy');
  const file = join(tmp.dir, 'policy.yaml');
  let s: ServeUnderTest;

  beforeAll(async () => {
    writeFileSync(file, policyWith('record'));
    s = await serveForTest({ policy: file, certsDir: join(tmp.dir, 'certs') });
  });
  afterAll(async () => {
    await s.stop();
    tmp.remove();
  });

  test('the policy file is in force from the start', async () => {
    expect(await allowed(s)).toBe(true);
    expect(s.logs.lines).toContainEqual(expect.objectContaining({ msg: 'policy loaded', policy: file }));
  });

  test('a good new file applies to the next review, naming the file in the deny message', async () => {
    const from = s.logs.lines.length;
    writeFileSync(file, policyWith('deny'));
    await s.logs.waitFor('policy reloaded', { file }, from);
    const answer = await s.client.postJson('/validate', NODE_PORT);
    const response = answer.json()['response'] as { allowed: boolean; status: { message: string } };
    expect(response.allowed).toBe(false);
    expect(response.status.message).toContain(`in the riskgate policy (${file})`);
  });

  test('a bad new file keeps the old policy and logs file:line:column and the key', async () => {
    const from = s.logs.lines.length;
    writeFileSync(file, policyWith('block'));
    const line = await s.logs.waitFor('policy file rejected, keeping the previous policy', { file }, from);
    expect(line['level']).toBe('error');
    expect(line['code']).toBe('POLICY_UNKNOWN_ACTION');
    expect(line['reason']).toBe(`${file}:5:13: rules.kubernetes-node-port-creation.action: unknown action "block" (expected one of: deny, warn, record, off)`);
    expect(await allowed(s)).toBe(false);
  });

  test('an unknown rule id is rejected the same way', async () => {
    const from = s.logs.lines.length;
    writeFileSync(file, 'rules:\n  kubernetes-node-port-creations: {action: off}\n');
    const line = await s.logs.waitFor('policy file rejected, keeping the previous policy', { file }, from);
    expect(line['reason']).toMatch(new RegExp(`^${file}:2:3: rules.kubernetes-node-port-creations: unknown rule id`));
    expect(await allowed(s)).toBe(false);
  });

  test('a deleted file keeps the old policy', async () => {
    const from = s.logs.lines.length;
    rmSync(file);
    const line = await s.logs.waitFor('policy file rejected, keeping the previous policy', { file }, from);
    expect(line['code']).toBe('POLICY_UNREADABLE');
    expect(await allowed(s)).toBe(false);
  });

  test('a file replaced by an atomic rename is picked up', async () => {
    const from = s.logs.lines.length;
    writeFileSync(`${file}.tmp`, policyWith('warn'));
    renameSync(`${file}.tmp`, file);
    await s.logs.waitFor('policy reloaded', { file }, from);
    const answer = await s.client.postJson('/validate', NODE_PORT);
    expect(answer.json()['response']).toMatchObject({ allowed: true, warnings: ['riskgate kubernetes-node-port-creation: Service default/np-svc is of type NodePort'] });
  });
});

describe('policy reload (Kubernetes ConfigMap volume: ..data symlink swap)', () => {
  const tmp = tempDir('configmap');
  const mount = join(tmp.dir, 'policy');
  const file = join(mount, 'policy.yaml');
  let s: ServeUnderTest;

  function publish(version: string, text: string): void {
    mkdirSync(join(mount, version));
    writeFileSync(join(mount, version, 'policy.yaml'), text);
    symlinkSync(version, join(mount, '..data_tmp'));
    renameSync(join(mount, '..data_tmp'), join(mount, '..data'));
  }

  beforeAll(async () => {
    mkdirSync(mount);
    publish('..v1', policyWith('record'));
    symlinkSync('..data/policy.yaml', file);
    s = await serveForTest({ policy: file, certsDir: join(tmp.dir, 'certs') });
  });
  afterAll(async () => {
    await s.stop();
    tmp.remove();
  });

  test('the kubelet swapping ..data to a new version reloads the policy', async () => {
    expect(await allowed(s)).toBe(true);
    const from = s.logs.lines.length;
    publish('..v2', policyWith('deny'));
    await s.logs.waitFor('policy reloaded', { file }, from);
    expect(await allowed(s)).toBe(false);
  });
});

describe('a bad policy file at start-up', () => {
  test('stops start-up with file:line:column and the key', async () => {
    const tmp = tempDir('badpolicy');
    const file = join(tmp.dir, 'policy.yaml');
    writeFileSync(file, 'rules:\n  kubernetes-daemonset-deployed:\n    actoin: deny\n');
    await expect(
      startServe({ policy: file, host: '127.0.0.1', port: 0, certsDir: join(tmp.dir, 'certs'), logLevel: 'info', drainTimeout: 1 }, { destination: new LogCapture() }),
    ).rejects.toThrow(`${file}:3:5: rules.kubernetes-daemonset-deployed.actoin: unknown key (expected one of: action, namespaceActions, exemptions)`);
    tmp.remove();
  });
});
