// The CLI as kubectl and helm users expect it: examples and exit codes in every --help, one-line usage errors with where the help is, short flags, completion scripts.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, requireBuiltCli, runCli } from '../check/cli-run.js';

const COMMANDS = ['', 'serve', 'certs', 'check', 'audit', 'spl', 'replay', 'events', 'detect-metrics', 'vap', 'policy', 'policy validate', 'policy schema', 'completion'];
let dir = '';

beforeAll(() => {
  requireBuiltCli();
  dir = mkdtempSync(join(tmpdir(), 'riskgate-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const args = (command: string, ...rest: string[]) => [...(command ? command.split(' ') : []), ...rest];

describe('--help', () => {
  test('the list covers every command riskgate has', async () => {
    const help = (await runCli(['--help'], REPO)).stdout;
    const listed = [...help.slice(help.indexOf('Commands:')).matchAll(/^ {2}([a-z-]+)/gm)].map((m) => m[1]!).filter((name) => name !== 'help');
    expect(listed.filter((name) => !COMMANDS.includes(name))).toEqual([]);
  });

  test.each(COMMANDS)('riskgate %s --help ends with examples and exit codes', async (command) => {
    const result = await runCli(args(command, '--help'), REPO);
    expect(result.code).toBe(0);
    const examples = result.stdout.indexOf('\nExamples:\n  ');
    const codes = result.stdout.indexOf('\nExit codes:\n  0  ');
    expect(examples).toBeGreaterThan(result.stdout.indexOf('Options:'));
    expect(codes).toBeGreaterThan(examples);
    expect(result.stdout).toMatch(/^ {2}2 {2}.*usage error/m);
  });
});

describe('usage errors', () => {
  test.each([
    ['check', [], "error: missing required argument 'paths'"],
    ['audit', ['-o', 'yaml'], "error: option '-o, --output <format>' argument 'yaml' is invalid. Allowed choices are text, json, junit, sarif, policyreport."],
    ['events', ['--action', 'allow'], "error: option '--action <action>' argument 'allow' is invalid. Allowed choices are deny, warn, record."],
    ['replay', ['--bogus', 'x.log'], "error: unknown option '--bogus'"],
    ['policy validate', [], "error: missing required argument 'file'"],
    ['completion', ['fish'], "error: command-argument value 'fish' is invalid for argument 'shell'. Allowed choices are bash, zsh."],
    ['certs', ['--service', 'Not_A_Label', '-n', 'riskgate', '--out', 'x'], 'riskgate certs: --service "Not_A_Label" is not a valid Service name (DNS-1123 label)'],
  ])('riskgate %s %j: one line, then where the help is (exit 2)', async (command, rest, line) => {
    const result = await runCli(args(command, ...(rest as string[])), dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`${line}\nRun 'riskgate ${command} --help' for usage.\n`);
    expect(result.stdout).toBe('');
  });
});

describe('short flags as kubectl has them', () => {
  test('-n and -o on events (an empty store read with a namespace pattern, as JSON)', async () => {
    mkdirSync(join(dir, 'store', 'spool'), { recursive: true });
    const result = await runCli(['events', '--data-dir', join(dir, 'store'), '-n', 'team-*', '-o', 'json'], dir);
    expect([result.code, result.stdout.trim()]).toEqual([0, '[]']);
  });
});

describe('riskgate completion', () => {
  const complete = (script: string, words: string[]): string[] => {
    const line = `source ${script}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _riskgate; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const run = spawnSync('bash', ['-c', line], { cwd: dir, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    return run.stdout.split('\n').filter((w) => w !== '');
  };

  test('bash: commands, subcommands, options and the choices of an option', async () => {
    const script = join(dir, 'riskgate.bash');
    writeFileSync(script, (await runCli(['completion', 'bash'], dir)).stdout);
    expect(spawnSync('bash', ['-n', script]).status).toBe(0);
    expect(complete(script, ['riskgate', 'pol'])).toEqual(['policy']);
    expect(complete(script, ['riskgate', 'policy', ''])).toEqual(['validate', 'schema', '--help']);
    expect(complete(script, ['riskgate', 'check', '--fail-on', ''])).toEqual(['deny', 'warn']);
    expect(complete(script, ['riskgate', 'check', 'x.yaml', '-o', ''])).toEqual(['text', 'json', 'junit', 'sarif']);
    expect(complete(script, ['riskgate', 'audit', '--allow'])).toEqual([]);
    expect(complete(script, ['riskgate', 'check', '--allow'])).toEqual(['--allow-empty']);
  });

  test('zsh: a #compdef script with the same commands and choices', async () => {
    const result = await runCli(['completion', 'zsh'], dir);
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith('#compdef riskgate\n')).toBe(true);
    expect(result.stdout).toContain('"check:--fail-on") compadd -- deny warn; return ;;');
    expect(result.stdout).toContain('"policy") compadd -- validate schema --help ;;');
    expect(result.stdout).toContain('compdef _riskgate riskgate');
  });
});
