// The node flags riskgate serve runs with, as the image's ENTRYPOINT and `npm start` pass them; the benches start serve the same way (test/deploy/production-image.test.ts keeps the three equal).
/**
 * A 4 MiB young-generation semi-space (V8's default grows to 16 MiB): reviews allocate short-lived objects only, so
 * smaller scavenges cost no throughput and the peak RSS under full load stays about 20 MiB lower.
 */
export const SERVE_NODE_FLAGS = ['--max-semi-space-size=4'];
