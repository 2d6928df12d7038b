// GET /healthz (the process answers) and GET /readyz (ready to review: false while starting or draining).
import express from 'express';
import type { Router } from 'express';
import type { Lifecycle } from './lifecycle.js';

export function healthRouter(lifecycle: Lifecycle): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    if (lifecycle.draining) res.setHeader('Connection', 'close');
    res.json({ status: 'ok' });
  });
  router.get('/readyz', (_req, res) => {
    const readiness = lifecycle.readiness();
    if (lifecycle.draining) res.setHeader('Connection', 'close');
    res.status(readiness.ready ? 200 : 503).json({ status: readiness.ready ? 'ready' : 'not ready', reasons: readiness.reasons });
  });
  return router;
}
