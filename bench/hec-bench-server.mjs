// Bench helper: a minimal HEC endpoint in its own process. `healthy` answers Success with ackIds and acks them; `stalled` accepts and never answers.
// Usage (spawned by hec-admission-latency.mjs): node bench/hec-bench-server.mjs healthy|stalled  → prints the port on stdout.
import http from 'node:http';

const mode = process.argv[2] ?? 'healthy';
let ackId = 0;
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (mode === 'stalled') return; // never answers: the sink's request times out and retries
    const body = Buffer.concat(chunks).toString('utf8');
    res.setHeader('content-type', 'application/json');
    if (req.url.startsWith('/services/collector/ack')) {
      const { acks } = JSON.parse(body);
      return res.end(JSON.stringify({ acks: Object.fromEntries(acks.map((id) => [String(id), true])) }));
    }
    res.end(JSON.stringify({ text: 'Success', code: 0, ackId: ackId++ }));
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
