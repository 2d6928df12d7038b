// The uid of the object a request is about: metadata.uid of the first body that carries one (pure).
import type { JsonObject } from './json-value.js';
import { isJsonObject } from './json-value.js';

/** The first non-empty string metadata.uid among the bodies, in the order given; undefined when none has one. */
export function metadataUidOf(...bodies: ReadonlyArray<JsonObject | null | undefined>): string | undefined {
  for (const body of bodies) {
    const metadata = body?.['metadata'];
    if (!isJsonObject(metadata)) continue;
    const uid = metadata['uid'];
    if (typeof uid === 'string' && uid !== '') return uid;
  }
  return undefined;
}
