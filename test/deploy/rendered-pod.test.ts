// The rendered pod, run as a local process: the hec and otlp values really deliver risk events to HEC (token, CA, index, ack) and receive OTLP.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeMetricsProtobuf } from '../../src/otlp/otlp-protobuf.js';
import { edgePayload } from '../otlp/collector-payload.js';
import { HecTestServer } from '../sinks/hec-test-server.js';
import { tempDir } from '../sinks/sink-test-kit.js';
import { makeTestPki, TlsClient } from '../webhook/tls-harness.js';
import { ROOT, ensureHelm, find, helmTemplate, objectsOf } from './helm.js';
import type { K8sObject } from './helm.js';
import { runLocalPod } from './local-pod.js';
import type { LocalPod } from './local-pod.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = Record<string, any>;

const TOKEN = 'hec-token-from-the-secret';
const OTLP_TOKEN = 'collector-token-from-the-secret';
const REVIEW = readFileSync(join(ROOT, 'test/fixtures/kube-apiserver-v1.32/admissionreview/001-Service-CREATE-np-svc.request.json'), 'utf8');

describe('the rendered pod with hec and otlp enabled', () => {
  const webhookPki = makeTestPki('riskgate webhook CA');
  const splunkPki = makeTestPki('splunk test CA');
  let tmp: ReturnType<typeof tempDir>;
  let hec: HecTestServer;
  let objects: K8sObject[];
  let pod: LocalPod;

  beforeAll(async () => {
    ensureHelm();
    tmp = tempDir('riskgate-local-pod-');
    for (const [file, text] of [['tls.crt', webhookPki.serving.cert], ['tls.key', webhookPki.serving.key], ['ca.crt', webhookPki.ca.cert]] as const) writeFileSync(join(tmp.dir, file), text);
    hec = await new HecTestServer({ token: TOKEN, ack: true, tls: splunkPki.serving }).start();
    objects = objectsOf(
      helmTemplate({
        setFile: [`tls.cert=${join(tmp.dir, 'tls.crt')}`, `tls.key=${join(tmp.dir, 'tls.key')}`, `tls.ca=${join(tmp.dir, 'ca.crt')}`],
        set: [
          'hec.enabled=true',
          `hec.url=${hec.url}`,
          'hec.index=k8s_risk',
          'hec.source=riskgate-chart',
          'hec.ack=true',
          'hec.tokenSecret.name=riskgate-hec',
          'hec.tokenSecret.key=hec-token',
          'hec.caSecret.name=splunk-ca',
          'hec.spoolMaxMb=64',
          'otlp.enabled=true',
          'otlp.warmup=0s',
          'otlp.tokenSecret.name=riskgate-otlp',
        ],
      }),
    );
    // What the admin creates before the install: the token Secret and the Splunk CA Secret (with more keys than the CA).
    pod = await runLocalPod(objects, { secrets: { 'riskgate-otlp': { token: `${OTLP_TOKEN}\n` }, 'riskgate-hec': { 'hec-token': TOKEN }, 'splunk-ca': { 'ca.crt': splunkPki.ca.cert, 'README': 'not a certificate' } } }, tmp.dir);
  }, 120_000);

  afterAll(async () => {
    await pod?.stop();
    await hec?.close();
    tmp?.remove();
  });

  test('an admission review becomes a risk event indexed by HEC: the token from the Secret, Splunk verified with the mounted CA, index, source, ack', async () => {
    const client = new TlsClient(pod.ports.get('https')!, webhookPki.ca.cert);
    const answer = await client.send('POST', '/validate/observe', REVIEW, { 'content-type': 'application/json' });
    client.close();
    expect(answer.status).toBe(200);
    expect((answer.json()['response'] as Obj)['allowed']).toBe(true);
    await hec.waitFor(() => hec.indexed.some((e) => e.event['rule_id'] === 'kubernetes-node-port-creation'), 20_000, 'the NodePort risk event');
    const [event] = hec.indexed.filter((e) => e.event['rule_id'] === 'kubernetes-node-port-creation');
    expect(event).toMatchObject({ index: 'k8s_risk', source: 'riskgate-chart', sourcetype: 'riskgate:risk', event: { action: 'record' } });
    expect(event!.ackId).toEqual(expect.any(Number));
    expect(readFileSync(join(pod.volumes.get('hec-ca')!, 'ca.crt'), 'utf8')).toBe(splunkPki.ca.cert);
  });

  test("a collector exporting to the documented endpoint with the token Secret's bearer token reaches the receiver through the otlp Service; the finding goes to HEC; without the token it is refused", async () => {
    const service = find(objects, 'Service', 'riskgate-otlp') as Obj;
    const [port] = service.spec.ports as Obj[];
    expect(`http://${service.metadata.name}.${service.metadata.namespace}.svc:${port.port}`).toBe('http://riskgate-otlp.riskgate.svc:4318');
    const local = pod.ports.get(port.targetPort)!;
    const body = encodeMetricsProtobuf(edgePayload([{ cluster: 'prod-eu', source: 'frontend', dest: 'payments', timeMs: Date.now() }]));
    // The otlphttp exporter appends /v1/metrics to its endpoint.
    const send = (headers: Record<string, string>) => fetch(`http://127.0.0.1:${local}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf', ...headers }, body });
    expect((await send({})).status).toBe(401);
    expect((await send({ authorization: 'Bearer not-the-token' })).status).toBe(401);
    expect(pod.args).toContain(`--otlp-token-file=${pod.volumes.get('otlp-token')}/token`);
    const answer = await send({ authorization: `Bearer ${OTLP_TOKEN}` });
    expect(answer.status).toBe(200);
    await hec.waitFor(() => hec.indexed.some((e) => e.event['rule_id'] === 'kubernetes-newly-seen-tcp-edge'), 20_000, 'the edge risk event');
    expect(hec.indexed.find((e) => e.event['rule_id'] === 'kubernetes-newly-seen-tcp-edge')).toMatchObject({ index: 'k8s_risk', event: { risk_object: 'prod-eu' } });
  });

  test('the spool and the edge baseline are on the data volume; SIGTERM ends the pod cleanly', async () => {
    expect(pod.args).toContain(`--data-dir=${pod.volumes.get('data')}`);
    expect(readdirSync(pod.volumes.get('data')!).sort()).toEqual(['baseline', 'delivered', 'spool']);
    expect(await pod.stop()).toBe(0);
  });
});
