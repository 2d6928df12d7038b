// The image behind a real kube-apiserver: the chart applied, riskgate's container with the ServiceAccount token a kubelet mounts makes its certificate and denies kubectl.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { objectsOf } from '../deploy/helm.js';
import { startControlPlane, type ControlPlane } from '../e2e/harness/control-plane.js';
import { createNamespaces } from '../e2e/harness/cluster-under-test.js';
import { freePort } from '../e2e/harness/free-port.js';
import { renderChart } from '../e2e/harness/webhook-registration.js';
import { startContainerPod } from './container-pod.js';
import type { ContainerPod } from './container-pod.js';
import { requireImage } from './podman.js';

const TOKEN_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
let plane: ControlPlane;
let pod: ContainerPod;

/** What the kubelet projects for the pod's ServiceAccount: a bound token, the cluster CA and the namespace. */
async function serviceAccountVolume(namespace: string, name: string): Promise<string> {
  const dir = join(plane.dir, 'serviceaccount');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'token'), (await plane.kubectl.ok(['create', 'token', name, '-n', namespace, '--duration=1h'])).trim());
  writeFileSync(join(dir, 'ca.crt'), readFileSync(plane.ca.cert));
  writeFileSync(join(dir, 'namespace'), namespace);
  return dir;
}

beforeAll(async () => {
  requireImage();
  const port = await freePort();
  plane = await startControlPlane();
  await plane.kubectl.ok(['create', 'namespace', 'riskgate']);
  await createNamespaces(plane, ['team-a']);
  // The chart's defaults (riskgate manages its certificate), the NodePort rule in deny mode, the Service on a free port.
  renderChart({ dir: plane.dir, set: [`service.port=${port}`, 'policy.rules.kubernetes-node-port-creation.action=deny'] });
  const render = join(plane.dir, 'chart-render.yaml');
  await plane.kubectl.ok(['apply', '-f', render]);
  // The API server dials the Service's ClusterIP (loopback here, see control-plane.ts): the container listens there.
  const clusterIp = (await plane.kubectl.ok(['get', 'service', 'riskgate', '-n', 'riskgate', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
  expect(clusterIp).toMatch(/^127\.\d+\.\d+\.\d+$/);
  pod = await startContainerPod({
    name: 'riskgate-image-apiserver',
    objects: objectsOf(readFileSync(render, 'utf8')),
    root: join(plane.dir, 'pod'),
    set: { '--host': clusterIp, '--port': String(port), '--metrics-port': String(await freePort()) },
    env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(plane.port) },
    mounts: [{ host: await serviceAccountVolume('riskgate', 'riskgate'), path: TOKEN_DIR }],
  });
}, 150_000);

afterAll(async () => {
  pod?.remove();
  await plane?.stop();
});

test('riskgate in the container created its TLS Secret and patched both webhook entries with its CA, in-cluster credentials only', async () => {
  const ca = Buffer.from((await plane.kubectl.ok(['get', 'secret', 'riskgate-tls', '-n', 'riskgate', '-o', 'jsonpath={.data.ca\\.crt}'])).trim(), 'base64').toString('utf8');
  expect(ca).toContain('BEGIN CERTIFICATE');
  const config = JSON.parse(await plane.kubectl.ok(['get', 'validatingwebhookconfiguration', 'riskgate', '-o', 'json'])) as { webhooks: { clientConfig: { caBundle: string } }[] };
  expect(config.webhooks.map((w) => Buffer.from(w.clientConfig.caBundle, 'base64').toString('utf8').includes(ca.trim()))).toEqual([true, true]);
  expect(pod.args).toEqual(expect.arrayContaining(['--manage-certs', '--certs-dir=/var/run/riskgate/certs']));
});

test("the API server calls the container through the chart's Service: kubectl create service nodeport denied, clusterip admitted", async () => {
  const denied = await plane.kubectl.run(['create', 'service', 'nodeport', 'np-1', '--tcp=80:8080', '-n', 'team-a']);
  expect(denied.code).toBe(1);
  expect(denied.stderr).toContain('admission webhook "enforce.riskgate.io" denied the request: riskgate denied this request: rule kubernetes-node-port-creation');
  expect(await plane.kubectl.run(['create', 'service', 'clusterip', 'cip-1', '--tcp=80:8080', '-n', 'team-a'])).toMatchObject({ code: 0 });
});

test('SIGTERM ends it with exit code 0; it wrote only to its volumes', async () => {
  pod.signal('TERM');
  expect(await pod.exited()).toBe(0);
  expect(pod.changes()).toEqual([]);
});
