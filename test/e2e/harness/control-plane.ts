// e2e harness: a real etcd + kube-apiserver on free loopback ports with their own data directory, stopped by process id.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeAssets, type KubeAssets } from './kube-assets.js';
import { freePort } from './free-port.js';
import { issue, makeCa, makeServiceAccountKeys, type CertificateAuthority } from './pki.js';
import { startProcess, type RunningProcess } from './running-process.js';
import { waitFor } from './wait-for.js';
import { httpsGet } from './https-get.js';
import { writeKubeconfig } from './kubeconfig.js';
import { Kubectl } from './kubectl.js';
import { E2E_FIXTURES } from './repo.js';

/** A static-token user of the API server (`--token-auth-file`), for exemption tests by user and group. */
export interface TokenUser {
  token: string;
  name: string;
  uid: string;
  groups: string[];
}

/** Every token user is also in this group, bound to cluster-admin, so RBAC never hides what riskgate decides. */
export const E2E_USERS_GROUP = 'e2e:users';

export const TOKEN_USERS: readonly TokenUser[] = [
  { token: 'token-alice', name: 'alice@example.com', uid: 'u-alice', groups: ['developers'] },
  { token: 'token-bob', name: 'bob', uid: 'u-bob', groups: ['platform-admins'] },
  { token: 'token-carol', name: 'carol', uid: 'u-carol', groups: ['developers', 'sre'] },
];

export interface ControlPlaneOptions {
  /** More kube-apiserver flags, e.g. `--admission-control-config-file=...`. */
  extraArgs?: string[];
}

export interface ControlPlane {
  dir: string;
  assets: KubeAssets;
  url: string;
  port: number;
  ca: CertificateAuthority;
  /** Admin kubeconfig (client certificate in system:masters) with a context per token user (`as-<name>`). */
  kubeconfig: string;
  auditLog: string;
  kubectl: Kubectl;
  stop(): Promise<void>;
}

function tokenFile(users: readonly TokenUser[]): string {
  return users.map((u) => `${u.token},${u.name},${u.uid},"${[...u.groups, E2E_USERS_GROUP].join(',')}"`).join('\n') + '\n';
}

async function startEtcd(assets: KubeAssets, dir: string): Promise<{ process: RunningProcess; url: string }> {
  const [client, peer] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${client}`;
  const peerUrl = `http://127.0.0.1:${peer}`;
  const process = startProcess('etcd', assets.etcd, [
    '--data-dir', join(dir, 'etcd'), '--listen-client-urls', url, '--advertise-client-urls', url,
    '--listen-peer-urls', peerUrl, '--initial-advertise-peer-urls', peerUrl,
    '--initial-cluster', `default=${peerUrl}`, '--name', 'default', '--log-level', 'error',
  ], { cwd: dir, logFile: join(dir, 'etcd.log') });
  await waitFor(`etcd on ${url}`, 30_000, async () => (await fetch(`${url}/health`)).ok, () => process.failure());
  return { process, url };
}

function apiserverArgs(dir: string, etcdUrl: string, port: number, serviceRange: string, pki: { ca: CertificateAuthority; serving: { cert: string; key: string }; sa: { publicKey: string; privateKey: string } }): string[] {
  return [
    `--etcd-servers=${etcdUrl}`, `--secure-port=${port}`, '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1',
    `--tls-cert-file=${pki.serving.cert}`, `--tls-private-key-file=${pki.serving.key}`, `--client-ca-file=${pki.ca.cert}`,
    `--token-auth-file=${join(dir, 'tokens.csv')}`, '--service-account-issuer=https://kubernetes.default.svc',
    `--service-account-key-file=${pki.sa.publicKey}`, `--service-account-signing-key-file=${pki.sa.privateKey}`,
    `--service-cluster-ip-range=${serviceRange}`, '--authorization-mode=RBAC', '--allow-privileged=true',
    '--endpoint-reconciler-type=none', `--audit-policy-file=${join(dir, 'audit-policy.yaml')}`,
    `--audit-log-path=${join(dir, 'audit.log')}`, '--audit-log-format=json', '--audit-log-maxbackup=0',
  ];
}

/**
 * Service ClusterIPs come from a loopback /16 of its own (127.X.0.0/16, X at random): when the API server resolves
 * a webhook's `service` reference it dials the Service's ClusterIP, which then stays on this machine, and two control
 * planes of one run never share addresses.
 */
function loopbackServiceRange(): string {
  return `127.${100 + Math.floor(Math.random() * 150)}.0.0/16`;
}

/** Starts etcd and kube-apiserver, waits until /readyz answers, and binds the token users' group to cluster-admin. */
export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const assets = kubeAssets();
  const dir = mkdtempSync(join(tmpdir(), 'riskgate-e2e-'));
  const ca = makeCa(dir, 'ca');
  const serving = issue(dir, ca, 'apiserver', { cn: 'kube-apiserver', sans: ['IP:127.0.0.1', 'DNS:localhost'], usage: 'server' });
  const admin = issue(dir, ca, 'admin', { cn: 'e2e-admin', o: ['system:masters'], usage: 'client' });
  const sa = makeServiceAccountKeys(dir);
  writeFileSync(join(dir, 'tokens.csv'), tokenFile(TOKEN_USERS));
  copyFileSync(join(E2E_FIXTURES, 'audit-policy.yaml'), join(dir, 'audit-policy.yaml'));
  const etcd = await startEtcd(assets, dir);
  const port = await freePort();
  const url = `https://127.0.0.1:${port}`;
  const serviceRange = loopbackServiceRange();
  const args = [...apiserverArgs(dir, etcd.url, port, serviceRange, { ca, serving, sa }), ...(options.extraArgs ?? [])];
  const apiserver = startProcess('kube-apiserver', assets.kubeApiserver, args, { cwd: dir, logFile: join(dir, 'kube-apiserver.log') });
  const stop = async (): Promise<void> => {
    await apiserver.stop();
    await etcd.process.stop();
    if (!process.env['RISKGATE_E2E_KEEP']) rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(`kube-apiserver on ${url}`, 60_000, async () => (await httpsGet(`${url}/readyz`, ca.cert)).status === 200, () => apiserver.failure());
    const kubeconfig = writeKubeconfig(join(dir, 'kubeconfig'), { url, caFile: ca.cert, admin, tokenUsers: TOKEN_USERS });
    const kubectl = new Kubectl(assets.kubectl, kubeconfig);
    await kubectl.ok(['create', 'clusterrolebinding', 'e2e-users-admin', '--clusterrole=cluster-admin', `--group=${E2E_USERS_GROUP}`]);
    return { dir, assets, url, port, ca, kubeconfig, auditLog: join(dir, 'audit.log'), kubectl, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
