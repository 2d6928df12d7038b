// Bench baseline: the least a replay must do, readline over the file and JSON.parse of every line, nothing else.
// Usage: node bench/replay-bare-loop.mjs FILE
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

let lines = 0;
let bad = 0;
const input = createInterface({ input: createReadStream(process.argv[2], { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
for await (const line of input) {
  if (line === '') continue;
  try {
    JSON.parse(line);
    lines++;
  } catch {
    bad++;
  }
}
console.log(JSON.stringify({ lines, bad }));
