// The image run as the chart runs it: read-only root, the policy and certificate mounted where the Deployment mounts them, its args; probes, a denial, SIGTERM, uid 1000, nothing written outside the data dir.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, find, helmTemplate, objectsOf } from '../deploy/helm.js';
import type { K8sObject } from '../deploy/helm.js';
import { freePort } from '../e2e/harness/free-port.js';
import { httpsGet } from '../e2e/harness/https-get.js';
import { makeTestPki } from '../webhook/tls-harness.js';
import { startContainerPod } from './container-pod.js';
import type { ContainerPod } from './container-pod.js';
import { IMAGE, podman, podmanOk, requireImage } from './podman.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = Record<string, any>;

const REVIEW = readFileSync(join(ROOT, 'test/fixtures/kube-apiserver-v1.32/admissionreview/001-Service-CREATE-np-svc.request.json'), 'utf8');
const pki = makeTestPki('riskgate image test CA');
let dir: string;
let caFile: string;
let objects: K8sObject[];
let pod: ContainerPod;

async function loopbackSettings(): Promise<Record<string, string>> {
  return { '--host': '127.0.0.1', '--port': String(await freePort()), '--metrics-port': String(await freePort()) };
}

async function review(url: string): Promise<{ status: number; response: Obj }> {
  const answer = await httpsGet(`${url}/validate/enforce`, caFile, { method: 'POST', body: REVIEW });
  return { status: answer.status, response: answer.status === 200 ? (JSON.parse(answer.body) as Obj)['response'] : {} };
}

