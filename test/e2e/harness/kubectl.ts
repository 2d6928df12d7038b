// e2e harness: runs the real kubectl against the control plane, as a user would, and returns what it printed.
import { execFile } from 'node:child_process';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlOptions {
  /** A kubeconfig context (`as-<user>` for a token user); default admin. */
  context?: string;
  /** A bearer token instead of the context's credentials (e.g. a ServiceAccount token from `kubectl create token`). */
  token?: string;
  stdin?: string;
  timeoutMs?: number;
}

export class Kubectl {
  constructor(
    readonly binary: string,
    readonly kubeconfig: string,
  ) {}

  run(args: string[], options: KubectlOptions = {}): Promise<KubectlResult> {
    const context = options.context ?? (options.token ? 'bearer' : undefined);
    const full = ['--kubeconfig', this.kubeconfig, ...(context ? ['--context', context] : []), ...(options.token ? ['--token', options.token] : []), ...args];
    return new Promise((resolve) => {
      const child = execFile(this.binary, full, { timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
      child.stdin?.end(options.stdin ?? '');
    });
  }

  /** Runs and fails with kubectl's own words when it exits non-zero. */
  async ok(args: string[], options: KubectlOptions = {}): Promise<string> {
    const result = await this.run(args, options);
    if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${result.code}: ${result.stderr.trim()}`);
    return result.stdout;
  }

  /** kubectl apply -f - of YAML or JSON text. */
  apply(manifest: string, options: KubectlOptions = {}): Promise<string> {
    return this.ok(['apply', '-f', '-'], { ...options, stdin: manifest });
  }
}
