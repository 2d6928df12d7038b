// Test helper: runs the rendered Deployment's container as a local process the way a kubelet would (volumes as directories, env from Secrets, the rendered args).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ROOT, find } from './helm.js';
import type { K8sObject } from './helm.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = Record<string, any>;

/** Objects the admin created before the install (the chart refers to them by name): string data by object name, then key. */
export interface ClusterObjects {
  secrets?: Record<string, Record<string, string>>;
  configMaps?: Record<string, Record<string, string>>;
}

export interface LocalPod {
  /** Local port of each named container port. */
  ports: Map<string, number>;
  /** Local directory of each pod volume. */
  volumes: Map<string, string>;
  /** The args as run (paths and ports mapped). */
  args: string[];
  /** The process's stdout lines (riskgate logs JSON, one object a line). */
  logs: string[];
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** String data of a Secret or ConfigMap: rendered by the chart (Secret data base64) or made by the admin. */
function dataOf(objects: K8sObject[], cluster: ClusterObjects, kind: 'Secret' | 'ConfigMap', name: string): Record<string, string> {
  const rendered = objects.find((o) => o.kind === kind && o.metadata.name === name) as Obj | undefined;
  if (rendered) {
    if (kind === 'ConfigMap') return rendered.data as Record<string, string>;
    return Object.fromEntries(Object.entries(rendered.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  }
  const made = kind === 'Secret' ? cluster.secrets?.[name] : cluster.configMaps?.[name];
  if (!made) throw new Error(`${kind} ${name} exists neither in the render nor in the cluster: the pod would not start`);
  return made;
}

/** Writes a Secret or ConfigMap volume: every key, or only `items` (key → path), as the kubelet projects them. */
function project(dir: string, data: Record<string, string>, items: Array<{ key: string; path: string }> | undefined, what: string): void {
  const files = items ?? Object.keys(data).map((key) => ({ key, path: key }));
  for (const { key, path } of files) {
    if (data[key] === undefined) throw new Error(`${what} has no key ${key}: the pod would not start`);
    writeFileSync(join(dir, path), data[key]!);
  }
}

/** Each pod volume as a directory under root/volumes: ConfigMap and Secret volumes hold their files, the others are empty. */
export function materializeVolumes(pod: Obj, objects: K8sObject[], cluster: ClusterObjects, root: string): Map<string, string> {
  const volumes = new Map<string, string>();
  for (const volume of pod.volumes as Obj[]) {
    const dir = join(root, 'volumes', volume.name as string);
    mkdirSync(dir, { recursive: true });
    if (volume.configMap) project(dir, dataOf(objects, cluster, 'ConfigMap', volume.configMap.name), volume.configMap.items, `ConfigMap ${volume.configMap.name}`);
    else if (volume.secret) project(dir, dataOf(objects, cluster, 'Secret', volume.secret.secretName), volume.secret.items, `Secret ${volume.secret.secretName}`);
    else if (!(volume.emptyDir || volume.ephemeral || volume.hostPath)) throw new Error(`volume ${volume.name}: this test kubelet knows configMap, secret, emptyDir, ephemeral and hostPath`);
    volumes.set(volume.name, dir);
  }
  return volumes;
}

/** The container's own environment, as its pod spec sets it (values and secretKeyRefs). */
export function containerEnv(container: Obj, objects: K8sObject[], cluster: ClusterObjects): Record<string, string> {
  const env: Record<string, string> = {};
  for (const variable of (container.env ?? []) as Obj[]) {
    if (variable.value !== undefined) env[variable.name] = String(variable.value);
    else if (variable.valueFrom?.secretKeyRef) {
      const ref = variable.valueFrom.secretKeyRef;
      const value = dataOf(objects, cluster, 'Secret', ref.name)[ref.key];
      if (value === undefined) throw new Error(`Secret ${ref.name} has no key ${ref.key}: the pod would not start`);
      env[variable.name] = value;
    } else throw new Error(`env ${variable.name}: this test kubelet knows value and secretKeyRef`);
  }
  return env;
}

function envOf(container: Obj, objects: K8sObject[], cluster: ClusterObjects): Record<string, string> {
  // Only what the image would have: no variable of the test process (a token must come from the pod spec).
  return { PATH: process.env['PATH'] ?? '/usr/bin:/bin', NODE_ENV: 'production', ...containerEnv(container, objects, cluster) };
}

/** The rendered args with every in-container path under a mount moved to the volume's directory, ports mapped, loopback only. */
function mapArgs(args: string[], mounts: Array<[string, string]>, ports: Map<number, number>): string[] {
  const byLength = [...mounts].sort((a, b) => b[0].length - a[0].length);
  return args.map((arg) => {
    const m = /^(--[a-z-]+)=(.*)$/.exec(arg);
    if (!m) return arg;
    const [, flag, value] = m as unknown as [string, string, string];
    if (flag === '--host') return '--host=127.0.0.1';
    if (flag.endsWith('-port') || flag === '--port') return `${flag}=${ports.get(Number(value)) ?? value}`;
    const mount = byLength.find(([path]) => value === path || value.startsWith(`${path}/`));
    return mount ? `${flag}=${mount[1]}${value.slice(mount[0].length)}` : arg;
  });
}

function probe(port: number, path: string): Promise<number> {
  return new Promise((resolve) => {
    // Like the kubelet's HTTPS probes: the certificate is not verified.
    const req = request({ host: '127.0.0.1', port, path, rejectUnauthorized: false, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

async function waitReady(child: ChildProcess, port: number, path: string, logs: string[]): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) throw new Error(`riskgate exited with ${child.exitCode} before it was ready:\n${logs.join('\n')}`);
    if ((await probe(port, path)) === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`riskgate was not ready within 30 s:\n${logs.join('\n')}`);
}

/** Starts the Deployment's only container from the built dist/ (the image's entrypoint) and waits for its readiness probe. */
export async function runLocalPod(objects: K8sObject[], cluster: ClusterObjects, root: string): Promise<LocalPod> {
  const pod = (find(objects, 'Deployment') as Obj).spec.template.spec;
  const [container] = pod.containers as Obj[];
  const volumes = materializeVolumes(pod, objects, cluster, root);
  const mounts = (container!.volumeMounts as Obj[]).map((m): [string, string] => {
    if (m.subPath || m.subPathExpr) throw new Error(`mount ${m.name}: subPath is not supported by this test kubelet`);
    return [m.mountPath, volumes.get(m.name) ?? (() => { throw new Error(`mount ${m.name}: no such volume`); })()];
  });
  const ports = new Map<string, number>();
  const byNumber = new Map<number, number>();
  for (const port of container!.ports as Obj[]) {
    const local = await freePort();
    ports.set(port.name, local);
    byNumber.set(port.containerPort, local);
  }
  const args = mapArgs(container!.args as string[], mounts, byNumber);
  const logs: string[] = [];
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'cli', 'main.js'), ...args], { cwd: root, env: envOf(container!, objects, cluster), stdio: ['ignore', 'pipe', 'pipe'] });
  let rest = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString('utf8')).split('\n');
    rest = lines.pop() ?? '';
    logs.push(...lines);
  });
  child.stderr!.on('data', (chunk: Buffer) => logs.push(chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const readiness = container!.readinessProbe.httpGet as Obj;
  try {
    await waitReady(child, ports.get(readiness.port)!, readiness.path, logs);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    ports,
    volumes,
    args,
    logs,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
