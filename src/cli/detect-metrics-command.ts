// `riskgate detect-metrics FILE...`: the metric rules over OTLP/JSON files, with the serve receiver's baseline and policy.
import { usageHint } from './usage-hint.js';
import type { Command } from 'commander';
import { Option } from 'commander';

interface DetectMetricsFlags {
  policy?: string;
  dataDir?: string;
  output: 'table' | 'json' | 'risk-events';
  baselineWindow?: string;
  warmup?: string;
  shells?: string;
}

export function registerDetectMetricsCommand(program: Command): void {
  program
    .command('detect-metrics')
    .description('run the metric rules (newly seen TCP edge, shell on worker node) over OTLP/JSON metric files, in order')
    .argument('<files...>', 'ExportMetricsServiceRequest JSON files: one request per file, or one per line (collector file exporter); .gz accepted')
    .option('--policy <file>', 'policy file (default: built-in, every rule records)')
    .option('--data-dir <dir>', 'keep the edge baseline in <dir>/baseline across runs (default: in memory, this run only)')
    .addOption(
      new Option('-o, --output <format>', 'table: the rows each rule\'s SPL would produce; json: one line per finding; risk-events: RBA risk events')
        .choices(['table', 'json', 'risk-events'])
        .default('table'),
    )
    .option('--baseline-window <duration>', 'an edge unseen for this long is new again (e.g. 30d, 12h; default 30d)')
    .option('--warmup <duration>', 'learn edges without findings for this long after the first one (default 1h; 0s to alert at once)')
    .option('--shells <list>', 'shell executables: seed (sh,bash,csh,tcsh), extended (+dash,zsh,ash,ksh) or a comma list (default seed)')
    .action(async (files: string[], flags: DetectMetricsFlags) => {
      // The engine, store and readers load only now: `riskgate --version` stays fast.
      const { runDetectMetrics } = await import('./detect-metrics-run.js');
      const { RiskgateError } = await import('../riskgate-error.js');
      try {
        process.exitCode = await runDetectMetrics(files, flags, { stdout: process.stdout, stderr: process.stderr });
      } catch (error) {
        if (!(error instanceof RiskgateError)) throw error;
        process.stderr.write(`riskgate detect-metrics: ${error.message}\n`);
        if (error.code === 'METRIC_OPTION') process.stderr.write(`${usageHint('detect-metrics')}\n`);
        process.exitCode = error.code === 'METRIC_OPTION' ? 2 : 1;
      }
    });
}
