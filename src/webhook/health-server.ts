// `serve --health-port`: /healthz and /readyz over plain HTTP on a port of their own, for the kubelet's probes when the admission port asks for a client certificate.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { healthRouter } from './health-routes.js';
import type { Lifecycle } from './lifecycle.js';
import { listen } from './listening-server.js';

export interface HealthServer {
  address: AddressInfo;
  close(): Promise<void>;
}

export function startHealthServer(lifecycle: Lifecycle, host: string, port: number): Promise<HealthServer> {
  const app = express();
  app.disable('x-powered-by');
  app.use(healthRouter(lifecycle));
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: 'the health port serves GET /healthz and GET /readyz only' } });
  });
  const server = createServer({ headersTimeout: 5_000, requestTimeout: 5_000, keepAliveTimeout: 5_000 }, app);
  return listen(server, host, port);
}
