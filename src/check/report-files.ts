// The files around a report: the policy it judges by, the file it is written to, and the tool version it names (check and audit).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parsePolicy } from '../engine/policy-file.js';
import { defaultPolicy } from '../engine/policy.js';
import type { Policy } from '../engine/policy.js';
import { RiskgateError } from '../riskgate-error.js';
import { RULES } from '../rules/catalog.js';
import { systemErrorText } from './system-error-text.js';

export function toolVersion(): string {
  return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
}

/** The policy file (a PolicyError carries file:line:column), or the built-in policy. */
export function loadPolicy(file: string | undefined): Policy {
  if (file === undefined) return defaultPolicy(RULES);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new RiskgateError('POLICY_UNREADABLE', `${file}: cannot read policy: ${systemErrorText(error)}`);
  }
  return parsePolicy(text, file, RULES);
}

export function writeReport(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (error) {
    throw new RiskgateError('OUTPUT_UNWRITABLE', `${file}: cannot write report: ${systemErrorText(error)}`);
  }
}
