// `riskgate spl` as a user runs it: each format to stdout and to --out, the golden seed search, usage errors.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { riskgate } from '../replay/cli-process.js';
import { parseConf } from './conf-parser.js';

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), 'golden');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'riskgate-spl-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('riskgate spl', () => {
  test('--rule prints that rule\'s search alone: the ESCU search for a seed', async () => {
    const run = await riskgate(['spl', '--rule', 'kubernetes-node-port-creation']);
    expect([run.code, run.stdout]).toEqual([0, readFileSync(join(GOLDEN, 'kubernetes-node-port-creation.v4.spl'), 'utf8')]);
  });

  test('without --rule: every active rule, each under a "# id: search name" line (metric rules from the mstats writer, or reported as left out)', async () => {
    const run = await riskgate(['spl']);
    expect(run.code).toBe(0);
    const ids = [...run.stdout.matchAll(/^# ([a-z-]+): /gm)].map((m) => m[1]);
    expect(ids).toEqual(expect.arrayContaining(['kubernetes-node-port-creation', 'kubernetes-node-port-update', 'kubernetes-load-balancer-node-ports', 'kubernetes-daemonset-deployed', 'kubernetes-daemonset-template-update', 'kubernetes-shell-exec-into-pod']));
    for (const metric of ['kubernetes-newly-seen-tcp-edge', 'kubernetes-shell-running-on-worker-node']) {
      expect(ids.includes(metric) || run.stderr.includes(`${metric} left out`)).toBe(true);
    }
  });

  test('a policy with a namespaceLabels exemption: the search is the one without it, and stderr says why and what applies them', async () => {
    const policy = join(dir, 'namespace-labels.yaml');
    writeFileSync(policy, 'rules:\n  kubernetes-node-port-creation:\n    exemptions: {namespaceLabels: {zone: dmz}}\n');
    const run = await riskgate(['spl', '--policy', policy, '--rule', 'kubernetes-node-port-creation']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(readFileSync(join(GOLDEN, 'kubernetes-node-port-creation.v4.spl'), 'utf8'));
    expect(run.stderr).toBe("riskgate spl: namespaceLabels exemptions are not in the searches (an audit event does not carry its namespace's labels): they list what those exemptions exempt; riskgate replay --namespaces FILE applies them\n");
  });

  test('--format escu prints YAML documents; --out writes one .yml per rule', async () => {
    const run = await riskgate(['spl', '--format', 'escu']);
    const docs = parseAllDocuments(run.stdout).map((d) => d.toJS() as { name: string; search: string });
    expect(docs.find((d) => d.name === 'Kubernetes DaemonSet Deployed')?.search).toBe(readFileSync(join(GOLDEN, 'kubernetes-daemonset-deployed.v4.spl'), 'utf8').trim());
    const out = join(dir, 'escu');
    expect((await riskgate(['spl', '--format', 'escu', '--out', out])).code).toBe(0);
    expect(readdirSync(out)).toEqual(expect.arrayContaining(['kubernetes_node_port_creation.yml', 'kubernetes_daemonset_deployed.yml']));
  });

  test('--format splunk-app --out writes the app folder; a policy\'s off rules and exemptions are in it', async () => {
    const policy = join(dir, 'policy.yaml');
    writeFileSync(policy, 'apiVersion: riskgate.io/v1\nkind: Policy\nexemptions: {namespaces: [kube-system]}\nrules:\n  kubernetes-daemonset-deployed: {action: off}\n');
    const run = await riskgate(['spl', '--format', 'splunk-app', '--policy', policy, '--out', join(dir, 'apps'), '--app-id', 'my_riskgate']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(join(dir, 'apps', 'my_riskgate', 'default', 'savedsearches.conf'));
    const saved = parseConf(readFileSync(join(dir, 'apps', 'my_riskgate', 'default', 'savedsearches.conf'), 'utf8'));
    expect(saved.map((s) => s.name)).not.toContain('ESCU - Kubernetes DaemonSet Deployed - Rule');
    expect(saved.find((s) => s.name === 'ESCU - Kubernetes Node Port Creation - Rule')?.values['search']).toContain('NOT objectRef.namespace=kube-system');
    expect(parseConf(readFileSync(join(dir, 'apps', 'my_riskgate', 'default', 'app.conf'), 'utf8')).find((s) => s.name === 'package')?.values['id']).toBe('my_riskgate');
  });

  test('--baseline-window and --shells shape the metric searches as they shape the detectors; bad values exit 2', async () => {
    const defaults = await riskgate(['spl', '--rule', 'kubernetes-newly-seen-tcp-edge']);
    expect(defaults.stdout).toContain('earliest=-30d latest=-1h');
    const week = await riskgate(['spl', '--rule', 'kubernetes-newly-seen-tcp-edge', '--baseline-window', '7d']);
    expect([week.code, week.stdout.includes('earliest=-7d latest=-1h')]).toEqual([0, true]);
    const shells = await riskgate(['spl', '--rule', 'kubernetes-shell-running-on-worker-node', '--shells', 'extended']);
    expect(shells.code).toBe(0);
    expect(shells.stdout).toContain('process.executable.name IN ("sh","bash","csh","tcsh","dash","zsh","ash","ksh")');
    const app = join(dir, 'app-7d');
    expect((await riskgate(['spl', '--format', 'splunk-app', '--out', app, '--baseline-window', '7d'])).code).toBe(0);
    const saved = parseConf(readFileSync(join(app, 'riskgate_kubernetes', 'default', 'savedsearches.conf'), 'utf8'));
    expect(saved.find((s) => s.values['search']?.includes('tcp.packets'))?.values['search']).toContain('earliest=-7d');
    const bad = await riskgate(['spl', '--baseline-window', 'a week']);
    expect([bad.code, bad.stderr]).toEqual([2, 'riskgate spl: --baseline-window: "a week" is not a duration (a whole number with ms, s, m, h or d, e.g. 30d)\nRun \'riskgate spl --help\' for usage.\n']);
    expect((await riskgate(['spl', '--shells', 'b;ash'])).code).toBe(2);
  });

  test('usage errors exit 2: unknown rule, splunk-app without --out, bad --app-id, unknown format; an off rule exits 1', async () => {
    expect((await riskgate(['spl', '--rule', 'nope'])).code).toBe(2);
    expect((await riskgate(['spl', '--format', 'splunk-app'])).stderr).toBe('riskgate spl: --format splunk-app writes a folder: give --out DIR\nRun \'riskgate spl --help\' for usage.\n');
    const badId = await riskgate(['spl', '--format', 'splunk-app', '--out', dir, '--app-id', '../x']);
    expect([badId.code, badId.stderr]).toEqual([2, 'riskgate spl: --app-id "../x": use letters, digits, _ and - only (it names the app folder)\nRun \'riskgate spl --help\' for usage.\n']);
    expect((await riskgate(['spl', '--format', 'xml'])).code).toBe(2);
    const policy = join(dir, 'off.yaml');
    writeFileSync(policy, 'apiVersion: riskgate.io/v1\nkind: Policy\nrules:\n  kubernetes-node-port-update: {action: off}\n');
    const off = await riskgate(['spl', '--policy', policy, '--rule', 'kubernetes-node-port-update']);
    expect([off.code, off.stderr]).toEqual([1, `riskgate spl: --rule kubernetes-node-port-update: the rule is off in policy ${policy}, so it has no search\n`]);
  });
});
