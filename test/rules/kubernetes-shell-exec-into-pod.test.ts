// The exec twin of seed 004 over real pods/exec AdmissionReviews, and a table of exec/attach options it must (not) flag.
import { evaluate } from '../../src/engine/evaluate.js';
import { RULES } from '../../src/rules/catalog.js';
import { fromAdmissionReview } from '../../src/request/from-admission-review.js';
import type { ResourceRequest } from '../../src/request/resource-request.js';
import type { JsonObject } from '../../src/request/json-value.js';
import { riskEventsOf } from '../../src/outputs/risk-event.js';
import { fromAuditEvent } from '../../src/request/from-audit-event.js';
import { readFileSync } from 'node:fs';
import { capturedReview, fixturePath, readJson } from '../fixture-path.js';

const RULE_ID = 'kubernetes-shell-exec-into-pod';

/** The captured 011 request with its PodExecOptions / PodAttachOptions replaced. */
function connect(subResource: 'exec' | 'attach', object: JsonObject): ResourceRequest {
  const { request } = fromAdmissionReview(capturedReview('011'));
  const kind = subResource === 'exec' ? 'PodExecOptions' : 'PodAttachOptions';
  return { ...request, subResource, kind, object: { kind, apiVersion: 'v1', ...object } };
}

const cases: Array<[string, 'exec' | 'attach', JsonObject, boolean]> = [
  ['kubectl exec -it pod -- bash', 'exec', { command: ['bash'], stdin: true, tty: true }, true],
  ['kubectl exec pod -- /bin/sh -c id', 'exec', { command: ['/bin/sh', '-c', 'id'] }, true],
  ['kubectl exec pod -- /usr/bin/zsh (extended list)', 'exec', { command: ['/usr/bin/zsh'] }, true],
  ['kubectl exec pod -- busybox sh', 'exec', { command: ['busybox', 'sh'] }, true],
  ['kubectl exec pod -- /usr/bin/env bash', 'exec', { command: ['/usr/bin/env', 'bash'] }, true],
  ['kubectl exec pod -- ls /', 'exec', { command: ['ls', '/'] }, false],
  ['kubectl exec pod -- cat /bin/sh (shell only as argument)', 'exec', { command: ['cat', '/bin/sh'] }, false],
  ['kubectl exec pod -- busybox ls', 'exec', { command: ['busybox', 'ls'] }, false],
  ['kubectl exec pod -- shx (not a shell basename)', 'exec', { command: ['shx'] }, false],
  // Issue 17, finding 9: launchers with options and assignments, every common shell, ptys from interpreters.
  ['env -i sh', 'exec', { command: ['env', '-i', 'sh'] }, true],
  ['env FOO=1 sh', 'exec', { command: ['env', 'FOO=1', 'sh'] }, true],
  ['/usr/bin/env -i PATH=/bin HOME=/ /bin/bash -i', 'exec', { command: ['/usr/bin/env', '-i', 'PATH=/bin', 'HOME=/', '/bin/bash', '-i'] }, true],
  ['nice sh', 'exec', { command: ['nice', 'sh'] }, true],
  ['nice -n 19 bash', 'exec', { command: ['nice', '-n', '19', 'bash'] }, true],
  ['timeout 999 sh', 'exec', { command: ['timeout', '999', 'sh'] }, true],
  // Options that take a value (the launchers' option tables): the value may be any word.
  ['timeout -s KILL 10m sh', 'exec', { command: ['timeout', '-s', 'KILL', '10m', 'sh'] }, true],
  ['timeout --signal=KILL 10 sh', 'exec', { command: ['timeout', '--signal=KILL', '10', 'sh'] }, true],
  ['timeout -k 5 10 bash', 'exec', { command: ['timeout', '-k', '5', '10', 'bash'] }, true],
  ['sudo -u root sh', 'exec', { command: ['sudo', '-u', 'root', 'sh'] }, true],
  ['sudo -E -u app -- /bin/bash', 'exec', { command: ['sudo', '-E', '-u', 'app', '--', '/bin/bash'] }, true],
  ['env -u HISTFILE sh', 'exec', { command: ['env', '-u', 'HISTFILE', 'sh'] }, true],
  ['ionice -c 3 sh', 'exec', { command: ['ionice', '-c', '3', 'sh'] }, true],
  ['taskset -c 0-3 sh', 'exec', { command: ['taskset', '-c', '0-3', 'sh'] }, true],
  ['nsenter -t 1 -m -p sh', 'exec', { command: ['nsenter', '-t', '1', '-m', '-p', 'sh'] }, true],
  ['unshare -r sh', 'exec', { command: ['unshare', '-r', 'sh'] }, true],
  ['chroot --userspec nobody / sh', 'exec', { command: ['chroot', '--userspec', 'nobody', '/', 'sh'] }, true],
  ['setsid nohup sh', 'exec', { command: ['setsid', 'nohup', 'sh'] }, true],
  ['busybox sh', 'exec', { command: ['busybox', 'sh'] }, true],
  // A whole command line as an option's value, and programs that open a shell without naming it.
  ["su -c 'bash -i'", 'exec', { command: ['su', '-c', 'bash -i'] }, true],
  ["env -S 'sh -x'", 'exec', { command: ['env', '-S', 'sh -x'] }, true],
  ['su - root', 'exec', { command: ['su', '-', 'root'] }, true],
  ['su', 'exec', { command: ['/bin/su'] }, true],
  ['sudo -i', 'exec', { command: ['sudo', '-i'] }, true],
  ['doas -s', 'exec', { command: ['doas', '-s'] }, true],
  ["su -c 'ls /' (a command, not a shell)", 'exec', { command: ['su', '-c', 'ls /'] }, false],
  ['sudo -u root ls (a value, then a program that is not a shell)', 'exec', { command: ['sudo', '-u', 'root', 'ls'] }, false],
  ['timeout -s KILL 10 ls /bin/sh (a shell only as an argument)', 'exec', { command: ['timeout', '-s', 'KILL', '10', 'ls', '/bin/sh'] }, false],
  ['nice grep sh /etc/shells (a plain word is no option value)', 'exec', { command: ['nice', 'grep', 'sh', '/etc/shells'] }, false],
  ['chroot / sh', 'exec', { command: ['chroot', '/', 'sh'] }, true],
  ['chroot /host /bin/bash', 'exec', { command: ['chroot', '/host', '/bin/bash'] }, true],
  ['stdbuf -o0 sh', 'exec', { command: ['stdbuf', '-o0', 'sh'] }, true],
  ['setsid sh', 'exec', { command: ['setsid', 'sh'] }, true],
  ['env -i nice -n 5 timeout 99 sh (launchers chained, the shell as the 8th word)', 'exec', { command: ['env', '-i', 'nice', '-n', '5', 'timeout', '99', 'sh'] }, true],
  ['busybox ash', 'exec', { command: ['busybox', 'ash'] }, true],
  ['script', 'exec', { command: ['script'] }, true],
  ['script -q /dev/null', 'exec', { command: ['/usr/bin/script', '-q', '/dev/null'] }, true],
  ['python -c import pty;pty.spawn("/bin/sh")', 'exec', { command: ['python', '-c', 'import pty;pty.spawn("/bin/sh")'] }, true],
  ['python3 -c import pty; pty.spawn("bash")', 'exec', { command: ['/usr/bin/python3', '-c', 'import pty; pty.spawn("bash")'] }, true],
  ["perl -e exec '/bin/sh';", 'exec', { command: ['perl', '-e', "exec '/bin/sh';"] }, true],
  ["ruby -e exec('/bin/bash')", 'exec', { command: ['ruby', '-e', "exec('/bin/bash')"] }, true],
  ['python -c print(1) (no shell started)', 'exec', { command: ['python', '-c', 'print(1)'] }, false],
  ["python -c os.system('ls') (a process, not a shell)", 'exec', { command: ['python', '-c', "import os; os.system('ls')"] }, false],
  ['fish', 'exec', { command: ['fish'] }, true],
  ['/bin/mksh', 'exec', { command: ['/bin/mksh'] }, true],
  ['rbash', 'exec', { command: ['rbash'] }, true],
  ['/usr/bin/yash', 'exec', { command: ['/usr/bin/yash'] }, true],
  ['env ls (a launcher of something else)', 'exec', { command: ['env', 'ls'] }, false],
  ['nice -n 5 ls /bin/sh (a shell only as an argument)', 'exec', { command: ['nice', '-n', '5', 'ls', '/bin/sh'] }, false],
  ['kubectl attach -i pod', 'attach', { stdin: true, stdout: true, stderr: true }, true],
  ['kubectl attach -it pod', 'attach', { stdin: true, tty: true, stdout: true }, true],
  ['kubectl attach pod (read-only)', 'attach', { stdout: true, stderr: true }, false],
];

