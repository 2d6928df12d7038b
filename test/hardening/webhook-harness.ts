// Hardening harness: the webhook app on a real TLS server with chosen timeouts, raw TLS sockets for hostile clients, review bodies.
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:tls';
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import { createApp } from '../../src/webhook/app.js';
import type { AppDeps, WebhookApp } from '../../src/webhook/app.js';
import { createWebhookServer, listen } from '../../src/webhook/server.js';
import type { ServerTimeouts } from '../../src/webhook/server.js';
import { capturedReview } from '../fixture-path.js';
import { makeTestPki, TlsClient } from '../webhook/tls-harness.js';
import type { TestPki } from '../webhook/tls-harness.js';

export interface HardenedServer {
  server: Server;
  port: number;
  pki: TestPki;
  webhook: WebhookApp;
  client: TlsClient;
  close(): Promise<void>;
}

export async function startHardenedServer(deps: AppDeps, timeouts?: ServerTimeouts, pki: TestPki = makeTestPki()): Promise<HardenedServer> {
  const webhook = createApp(deps);
  const server = createWebhookServer(webhook.app, pki.serving, timeouts);
  const { port } = (await listen(server, '127.0.0.1', 0)) as AddressInfo;
  webhook.lifecycle.markReady();
  const client = new TlsClient(port, pki.ca.cert);
  return {
    server,
    port,
    pki,
    webhook,
    client,
    close: async () => {
      client.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A TLS connection to the server, resolved once the handshake is done; rejects on a refused handshake. */
export function tlsSocket(port: number, options: ConnectionOptions = {}): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ...options }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Everything the server sends until it closes the connection. */
export function untilClosed(socket: TLSSocket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(text));
  });
}

/** Real AdmissionReview bodies by verdict under VERDICT_POLICY. */
export const VERDICT_BODIES = {
  /** ClusterIP Service: no rule matches. */
  allow: capturedReview('002'),
  /** NodePort Service: kubernetes-node-port-creation (deny). */
  deny: capturedReview('001'),
  /** DaemonSet create: kubernetes-daemonset-deployed (warn). */
  warn: capturedReview('007'),
  /** Shell exec into a pod: kubernetes-shell-exec-into-pod (record). */
  record: capturedReview('011'),
} as const;

export const VERDICT_POLICY = [
  'apiVersion: riskgate.io/v1',
  'kind: Policy',
  'rules:',
  '  kubernetes-node-port-creation: {action: deny}',
  '  kubernetes-daemonset-deployed: {action: warn}',
  '  kubernetes-shell-exec-into-pod: {action: record}',
  '',
].join('\n');

/** A copy of `body` with a fresh request.uid, so every answer can be matched to its request. */
export function withUid(body: unknown, uid: string): unknown {
  const copy = structuredClone(body) as { request: { uid: string } };
  copy.request.uid = uid;
  return copy;
}
