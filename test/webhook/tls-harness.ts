// Test harness: a CA and serving certificate for 127.0.0.1, the webhook app on a real TLS server, and a keep-alive HTTPS client.
import { Agent, request } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import type { DestinationStream } from 'pino';
import { createLogger } from '../../src/logger.js';
import type { Logger } from '../../src/logger.js';
import { createCa, createServingCert } from '../../src/tls/certificates.js';
import type { PemPair } from '../../src/tls/certificates.js';
import { createApp } from '../../src/webhook/app.js';
import type { AppDeps, WebhookApp } from '../../src/webhook/app.js';
import { createWebhookServer, listen } from '../../src/webhook/server.js';

export interface TestPki {
  ca: PemPair;
  serving: PemPair;
}

export function makeTestPki(commonName = 'riskgate test CA'): TestPki {
  const now = new Date();
  const ca = createCa({ commonName, now, days: 2 });
  const serving = createServingCert({ ca, commonName: 'localhost', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], now, days: 2 });
  return { ca, serving };
}

type LogLine = Record<string, unknown>;

/** Log lines kept in memory, parsed; tests wait for a line instead of sleeping. */
export class LogCapture implements DestinationStream {
  readonly lines: LogLine[] = [];
  private waiters: Array<{ from: number; match: (l: LogLine) => boolean; resolve: (l: LogLine) => void }> = [];

  write(line: string): void {
    for (const part of line.split('\n')) {
      if (!part.trim()) continue;
      const parsed = JSON.parse(part) as LogLine;
      this.lines.push(parsed);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(parsed)) return true;
        w.resolve(parsed);
        return false;
      });
    }
  }

  /** The first line from index `from` on with this msg (and these fields). */
  waitFor(msg: string, fields: LogLine = {}, from = this.lines.length): Promise<LogLine> {
    const match = (l: LogLine) => l['msg'] === msg && Object.entries(fields).every(([k, v]) => l[k] === v);
    const seen = this.lines.slice(from).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ from, match, resolve }));
  }

  messages(): string[] {
    return this.lines.map((l) => String(l['msg']));
  }
}

export function testLogger(level: 'info' | 'debug' = 'info'): { logger: Logger; logs: LogCapture } {
  const logs = new LogCapture();
  return { logger: createLogger({ level, destination: logs }), logs };
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Serial number of the certificate the server presented on this connection (undefined on a resumed TLS session). */
  serverSerial: string | undefined;
  /** Client port of the connection: equal ports mean the same keep-alive connection. */
  localPort: number | undefined;
  json(): Record<string, unknown>;
}

export class TlsClient {
  readonly agent: Agent;
  constructor(
    readonly port: number,
    readonly ca: string,
    keepAlive = true,
  ) {
    this.agent = new Agent({ keepAlive, ca, maxSockets: 8 });
  }

  send(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: this.port, method, path, agent: this.agent, headers: body === undefined ? headers : { 'content-length': String(Buffer.byteLength(body)), ...headers } },
        (res) => {
          const chunks: Buffer[] = [];
          // Read now: a keep-alive agent takes the socket back once the response ends.
          const socket = res.socket as TLSSocket | null;
          const peer = socket?.getPeerX509Certificate() as X509Certificate | undefined;
          const localPort = socket?.localPort;
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, serverSerial: peer?.serialNumber, localPort, json: () => JSON.parse(text) as Record<string, unknown> });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    return this.send('POST', path, JSON.stringify(body), { 'content-type': 'application/json', ...headers });
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface RunningTestServer {
  server: Server;
  port: number;
  webhook: WebhookApp;
  client: TlsClient;
  close(): Promise<void>;
}

/** The app from createApp(deps) behind a real node:https server on 127.0.0.1:0, and a client that trusts the test CA. */
export async function startTestServer(deps: AppDeps, pki: TestPki): Promise<RunningTestServer> {
  const webhook = createApp(deps);
  const server = createWebhookServer(webhook.app, pki.serving);
  const address: AddressInfo = await listen(server, '127.0.0.1', 0);
  webhook.lifecycle.markReady();
  const client = new TlsClient(address.port, pki.ca.cert);
  return {
    server,
    port: address.port,
    webhook,
    client,
    close: async () => {
      client.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
