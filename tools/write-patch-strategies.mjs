// Writes src/request/patch-strategies.ts: the strategic merge patch lists of the built-in kinds, from a kube-apiserver's /openapi/v2.
// Usage: npm run -s build && kubectl get --raw /openapi/v2 > /tmp/openapi-v2.json && node tools/write-patch-strategies.mjs /tmp/openapi-v2.json "v1.32.13"
// Only the fields that lead to a list with x-kubernetes-patch-strategy merge are kept; every other list is replaced by a patch.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const [openapiFile, serverVersion] = process.argv.slice(2);
if (!openapiFile || !serverVersion) throw new Error('usage: node tools/write-patch-strategies.mjs OPENAPI_V2_JSON SERVER_VERSION');
const { knownKinds } = await import(join(repo, 'dist', 'kubernetes', 'kinds.js'));
const definitions = JSON.parse(readFileSync(openapiFile, 'utf8')).definitions;

const shortName = (ref) => ref.replace(/^#\/definitions\//, '').replace(/^io\.k8s\./, '');
const refOf = (schema) => (schema?.$ref ? `#/definitions/${schema.$ref.replace(/^#\/definitions\//, '')}` : undefined);

/** The patch entry of one property, or undefined when a patch treats it as a plain value. */
function fieldEntry(property, relevant) {
  const strategy = property['x-kubernetes-patch-strategy'] ?? '';
  if (property.type === 'array') {
    const items = refOf(property.items);
    const merge = strategy.split(',').includes('merge');
    if (!merge) return undefined;
    const entry = { list: 'merge' };
    if (property['x-kubernetes-patch-merge-key']) entry.mergeKey = property['x-kubernetes-patch-merge-key'];
    if (items && relevant(items)) entry.type = shortName(items);
    return entry;
  }
  const ref = refOf(property) ?? refOf(property.allOf?.[0]);
  return ref && relevant(ref) ? { type: shortName(ref) } : undefined;
}

/** Definitions that hold, at some depth, a merged list: the only ones a strategic merge treats apart from a JSON merge. */
const memo = new Map();
function relevant(ref) {
  if (memo.has(ref)) return memo.get(ref) !== undefined;
  memo.set(ref, undefined);
  const properties = definitions[ref.replace(/^#\/definitions\//, '')]?.properties ?? {};
  const fields = {};
  for (const [name, property] of Object.entries(properties)) {
    const entry = fieldEntry(property, relevant);
    if (entry) fields[name] = entry;
  }
  const keep = Object.keys(fields).length > 0;
  memo.set(ref, keep ? fields : undefined);
  return keep;
}

const roots = {};
for (const { group, kind } of knownKinds()) {
  for (const [name, definition] of Object.entries(definitions)) {
    const gvk = (definition['x-kubernetes-group-version-kind'] ?? []).find((g) => g.group === group && g.kind === kind);
    if (!gvk) continue;
    if (relevant(`#/definitions/${name}`)) roots[`${group ? `${group}/` : ''}${gvk.version}/${kind}`] = shortName(name);
  }
}
const types = Object.fromEntries([...memo.entries()].filter(([, fields]) => fields).map(([ref, fields]) => [shortName(ref), fields]).sort(([a], [b]) => a.localeCompare(b)));
const sortedRoots = Object.fromEntries(Object.entries(roots).sort(([a], [b]) => a.localeCompare(b)));

const text = `// Strategic merge patch lists of the built-in kinds (generated from kube-apiserver ${serverVersion} /openapi/v2 by tools/write-patch-strategies.mjs: do not edit).
import type { PatchStrategies } from './strategic-merge-patch.js';

/**
 * \`roots\`: apiVersion/kind → the type of the object. \`types\`: per type, only the fields that lead to a list with
 * x-kubernetes-patch-strategy merge (\`list: 'merge'\`, merged by x-kubernetes-patch-merge-key, a list of scalars when there
 * is no key); every field not listed is merged as in a JSON merge patch, every list not listed is replaced.
 */
export const PATCH_STRATEGIES: PatchStrategies = ${JSON.stringify({ roots: sortedRoots, types }, null, 2)};
`;
writeFileSync(join(repo, 'src', 'request', 'patch-strategies.ts'), text);
console.log(`${Object.keys(sortedRoots).length} kinds, ${Object.keys(types).length} types`);
