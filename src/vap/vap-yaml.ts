// The YAML text of generated ValidatingAdmissionPolicies: a comment naming where they come from and when to regenerate, then each object.
import { stringify } from 'yaml';
import { rfc3339 } from '../engine/exemption-text.js';
import type { AdmissionPolicyPair } from './admission-policy.js';

function header(policySource: string, now: Date, regenerateBefore: Date | undefined): string {
  const lines = [`# riskgate vap: ValidatingAdmissionPolicies of the riskgate policy ${policySource}, written ${rfc3339(now)}.`];
  if (regenerateBefore) lines.push(`# An exemption block compiled in ends ${rfc3339(regenerateBefore)}: run riskgate vap again and apply before then.`);
  return `${lines.join('\n')}\n`;
}

/** One YAML stream (`---` between documents), each pair's policy then its binding. */
export function vapYaml(pairs: readonly AdmissionPolicyPair[], policySource: string, now: Date, regenerateBefore?: Date): string {
  const documents = pairs.flatMap((p) => [p.policy, p.binding]).map((o) => stringify(o, { lineWidth: 0 }));
  return header(policySource, now, regenerateBefore) + documents.map((d) => `---\n${d}`).join('');
}
