// e2e harness: polls a readiness check until it holds, failing early with the reason when the awaited process died.
export async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>, failure: () => string | undefined = () => undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const died = failure();
    if (died) throw new Error(`waiting for ${what}: ${died}`);
    try {
      if (await check()) return;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) throw new Error(`waiting for ${what}: not ready after ${timeoutMs} ms${last ? ` (${last})` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
