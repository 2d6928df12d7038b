// How hard the hardening suite pushes: property-test runs and drill sizes, CI-sized by default, larger with RISKGATE_LONG_TESTS=1.

/** `RISKGATE_LONG_TESTS=1 npm test`: the same suite with many more generated inputs and longer fault drills. */
export const LONG = process.env.RISKGATE_LONG_TESTS === '1';

/** Generated inputs per property. */
export const RUNS = LONG ? 5_000 : 100;

/** Fewer runs for properties where one input is expensive (a TLS request, a YAML text of many kilobytes). */
export const HEAVY_RUNS = LONG ? 600 : 30;

/**
 * Nesting depths every parser is fed. The parsers refuse anything past 256 levels (MAX_JSON_DEPTH) without recursing,
 * so 10,000 already takes the path a million does; the long form adds the depths that only cost time (V8's JSON.parse,
 * the yaml CST parser: about 30 s for a million-deep YAML text).
 */
export const DEPTHS = LONG ? [1_000, 100_000, 1_000_000] : [1_000, 10_000];

/** Documents in the one-file manifest stream of the manifest fuzz test. */
export const MANY_DOCUMENTS = LONG ? 20_000 : 2_000;

/** Reviews sent during each fault drill. */
export const DRILL_REVIEWS = LONG ? 4_000 : 300;

/** Concurrent clients during each fault drill. */
export const DRILL_CLIENTS = 8;

export interface FuzzParams {
  numRuns: number;
  seed?: number;
}

/** fast-check parameters; a failure prints its seed, and `RISKGATE_FUZZ_SEED=<seed>` replays it. */
export function fuzzParams(numRuns: number = RUNS): FuzzParams {
  const seed = process.env.RISKGATE_FUZZ_SEED;
  return seed === undefined ? { numRuns } : { numRuns, seed: Number(seed) };
}
