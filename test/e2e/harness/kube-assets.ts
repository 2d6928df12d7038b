// e2e harness: finds the envtest binaries (kube-apiserver, etcd, kubectl) through KUBEBUILDER_ASSETS, failing loudly when one is missing.
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './repo.js';

export interface KubeAssets {
  dir: string;
  kubeApiserver: string;
  etcd: string;
  kubectl: string;
}

const NAMES = { kubeApiserver: 'kube-apiserver', etcd: 'etcd', kubectl: 'kubectl' } as const;

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The binaries of KUBEBUILDER_ASSETS, else of tools/kube-assets (made by `bash tools/install-kube-assets.sh`).
 * Never skips: a missing binary is an error that names it and the command that installs it.
 */
export function kubeAssets(env: NodeJS.ProcessEnv = process.env): KubeAssets {
  const dir = env['KUBEBUILDER_ASSETS'] || join(REPO, 'tools', 'kube-assets');
  const paths = { kubeApiserver: join(dir, NAMES.kubeApiserver), etcd: join(dir, NAMES.etcd), kubectl: join(dir, NAMES.kubectl) };
  const missing = Object.entries(paths).filter(([, p]) => !executable(p)).map(([k]) => NAMES[k as keyof typeof NAMES]);
  if (missing.length > 0) {
    throw new Error(
      `e2e: ${missing.join(', ')} missing or not executable in ${dir} (KUBEBUILDER_ASSETS${env['KUBEBUILDER_ASSETS'] ? '' : ' unset'}); ` +
        'run `export KUBEBUILDER_ASSETS=$(bash tools/install-kube-assets.sh)` or point it at your envtest binaries',
    );
  }
  return { dir, ...paths };
}
