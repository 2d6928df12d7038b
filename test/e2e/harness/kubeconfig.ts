// e2e harness: the admin kubeconfig (client certificate) with one context per static-token user, as kubectl reads it.
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import type { TokenUser } from './control-plane.js';

export interface KubeconfigInput {
  url: string;
  caFile: string;
  admin: { cert: string; key: string };
  tokenUsers: readonly TokenUser[];
}

/** Context `admin` (default), `as-<name>` per token user and `bearer` for --token; returns the file written. */
export function writeKubeconfig(file: string, input: KubeconfigInput): string {
  const cluster = { name: 'e2e', cluster: { server: input.url, 'certificate-authority': input.caFile } };
  const users = [
    { name: 'admin', user: { 'client-certificate': input.admin.cert, 'client-key': input.admin.key } },
    ...input.tokenUsers.map((u) => ({ name: u.name, user: { token: u.token } })),
    // No credentials of its own: for `--token` (a client certificate, when present, would win over the token).
    { name: 'bearer', user: {} },
  ];
  const contexts = users.map((u) => ({ name: u.name === 'admin' || u.name === 'bearer' ? u.name : `as-${u.name}`, context: { cluster: 'e2e', user: u.name, namespace: 'default' } }));
  writeFileSync(file, stringify({ apiVersion: 'v1', kind: 'Config', clusters: [cluster], users, contexts, 'current-context': 'admin' }));
  return file;
}
