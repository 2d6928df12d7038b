// Holds the current policy: built-in or read from a YAML file, re-read when the file changes; a bad new file keeps the old policy.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { defaultPolicy } from '../engine/policy.js';
import type { Policy } from '../engine/policy.js';
import { parsePolicy } from '../engine/policy-file.js';
import { policyChange } from '../engine/policy-change.js';
import type { Rule } from '../rules/rule.js';
import { RiskgateError } from '../riskgate-error.js';
import { watchFiles } from '../watch/file-watcher.js';
import type { FileWatcher, FileWatcherOptions } from '../watch/file-watcher.js';

export type PolicyListener = (policy: Policy) => void;

/** Reads and parses a policy file; a missing or unreadable file is a RiskgateError naming it. */
export function readPolicyFile(file: string, rules: readonly Rule[]): { policy: Policy; text: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    throw new RiskgateError('POLICY_UNREADABLE', `${file}: cannot read the policy file (${code})`);
  }
  if (!/^[ \t]*[^#\s]/m.test(text)) {
    throw new RiskgateError('POLICY_EMPTY', `${file}: the policy file is empty: an empty file is not "every rule records"; write apiVersion and kind at least (or remove --policy for the built-in policy)`);
  }
  return { policy: parsePolicy(text, file, rules), text };
}

/** A short, stable name of a policy text: the first 16 hex digits of its SHA-256 (`sha256:…`). */
export function policyDigest(text: string | undefined): string {
  return text === undefined ? 'built-in' : `sha256:${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
}

export class PolicyStore {
  private policy: Policy;
  private text: string | undefined;
  private watcher: FileWatcher | undefined;
  private readonly listeners: PolicyListener[] = [];

  /** Throws (PolicyError with file:line:column and key, or RiskgateError) when the file is bad at start-up. */
  constructor(
    private readonly rules: readonly Rule[],
    private readonly file?: string,
  ) {
    if (file) {
      const read = readPolicyFile(file, rules);
      this.policy = { ...read.policy, digest: policyDigest(read.text) };
      this.text = read.text;
    } else {
      this.policy = { ...defaultPolicy(rules), digest: policyDigest(undefined) };
    }
  }

  /** The digest of the policy in force (`sha256:…`, or `built-in`). */
  digest(): string {
    return policyDigest(this.text);
  }

  /** The policy in force; reviews read it once each. */
  current(): Policy {
    return this.policy;
  }

  onChange(listener: PolicyListener): void {
    this.listeners.push(listener);
  }

  /** Re-reads the file now. Returns true when a new policy took effect. */
  reload(logger: Logger): boolean {
    if (!this.file) return false;
    let read: { policy: Policy; text: string };
    try {
      read = readPolicyFile(this.file, this.rules);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const code = error instanceof RiskgateError ? error.code : 'POLICY_INVALID';
      if (this.lastRejected !== message) logger.error({ file: this.file, code, reason: message }, 'policy file rejected, keeping the previous policy');
      this.lastRejected = message;
      return false;
    }
    this.lastRejected = undefined;
    if (read.text === this.text) return false;
    const change = policyChange(this.policy, read.policy);
    const fields = { file: this.file, digest: policyDigest(read.text), previousDigest: policyDigest(this.text), changes: change.changes, rules: summary(read.policy) };
    this.policy = { ...read.policy, digest: fields.digest };
    this.text = read.text;
    // A weaker policy is evidence worth keeping: it is logged at WARN, with what changed.
    if (change.weakened) logger.warn({ ...fields, weakened: true }, 'policy reloaded');
    else logger.info(fields, 'policy reloaded');
    for (const listener of this.listeners) listener(this.policy);
    return true;
  }

  private lastRejected: string | undefined;

  /** Reloads on every change of the file (see watchFiles). No-op for the built-in policy. */
  watch(logger: Logger, options: FileWatcherOptions = {}): void {
    if (!this.file || this.watcher) return;
    this.watcher = watchFiles([this.file], () => this.reload(logger), {
      ...options,
      onError: (error) => logger.warn({ file: this.file, reason: error.message }, 'cannot watch the policy file'),
    });
  }

  close(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }
}

/** `rule-id=action` pairs, for logs. */
export function summary(policy: Policy): string[] {
  return [...policy.rules].map(([id, rule]) => `${id}=${rule.action}`);
}
