// Names of a rule's saved search: the ESCU name for seed rules (so risk events merge with ESCU's), riskgate's own otherwise.
import type { Rule } from './rule.js';

export const RISKGATE_APP_LABEL = 'riskgate';

export function searchName(rule: Rule): string {
  return rule.escu.isSeed ? `ESCU - ${rule.escu.name} - Rule` : `${RISKGATE_APP_LABEL} - ${rule.name} - Rule`;
}

/** contentctl's filter macro name: the detection name lower-cased, spaces, dashes, dots and slashes as `_`, then `_filter`. */
export function filterMacroName(rule: Rule): string {
  const base = rule.escu.isSeed ? rule.escu.name : rule.name;
  return `${base.replace(/[ \-./]/g, '_').toLowerCase()}_filter`;
}
