// `riskgate events` as a user runs it (the built CLI): the local event store (spool + delivered archive) and a running server's API.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAuditorApp } from '../../src/auditor/auditor-app.js';
import { startAuditorServer, type AuditorServer } from '../../src/auditor/auditor-server.js';
import { StaticTokenAuthenticator } from '../../src/auditor/static-token-authenticator.js';
import type { RiskEvent } from '../../src/outputs/risk-event.js';
import { RULE_IDS } from '../../src/rules/catalog.js';
import { HecSink } from '../../src/sinks/hec-sink.js';
import { SpoolSink } from '../../src/sinks/spool-sink.js';
import { requireBuiltCli, runCli } from '../check/cli-run.js';
import { tempDir } from '../sinks/sink-test-kit.js';
import { auditorEvents, NOW } from './auditor-events.js';

const TOKEN = 'events-cli-token-0123456789';
const WEEK_BEFORE = new Date(NOW.getTime() - 7 * 86_400_000).toISOString();

describe('riskgate events', () => {
  let tmp: ReturnType<typeof tempDir>;
  let dataDir: string;
  let server: AuditorServer;
  const events = auditorEvents();

  beforeAll(async () => {
    requireBuiltCli();
    tmp = tempDir('riskgate-events-');
    dataDir = join(tmp.dir, 'data');
    // Half the events reached the delivered archive, the rest wait in the spool for a HEC that is down; one was sent twice.
    const store = new SpoolSink({ dataDir, maxBytes: 1 << 20, archiveMaxBytes: 1 << 20, fsyncIntervalMs: 50, sinkName: 'store', log: { info() {}, warn() {}, error() {} }, observer: { dropped() {}, deliveryFailed() {}, delivered() {} } });
    store.write(events.slice(0, 6));
    await store.close();
    const hec = new HecSink({ url: 'http://127.0.0.1:9', token: 't', dataDir, closeDrainMs: 0 });
    hec.write(events.slice(5));
    await hec.close();
    const app = createAuditorApp({ authenticator: new StaticTokenAuthenticator(TOKEN), events: () => events, ruleIds: RULE_IDS, secureCookie: false });
    server = await startAuditorServer(app, '127.0.0.1', 0);
    writeFileSync(join(tmp.dir, 'token'), `${TOKEN}\n`);
  });
  afterAll(async () => {
    await server.close();
    tmp.remove();
  });

  const ids = (list: readonly RiskEvent[]) => list.map((e) => e.event_id).sort();

  test('reads spool and delivered archive, each event_id once, newest first', async () => {
    const result = await runCli(['events', '--data-dir', dataDir, '--output', 'json'], tmp.dir);
    expect(result.stderr).toBe('11 matching events\n');
    expect(result.code).toBe(0);
    const listed = JSON.parse(result.stdout) as RiskEvent[];
    expect(ids(listed)).toEqual(ids(events));
    expect(listed.map((e) => e.time)).toEqual([...listed.map((e) => e.time)].sort().reverse());
  });

  test('filters by time, rule, action and user', async () => {
    const run = async (...args: string[]) => JSON.parse((await runCli(['events', '--data-dir', dataDir, '--output', 'json', ...args], tmp.dir)).stdout) as RiskEvent[];
    expect(await run('--since', WEEK_BEFORE)).toHaveLength(10);
    expect((await run('--rule', 'kubernetes-daemonset-deployed')).map((e) => e.rule_id)).toEqual(Array(3).fill('kubernetes-daemonset-deployed'));
    expect(await run('--action', 'warn')).toHaveLength(3);
    expect((await run('--user', 'bob')).map((e) => e.fields['name'])).toEqual(['np-3', 'np-4', 'np-5']);
  });

  test('a table by default', async () => {
    const result = await runCli(['events', '--data-dir', dataDir, '--rule', 'kubernetes-daemonset-deployed'], tmp.dir);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TIME\s+ACTION\s+RULE\s+OBJECT\s+USER\s+SCORE\s+EVENT_ID$/);
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^2026-11-20T10:00:00Z\s+warn\s+kubernetes-daemonset-deployed\s+DaemonSet\/team-a\/node-agent\s+system:serviceaccount:ci:deployer\s+49\s+[0-9a-f]{32}$/);
  });

  test('--server reads a running server with a bearer token', async () => {
    const result = await runCli(['events', '--server', `http://127.0.0.1:${server.address.port}`, '--token-file', join(tmp.dir, 'token'), '--rule', 'kubernetes-node-port-creation', '--output', 'json'], tmp.dir);
    expect(result.code).toBe(0);
    expect(ids(JSON.parse(result.stdout) as RiskEvent[])).toEqual(ids(events.filter((e) => e.rule_id === 'kubernetes-node-port-creation')));
  });

  test('a wrong token is refused by the server (exit 1, the server says why)', async () => {
    writeFileSync(join(tmp.dir, 'bad-token'), 'not-the-token-not-the-token\n');
    const result = await runCli(['events', '--server', `http://127.0.0.1:${server.address.port}`, '--token-file', join(tmp.dir, 'bad-token')], tmp.dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('HTTP 401: sign in with a bearer token (invalid token)');
  });

  test.each([
    [['--action', 'block'], /argument 'block' is invalid/],
    [['--since', '7x'], /since "7x" is neither a duration/],
    [['--server', 'http://127.0.0.1:1'], /--server needs --token-file/],
    [['--limit', '0'], /limit "0" must be a whole number/],
  ])('usage error %j exits 2', async (args, message) => {
    const result = await runCli(['events', '--data-dir', dataDir, ...args].filter((a, i, all) => !(args.includes('--server') && (a === '--data-dir' || all[i - 1] === '--data-dir'))), tmp.dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  test('a directory without an event store is an error that says what writes one', async () => {
    mkdirSync(join(tmp.dir, 'empty'));
    const result = await runCli(['events', '--data-dir', join(tmp.dir, 'empty')], tmp.dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no event store in');
  });
});
