// docs/ci.md is true: its console examples are re-run and its JSON example is real output.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { JSON_REPORT_SCHEMA } from '../../src/check/json-report-schema.js';
import { REPO, requireBuiltCli, runCli } from './cli-run.js';

const section = readFileSync(join(REPO, 'docs', 'ci.md'), 'utf8');

function blocks(lang: string): string[] {
  const out: string[] = [];
  const re = new RegExp('^( *)```' + lang + '\\n([\\s\\S]*?)^\\1```', 'gm');
  for (let m = re.exec(section); m; m = re.exec(section)) out.push(m[2]!.replace(new RegExp(`^${m[1]}`, 'gm'), ''));
  return out;
}

interface Example {
  args: string[];
  output: string;
  exitCode?: number;
}

/** `$ npx riskgate …` lines, the output lines after each, and a following `$ echo $?` with its exit code. */
function examples(): Example[] {
  const out: Example[] = [];
  for (const block of blocks('console')) {
    const lines = block.trimEnd().split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (!line.startsWith('$ npx riskgate check')) continue;
      const output: string[] = [];
      let j = i + 1;
      while (j < lines.length && !lines[j]!.startsWith('$ ')) output.push(lines[j++]!);
      const example: Example = { args: line.slice('$ npx riskgate '.length).split(' '), output: output.map((l) => `${l}\n`).join('') };
      if (lines[j] === '$ echo $?') example.exitCode = Number(lines[j + 1]);
      out.push(example);
    }
  }
  return out;
}

describe('docs/ci.md', () => {
  beforeAll(requireBuiltCli);

  test('has the samples run, piping, formats, exit codes and a GitHub Actions SARIF upload', () => {
    expect(section).toContain('$ npx riskgate check manifests/samples\n');
    expect(section).toMatch(/helm template .* \| npx riskgate check -/);
    expect(section).toMatch(/kustomize build .* \| npx riskgate check -/);
    expect(section).toContain('github/codeql-action/upload-sarif');
    for (const code of ['| 0 |', '| 1 |', '| 2 |']) expect(section).toContain(code);
  });

  test.each(examples().map((e) => [e.args.join(' '), e] as const))('$ npx riskgate %s prints what the README shows', async (_title, example) => {
    const run = await runCli(example.args, REPO);
    expect(run.stdout).toBe(example.output);
    if (example.exitCode !== undefined) expect(run.code).toBe(example.exitCode);
  });

  test('the JSON example is the real report (rules cut to the first) and valid against the schema', async () => {
    const [json] = blocks('json');
    const shown = JSON.parse(json!) as { rules: unknown[] };
    const run = await runCli(['check', 'manifests/samples/services/node-port.yaml', '--output', 'json', '--policy', 'manifests/samples/.riskgate/policy.yaml'], REPO);
    const real = JSON.parse(run.stdout) as { rules: unknown[] };
    expect(shown).toEqual({ ...real, rules: real.rules.slice(0, 1) });
    const ajv = new Ajv();
    (addFormatsModule as unknown as (a: Ajv) => Ajv)(ajv);
    expect(ajv.validate(JSON_REPORT_SCHEMA, real)).toBe(true);
  });
});
