// The cluster and credentials, found as kubectl finds them: --kubeconfig, else $KUBECONFIG, else ~/.kube/config, else the pod's service account.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { systemErrorText } from '../check/system-error-text.js';
import { RiskgateError } from '../riskgate-error.js';

/** Where a pod's service account token is mounted (client-node reads the CA and namespace next to it). */
export const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';
export const SERVICE_ACCOUNT_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

export interface CredentialOptions {
  kubeconfig?: string;
  context?: string;
}

/** Where the configuration came from, for messages: `context kind-dev of /home/me/.kube/config`, `in-cluster`. */
export interface ClusterAccess {
  config: KubeConfig;
  /** The context name, or `in-cluster`. */
  cluster: string;
  server: string;
  /** Where the credentials were read. */
  from: string;
}

export interface CredentialEnvironment {
  kubeconfigVariable: string | undefined;
  home: string;
  exists(path: string): boolean;
}

export function processEnvironment(): CredentialEnvironment {
  return { kubeconfigVariable: process.env['KUBECONFIG'], home: homedir(), exists: existsSync };
}

function fromFile(file: string, how: string): { config: KubeConfig; from: string } {
  const config = new KubeConfig();
  try {
    config.loadFromFile(file);
  } catch (error) {
    throw new RiskgateError('KUBECONFIG_UNREADABLE', `cannot read the kubeconfig ${file} (${how}): ${systemErrorText(error)}`);
  }
  return { config, from: file };
}

function locate(options: CredentialOptions, env: CredentialEnvironment): { config: KubeConfig; from: string } {
  if (options.kubeconfig) return fromFile(options.kubeconfig, '--kubeconfig');
  const files = (env.kubeconfigVariable ?? '').split(delimiter).filter((f) => f.trim() !== '');
  if (files.length > 0) {
    // As kubectl: the files of $KUBECONFIG merged, the first one's current context winning.
    const { config } = fromFile(files[0]!, '$KUBECONFIG');
    for (const file of files.slice(1)) {
      try {
        config.mergeConfig(fromFile(file, '$KUBECONFIG').config, !!config.currentContext);
      } catch (error) {
        if (error instanceof RiskgateError) throw error;
        throw new RiskgateError('KUBECONFIG_UNREADABLE', `cannot merge the kubeconfig ${file} ($KUBECONFIG): ${(error as Error).message}`);
      }
    }
    return { config, from: files.join(delimiter) };
  }
  const home = join(env.home, '.kube', 'config');
  if (env.exists(home)) return fromFile(home, '~/.kube/config');
  if (env.exists(SERVICE_ACCOUNT_TOKEN)) {
    const config = new KubeConfig();
    config.loadFromCluster();
    return { config, from: 'the pod\'s service account' };
  }
  throw new RiskgateError('NO_KUBECONFIG', 'no cluster to audit: pass --kubeconfig, set $KUBECONFIG, create ~/.kube/config, or run in a pod with a service account');
}

/** Loads the configuration and selects --context (or the current one); every problem is a RiskgateError naming the file or context. */
export function clusterAccess(options: CredentialOptions, env: CredentialEnvironment = processEnvironment()): ClusterAccess {
  const { config, from } = locate(options, env);
  if (options.context) {
    if (!config.getContextObject(options.context)) {
      const known = config.getContexts().map((c) => c.name);
      throw new RiskgateError('UNKNOWN_CONTEXT', `no context "${options.context}" in ${from} (it has: ${known.join(', ') || 'none'})`);
    }
    config.setCurrentContext(options.context);
  }
  const context = config.getCurrentContext();
  const cluster = config.getCurrentCluster();
  if (!cluster?.server) throw new RiskgateError('NO_CLUSTER', `${context ? `context "${context}"` : 'the current context'} of ${from} names no cluster with a server`);
  const name = context === 'inClusterContext' ? 'in-cluster' : context || cluster.name;
  return { config, cluster: name, server: cluster.server.replace(/\/+$/, ''), from };
}
