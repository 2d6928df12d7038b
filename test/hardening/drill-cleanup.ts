// Ends what a fault drill started (load clients, then serve processes) after each test, also when the test failed or timed out.
import { stopAllLoads } from './review-load.js';
import { stopAllServes } from './serve-process.js';

export async function endDrill(): Promise<void> {
  await stopAllLoads();
  await stopAllServes();
}
