// `riskgate vap` as a user runs it: YAML on stdout or one file per policy, what stays with the webhook on stderr, exit codes.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO, requireBuiltCli, runCli } from '../check/cli-run.js';

const dir = mkdtempSync(join(tmpdir(), 'riskgate-vap-cli-'));
const policy = join(dir, 'policy.yaml');
writeFileSync(
  policy,
  [
    'rules:',
    '  kubernetes-node-port-creation:',
    '    action: deny',
    '    exemptions:',
    '      - {users: [alice], expires: 2026-12-24T00:00:00Z, reason: migration}',
    '      - {users: [bob], expires: 2026-11-01T00:00:00Z, reason: ended}',
    '  kubernetes-daemonset-deployed: {action: warn}',
  ].join('\n'),
);

beforeAll(() => requireBuiltCli());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('stdout: a YAML stream of each policy and its binding, headed by where it comes from and when to regenerate', async () => {
  const run = await runCli(['vap', '--policy', policy, '--at', '2026-12-01T00:00:00Z', '--exclude-namespace', 'kube-system'], REPO);
  expect(run.code).toBe(0);
  expect(run.stdout.split('\n').slice(0, 2)).toEqual([
    `# riskgate vap: ValidatingAdmissionPolicies of the riskgate policy ${policy}, written 2026-12-01T00:00:00Z.`,
    '# An exemption block compiled in ends 2026-12-24T00:00:00Z: run riskgate vap again and apply before then.',
  ]);
  const objects = parseAllDocuments(run.stdout).map((d) => d.toJSON() as { kind: string; metadata: { name: string } });
  expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
    'ValidatingAdmissionPolicy/riskgate-kubernetes-node-port-creation-deny',
    'ValidatingAdmissionPolicyBinding/riskgate-kubernetes-node-port-creation-deny',
    'ValidatingAdmissionPolicy/riskgate-kubernetes-daemonset-deployed-warn',
    'ValidatingAdmissionPolicyBinding/riskgate-kubernetes-daemonset-deployed-warn',
  ]);
  // The block that ended before --at is not compiled in; the live one is.
  expect(run.stdout).toContain("== 'alice'");
  expect(run.stdout).not.toContain("'bob'");
  expect(run.stderr).toBe('riskgate vap: an exemption block compiled in ends 2026-12-24T00:00:00Z: generate and apply again before then\n');
});

test('--out DIR: one file per policy; --action deny writes only the deny ones', async () => {
  const out = join(dir, 'out');
  const run = await runCli(['vap', '--policy', policy, '--action', 'deny', '--out', out], REPO);
  expect(run.code).toBe(0);
  expect(readdirSync(out)).toEqual(['riskgate-kubernetes-node-port-creation-deny.yaml']);
  expect(parseAllDocuments(readFileSync(join(out, 'riskgate-kubernetes-node-port-creation-deny.yaml'), 'utf8'))).toHaveLength(2);
  expect(run.stderr).toContain(`riskgate vap: wrote 1 policy and its binding to ${out}\n`);
});

test('the built-in policy (every rule records): nothing to write', async () => {
  const run = await runCli(['vap'], REPO);
  expect(run.code).toBe(0);
  expect(parseAllDocuments(run.stdout).filter((d) => d.contents !== null)).toEqual([]);
});

test('errors: a bad --at is a usage error (exit 2), a bad policy exit 1 with its file:line:column', async () => {
  const at = await runCli(['vap', '--at', 'soon'], REPO);
  expect({ code: at.code, stderr: at.stderr }).toEqual({ code: 2, stderr: 'riskgate vap: --at "soon" is not an RFC 3339 time (e.g. 2026-12-01T00:00:00Z)\n' });
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'requireReason: true\nexemptions:\n  - users: [x]\n');
  const run = await runCli(['vap', '--policy', bad], REPO);
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 1, stderr: `riskgate vap: ${bad}:3:5: exemptions[0]: requireReason is true: this exemption block needs a reason\n` });
});
