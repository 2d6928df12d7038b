// Image tests: the chart's rendered Deployment container run from the image with podman, as a kubelet would (volumes, args, securityContext, memory limit).
import { chmodSync, chownSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { find } from '../deploy/helm.js';
import type { K8sObject } from '../deploy/helm.js';
import { containerEnv, materializeVolumes } from '../deploy/local-pod.js';
import type { ClusterObjects } from '../deploy/local-pod.js';
import { httpsGet } from '../e2e/harness/https-get.js';
import { waitFor } from '../e2e/harness/wait-for.js';
import { IMAGE, RUN_LIMITS, podman, podmanOk } from './podman.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = Record<string, any>;

export interface ContainerPodOptions {
  /** The container's name for podman (removed first if left over). */
  name: string;
  objects: K8sObject[];
  cluster?: ClusterObjects;
  /** Directory for the volumes. */
  root: string;
  /**
   * Rendered flags given another value, e.g. {'--host': '127.0.0.1', '--port': '40123'}: the container shares the host's
   * network (only loopback is reached), so it listens on a loopback address and free ports.
   */
  set: Record<string, string>;
  /** What the kubelet adds besides the pod spec: service environment variables, the ServiceAccount token mount. */
  env?: Record<string, string>;
  mounts?: Array<{ host: string; path: string }>;
  /** false: the root filesystem writable (to see with `podman diff` what riskgate would write there). Default: as rendered. */
  readOnlyRoot?: boolean;
}

export interface ContainerPod {
  name: string;
  /** The args the container runs (the image's entrypoint gets them). */
  args: string[];
  /** Host directory of each pod volume. */
  volumes: Map<string, string>;
  /** https://<host>:<port> of the webhook. */
  url: string;
  /** The container's main process as the host sees it. */
  hostPid(): number;
  logs(): string;
  /** `podman diff`: paths changed in the container's root filesystem, less the mount points the runtime made for its volumes. */
  changes(): string[];
  /** Sends a signal to the container's PID 1. */
  signal(name: string): void;
  /** Waits for the container to exit; its exit code. */
  exited(): Promise<number>;
  remove(): void;
}

/** Modes and owners as the kubelet leaves them: emptyDir 0777; Secret and ConfigMap files defaultMode (0644), group fsGroup. */
function kubeletPermissions(pod: Obj, volumes: Map<string, string>): void {
  const fsGroup = pod.securityContext?.fsGroup as number | undefined;
  for (const volume of pod.volumes as Obj[]) {
    const dir = volumes.get(volume.name)!;
    const source = volume.secret ?? volume.configMap;
    if (!source) {
      chmodSync(dir, 0o777);
      continue;
    }
    for (const file of readdirSync(dir)) {
      chmodSync(join(dir, file), (source.defaultMode as number | undefined) ?? 0o644);
      if (fsGroup !== undefined) chownSync(join(dir, file), 0, fsGroup);
    }
  }
}

/** podman flags for the container's securityContext and memory limit. */
function securityFlags(container: Obj, readOnlyRoot: boolean | undefined): string[] {
  const context = container.securityContext ?? {};
  const flags: string[] = [];
  if (readOnlyRoot ?? context.readOnlyRootFilesystem) flags.push('--read-only', '--read-only-tmpfs=false');
  for (const cap of (context.capabilities?.drop ?? []) as string[]) flags.push(`--cap-drop=${cap.toLowerCase()}`);
  if (context.allowPrivilegeEscalation === false) flags.push('--security-opt=no-new-privileges');
  const memory = container.resources?.limits?.memory as string | undefined;
  if (memory) flags.push(`--memory=${/^(\d+)Mi$/.exec(memory)?.[1] ?? memory}m`);
  return flags;
}

/** podman diff lines ("A /etc/riskgate") less the mount points and the directories above them. */
function changedPaths(name: string, mountPaths: string[]): string[] {
  const lines = podmanOk(['diff', name]).split('\n').filter((l) => l.trim());
  const madeForMounts = (path: string) => mountPaths.some((m) => m === path || m.startsWith(`${path}/`));
  return lines.filter((line) => !madeForMounts(line.slice(2)));
}

function setFlags(args: string[], set: Record<string, string>): string[] {
  const missing = Object.keys(set).filter((flag) => !args.some((a) => a.startsWith(`${flag}=`)));
  if (missing.length > 0) throw new Error(`the rendered args have no ${missing.join(', ')}`);
  return args.map((arg) => {
    const flag = arg.split('=')[0]!;
    return flag in set ? `${flag}=${set[flag]}` : arg;
  });
}

/** Starts the Deployment's riskgate container from IMAGE on the host network and waits for its readiness probe. */
export async function startContainerPod(options: ContainerPodOptions): Promise<ContainerPod> {
  const pod = (find(options.objects, 'Deployment') as Obj).spec.template.spec;
  const container = (pod.containers as Obj[]).find((c) => c.name === 'riskgate')!;
  const volumes = materializeVolumes(pod, options.objects, options.cluster ?? {}, options.root);
  kubeletPermissions(pod, volumes);
  const mounts = (container.volumeMounts as Obj[]).map((m) => `--volume=${volumes.get(m.name)}:${m.mountPath}:${m.readOnly ? 'ro' : 'rw'}`);
  const extraMounts = (options.mounts ?? []).map((m) => `--volume=${m.host}:${m.path}:ro`);
  const env = { ...containerEnv(container, options.objects, options.cluster ?? {}), ...(options.env ?? {}) };
  const args = setFlags(container.args as string[], options.set);
  podman(['rm', '--force', options.name]);
  podmanOk([
    'run', '--detach', `--name=${options.name}`, '--network=host', ...RUN_LIMITS, ...securityFlags(container, options.readOnlyRoot),
    ...mounts, ...extraMounts, ...Object.entries(env).map(([k, v]) => `--env=${k}=${v}`), IMAGE, ...args,
  ]);
  const flag = (name: string) => args.find((a) => a.startsWith(`${name}=`))?.split('=')[1];
  const url = `https://${flag('--host')}:${flag('--port')}`;
  const logs = () => { const r = podman(['logs', options.name]); return r.stdout + r.stderr; };
  const running = () => podman(['inspect', '--format', '{{.State.Running}}', options.name]).stdout.trim() === 'true';
  const readiness = container.readinessProbe.httpGet.path as string;
  // Like the kubelet's HTTPS probes: the certificate is not verified.
  await waitFor(`${options.name} ${url}${readiness}`, 30_000, async () => (await httpsGet(`${url}${readiness}`, null)).status === 200, () => (running() ? undefined : `the container stopped:\n${logs()}`));
  return {
    name: options.name,
    args,
    volumes,
    url,
    hostPid: () => Number(podmanOk(['inspect', '--format', '{{.State.Pid}}', options.name]).trim()),
    logs,
    changes: () => changedPaths(options.name, [...(container.volumeMounts as Obj[]).map((m) => m.mountPath as string), ...(options.mounts ?? []).map((m) => m.path)]),
    signal: (name) => void podmanOk(['kill', `--signal=${name}`, options.name]),
    exited: async () => Number(podmanOk(['wait', options.name], 120_000).trim()),
    remove: () => void podman(['rm', '--force', options.name]),
  };
}
