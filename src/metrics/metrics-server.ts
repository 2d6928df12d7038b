// Serves GET /metrics (Prometheus text format) on its own plain-HTTP port (--metrics-port), apart from the webhook's TLS port.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { listen } from '../webhook/listening-server.js';

export interface MetricsServer {
  address: AddressInfo;
  close(): Promise<void>;
}

export function metricsHandler(registry: Registry): http.RequestListener {
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('riskgate metrics: GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics collection failed: ${error.message}\n`),
    );
  };
}

export function startMetricsServer(registry: Registry, host: string, port: number): Promise<MetricsServer> {
  const server = http.createServer(metricsHandler(registry));
  return listen(server, host, port);
}
