// Bench helper, loaded with `node --import`: writes the process's peak RSS (bytes) and CPU time to $RISKGATE_BENCH_RSS_FILE at exit.
import { writeFileSync } from 'node:fs';

const file = process.env.RISKGATE_BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ maxRssBytes: usage.maxRSS * 1024, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 }));
  });
}
