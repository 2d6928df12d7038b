// Image tests: podman as this kind of host needs it (runc where installed, explicit ulimits), and the image under test.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ROOT } from '../deploy/helm.js';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** What `npm run image` builds (RISKGATE_IMAGE names another). */
export const IMAGE = process.env['RISKGATE_IMAGE'] ?? `riskgate:${VERSION}`;

/** `podman run` limits: this host refuses podman's defaults. */
export const RUN_LIMITS = ['--ulimit', 'nofile=20000:20000', '--ulimit', 'nproc=4096:4096'];

function onPath(name: string): string | undefined {
  return (process.env['PATH'] ?? '').split(delimiter).map((dir) => join(dir, name)).find((file) => existsSync(file));
}

// crun fails on hosts with hybrid cgroups (v1 controllers beside a v2 mount); runc does not (tools/container-engine.sh).
const runc = onPath('runc') ?? ['/usr/sbin/runc', '/usr/bin/runc'].find((file) => existsSync(file));
const GLOBAL = runc ? ['--runtime', runc] : [];

export interface PodmanResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function podman(args: string[], timeoutMs = 60_000): PodmanResult {
  const run = spawnSync('podman', [...GLOBAL, ...args], { encoding: 'utf8', timeout: timeoutMs });
  return { status: run.status, stdout: run.stdout ?? '', stderr: run.stderr ?? String(run.error ?? '') };
}

/** stdout of a podman command that must succeed. */
export function podmanOk(args: string[], timeoutMs = 60_000): string {
  const run = podman(args, timeoutMs);
  if (run.status !== 0) throw new Error(`podman ${args.join(' ')} exited ${run.status}: ${run.stderr.trim()}`);
  return run.stdout;
}

/** Fails with the command to run when the image under test has not been built. */
export function requireImage(): void {
  if (podman(['image', 'exists', IMAGE]).status !== 0) {
    throw new Error(`no image ${IMAGE}: build it first (NODE_IMAGE=$(bash tools/make-local-node-image.sh) npm run image)`);
  }
}
