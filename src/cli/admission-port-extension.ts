// `serve` options of the admission port's caller check (--client-ca, --client-cn, --health-port); serve-runtime.ts applies them to the webhook server.
import { InvalidArgumentError, type Command } from 'commander';
import type { ServeExtension } from './serve-extension.js';

function names(value: string, previous: string[] = []): string[] {
  if (!value.trim()) throw new InvalidArgumentError('must be a certificate common name');
  return [...previous, value];
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
}

function count(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return n;
}

export const admissionPortExtension: ServeExtension = {
  name: 'admission-port',
  addOptions(command: Command) {
    command
      .option('--client-ca <file>', "CA bundle (PEM) that signs the API server's client certificate: a caller of the admission port without one is refused when its TLS handshake ends, before any HTTP (read at start)")
      .option('--client-cn <name>', 'with --client-ca: a common name the client certificate must carry, repeatable (default: any certificate the CA signed)', names)
      .option('--health-port <port>', "serve /healthz and /readyz over plain HTTP on this port too (the kubelet's probes carry no client certificate)", port)
      .option('--max-connections <n>', 'open connections to the admission port at most; past it new ones are closed (idle ones go early past half of it)', count, 1024)
      .option('--max-connections-per-peer <n>', 'open connections at most from one address', count, 256)
      .option('--max-body-mb-in-flight <mib>', 'request-body MiB held at once (per address: half of it, at least 40 for the largest review); past it a review gets 503 and its connection closes', count, 64);
  },
};