describe('kubernetes-shell-exec-into-pod', () => {
  test.each(['011', '012'])('captured AdmissionReview %s (pods/exec CONNECT sh -c id) is a finding', (prefix) => {
    const { request } = fromAdmissionReview(capturedReview(prefix));
    const findings = evaluate(request, RULES);
    expect(findings.map((f) => f.rule.id)).toEqual([RULE_ID]);
    expect(findings[0]?.fields).toMatchObject({
      user: 'admin',
      namespace: 'default',
      name: 'shell-target',
      resource: 'pods/exec',
      operation: 'CONNECT',
      command: 'sh -c id',
      container: 'c',
    });
    expect(findings[0]?.summary).toBe('admin opens pods/exec on pod default/shell-target (command: sh -c id)');
  });

  test.each(cases)('%s (%s %j) → finding: %s', (_title, subResource, object, expected) => {
    const ids = evaluate(connect(subResource, object), RULES).map((f) => f.rule.id);
    expect(ids).toEqual(expected ? [RULE_ID] : []);
  });

  test('the risk event names the user (score 25) and carries the command as threat object', () => {
    const { request } = fromAdmissionReview(capturedReview('011'));
    const [finding] = evaluate(request, RULES);
    const [event] = riskEventsOf(finding!, 'record', new Date('2026-01-01T00:00:00Z'), 'admission');
    expect(event).toMatchObject({
      risk_object: 'admin',
      risk_object_type: 'user',
      risk_score: 25,
      risk_message: 'Kubernetes shell exec into pod default/shell-target by user admin',
      threat_object: ['sh -c id'],
      threat_object_type: ['command'],
      annotations: { mitre_attack: ['T1204', 'T1609'] },
      search_name: 'riskgate - Kubernetes Shell Exec Into Pod - Rule',
    });
  });

  describe('the same rule over real audit events (the requestURI carries the exec options)', () => {
    test('falco 2018 exec_pod: kubectl exec -it … bash is a finding with the command and the source IP', () => {
      const request = fromAuditEvent(readJson(fixturePath('audit', 'falco-2018', 'exec_pod.json')), 'exec_pod.json:1')!;
      const findings = evaluate(request, RULES);
      expect(findings.map((f) => f.rule.id)).toEqual([RULE_ID]);
      expect(findings[0]!.fields).toMatchObject({ user: 'minikube-user', command: 'bash', container: 'nginx1', src_ip: '192.168.99.1', resource: 'pods/exec' });
      const [event] = riskEventsOf(findings[0]!, 'record', new Date('2026-01-01T00:00:00Z'), 'audit');
      expect(event).toMatchObject({ risk_object: 'minikube-user', threat_object: ['bash'], threat_object_type: ['command'] });
    });

    test('falco 2018 attach_pod: kubectl attach -i (stdin, no tty) is a finding without a command', () => {
      const request = fromAuditEvent(readJson(fixturePath('audit', 'falco-2018', 'attach_pod.json')), 'attach_pod.json:1')!;
      const findings = evaluate(request, RULES);
      expect(findings.map((f) => f.rule.id)).toEqual([RULE_ID]);
      expect(findings[0]!.fields['command']).toBeUndefined();
      expect(riskEventsOf(findings[0]!, 'record', new Date(0), 'audit')[0]).toMatchObject({ threat_object: [], risk_object: 'minikube-user' });
    });

    test('kube-apiserver v1.32 audit log: each pods/exec event of `kubectl exec … sh -c id` is a finding, nothing else is', () => {
      const lines = readFileSync(fixturePath('kube-apiserver-v1.32', 'audit.log.jsonl'), 'utf8').split('\n').filter(Boolean);
      const hits = lines.flatMap((line, i) => {
        const request = fromAuditEvent(JSON.parse(line) as unknown, `audit.log.jsonl:${i + 1}`);
        if (!request) return [];
        return evaluate(request, RULES)
          .filter((f) => f.rule.id === RULE_ID)
          .map((f) => `${request.operation} ${f.fields['resource']} ${f.fields['command']}`);
      });
      const execLines = lines.filter((l) => l.includes('"subresource":"exec"')).length;
      expect(execLines).toBeGreaterThan(0);
      expect(hits).toEqual(Array(execLines).fill('CONNECT pods/exec sh -c id'));
    });
  });
});
