// Bounds how deeply parsed JSON may nest before the recursive walks after the adapters see it; the check itself recurses at most the bound deep.

/**
 * Containers (objects and arrays) a value may sit inside. Real Kubernetes objects nest a few dozen levels (a pod
 * template's volume sources, a CRD's schema); this leaves hundreds of levels of room and keeps every recursive walk
 * after the adapters (JSON.stringify, structuredClone, subtree comparison) far from the stack limit.
 */
export const MAX_JSON_DEPTH = 256;

export type JsonPath = Array<string | number>;

/**
 * The path to the first container nested deeper than `limit` containers inside `root` (the root counts as one), or
 * undefined when none is. Depth-first, never more than `limit` levels down: a million-deep value costs `limit` steps,
 * not a stack overflow (so `limit` stays in the hundreds, as MAX_JSON_DEPTH does).
 */
export function tooDeepPath(root: unknown, limit: number = MAX_JSON_DEPTH): JsonPath | undefined {
  if (typeof root !== 'object' || root === null || !nestsDeeperThan(root, limit)) return undefined;
  return firstDeepPath(root, limit);
}

/**
 * Whether a container sits deeper than `limit` containers: the check every request pays, so it allocates nothing (the
 * path is only worked out, by firstDeepPath, for the rare value that fails). It recurses, one frame per level and
 * never past `limit` (256 frames of a few words each), which in the server costs less than a stack of its own: no
 * arrays grown and dropped for each review.
 */
function nestsDeeperThan(root: object, limit: number): boolean {
  return deeper(root, 1, limit);
}

/** `container` sits `depth` containers deep: whether one of its children, or theirs, goes past `limit`. */
function deeper(container: object, depth: number, limit: number): boolean {
  if (Array.isArray(container)) {
    for (let i = 0; i < container.length; i++) {
      const child: unknown = container[i];
      if (typeof child === 'object' && child !== null && (depth >= limit || deeper(child, depth + 1, limit))) return true;
    }
    return false;
  }
  for (const key in container) {
    if (!Object.prototype.hasOwnProperty.call(container, key)) continue;
    const child = (container as Record<string, unknown>)[key];
    if (typeof child === 'object' && child !== null && (depth >= limit || deeper(child, depth + 1, limit))) return true;
  }
  return false;
}

function firstDeepPath(root: object, limit: number): JsonPath | undefined {
  // One frame per open container: its child entries not yet visited, and the key it sits under in its parent.
  const stack: Array<{ children: Array<[string | number, unknown]>; next: number; key: string | number }> = [{ children: entriesOf(root), next: 0, key: '' }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.next >= frame.children.length) {
      stack.pop();
      continue;
    }
    const [key, child] = frame.children[frame.next++]!;
    if (typeof child !== 'object' || child === null) continue;
    if (stack.length >= limit) return [...stack.slice(1).map((f) => f.key), key];
    stack.push({ children: entriesOf(child), next: 0, key });
  }
  return undefined;
}

function entriesOf(container: object): Array<[string | number, unknown]> {
  return Array.isArray(container) ? container.map((v, i): [number, unknown] => [i, v]) : Object.entries(container);
}
