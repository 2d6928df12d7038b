// The cluster an audit reads, found as kubectl finds it: --kubeconfig, else $KUBECONFIG (merged), else ~/.kube/config, else the pod's service account.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { clusterAccess, type CredentialEnvironment } from '../../src/cluster-audit/kube-credentials.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'riskgate-kube-credentials-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function kubeconfig(file: string, contexts: Array<[context: string, server: string]>, current?: string): string {
  const path = join(dir, file);
  const clusters = contexts.map(([name, server]) => `  - name: ${name}-cluster\n    cluster: {server: '${server}'}`).join('\n');
  const users = contexts.map(([name]) => `  - name: ${name}-user\n    user: {token: t-${name}}`).join('\n');
  const ctx = contexts.map(([name]) => `  - name: ${name}\n    context: {cluster: ${name}-cluster, user: ${name}-user}`).join('\n');
  writeFileSync(path, `apiVersion: v1\nkind: Config\nclusters:\n${clusters}\nusers:\n${users}\ncontexts:\n${ctx}\n${current ? `current-context: ${current}\n` : ''}`);
  return path;
}

function env(kubeconfigVariable: string | undefined, home: string, existing: string[] = []): CredentialEnvironment {
  return { kubeconfigVariable, home, exists: (path) => existing.includes(path) };
}

describe('cluster access as kubectl finds it', () => {
  test('--kubeconfig first, its current context, the server without a trailing slash', () => {
    const file = kubeconfig('explicit', [['dev', 'https://dev.example:6443/']], 'dev');
    const other = kubeconfig('variable', [['prod', 'https://prod.example:6443']], 'prod');
    expect(clusterAccess({ kubeconfig: file }, env(other, dir))).toMatchObject({ cluster: 'dev', server: 'https://dev.example:6443', from: file });
  });

  test('--context selects another context; an unknown one names those there are', () => {
    const file = kubeconfig('two', [['dev', 'https://dev.example'], ['prod', 'https://prod.example']], 'dev');
    expect(clusterAccess({ kubeconfig: file, context: 'prod' }, env(undefined, dir))).toMatchObject({ cluster: 'prod', server: 'https://prod.example' });
    expect(() => clusterAccess({ kubeconfig: file, context: 'staging' }, env(undefined, dir))).toThrow(`no context "staging" in ${file} (it has: dev, prod)`);
  });

  test('$KUBECONFIG: its files merged, the first current context winning', () => {
    const first = kubeconfig('first', [['a', 'https://a.example']], 'a');
    const second = kubeconfig('second', [['b', 'https://b.example']], 'b');
    const access = clusterAccess({}, env(`${first}${delimiter}${second}`, dir));
    expect(access).toMatchObject({ cluster: 'a', server: 'https://a.example' });
    expect(clusterAccess({ context: 'b' }, env(`${first}${delimiter}${second}`, dir)).server).toBe('https://b.example');
  });

  test('else ~/.kube/config', () => {
    const home = join(dir, 'home');
    mkdirSync(join(home, '.kube'), { recursive: true });
    const file = join(home, '.kube', 'config');
    writeFileSync(file, `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: 'https://home.example'}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: home, context: {cluster: c, user: u}}]\ncurrent-context: home\n`);
    expect(clusterAccess({}, env('', home, [file]))).toMatchObject({ cluster: 'home', from: file });
  });

  test('nothing at all: one message naming every place looked at; a missing --kubeconfig names the file', () => {
    expect(() => clusterAccess({}, env(undefined, join(dir, 'nobody'), []))).toThrow('no cluster to audit: pass --kubeconfig, set $KUBECONFIG, create ~/.kube/config, or run in a pod with a service account');
    expect(() => clusterAccess({ kubeconfig: join(dir, 'missing') }, env(undefined, dir))).toThrow(`cannot read the kubeconfig ${join(dir, 'missing')} (--kubeconfig): no such file or directory`);
  });
});
