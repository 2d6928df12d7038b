// Bench helper, loaded with `node --import`: writes the process's peak RSS (bytes), CPU time and RSS samples (every 250 ms) to $RISKGATE_BENCH_RSS_FILE at exit.
import { writeFileSync } from 'node:fs';

const file = process.env.RISKGATE_BENCH_RSS_FILE;
if (file) {
  const samples = [];
  setInterval(() => samples.push(process.memoryUsage.rss()), 250).unref();
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ maxRssBytes: usage.maxRSS * 1024, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, rssSamples: samples }));
  });
}
