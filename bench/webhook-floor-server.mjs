// Bench helper: the fair floor of webhook-throughput.mjs, the least any webhook that reads the review must do: collect the body, JSON.parse it, check one NodePort condition and answer with the request's uid.
// Same certificate, TLS floor, cipher list and keep-alive as riskgate's server (src/webhook/server.ts); no framework, no log, no metrics.
// Usage (spawned by webhook-throughput.mjs): node bench/webhook-floor-server.mjs CERT KEY  → prints the port on stdout.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';

const [certFile, keyFile] = process.argv.slice(2);
const CIPHERS = [
  'TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/** The one rule of the floor: a Service created as NodePort is denied. */
function deniedNodePort(request) {
  return request?.operation === 'CREATE' && request.kind?.kind === 'Service' && request.object?.spec?.type === 'NodePort';
}

function answer(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

const server = createServer(
  { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), minVersion: 'TLSv1.2', ciphers: CIPHERS, honorCipherOrder: true, keepAlive: true },
  (req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      let review;
      try {
        review = JSON.parse(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'));
      } catch {
        return answer(res, 400, { error: 'body is not JSON' });
      }
      const request = review?.request;
      const allowed = !deniedNodePort(request);
      const response = { uid: request?.uid ?? '', allowed };
      if (!allowed) response.status = { code: 403, reason: 'Forbidden', message: 'NodePort Services are not allowed' };
      answer(res, 200, { apiVersion: review?.apiVersion ?? 'admission.k8s.io/v1', kind: 'AdmissionReview', response });
    });
  },
);
server.keepAliveTimeout = 100_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
