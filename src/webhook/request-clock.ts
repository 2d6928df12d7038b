// Stamps each request's arrival time so durations cover body reading, parsing and the review itself.
import type { NextFunction, Request, Response } from 'express';
import { performance } from 'node:perf_hooks';

const ARRIVED = 'riskgateArrivedAt';

export function stampArrival(_req: Request, res: Response, next: NextFunction): void {
  res.locals[ARRIVED] = performance.now();
  next();
}

export function elapsedMs(res: Response): number {
  const arrived = res.locals[ARRIVED] as number | undefined;
  return arrived === undefined ? 0 : performance.now() - arrived;
}
