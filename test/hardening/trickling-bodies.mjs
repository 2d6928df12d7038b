// Drill helper (issue 17, finding 5): COUNT TLS connections to 127.0.0.1:PORT from ADDRESSES loopback addresses, each sending a review body of BODY bytes to its last byte but one (half with Content-Length, half chunked) and holding HOLD_MS; in its own process so the test's event loop only times reviews. Prints {opened, answered200} as JSON.
import { readFileSync } from 'node:fs';
import { connect } from 'node:tls';

const [port, caFile, count, addresses, body, holdMs] = process.argv.slice(2).map((v, i) => (i === 1 ? v : Number(v)));
const ca = readFileSync(caFile, 'utf8');
const chunk = Buffer.alloc(body - 1, 0x20);
let opened = 0;
let answered200 = 0;

function attack(i) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca, localAddress: `127.0.0.${2 + (i % addresses)}` }, () => {
      opened += 1;
      const head = i % 2 === 0
        ? `POST /validate HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\ncontent-length: ${body}\r\n\r\n`
        : `POST /validate HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n${(body - 1).toString(16)}\r\n`;
      socket.write(head);
      socket.write(chunk);
      setTimeout(() => socket.destroy(), holdMs);
    });
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (d) => (answer += d));
    socket.on('error', () => undefined);
    socket.once('close', () => {
      if (answer.startsWith('HTTP/1.1 200')) answered200 += 1;
      resolve();
    });
  });
}

const all = [];
for (let i = 0; i < count; i += 50) {
  const batch = Array.from({ length: Math.min(50, count - i) }, (_, j) => attack(i + j));
  all.push(...batch);
  await new Promise((r) => setTimeout(r, 20));
}
await Promise.all(all);
process.stdout.write(`${JSON.stringify({ opened, answered200 })}\n`);
process.exit(0);
