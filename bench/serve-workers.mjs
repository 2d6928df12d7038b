// Bench helper: `riskgate serve` in N node:cluster workers sharing one listening port (each with its own --data-dir,
// as each spool needs its own lock), to measure whether a second process lifts throughput; not a riskgate feature.
// Usage (spawned by webhook-throughput.mjs for --riskgate "NAME=DIST workers:N[:none]"):
//   node bench/serve-workers.mjs DIST N rr|none serve ARGS...   (rr: the primary hands out connections; none: the kernel)
import cluster from 'node:cluster';
import { join } from 'node:path';

const [dist, count, policy, ...serveArgs] = process.argv.slice(2);

if (cluster.isPrimary) {
  cluster.schedulingPolicy = policy === 'none' ? cluster.SCHED_NONE : cluster.SCHED_RR;
  const workers = Array.from({ length: Number(count) }, (_, i) => cluster.fork({ RISKGATE_BENCH_WORKER: String(i) }));
  const stop = () => {
    for (const worker of workers) worker.process.kill('SIGTERM');
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  cluster.on('exit', () => {
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
  });
} else {
  const worker = process.env.RISKGATE_BENCH_WORKER;
  const args = serveArgs.map((arg, i) => (serveArgs[i - 1] === '--data-dir' ? join(arg, `worker-${worker}`) : arg));
  process.argv = [process.argv[0], join(dist, 'cli/main.js'), ...args];
  await import(join(dist, 'cli/main.js'));
}
