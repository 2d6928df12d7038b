// `riskgate policy validate FILE` (checks a policy file as serve reads it) and `riskgate policy schema` (its JSON Schema, for editors).
import type { Command } from 'commander';

async function validate(file: string): Promise<number> {
  const { loadPolicy } = await import('../check/report-files.js');
  const { RiskgateError } = await import('../riskgate-error.js');
  const { expiryNotices, noticeText } = await import('../engine/policy-expiry.js');
  try {
    const policy = loadPolicy(file);
    const now = new Date();
    for (const notice of expiryNotices(policy, now)) process.stderr.write(`riskgate policy validate: warning: ${noticeText(notice, now)}\n`);
    const counts = new Map<string, number>();
    for (const rule of policy.rules.values()) counts.set(rule.action, (counts.get(rule.action) ?? 0) + 1);
    const actions = ['deny', 'warn', 'record', 'off'].map((a) => `${counts.get(a) ?? 0} ${a}`).join(', ');
    process.stdout.write(`${file}: valid (rules: ${actions}; ${policy.exemptions.length} global exemption block${policy.exemptions.length === 1 ? '' : 's'})\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof RiskgateError)) throw error;
    process.stderr.write(`riskgate policy validate: ${error.message}\n`);
    return 1;
  }
}

async function schema(): Promise<void> {
  const { policyJsonSchema } = await import('../policy/policy-json-schema.js');
  const { RULES } = await import('../rules/catalog.js');
  process.stdout.write(`${JSON.stringify(policyJsonSchema(RULES), null, 2)}\n`);
}

export function registerPolicyCommand(program: Command): void {
  const policy = program.command('policy').description('check a policy file, or print the JSON Schema of policy files');
  policy
    .command('validate')
    .description('read a policy file as serve, check and replay read it: exit 0 when valid, 1 with file:line:column: key: message when not')
    .argument('<file>', 'the policy file (YAML)')
    .action(async (file: string) => {
      process.exitCode = await validate(file);
    });
  policy
    .command('schema')
    .description('print the JSON Schema (draft 2020-12) of policy files, built from the rule catalog, for editors (yaml-language-server) and CI')
    .action(schema);
}
