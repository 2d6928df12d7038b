// `serve` options of the OTLP/HTTP metrics receiver (--otlp-port, --otlp-host, --otlp-token-file, --otlp-client-ca, --otlp-insecure, --baseline-window, --warmup, --shells).
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import type { ServeExtension } from '../cli/serve-extension.js';
import type { OtlpServeOptions } from './otlp-serve-options.js';


function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
}

export const otlpServeExtension: ServeExtension = {
  name: 'otlp-metrics',
  addOptions(command: Command) {
    command
      .option('--otlp-port <port>', 'receive OTLP/HTTP metrics (POST /v1/metrics, protobuf or JSON, gzip) on this port, e.g. 4318 (off by default)', port)
      .option('--otlp-host <host>', 'address of the OTLP receiver (default: --host)')
      .option('--otlp-token-file <file>', "OTLP senders must send Authorization: Bearer <the file's content> (the collector's bearertokenauth extension); re-read when it changes")
      .option('--otlp-client-ca <file>', "OTLP over HTTPS with the webhook's serving certificate; senders must present a client certificate signed by this CA (mTLS)")
      .option('--otlp-insecure', 'let the OTLP receiver take metrics from anyone who reaches it (no --otlp-token-file nor --otlp-client-ca) on an address other than loopback; refused without it')
      .option('--baseline-window <duration>', 'newly seen TCP edge: an edge unseen for this long is new again (default 30d)')
      .option('--warmup <duration>', 'newly seen TCP edge: learn a new cluster\'s edges without findings for this long (default 1h)')
      .option('--baseline-max-clusters <n>', 'newly seen TCP edge: clusters the baseline learns; points of more are refused (default 16)')
      .option('--baseline-max-edges <n>', 'newly seen TCP edge: edges kept per cluster; new edges past it are refused (default 5000)')
      .option('--shells <list>', 'shell on worker node: seed (sh,bash,csh,tcsh), extended (+dash,zsh,ash,ksh) or a comma list (default seed)');
    // The edge baseline lives in <data-dir>/baseline; the risk-events extension defines --data-dir when it is there.
    if (!command.options.some((o) => o.long === '--data-dir')) {
      command.option('--data-dir <dir>', 'data directory; the edge baseline is kept in <dir>/baseline (default: .riskgate)');
    }
  },
  async start(context) {
    if ((context.options as unknown as OtlpServeOptions).otlpPort === undefined) return;
    const { startOtlpReceiver } = await import('./otlp-serve-runtime.js');
    await startOtlpReceiver(context);
  },
};
