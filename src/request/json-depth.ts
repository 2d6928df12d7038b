// Bounds how deeply parsed JSON may nest before the recursive walks after the adapters see it; checked without recursion.

/**
 * Containers (objects and arrays) a value may sit inside. Real Kubernetes objects nest a few dozen levels (a pod
 * template's volume sources, a CRD's schema); this leaves hundreds of levels of room and keeps every recursive walk
 * after the adapters (JSON.stringify, structuredClone, subtree comparison) far from the stack limit.
 */
export const MAX_JSON_DEPTH = 256;

export type JsonPath = Array<string | number>;

/**
 * The path to the first container nested deeper than `limit` containers inside `root` (the root counts as one), or
 * undefined when none is. Depth-first with an explicit stack: a million-deep value costs `limit` steps down, not a
 * stack overflow.
 */
export function tooDeepPath(root: unknown, limit: number = MAX_JSON_DEPTH): JsonPath | undefined {
  if (typeof root !== 'object' || root === null || !nestsDeeperThan(root, limit)) return undefined;
  return firstDeepPath(root, limit);
}

/**
 * Whether a container sits deeper than `limit` containers: the check every request pays, so it allocates nothing per
 * entry (the path is only worked out, by firstDeepPath, for the rare value that fails).
 */
function nestsDeeperThan(root: object, limit: number): boolean {
  const containers: object[] = [root];
  const depths: number[] = [1];
  while (containers.length > 0) {
    const container = containers.pop()!;
    const depth = depths.pop()!;
    if (Array.isArray(container)) {
      for (const child of container as unknown[]) {
        if (typeof child !== 'object' || child === null) continue;
        if (depth >= limit) return true;
        containers.push(child);
        depths.push(depth + 1);
      }
      continue;
    }
    for (const key in container) {
      if (!Object.prototype.hasOwnProperty.call(container, key)) continue;
      const child = (container as Record<string, unknown>)[key];
      if (typeof child !== 'object' || child === null) continue;
      if (depth >= limit) return true;
      containers.push(child);
      depths.push(depth + 1);
    }
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
