// Stamps each request's arrival time so durations cover body reading, parsing and the review itself.
import type { ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { performance } from 'node:perf_hooks';

/** The arrival time rides on the response itself (a WeakMap entry per request costs more, in the review and in GC). */
const ARRIVED = Symbol('riskgate.arrived');
type Stamped = ServerResponse & { [ARRIVED]?: number };

export function stampArrival(res: ServerResponse): void {
  (res as Stamped)[ARRIVED] = performance.now();
}

/** The same stamp as express middleware, for the routes express serves. */
export function arrivalStamp(_req: Request, res: Response, next: NextFunction): void {
  stampArrival(res);
  next();
}

export function elapsedMs(res: ServerResponse): number {
  const arrived = (res as Stamped)[ARRIVED];
  return arrived === undefined ? 0 : performance.now() - arrived;
}
