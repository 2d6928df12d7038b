// `serve --help` lists its options under headings (policy, server and TLS, logging, cluster, admission port, sinks, OTLP…), each option under exactly one.
import { Command } from 'commander';
import { registerServeCommand } from '../../src/cli/serve-command.js';
import { REPO, requireBuiltCli, runCli } from '../check/cli-run.js';

function serveCommand(): Command {
  const program = new Command();
  registerServeCommand(program);
  return program.commands.find((c) => c.name() === 'serve')!;
}

describe('serve --help groups', () => {
  test('every option the parser accepts has a heading, and the headings name the parts of serve', () => {
    const options = serveCommand().options;
    expect(options.length).toBeGreaterThan(40);
    const ungrouped = options.filter((o) => !o.helpGroupHeading).map((o) => o.long);
    expect(ungrouped).toEqual([]);
    const headings = [...new Set(options.map((o) => o.helpGroupHeading))];
    expect(headings).toEqual(
      expect.arrayContaining(['Policy:', 'Server and TLS:', 'Logging:', 'Admission port (who may call, connection and body budget):', 'Risk-event sinks, /metrics and the auditor page:', 'OTLP metrics receiver and edge baseline:']),
    );
  });

  test('the printed help shows each heading once, each option once, then examples and exit codes', async () => {
    requireBuiltCli();
    const { stdout, code } = await runCli(['serve', '--help'], REPO);
    expect(code).toBe(0);
    for (const option of serveCommand().options) {
      expect(stdout.split('\n').filter((l) => l.trimStart().startsWith(`${option.flags} `) || l.trim() === option.flags)).toHaveLength(1);
    }
    const order = ['Policy:', 'Server and TLS:', 'Logging:', 'OTLP metrics receiver and edge baseline:', 'Examples:', 'Exit codes:'].map((h) => stdout.indexOf(`\n${h}\n`));
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });
});
