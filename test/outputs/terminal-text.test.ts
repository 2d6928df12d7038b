// Hostile names never reach an analyst's terminal raw: the text outputs of check, replay, detect-metrics and events escape them (issue 17, finding 12).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { terminalText } from '../../src/outputs/terminal-text.js';
import { REPO, requireBuiltCli, runCli } from '../check/cli-run.js';

/** Bytes no text output may print: ESC, CR, BEL, DEL, a C1 CSI, the right-to-left override. */
const RAW = /[\u001b\r\u0007\u007f\u009b\u202e]/;

describe('terminalText', () => {
  test.each([
    ['clear screen', 'web\u001b[2J', 'web\\x1b[2J'],
    ['a forged second line', 'alice\r\nroot denied', 'alice\\r\\nroot denied'],
    ['a tab (would break the columns)', 'a\tb', 'a\\tb'],
    ['bell, DEL and a C1 CSI', '\u0007x\u007f\u009b', '\\x07x\\x7f\\x9b'],
    ['bidi override and isolates', 'gpj.\u202eexe \u2066x\u2069', 'gpj.\\u202eexe \\u2066x\\u2069'],
    ['line and paragraph separators', 'a\u2028b\u2029', 'a\\u2028b\\u2029'],
    ['ordinary text, accents and emoji kept', 'café ☕ kube-system/α', 'café ☕ kube-system/α'],
  ])('%s', (_name, value, shown) => {
    expect(terminalText(value)).toBe(shown);
  });
});

describe('text outputs of the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'riskgate-terminal-'));
  beforeAll(requireBuiltCli);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('check: a NodePort Service whose name clears the screen and forges a line', async () => {
    const file = join(dir, 'hostile.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: Service\nmetadata:\n  name: "web\\e[2J\\r\\nweb kubernetes-node-port-creation pass"\n  namespace: shop\nspec:\n  type: NodePort\n  ports: [{port: 80}]\n');
    const run = await runCli(['check', file], REPO);
    expect(run.stdout).not.toMatch(RAW);
    expect(run.stdout.split('\n')[0]).toContain('Service/shop/web\\x1b[2J\\r\\nweb kubernetes-node-port-creation pass kubernetes-node-port-creation record');
    expect(run.stdout.trimEnd().split('\n')).toHaveLength(2); // the finding and the summary: no forged line
  });

  test('replay: an audit event whose user name colours the terminal and whose DaemonSet name reorders text', async () => {
    const line = readFileSync(join(REPO, 'test/fixtures/audit/synthetic/daemonset-create-two-stages.jsonl'), 'utf8').split('\n')[1]!;
    const event = JSON.parse(line) as { user: { username: string }; objectRef: { name: string } };
    event.user.username = 'alice\u001b[31m\u0007';
    event.objectRef.name = 'exporter\u202eexe.sh';
    const file = join(dir, 'audit.jsonl');
    writeFileSync(file, `${JSON.stringify(event)}\n`);
    const table = await runCli(['replay', file], REPO);
    expect(table.stdout).not.toMatch(RAW);
    expect(table.stdout).toContain('alice\\x1b[31m\\x07');
    // JSON keeps the real value (escaped by JSON itself).
    const json = await runCli(['replay', '--output', 'json', file], REPO);
    expect((JSON.parse(json.stdout.split('\n')[0]!) as { user: string }).user).toBe('alice\u001b[31m\u0007');
  });

  test('detect-metrics: a workload name with a right-to-left override', async () => {
    const payload = readFileSync(join(REPO, 'test/fixtures/otlp/network-edges.jsonl'), 'utf8').split('\n')[6]!.replace('"frontend"', '"front\\u202eend\\u001b[2K"');
    const file = join(dir, 'edges.jsonl');
    writeFileSync(file, `${payload}\n`);
    const run = await runCli(['detect-metrics', '--warmup', '0s', file], REPO);
    expect(run.stdout).not.toMatch(RAW);
    expect(run.stdout).toContain('front\\u202eend\\x1b[2K');
  });
});
