// Bench input: writes a realistic Kubernetes audit log of a given size from the repo's real audit events used as templates.
// Usage (standalone): node bench/replay-log-generator.mjs OUT_FILE SIZE_MB
import { createWriteStream, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures');
const lines = (path) => readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

/** Turns an event into a text template whose id, name, namespace, user and time are placeholders. */
function template(event, { resource, verb, stage, keepName } = {}) {
  const e = structuredClone(event);
  e.auditID = '@ID@';
  if (stage) e.stage = stage;
  if (verb) e.verb = verb;
  if (e.objectRef) {
    if (resource) e.objectRef.resource = resource;
    if (!keepName && e.objectRef.name) e.objectRef.name = '@NAME@';
    if (e.objectRef.namespace) e.objectRef.namespace = '@NS@';
  }
  if (e.user) e.user.username = '@USER@';
  e.requestReceivedTimestamp = '@TS@';
  e.stageTimestamp = '@TS@';
  return JSON.stringify(e);
}

const v132 = lines(join(fixtures, 'kube-apiserver-v1.32', 'audit.log.jsonl'));
const ds = lines(join(fixtures, 'audit', 'synthetic', 'daemonset-patches.jsonl'));
const byName = (name, verb) => v132.find((e) => e.objectRef?.name === name && e.verb === verb && e.stage === 'ResponseComplete');

/**
 * The mix, by weight: mostly reads and controller updates of resources no rule watches (as in a real cluster's log),
 * some reads of Services with their bodies, and a few per cent of requests the rules look at (NodePort, ClusterIP and
 * LoadBalancer creates, a type patch, DaemonSet creates and patches, exec), some logged in two stages.
 */
const MIX = [
  [40, template(byName('shell-target', 'get'), { resource: 'pods' })],
  [15, template(byName('shell-target', 'get'), { resource: 'configmaps', verb: 'list' })],
  [15, template(byName('shell-target', 'get'), { resource: 'leases', verb: 'update' })],
  [10, template(byName('cip-svc', 'get'))],
  [8, template(byName('default', 'create'), { resource: 'serviceaccounts' })],
  [3, template(byName('shell-target', 'create'), { resource: 'pods' })],
  [1, template(byName('np-svc', 'create'))],
  [2, template(byName('cip-svc', 'create'))],
  [1, template(byName('lb-svc', 'create'))],
  [1, template(byName('cip-svc', 'patch'))],
  [1, template(byName('node-agent', 'create'))],
  [1, template(ds[0])],
  [1, template(ds[1])],
  [1, template(v132.find((e) => e.objectRef?.subresource === 'exec' && e.verb === 'create' && e.stage === 'ResponseComplete'))],
];
const TWO_STAGE = template(byName('node-agent', 'create'), { stage: 'RequestReceived' });
const total = MIX.reduce((s, [w]) => s + w, 0);
const picks = MIX.flatMap(([w, t]) => Array(w).fill(t));

function fill(text, i, time) {
  return text
    .replaceAll('@ID@', `b3c0ffee-0000-4000-8000-${String(i).padStart(12, '0')}`)
    .replaceAll('@NAME@', `obj-${i % 997}`)
    .replaceAll('@NS@', `team-${i % 23}`)
    .replaceAll('@USER@', i % 7 === 0 ? 'system:serviceaccount:ci:deployer' : `user-${i % 41}`)
    .replaceAll('@TS@', time);
}

/** Writes at least `bytes` bytes of JSON lines to `path`; resolves to the number of lines. */
export async function generateAuditLog(path, bytes) {
  const out = createWriteStream(path, { highWaterMark: 1 << 22 });
  let written = 0;
  let count = 0;
  let i = 0;
  const start = Date.UTC(2026, 10, 23);
  while (written < bytes) {
    let chunk = '';
    for (let k = 0; k < 2000; k++, i++) {
      const time = new Date(start + i * 7).toISOString().replace('Z', '000Z');
      const text = picks[i % total];
      if (text.includes('"node-agent"') && i % 3 === 0) {
        chunk += `${fill(TWO_STAGE, i, time)}\n`;
        count++;
      }
      chunk += `${fill(text, i, time)}\n`;
      count++;
    }
    written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((resolve, reject) => out.end((err) => (err ? reject(err) : resolve())));
  return count;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log('Usage: node bench/replay-log-generator.mjs OUT_FILE SIZE_MB\n  writes about SIZE_MB MiB of audit events (JSON lines) to OUT_FILE from the real v1.32 events in test/fixtures');
    process.exit(0);
  }
  const [file, mb] = args;
  const size = Number(mb);
  if (args.length !== 2 || !file || !Number.isFinite(size) || size <= 0) {
    console.error('replay-log-generator: expected OUT_FILE SIZE_MB (a positive number of MiB); --help for usage');
    process.exit(2);
  }
  const count = await generateAuditLog(file, size * 1024 * 1024);
  console.log(`${file}: ${count} events`);
}