/** Every file under dir, relative to it. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(dir, join(prefix, e.name)) : [join(prefix, e.name)]));
}

const deployment = (): Obj => (find(objects, 'Deployment') as Obj).spec.template.spec;

beforeAll(async () => {
  requireImage();
  dir = mkdtempSync(join(tmpdir(), 'riskgate-image-'));
  for (const [file, text] of [['tls.crt', pki.serving.cert], ['tls.key', pki.serving.key], ['ca.crt', pki.ca.cert]] as const) writeFileSync(join(dir, file), text);
  caFile = join(dir, 'ca.crt');
  objects = objectsOf(
    helmTemplate({
      setFile: [`tls.cert=${join(dir, 'tls.crt')}`, `tls.key=${join(dir, 'tls.key')}`, `tls.ca=${caFile}`],
      set: ['policy.rules.kubernetes-node-port-creation.action=deny'],
    }),
  );
  pod = await startContainerPod({ name: 'riskgate-image-test', objects, root: join(dir, 'pod'), set: await loopbackSettings() });
}, 120_000);

afterAll(() => {
  pod?.remove();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the image', () => {
  test("runs as the chart's user and group, is labelled, has no HEALTHCHECK and stays under 200 MB", () => {
    const [inspected] = JSON.parse(podmanOk(['image', 'inspect', IMAGE])) as Obj[];
    const context = deployment().securityContext;
    expect(inspected!['Config'].User).toBe(`${context.runAsUser}:${context.runAsGroup}`);
    expect(context.runAsUser).toBe(1000);
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect(inspected!['Config'].Labels).toMatchObject({
      'org.opencontainers.image.source': 'https://github.com/riskgate/riskgate',
      'org.opencontainers.image.version': version,
      'org.opencontainers.image.licenses': 'Apache-2.0',
    });
    expect(inspected!['Config'].Healthcheck ?? inspected!['HealthCheck']).toBeUndefined();
    expect(inspected!['Size']).toBeLessThan(200_000_000);
    expect((find(objects, 'Deployment') as Obj).spec.template.spec.containers[0].image).toBe(`riskgate:${version}`);
  });

  test('holds node, the libraries it links and the bundle: no shell, no npm, no node_modules', () => {
    const mount = podmanOk(['image', 'mount', IMAGE]).trim();
    try {
      const files = filesUnder(mount);
      expect(files.filter((f) => f.includes('node_modules') || /(^|\/)(sh|bash|npm|npx|apt|dpkg)$/.test(f))).toEqual([]);
      expect(new Set(files.map((f) => f.split('/')[0]))).toEqual(new Set(['app', 'etc', 'lib', 'lib64', 'usr']));
      expect(files.filter((f) => f.startsWith('usr/') || f.startsWith('etc/'))).toEqual(['etc/group', 'etc/passwd', 'usr/local/bin/node']);
      const libraries = files.filter((f) => f.startsWith('lib')).map((f) => f.split('/').at(-1)!.replace(/\.so.*$/, ''));
      expect(libraries.sort()).toEqual(['ld-linux-x86-64', 'libc', 'libdl', 'libgcc_s', 'libm', 'libpthread', 'libstdc++']);
      const app = files.filter((f) => f.startsWith('app/')).map((f) => f.slice(4));
      expect(app.filter((f) => !/^chunk-\w+\.js$/.test(f)).sort()).toEqual(['THIRD-PARTY-NOTICES', 'otlp-worker.js', 'package.json', 'parse-worker.js', 'riskgate.js']);
      expect(readFileSync(join(mount, 'etc', 'passwd'), 'utf8')).toMatch(/^riskgate:x:1000:1000:/);
      expect(readdirSync(join(mount, 'var', 'lib', 'riskgate'))).toEqual([]);
      expect(readdirSync(join(mount, 'tmp'))).toEqual([]);
    } finally {
      podman(['image', 'unmount', IMAGE]);
    }
  });
});

describe("the container with the chart's settings (read-only root, mounted policy and certificate, the Deployment's args)", () => {
  test('runs the rendered args; /healthz and /readyz answer over the mounted certificate', async () => {
    const rendered = deployment().containers[0].args as string[];
    expect(pod.args.map((a) => a.split('=')[0])).toEqual(rendered.map((a) => a.split('=')[0]));
    expect(pod.args.filter((a) => !/^--(host|port|metrics-port)=/.test(a))).toEqual(rendered.filter((a) => !/^--(host|port|metrics-port)=/.test(a)));
    expect(rendered).toEqual(expect.arrayContaining(['--policy=/etc/riskgate/policy/policy.yaml', '--tls-cert=/etc/riskgate/tls/tls.crt', '--data-dir=/var/lib/riskgate']));
    expect((await httpsGet(`${pod.url}/healthz`, caFile)).status).toBe(200);
    expect((await httpsGet(`${pod.url}/readyz`, caFile)).status).toBe(200);
  });

  test('a NodePort Service AdmissionReview is denied by the policy from the mounted ConfigMap', async () => {
    const { status, response } = await review(pod.url);
    expect(status).toBe(200);
    expect(response).toMatchObject({ uid: (JSON.parse(REVIEW) as Obj)['request'].uid, allowed: false });
    expect(response['status'].message).toContain('kubernetes-node-port-creation');
  });

  test('riskgate is PID 1 in the container, as uid and gid 1000, with no capabilities and no new privileges', () => {
    const status = readFileSync(`/proc/${pod.hostPid()}/status`, 'utf8');
    const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status)?.[1]?.trim().split(/\s+/);
    expect(field('Uid')).toEqual(['1000', '1000', '1000', '1000']);
    expect(field('Gid')).toEqual(['1000', '1000', '1000', '1000']);
    expect(field('NSpid')?.at(-1)).toBe('1');
    expect(field('CapEff')).toEqual(['0000000000000000']);
    expect(field('NoNewPrivs')).toEqual(['1']);
    expect(readFileSync(`/proc/${pod.hostPid()}/cmdline`, 'utf8').split('\0').slice(0, 4)).toEqual(['node', '--max-semi-space-size=4', '/app/riskgate.js', 'serve']);
  });

  test('SIGTERM: /readyz fails while reviews are still answered (the shutdown delay), then exit 0 within the grace period', async () => {
    const grace = (deployment().terminationGracePeriodSeconds as number) * 1000;
    const sent = Date.now();
    pod.signal('TERM');
    let ready = 200;
    for (let i = 0; i < 50 && ready === 200; i++) ready = (await httpsGet(`${pod.url}/readyz`, caFile)).status;
    expect(ready).toBe(503);
    expect((await review(pod.url)).response['allowed']).toBe(false);
    expect(await pod.exited()).toBe(0);
    expect(Date.now() - sent).toBeLessThan(grace);
    const messages = pod.logs().split('\n').filter((l) => l.startsWith('{')).map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(messages).toEqual(expect.arrayContaining([expect.stringContaining('shutting down'), expect.stringContaining('draining')]));
  });

  test('nothing was written outside the data directory: the image layer is unchanged, /tmp is empty', () => {
    expect(pod.changes()).toEqual([]);
    expect(filesUnder(pod.volumes.get('tmp')!)).toEqual([]);
    expect(filesUnder(pod.volumes.get('data')!).length).toBeGreaterThan(0);
  });
});

test('with a writable root filesystem, riskgate still writes nothing outside its volumes (podman diff)', async () => {
  const writable = await startContainerPod({ name: 'riskgate-image-writable', objects, root: join(dir, 'writable'), set: await loopbackSettings(), readOnlyRoot: false });
  try {
    expect((await review(writable.url)).response['allowed']).toBe(false);
    writable.signal('TERM');
    expect(await writable.exited()).toBe(0);
    expect(writable.changes()).toEqual([]);
    expect(filesUnder(writable.volumes.get('tmp')!)).toEqual([]);
  } finally {
    writable.remove();
  }
});
