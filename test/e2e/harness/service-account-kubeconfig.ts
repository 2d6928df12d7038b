// e2e harness: a kubeconfig holding a real ServiceAccount token (`kubectl create token`), as riskgate's pod would authenticate.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ControlPlane } from './control-plane.js';

export async function serviceAccountKubeconfig(plane: ControlPlane, namespace: string, name: string): Promise<string> {
  const token = (await plane.kubectl.ok(['create', 'token', name, '-n', namespace, '--duration=2h'])).trim();
  const file = join(plane.dir, `kubeconfig-${namespace}-${name}`);
  writeFileSync(
    file,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'e2e', cluster: { server: plane.url, 'certificate-authority': plane.ca.cert } }],
      users: [{ name, user: { token } }],
      contexts: [{ name, context: { cluster: 'e2e', user: name, namespace } }],
      'current-context': name,
    }),
  );
  return file;
}
