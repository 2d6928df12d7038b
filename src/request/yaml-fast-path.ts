// Fast path of parseManifestText: plain block-mapping manifests read by js-yaml with the `yaml` YAML 1.1 scalar rules; undefined whenever it cannot promise the `yaml` path's exact result.
import { FAILSAFE_SCHEMA, load, Type } from 'js-yaml';
import { fastParseJsonManifest } from './json-fast-path.js';
import type { JsonValue } from './json-value.js';
import { isJsonObject } from './json-value.js';
import { isList, objectProblem } from './manifest-object.js';
import type { ParsedManifest } from './manifest-object.js';
import { plainDocuments } from './plain-yaml-layout.js';
import { resolvePlainScalar } from './yaml-1-1-scalars.js';

/** Every plain scalar goes through the `yaml` YAML 1.1 tags; quoted scalars stay strings in both parsers. */
const PLAIN_SCALAR = new Type('tag:riskgate,2025:yaml-1.1-plain', {
  kind: 'scalar',
  resolve: (data: unknown) => typeof data === 'string',
  construct: (data: string) => resolvePlainScalar(data),
});

const SCHEMA = FAILSAFE_SCHEMA.extend({ implicit: [PLAIN_SCALAR] });

function loadDocument(text: string): unknown {
  try {
    return load(text, { schema: SCHEMA, json: false });
  } catch {
    // A js-yaml error, a duplicate key, or a FastPathRefusal from a scalar: the `yaml` path reports or reads it.
    return undefined;
  }
}

/**
 * The ParsedManifest parseManifestText gives for `text`, when the text is one JSON object (json-fast-path.ts), or
 * when it is plain YAML (plainDocuments) and every document is a mapping with apiVersion-and-kind checks decidable here (not a List, not too deep); otherwise undefined.
 */
export function fastParseManifestText(text: string): ParsedManifest | undefined {
  if (text.trimStart().startsWith('{')) return fastParseJsonManifest(text);
  const documents = plainDocuments(text);
  if (!documents) return undefined;
  const result: ParsedManifest = { objects: [], problems: [] };
  for (const document of documents) {
    if (!document.start) continue;
    const value = loadDocument(document.text) as JsonValue | undefined;
    // No depth check here: the layout bounds a document to about 100 block levels plus 32 on one line, well under
    // MAX_JSON_DEPTH, and objectProblem walks the value once more anyway.
    if (value === undefined || !isJsonObject(value) || isList(value)) return undefined;
    const problem = objectProblem(value);
    if (problem) result.problems.push({ ...problem, ...document.start });
    else result.objects.push({ object: value, ...document.start });
  }
  return result;
}
