// Stamps each request's arrival time so durations cover body reading, parsing and the review itself.
import type { ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { performance } from 'node:perf_hooks';

const arrivals = new WeakMap<ServerResponse, number>();

export function stampArrival(res: ServerResponse): void {
  arrivals.set(res, performance.now());
}

/** The same stamp as express middleware, for the routes express serves. */
export function arrivalStamp(_req: Request, res: Response, next: NextFunction): void {
  stampArrival(res);
  next();
}

export function elapsedMs(res: ServerResponse): number {
  const arrived = arrivals.get(res);
  return arrived === undefined ? 0 : performance.now() - arrived;
}
