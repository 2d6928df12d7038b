// Drill helper (issue 17, finding 5): opens COUNT idle TLS connections to 127.0.0.1:PORT from ADDRESSES loopback addresses, BATCH at a time, in its own process so the test's event loop only measures reviews; prints {opened, most, stillOpen} as JSON once every connection is closed or WAIT_MS passed.
import { readFileSync } from 'node:fs';
import { connect } from 'node:tls';

const [port, caFile, count, addresses, batch, waitMs] = process.argv.slice(2);
const ca = readFileSync(caFile, 'utf8');
const state = { opened: 0, open: 0, most: 0 };
const held = [];

function open(localAddress) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: Number(port), servername: 'localhost', ca, localAddress }, () => {
      socket.resume();
      state.opened += 1;
      state.most = Math.max(state.most, ++state.open);
      socket.once('close', () => state.open--);
      held.push(socket);
      resolve();
    });
    socket.on('error', () => resolve());
    socket.once('close', () => resolve());
  });
}

for (let i = 0; i < Number(count); i += Number(batch)) {
  const n = Math.min(Number(batch), Number(count) - i);
  await Promise.all(Array.from({ length: n }, (_, j) => open(`127.0.1.${1 + ((i + j) % Number(addresses))}`)));
}
const deadline = Date.now() + Number(waitMs);
while (state.open > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
process.stdout.write(`${JSON.stringify({ opened: state.opened, most: state.most, stillOpen: state.open })}\n`);
for (const s of held) s.destroy();
process.exit(0);
