// Fault drill: the serving certificate rewritten on disk again and again while clients open new TLS connections to the real serve process.
import { X509Certificate } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { connect } from 'node:tls';
import { createServingCert } from '../../src/tls/certificates.js';
import type { PemPair } from '../../src/tls/certificates.js';
import { tempDir } from '../webhook/serve-harness.js';
import { makeTestPki } from '../webhook/tls-harness.js';
import type { TestPki } from '../webhook/tls-harness.js';
import { endDrill } from './drill-cleanup.js';
import { DRILL_CLIENTS, DRILL_REVIEWS, LONG } from './fuzz-settings.js';
import { admissionAnswer, latencySummary, startLoad } from './review-load.js';
import type { LoadBody, Outcome } from './review-load.js';
import { spawnServe, writeServeFiles } from './serve-process.js';
import type { ServeFiles } from './serve-process.js';
import { VERDICT_BODIES, VERDICT_POLICY } from './webhook-harness.js';

const BODIES: LoadBody[] = Object.entries(VERDICT_BODIES).map(([kind, body]) => ({ kind, body }));
const ROTATIONS = LONG ? 12 : 4;

const serialOf = (pem: string) => new X509Certificate(pem).serialNumber;
const epoch = (performanceTime: number) => performance.timeOrigin + performanceTime;

function servingCert(ca: PemPair): PemPair {
  return createServingCert({ ca, commonName: 'localhost', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], now: new Date(), days: 2 });
}

/** How a writer replaces the pair: in place (a half-written state where cert and key do not match is visible), or by atomic renames. */
type WriteStyle = 'cert-then-key' | 'key-then-cert' | 'rename';
const STYLES: WriteStyle[] = ['cert-then-key', 'rename', 'key-then-cert'];

function writePair(files: ServeFiles, pair: PemPair, style: WriteStyle): void {
  if (style === 'rename') {
    writeFileSync(`${files.cert}.new`, pair.cert);
    writeFileSync(`${files.key}.new`, pair.key);
    renameSync(`${files.cert}.new`, files.cert);
    renameSync(`${files.key}.new`, files.key);
  } else if (style === 'cert-then-key') {
    writeFileSync(files.cert, pair.cert);
    writeFileSync(files.key, pair.key);
  } else {
    writeFileSync(files.key, pair.key);
    writeFileSync(files.cert, pair.cert);
  }
}

/** The serial of the certificate a brand-new TLS connection (no session resumption) is shown. */
function freshSerial(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca }, () => {
      const serial = socket.getPeerX509Certificate()?.serialNumber;
      socket.end();
      if (serial) resolve(serial);
      else reject(new Error('no peer certificate'));
    });
    socket.once('error', reject);
  });
}

/**
 * The rotation plan: renewed by the same CA, then moved to a second CA (clients trust both during the overlap, as the
 * webhook's caBundle does), then renewed again.
 */
function plan(first: TestPki, second: TestPki): PemPair[] {
  return Array.from({ length: ROTATIONS }, (_, i) => servingCert(i < ROTATIONS / 2 ? first.ca : second.ca));
}

describe('certificate rotation under load (real serve process)', () => {
  afterEach(endDrill);
  const tmp = tempDir('cert-rotation-drill');
  afterAll(() => tmp.remove());

  test('rewriting cert and key on disk: no handshake fails, new connections see the new certificate, kept-alive connections keep working', async () => {
    const pki = makeTestPki();
    const nextCa = makeTestPki('riskgate rotated CA');
    const trust = `${pki.ca.cert}${nextCa.ca.cert}`;
    const files = writeServeFiles(tmp.dir, pki, VERDICT_POLICY);
    const pairs = plan(pki, nextCa);
    const serials = [serialOf(pki.serving.cert), ...pairs.map((p) => serialOf(p.cert))];
    const serve = await spawnServe(files.args);
    try {
      // New connection per review (full handshake each), and two API-server-like keep-alive clients alongside.
      const fresh = startLoad({ port: serve.port, ca: trust, clients: DRILL_CLIENTS, bodies: BODIES, keepAlive: false });
      const kept = startLoad({ port: serve.port, ca: trust, clients: 2, bodies: BODIES, keepAlive: true });
      const perCert = Math.ceil(DRILL_REVIEWS / (ROTATIONS + 1));
      await fresh.untilAnswered(perCert);
      const appliedAt: number[] = [0];
      for (const [i, pair] of pairs.entries()) {
        const from = serve.logs.lines.length;
        writePair(files, pair, STYLES[i % STYLES.length]!);
        const reloaded = await serve.logs.waitFor('TLS certificate reloaded', {}, from);
        appliedAt.push(Number(reloaded['time']));
        expect(await freshSerial(serve.port, trust)).toBe(serials[i + 1]);
        await fresh.untilAnswered(perCert);
      }
      const outcomes: Outcome[] = [...(await fresh.stop()), ...(await kept.stop())];

      // Not one failed handshake or request, and every answer is the right AdmissionReview.
      expect(outcomes.filter((o) => o.status === undefined).map((o) => `${o.uid}: ${o.error}`)).toEqual([]);
      for (const o of outcomes) expect(admissionAnswer(o).allowed).toBe(o.kind !== 'deny');

      // Every certificate was served, and a connection started after a reload never saw an older one.
      const handshakes = outcomes.filter((o) => o.serverSerial !== undefined);
      expect(new Set(handshakes.map((o) => o.serverSerial))).toEqual(new Set(serials));
      for (const o of handshakes) {
        const current = appliedAt.filter((t) => t < epoch(o.startedAt)).length - 1;
        expect(serials.indexOf(o.serverSerial!)).toBeGreaterThanOrEqual(current);
      }
      // The keep-alive clients kept their connections through the rotations: far fewer handshakes than reviews.
      const keptOutcomes = kept.outcomes;
      expect(keptOutcomes.filter((o) => o.reusedSocket).length).toBeGreaterThan(keptOutcomes.length / 2);

      const latency = latencySummary(outcomes);
      console.log(
        `certificate rotation drill: ${ROTATIONS} rotations (${STYLES.join(', ')}; 2 CAs), ${handshakes.length} new TLS connections, ` +
          `${outcomes.length} reviews answered, 0 failed; p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms`,
      );
    } finally {
      await serve.stop();
    }
  });
});
