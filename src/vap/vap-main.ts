// Wiring of `riskgate vap`: reads the policy, writes the ValidatingAdmissionPolicies to stdout or a folder, and names on stderr what stays with the webhook.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPolicy } from '../check/report-files.js';
import { systemErrorText } from '../check/system-error-text.js';
import { parseRfc3339 } from '../engine/exemption-blocks.js';
import { rfc3339 } from '../engine/exemption-text.js';
import { RiskgateError } from '../riskgate-error.js';
import { RULES } from '../rules/catalog.js';
import type { VapAction } from './admission-policy.js';
import { vapName } from './admission-policy.js';
import { vapSet } from './vap-set.js';
import { vapYaml } from './vap-yaml.js';

export interface VapCommandOptions {
  policy?: string;
  out: string;
  excludeNamespace: string[];
  action: VapAction[];
  at?: string;
}

export class VapUsageError extends RiskgateError {}

function writeFolder(dir: string, files: Array<{ name: string; text: string }>): void {
  try {
    mkdirSync(dir, { recursive: true });
    for (const file of files) writeFileSync(join(dir, file.name), file.text);
  } catch (error) {
    throw new RiskgateError('OUTPUT_UNWRITABLE', `${dir}: cannot write: ${systemErrorText(error)}`);
  }
}

/** Exit code 0; RiskgateErrors (bad policy, bad --at, unwritable folder) propagate for the command to print. */
export function runVap(options: VapCommandOptions, stdout: (t: string) => void, stderr: (t: string) => void): number {
  const now = options.at === undefined ? new Date() : parseRfc3339(options.at);
  if (now === undefined) throw new VapUsageError('VAP_USAGE', `--at ${JSON.stringify(options.at)} is not an RFC 3339 time (e.g. 2026-12-01T00:00:00Z)`);
  const policy = loadPolicy(options.policy);
  const set = vapSet(RULES, policy, now, { excludeNamespaces: options.excludeNamespace, actions: options.action });
  for (const { rule, reason } of set.leftToWebhook) stderr(`riskgate vap: ${rule.id}: left to the webhook: ${reason}\n`);
  if (set.regenerateBefore) stderr(`riskgate vap: an exemption block compiled in ends ${rfc3339(set.regenerateBefore)}: generate and apply again before then\n`);
  if (options.out === '-') {
    stdout(vapYaml(set.pairs, policy.source, now, set.regenerateBefore));
    return 0;
  }
  writeFolder(options.out, set.pairs.map((p) => ({ name: `${vapName(p.rule, p.action)}.yaml`, text: vapYaml([p], policy.source, now, p.regenerateBefore) })));
  const n = set.pairs.length;
  stderr(`riskgate vap: wrote ${n} ${n === 1 ? 'policy and its binding' : 'policies and their bindings'} to ${options.out}\n`);
  return 0;
}
