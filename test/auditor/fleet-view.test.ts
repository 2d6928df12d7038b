// One auditor view over several replicas on loopback: peers asked with the viewer's token over TLS pinned to the shared serving key, merged once by event_id, the missing ones marked (API, page, CLI).
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { createAuditorApp } from '../../src/auditor/auditor-app.js';
import { startAuditorServer, type AuditorServer } from '../../src/auditor/auditor-server.js';
import { CertificatePins } from '../../src/auditor/certificate-pins.js';
import { FleetEvents, type ReplicaStatus } from '../../src/auditor/fleet-events.js';
import { PeerDirectory } from '../../src/auditor/peer-directory.js';
import { StaticTokenAuthenticator } from '../../src/auditor/static-token-authenticator.js';
import type { ViewEvent } from '../../src/auditor/view-event.js';
import type { RiskEvent } from '../../src/outputs/risk-event.js';
import { RULE_IDS } from '../../src/rules/catalog.js';
import { createCa, createServingCert, type PemPair } from '../../src/tls/certificates.js';
import { requireBuiltCli, runCli } from '../check/cli-run.js';
import { tempDir } from '../sinks/sink-test-kit.js';
import { auditorEvents, crowdEvents, NOW } from './auditor-events.js';

const TOKEN = 'fleet-view-token-0123456789';
const DEADLINE_MS = 600;

interface Replica {
  name: string;
  server: AuditorServer;
  url: string;
  /** Authorization headers this replica's auditor port received. */
  authorizations: string[];
}

const now = new Date();
const ca = createCa({ commonName: 'fleet-test-ca', now, days: 1 });
const serving = createServingCert({ ca, commonName: 'riskgate.riskgate.svc', dnsNames: ['riskgate.riskgate.svc'], ipAddresses: ['127.0.0.1'], now, days: 1 });
/** Signed by the same CA, for the same names, but another key: not one of the replicas. */
const impostorPair = createServingCert({ ca, commonName: 'riskgate.riskgate.svc', dnsNames: ['riskgate.riskgate.svc'], ipAddresses: ['127.0.0.1'], now, days: 1 });

async function replica(name: string, events: ViewEvent[], options: { peers?: Replica[]; extraPeers?: string[]; token?: string; pair?: PemPair } = {}): Promise<Replica> {
  const pair = options.pair ?? serving;
  const pins = new CertificatePins(() => pair);
  const staticPeers = [...(options.peers ?? []).map((p) => ({ name: p.name, url: p.url })), ...(options.extraPeers ?? []).map((url) => ({ name: new URL(url).host, url }))];
  const fleet = new FleetEvents({ selfName: name, local: () => events, directory: new PeerDirectory({ staticPeers }), trusts: (c) => pins.trusts(c), deadlineMs: DEADLINE_MS });
  const app = createAuditorApp({ authenticator: new StaticTokenAuthenticator(options.token ?? TOKEN), events: () => events, fleet, selfName: name, ruleIds: RULE_IDS, secureCookie: true, clock: () => NOW });
  const authorizations: string[] = [];
  const server = await startAuditorServer((req, res) => {
    if (req.headers.authorization) authorizations.push(req.headers.authorization);
    app(req, res);
  }, '127.0.0.1', 0, () => pair);
  return { name, server, url: `https://127.0.0.1:${server.address.port}/`, authorizations };
}

/** Accepts connections and never says a word (a hung replica). */
function silentServer(): Promise<{ url: string; close: () => void }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => sockets.add(s));
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ url: `https://127.0.0.1:${(server.address() as net.AddressInfo).port}/`, close: () => { for (const s of sockets) s.destroy(); server.close(); } })),
  );
}

async function api(target: Replica, query = ''): Promise<{ events: RiskEvent[]; total: number; complete: boolean; replicas: ReplicaStatus[] }> {
  const response = await fetchWithCa(`${target.url}api/events?${query}`);
  expect(response.status).toBe(200);
  return JSON.parse(response.body);
}

/** GET over HTTPS trusting the test CA. */
async function fetchWithCa(url: string, accept = 'application/json'): Promise<{ status: number; body: string }> {
  const https = await import('node:https');
  return new Promise((resolve, reject) => {
    https.get(url, { ca: ca.cert, headers: { authorization: `Bearer ${TOKEN}`, accept } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode!, body }));
    }).on('error', reject);
  });
}

