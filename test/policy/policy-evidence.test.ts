// Policy changes are evidence (issue 17, finding 6): an empty file is refused, every reload names its digest and what changed, a weakening one at WARN.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { policyChange } from '../../src/engine/policy-change.js';
import { parsePolicy } from '../../src/engine/policy-file.js';
import { PolicyStore, policyDigest, readPolicyFile } from '../../src/policy/policy-store.js';
import { RULES } from '../../src/rules/catalog.js';
import { tempDir } from '../sinks/sink-test-kit.js';

const HEAD = 'apiVersion: riskgate.io/v1\nkind: Policy\n';
const policy = (body: string) => parsePolicy(`${HEAD}${body}`, 'policy.yaml', RULES);

interface Line {
  level: string;
  fields: Record<string, unknown>;
  message: string;
}

function recordingLogger(): { logger: Logger; lines: Line[] } {
  const lines: Line[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, message: string) => void lines.push({ level, fields, message });
  return { logger: { info: at('info'), warn: at('warn'), error: at('error') } as unknown as Logger, lines };
}

describe('what a policy change did', () => {
  test.each([
    ['a rule set off', 'rules:\n  kubernetes-node-port-creation: {action: deny}\n', 'rules:\n  kubernetes-node-port-creation: {action: "off"}\n', ['rules.kubernetes-node-port-creation.action: deny -> off'], true],
    ['every namespace exempted', '', 'exemptions:\n  namespaces: ["*"]\n', ['exemptions: + namespaces ["*"]'], true],
    ['a namespace action weaker than the rule', 'rules:\n  kubernetes-node-port-creation: {action: deny}\n', 'rules:\n  kubernetes-node-port-creation:\n    action: deny\n    namespaceActions:\n      - {"dev-*": record}\n', ['rules.kubernetes-node-port-creation.namespaceActions: [] -> [dev-*=record]'], true],
    ['a rule set to deny', '', 'rules:\n  kubernetes-node-port-creation: {action: deny}\n', ['rules.kubernetes-node-port-creation.action: record -> deny'], false],
    ['a namespace-label exemption added', '', 'rules:\n  kubernetes-node-port-creation:\n    exemptions: {namespaceLabels: {zone: dmz}}\n', ['rules.kubernetes-node-port-creation.exemptions: + namespaceLabels {"zone":"dmz"}'], true],
    ['an exemption removed', 'exemptions:\n  users: [alice]\n', '', ['exemptions: - users ["alice"]'], false],
  ])('%s', (_name, before, after, changes, weakened) => {
    expect(policyChange(policy(before), policy(after))).toEqual({ changes, weakened });
  });
});

describe('the policy file', () => {
  const tmp = tempDir('riskgate-policy-evidence-');
  const file = join(tmp.dir, 'policy.yaml');
  afterAll(() => tmp.remove());

  test.each([[''], ['\n  \n'], ['# only a comment\n']])('an empty file (%j) is refused, not read as "every rule records"', (text) => {
    writeFileSync(file, text);
    expect(() => readPolicyFile(file, RULES)).toThrow(expect.objectContaining({ code: 'POLICY_EMPTY', message: expect.stringContaining(`${file}: the policy file is empty`) }));
  });

  test('a reload that empties the file keeps the policy in force; a weakening one is logged at WARN with both digests and the changes', () => {
    const strict = `${HEAD}rules:\n  kubernetes-node-port-creation: {action: deny}\n`;
    writeFileSync(file, strict);
    const store = new PolicyStore(RULES, file);
    expect(store.digest()).toBe(policyDigest(strict));
    expect(store.digest()).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(store.current().digest).toBe(store.digest()); // what every decision under it carries
    const { logger, lines } = recordingLogger();
    writeFileSync(file, '');
    expect(store.reload(logger)).toBe(false);
    expect(store.current().rules.get('kubernetes-node-port-creation')!.action).toBe('deny');
    expect(lines.map((l) => [l.level, l.fields['code']])).toEqual([['error', 'POLICY_EMPTY']]);
    const weak = `${HEAD}exemptions:\n  namespaces: ["*"]\nrules:\n  kubernetes-node-port-creation: {action: "off"}\n`;
    writeFileSync(file, weak);
    expect(store.reload(logger)).toBe(true);
    expect(store.current().digest).toBe(policyDigest(weak));
    expect(lines[1]).toEqual({
      level: 'warn',
      message: 'policy reloaded',
      fields: expect.objectContaining({
        weakened: true,
        digest: policyDigest(weak),
        previousDigest: policyDigest(strict),
        changes: ['exemptions: + namespaces ["*"]', 'rules.kubernetes-node-port-creation.action: deny -> off'],
      }),
    });
    writeFileSync(file, strict);
    store.reload(logger);
    expect(lines[2]).toMatchObject({ level: 'info', message: 'policy reloaded', fields: { digest: policyDigest(strict), changes: ['exemptions: - namespaces ["*"]', 'rules.kubernetes-node-port-creation.action: off -> deny'] } });
  });
});
