// The labels of an object as exemptions read them: metadata.labels with string values only.
import { isJsonObject } from '../request/json-value.js';

/** The string-valued labels of `object`'s metadata, or undefined when it carries no labels map. */
export function objectLabels(object: unknown): Record<string, string> | undefined {
  const metadata = isJsonObject(object) ? object['metadata'] : undefined;
  if (!isJsonObject(metadata)) return undefined;
  const labels = metadata['labels'];
  if (!isJsonObject(labels)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (typeof v === 'string') out[k] = v;
  return out;
}
