// The Pod uid lookup of exec/attach Events: cache hits, expiry, the size bound, failures not cached, and the deadline even for a reader that ignores its abort signal.
import type { ApiFailure } from '../../src/sinks/kube-api-failure.js';
import type { PodMetadataReader } from '../../src/sinks/kube-pod-reader.js';
import { PodUidLookup } from '../../src/sinks/pod-uid-lookup.js';

/** Answers from a table of Pods, counting reads; `hang` never answers and records whether it was aborted. */
class TableReader implements PodMetadataReader {
  reads: string[] = [];
  aborted = 0;
  constructor(
    readonly pods: Map<string, string>,
    private readonly hang = false,
  ) {}
  podUid(namespace: string, name: string, signal: AbortSignal): Promise<string | ApiFailure> {
    const key = `${namespace}/${name}`;
    this.reads.push(key);
    signal.addEventListener('abort', () => this.aborted++);
    if (this.hang) return new Promise(() => {});
    const uid = this.pods.get(key);
    return Promise.resolve(uid ?? { failed: 'http-404', detail: `pods "${name}" not found` });
  }
}

describe('PodUidLookup', () => {
  let clock = 0;
  const now = () => clock;
  beforeEach(() => (clock = 1_000_000));

  test('a uid is read once and served from the cache until it expires', async () => {
    const reader = new TableReader(new Map([['ns/a', 'uid-a']]));
    const lookup = new PodUidLookup({ reader, ttlMs: 60_000, now });
    expect(await lookup.uidOf('ns', 'a')).toBe('uid-a');
    clock += 59_999;
    expect(await lookup.uidOf('ns', 'a')).toBe('uid-a');
    expect(reader.reads).toEqual(['ns/a']);
    reader.pods.set('ns/a', 'uid-a2'); // deleted and created again under the same name
    clock += 1;
    expect(await lookup.uidOf('ns', 'a')).toBe('uid-a2');
    expect(reader.reads).toEqual(['ns/a', 'ns/a']);
  });

  test('failures are returned, not cached: the next Event asks again', async () => {
    const reader = new TableReader(new Map());
    const lookup = new PodUidLookup({ reader, now });
    expect(await lookup.uidOf('ns', 'gone')).toEqual({ failed: 'http-404', detail: 'pods "gone" not found' });
    reader.pods.set('ns/gone', 'uid-back');
    expect(await lookup.uidOf('ns', 'gone')).toBe('uid-back');
  });

  test('the cache holds at most maxEntries Pods; the oldest goes first', async () => {
    const reader = new TableReader(new Map([['ns/a', '1'], ['ns/b', '2'], ['ns/c', '3']]));
    const lookup = new PodUidLookup({ reader, maxEntries: 2, now });
    for (const name of ['a', 'b', 'c', 'c', 'b', 'a']) await lookup.uidOf('ns', name);
    expect(reader.reads).toEqual(['ns/a', 'ns/b', 'ns/c', 'ns/a']);
  });

  test('the deadline answers "timeout" and aborts the read, even when the reader never answers', async () => {
    const reader = new TableReader(new Map(), true);
    const lookup = new PodUidLookup({ reader, deadlineMs: 30, now });
    const started = Date.now();
    const result = await lookup.uidOf('ns', 'slow');
    expect(result).toMatchObject({ failed: 'timeout' });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(reader.aborted).toBe(1);
  });
});