describe('one auditor view over the replicas', () => {
  const tmp = tempDir('riskgate-fleet-');
  const all = [...auditorEvents(), ...crowdEvents(40)];
  // Spread over two replicas; one event was judged and recorded by both (a retried review): it must show once.
  const shared = all[0]!;
  const onZero = all.filter((_, i) => i % 2 === 0);
  const onOne = [...all.filter((_, i) => i % 2 === 1), { ...shared }];
  const replicas: Replica[] = [];
  let silent: Awaited<ReturnType<typeof silentServer>>;
  let zero: Replica;
  let troubled: Replica;

  beforeAll(async () => {
    requireBuiltCli();
    silent = await silentServer();
    const one = await replica('riskgate-1', onOne);
    const impostor = await replica('impostor', [], { pair: impostorPair });
    const otherToken = await replica('riskgate-3', onOne, { token: 'another-static-token-0123456789' });
    zero = await replica('riskgate-0', onZero, { peers: [one] });
    troubled = await replica('riskgate-2', onZero, { peers: [one, impostor, otherToken], extraPeers: [silent.url, 'https://127.0.0.1:9/'] });
    replicas.push(one, impostor, otherToken, zero, troubled);
    writeFileSync(join(tmp.dir, 'token'), TOKEN);
    writeFileSync(join(tmp.dir, 'ca.crt'), ca.cert);
  });
  afterAll(async () => {
    for (const r of replicas) await r.server.close();
    silent.close();
    tmp.remove();
  });

  test('every event of either replica is in the answer once, newest first, each naming its replica', async () => {
    const answer = await api(zero, 'limit=10000');
    const ids = answer.events.map((e) => e.event_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(all.map((e) => e.event_id).sort());
    expect(answer.total).toBe(all.length);
    expect(answer.complete).toBe(true);
    expect(answer.replicas).toEqual([
      { name: 'riskgate-0', self: true, answered: true, events: onZero.length, total: onZero.length },
      { name: 'riskgate-1', answered: true, events: onOne.length, total: onOne.length },
    ]);
    const replicaOf = new Map((answer.events as ViewEvent[]).map((e) => [e.event_id, e.replica]));
    expect(replicaOf.get(onOne[1]!.event_id)).toBe('riskgate-1');
    expect(replicaOf.get(shared.event_id)).toBe('riskgate-0');
    const times = answer.events.map((e) => Date.parse(e.time));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  test('pages and filters apply to the merged events', async () => {
    const first = await api(zero, 'limit=20');
    const second = await api(zero, 'limit=20&offset=20');
    expect(first.events).toHaveLength(20);
    expect(second.events.map((e) => e.event_id).filter((id) => first.events.some((e) => e.event_id === id))).toEqual([]);
    const alice = await api(zero, 'user=alice*');
    expect(alice.total).toBe(all.filter((e) => String(e.fields['user']).startsWith('alice')).length);
  });

  test('the peer was asked with the viewer\'s token and scope=local (it does not ask further)', async () => {
    const one = replicas[0]!;
    expect(one.authorizations.length).toBeGreaterThan(0);
    expect(new Set(one.authorizations)).toEqual(new Set([`Bearer ${TOKEN}`]));
    const local = await api(zero, 'scope=local&limit=10000');
    expect(local.events.map((e) => e.event_id).sort()).toEqual(onZero.map((e) => e.event_id).sort());
    expect(local.replicas).toHaveLength(1);
  });

  test('peers that do not answer are marked, each with its reason, within the deadline; the impostor never sees the token', async () => {
    const started = Date.now();
    const answer = await api(troubled, 'limit=10000');
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS + 1_500);
    expect(answer.complete).toBe(false);
    expect(new Set(answer.events.map((e) => e.event_id)).size).toBe(all.length); // riskgate-1 answered
    const byName = new Map(answer.replicas.map((r) => [r.name, r]));
    expect(byName.get('riskgate-1')).toMatchObject({ answered: true });
    expect(byName.get('impostor')).toEqual({ name: 'impostor', answered: false, error: "its certificate is not riskgate's serving certificate (the token was not sent)" });
    expect(byName.get('riskgate-3')).toEqual({ name: 'riskgate-3', answered: false, error: 'HTTP 401: sign in with a bearer token (invalid token)' });
    expect(byName.get(new URL(silent.url).host)).toEqual({ name: new URL(silent.url).host, answered: false, error: `no answer within ${DEADLINE_MS / 1000} s` });
    expect(byName.get('127.0.0.1:9')).toEqual({ name: '127.0.0.1:9', answered: false, error: 'ECONNREFUSED' });
    expect(replicas[1]!.authorizations).toEqual([]);
  });

  test('the page says which replicas are missing', async () => {
    const page = await fetchWithCa(`${troubled.url}?since=all`, 'text/html');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Events from 2 of 6 replicas: the view is incomplete.');
    expect(page.body).toMatch(/<li class="replica-missing" data-replica="impostor"><b>impostor<\/b>: did not answer \(its certificate is not riskgate&#39;s serving certificate/);
    expect(page.body).toContain('data-complete="false"');
  });

  test('riskgate events --server lists both replicas\' events; a missing replica is named on stderr and exits 1', async () => {
    const args = (target: Replica) => ['events', '--server', target.url, '--token-file', join(tmp.dir, 'token'), '--ca-file', join(tmp.dir, 'ca.crt'), '--output', 'json', '--limit', '10000'];
    const healthy = await runCli(args(zero), tmp.dir);
    expect(healthy.code).toBe(0);
    expect((JSON.parse(healthy.stdout) as RiskEvent[]).map((e) => e.event_id).sort()).toEqual(all.map((e) => e.event_id).sort());
    expect(healthy.stderr).toBe(`${all.length} matching events from 2 of 2 replicas\n`);
    const partial = await runCli(args(troubled), tmp.dir);
    expect(partial.code).toBe(1);
    expect(JSON.parse(partial.stdout)).toHaveLength(all.length);
    expect(partial.stderr).toContain(`${all.length} matching events from 2 of 6 replicas (incomplete)`);
    expect(partial.stderr).toContain("riskgate events: replica impostor did not answer (its certificate is not riskgate's serving certificate (the token was not sent)): its events are missing");
    expect(partial.stderr).toContain('riskgate events: replica 127.0.0.1:9 did not answer (ECONNREFUSED): its events are missing');
  });
});
