// Replay over the real audit events: the falco 2018 events and the kube-apiserver v1.32 log, table, JSON and risk-event outputs.
import { readdirSync } from 'node:fs';
import { fixturePath } from '../fixture-path.js';
import { replayLines, replayTable, tableOf } from './replay-helpers.js';

const falco = (name: string) => fixturePath('audit', 'falco-2018', `${name}.json`);
const V132 = fixturePath('kube-apiserver-v1.32', 'audit.log.jsonl');

describe('falco 2018 events (real, audit.k8s.io/v1beta1 era, no userAgent)', () => {
  test.each<[string, string[]]>([
    ['create_nginx_service_nodeport', ['kubernetes-node-port-creation']],
    ['create_nginx_service_nonodeport', []],
    ['create_service', []],
    ['delete_service', []],
    ['create_deployment', []],
    ['exec_pod', ['kubernetes-shell-exec-into-pod']],
    ['attach_pod', ['kubernetes-shell-exec-into-pod']],
  ])('%s → %j', async (name, rules) => {
    const { lines, bad } = await replayLines([falco(name)], 'json');
    expect(bad).toEqual([]);
    expect(lines.flatMap((l) => (l['verdicts'] as Array<{ rule_id: string }>).map((v) => v.rule_id))).toEqual(rules);
  });

  test('NodePort create → one risk event: user minikube-user (score 20), threat object the client IP from sourceIPs', async () => {
    const { lines } = await replayLines([falco('create_nginx_service_nodeport')], 'risk-events');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      search_name: 'ESCU - Kubernetes Node Port Creation - Rule', source: 'audit', time: '2018-10-26T09:31:36.115Z',
      risk_object: 'minikube-user', risk_object_type: 'user', risk_score: 20, threat_object: ['192.168.99.1'], threat_object_type: ['ip_address'],
      risk_message: 'Kubernetes node port creation from user minikube-user',
    });
  });

  test('alone, the NodePort create gives no SPL row: userAgent is absent from every result, so bare fillnull never creates it', async () => {
    const files = readdirSync(fixturePath('audit', 'falco-2018')).map((f) => fixturePath('audit', 'falco-2018', f));
    const { tables } = await replayTable(files);
    const nodePort = tableOf(tables, 'kubernetes-node-port-creation').result;
    expect(nodePort.rows).toEqual([]);
    expect(nodePort.dropped).toEqual({ events: 1, fields: ['userAgent'] });
  });

  test('with a log that has userAgent in the same result set, it is one row with userAgent=0', async () => {
    const { tables } = await replayTable([falco('create_nginx_service_nodeport'), V132]);
    const rows = tableOf(tables, 'kubernetes-node-port-creation').result.rows.filter((r) => r['objectRef.name'] === 'nginx');
    expect(rows).toEqual([
      {
        kind: 'Event', 'objectRef.name': 'nginx', 'objectRef.namespace': 'default', 'objectRef.resource': 'services', 'requestObject.kind': 'Service',
        'requestObject.spec.type': 'NodePort', 'responseStatus.code': '201', src_ip: '192.168.99.1', stage: 'ResponseComplete', user: 'minikube-user',
        userAgent: '0', verb: 'create', count: '1', user_groups: ['system:authenticated', 'system:masters'],
      },
    ]);
  });

  test('exec and attach (stage ResponseStarted only, kept as the last stage seen) are rows of the exec rule', async () => {
    const { tables } = await replayTable([falco('exec_pod'), falco('attach_pod')]);
    const rows = tableOf(tables, 'kubernetes-shell-exec-into-pod').result.rows;
    expect(rows.map((r) => [r['objectRef.subresource'], r['command'], r['container'], r['stage'], r['userAgent']])).toEqual([
      ['attach', '0', 'nginx1', 'ResponseStarted', '0'],
      ['exec', 'bash', 'nginx1', 'ResponseStarted', '0'],
    ]);
  });
});

describe('kube-apiserver v1.32 audit log (real)', () => {
  test('one table per active request rule, with the rows the searches give', async () => {
    const { tables, counts, bad } = await replayTable([V132]);
    expect(bad).toEqual([]);
    expect(counts).toMatchObject({ records: 26, events: 26, skipped: 0 });
    const names = (id: string) => tableOf(tables, id).result.rows.map((r) => `${String(r['objectRef.name'] ?? r['name'])}/${String(r['verb'])}/${String(r['responseStatus.code'])}`);
    expect(names('kubernetes-node-port-creation')).toEqual(['np-curl/create/403', 'np-curl-dry/create/403', 'np-dry/create/403', 'np-svc/create/403']);
    expect(names('kubernetes-node-port-update')).toEqual(['cip-svc/patch/403']);
    expect(names('kubernetes-load-balancer-node-ports')).toEqual(['lb-svc/create/201']);
    expect(names('kubernetes-daemonset-deployed')).toEqual(['node-agent/create/201']);
    // kubectl label changed the DaemonSet's labels, not its pod template.
    expect(names('kubernetes-daemonset-template-update')).toEqual([]);
    // kubectl exec tried a WebSocket GET then a SPDY POST: two requests, both admitted as CONNECT.
    expect(names('kubernetes-shell-exec-into-pod')).toEqual(['shell-target/create/404', 'shell-target/get/404']);
  });

  test('the seed row is exactly the ESCU columns', async () => {
    const { tables } = await replayTable([V132]);
    const row = tableOf(tables, 'kubernetes-node-port-creation').result.rows.find((r) => r['objectRef.name'] === 'np-svc');
    expect(row).toEqual({
      kind: 'Event', 'objectRef.name': 'np-svc', 'objectRef.namespace': 'default', 'objectRef.resource': 'services', 'requestObject.kind': 'Service',
      'requestObject.spec.type': 'NodePort', 'responseStatus.code': '403', src_ip: '127.0.0.1', stage: 'ResponseComplete', user: 'admin',
      userAgent: 'kubectl/v1.32.4 (linux/amd64) kubernetes/4cb5f07', verb: 'create', count: '1', user_groups: ['system:authenticated', 'system:masters'],
    });
  });

  test('risk events: none for the dry-run requests (as at admission), src_ip from sourceIPs', async () => {
    const { lines } = await replayLines([V132], 'risk-events');
    const names = lines.map((l) => `${String(l['rule_id'])}:${String((l['fields'] as Record<string, string>)['name'])}`);
    expect(names).toEqual([
      'kubernetes-node-port-creation:np-svc',
      'kubernetes-node-port-update:cip-svc',
      'kubernetes-load-balancer-node-ports:lb-svc',
      'kubernetes-daemonset-deployed:node-agent',
      'kubernetes-node-port-creation:np-curl',
      'kubernetes-shell-exec-into-pod:shell-target',
      'kubernetes-shell-exec-into-pod:shell-target',
    ]);
    expect(lines.filter((l) => l['threat_object_type'] !== undefined && (l['threat_object_type'] as string[]).includes('ip_address')).every((l) => (l['threat_object'] as string[])[0] === '127.0.0.1')).toBe(true);
  });

  test('json: one line per request with findings, the decision the policy gives now', async () => {
    const { lines } = await replayLines([V132], 'json');
    expect(lines.find((l) => l['name'] === 'np-dry')).toMatchObject({
      verb: 'create', operation: 'CREATE', resource: 'services', user: 'admin', src_ip: ['127.0.0.1'], response_code: 403, dry_run: true, allowed: true,
      verdicts: [{ rule_id: 'kubernetes-node-port-creation', action: 'record', summary: 'Service default/np-dry is of type NodePort' }],
    });
  });
});
