// `riskgate events`: lists recorded risk events (local event store or a running server's auditor API, every replica), filtered by time, rule, action, namespace, user, object name.
import { usageHint } from './usage-hint.js';
import { Option, type Command } from 'commander';
import type { EventsOptions } from '../auditor/events-query.js';

export function registerEventsCommand(program: Command): void {
  program
    .command('events')
    .description('list recorded risk events from the local event store (--data-dir) or a running server (--server)')
    .option('--since <duration>', 'only events newer than this (15m, 24h, 7d) or an ISO time (without a zone: UTC)')
    .option('--until <time>', 'only events older than this (a duration back from now, or an ISO time)')
    .option('--rule <pattern>', 'only this rule (patterns: * matches any run of characters, otherwise exact)')
    .addOption(new Option('--action <action>', 'only this action').choices(['deny', 'warn', 'record']))
    .option('-n, --namespace <pattern>', 'only this namespace, e.g. team-*')
    .option('--user <pattern>', 'only this user, e.g. alice*')
    .option('--name <pattern>', "only objects of this name, e.g. web-*")
    .option('--limit <n>', 'at most this many events, newest first', '500')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('--data-dir <dir>', 'the data directory of riskgate serve (spool + delivered archive) (default: .riskgate)')
    .option('--server <url>', "a running riskgate's auditor view, e.g. https://127.0.0.1:8444")
    .option('--token-file <file>', 'bearer token for --server')
    .option('--ca-file <file>', 'CA certificate (PEM) to verify --server with')
    .action(async (options: EventsOptions) => {
      const { queryEvents } = await import('../auditor/events-query.js');
      try {
        const { stdout, summary, warnings, incomplete } = await queryEvents(options);
        process.stdout.write(stdout);
        process.stderr.write(`${summary}\n`);
        for (const warning of warnings) process.stderr.write(`riskgate events: ${warning}\n`);
        if (incomplete) process.exitCode = 1;
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        process.stderr.write(`riskgate events: ${(error as Error).message}\n`);
        if (code === 'usage') process.stderr.write(`${usageHint('events')}\n`);
        process.exitCode = code === 'usage' ? 2 : 1;
      }
    });
}
