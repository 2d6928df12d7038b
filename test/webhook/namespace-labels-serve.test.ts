// serve with a policy naming namespaceLabels exemptions but no way to know namespace labels: it says so at start-up and on reload, and the exemption applies to nothing.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { capturedReview } from '../fixture-path.js';
import { serveForTest, tempDir } from './serve-harness.js';

const POLICY = 'rules:\n  kubernetes-node-port-creation:\n    action: deny\n    exemptions: {namespaceLabels: {zone: dmz}}\n';

test('without --watch-namespaces: a warning naming the option, at start-up and on each reload that keeps such an exemption; the rule still denies', async () => {
  const tmp = tempDir('namespace-labels');
  const file = join(tmp.dir, 'policy.yaml');
  writeFileSync(file, POLICY);
  const s = await serveForTest({ policy: file, certsDir: join(tmp.dir, 'certs') });
  try {
    const warning = 'the policy names namespaceLabels exemptions but serve runs without --watch-namespaces: they exempt nothing';
    expect(s.logs.lines).toContainEqual(expect.objectContaining({ level: 'warn', msg: warning, policy: file }));
    const answer = await s.client.postJson('/validate', capturedReview('001'));
    expect(answer.json()['response']).toMatchObject({ allowed: false, status: { code: 403 } });
    const from = s.logs.lines.length;
    writeFileSync(file, `${POLICY}  kubernetes-daemonset-deployed: {action: warn}\n`);
    await s.logs.waitFor(warning, { policy: file }, from);
  } finally {
    await s.stop();
    tmp.remove();
  }
});
