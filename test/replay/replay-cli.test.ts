// `riskgate replay` as a user runs it: files, stdin, .gz, outputs, bad lines on stderr with line numbers, exit codes.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fixturePath } from '../fixture-path.js';
import { riskgate } from './cli-process.js';

const V132 = fixturePath('kube-apiserver-v1.32', 'audit.log.jsonl');
const BAD = fixturePath('audit', 'synthetic', 'bad-records.jsonl');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'riskgate-replay-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('riskgate replay', () => {
  test('table (default): one block per rule with the SPL columns; counts on stderr; exit 0', async () => {
    const run = await riskgate(['replay', V132]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('== ESCU - Kubernetes Node Port Creation - Rule (kubernetes-node-port-creation): 4 rows');
    expect(run.stdout).toMatch(/^kind +objectRef\.name +objectRef\.namespace .* src_ip +stage +user +userAgent +verb +count +user_groups$/m);
    expect(run.stdout).toContain('== riskgate - Kubernetes DaemonSet Pod Template Update - Rule (kubernetes-daemonset-template-update): 0 rows');
    expect(run.stderr).toBe('riskgate replay: 26 records, 26 audit events, 13 requests evaluated, 9 findings; 0 skipped\n');
  });

  test('stdin (-) and a gzipped file give the same risk events as the plain file', async () => {
    const gz = join(dir, 'audit.log.jsonl.gz');
    writeFileSync(gz, gzipSync(readFileSync(V132)));
    const plain = await riskgate(['replay', '--output', 'risk-events', V132]);
    const fromStdin = await riskgate(['replay', '--output', 'risk-events', '-'], readFileSync(V132));
    const fromGzip = await riskgate(['replay', '--output', 'risk-events', gz]);
    expect(plain.stdout.trim().split('\n')).toHaveLength(7);
    expect(fromStdin.stdout).toBe(plain.stdout);
    expect(fromGzip.stdout).toBe(plain.stdout);
  });

  test('bad lines are reported with file:line on stderr, skipped and counted; the good ones are replayed', async () => {
    const run = await riskgate(['replay', '--output', 'json', BAD]);
    expect(run.code).toBe(0);
    const lines = run.stderr.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^riskgate replay: ${BAD.replace(/[.]/g, '\\.')}:2: not JSON \\(.*\\); skipped$`));
    expect(lines[1]).toMatch(/bad-records\.jsonl:3: not JSON/);
    expect(lines[2]).toMatch(/bad-records\.jsonl:5: auditID is required; skipped$/);
    expect(lines[3]).toBe('riskgate replay: 5 records, 3 audit events, 2 requests evaluated, 2 findings; 3 skipped');
    expect(run.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { user: string }).user)).toEqual(['alice', 'bob']);
  });

  test('a policy file applies (exemptions, off rules)', async () => {
    const policy = join(dir, 'policy.yaml');
    writeFileSync(policy, 'apiVersion: riskgate.io/v1\nkind: Policy\nrules:\n  kubernetes-node-port-creation:\n    exemptions: {users: [admin]}\n  kubernetes-shell-exec-into-pod: {action: off}\n');
    const run = await riskgate(['replay', '--policy', policy, V132]);
    expect(run.stdout).toContain('(kubernetes-node-port-creation): 2 rows');
    expect(run.stdout).not.toContain('kubernetes-shell-exec-into-pod');
  });

  test.each<[string, (path: string) => void, string]>([
    ['a truncated .gz', (p) => writeFileSync(p, gzipSync(readFileSync(V132)).subarray(0, 2000)), 'not a readable gzip file (unexpected end of file)'],
    ['a .gz that is not gzip', (p) => writeFileSync(p, readFileSync(V132)), 'not a readable gzip file (incorrect header check)'],
  ])('%s: exit 1 naming the file, no stack trace', async (_title, make, message) => {
    const path = join(dir, `${_title.replace(/\W+/g, '-')}.gz`);
    make(path);
    const run = await riskgate(['replay', path]);
    expect([run.code, run.stderr]).toEqual([1, `riskgate replay: ${path}: ${message}\n`]);
  });

  test('a directory: exit 1 naming it', async () => {
    const run = await riskgate(['replay', dir]);
    expect([run.code, run.stderr]).toEqual([1, `riskgate replay: ${dir}: is a directory, not an audit log (give the files in it)\n`]);
  });

  test('errors: unreadable file and bad policy exit 1 naming them; a bad option exits 2', async () => {
    const missing = await riskgate(['replay', join(dir, 'nope.log')]);
    expect([missing.code, missing.stderr]).toEqual([1, `riskgate replay: ${join(dir, 'nope.log')}: cannot read the audit log (ENOENT)\n`]);
    const policy = join(dir, 'bad-policy.yaml');
    writeFileSync(policy, 'apiVersion: riskgate.io/v1\nkind: Policy\nrules:\n  no-such-rule: {}\n');
    const bad = await riskgate(['replay', '--policy', policy, V132]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${policy}:4:3: rules.no-such-rule: unknown rule id`);
    const usage = await riskgate(['replay', '--output', 'csv', V132]);
    expect(usage.code).toBe(2);
  });
});
