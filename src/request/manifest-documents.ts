// Manifest text → Kubernetes objects with line and column: multi-document YAML, JSON, List kinds and top-level arrays.
import { isMap, isSeq } from 'yaml';
import type { Document, LineCounter, Node } from 'yaml';
import { clipText } from './field-name.js';
import type { JsonObject, JsonValue } from './json-value.js';
import { isJsonObject } from './json-value.js';
import { isList, objectProblem } from './manifest-object.js';
import type { ManifestProblem, ParsedManifest } from './manifest-object.js';
import { fastParseManifestText } from './yaml-fast-path.js';
import { readYamlStream } from './yaml-stream.js';

export type { ManifestObject, ManifestProblem, ParsedManifest } from './manifest-object.js';

/** Aliases expanded per document at most (the `yaml` default): stops a billion-laughs document. */
const MAX_ALIAS_COUNT = 100;

interface Position {
  line: number;
  column: number;
}

/** The `yaml` messages end in " at line N, column M:" when pretty; keep the first line, without the position we print ourselves. */
function cleanMessage(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return clipText(first.replace(/ at line \d+, column \d+:?$/, '').trim(), 200) || 'invalid YAML';
}

function positionOf(lines: LineCounter, offset: number): Position {
  const pos = lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

function nodeStart(node: unknown, fallback: number): number {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : fallback;
}

class Collector {
  readonly result: ParsedManifest = { objects: [], problems: [] };

  constructor(private readonly lines: LineCounter) {}

  problem(offset: number, code: ManifestProblem['code'], message: string): void {
    this.result.problems.push({ code, ...positionOf(this.lines, offset), message });
  }

  /** One candidate object at `offset`; a List or a top-level array is expanded into its items. */
  add(value: JsonValue, node: unknown, offset: number, expand: boolean): void {
    if (expand && Array.isArray(value)) {
      const items = isSeq(node) ? node.items : [];
      value.forEach((item, i) => this.add(item, items[i], nodeStart(items[i], offset), false));
      return;
    }
    if (expand && isJsonObject(value) && isList(value)) {
      const itemsNode = isMap(node) ? node.get('items', true) : undefined;
      const items = isSeq(itemsNode) ? itemsNode.items : [];
      (value['items'] as JsonValue[]).forEach((item, i) => this.add(item, items[i], nodeStart(items[i], offset), false));
      return;
    }
    const problem = objectProblem(value);
    if (problem) this.problem(offset, problem.code, problem.message);
    else this.result.objects.push({ object: value as JsonObject, ...positionOf(this.lines, offset) });
  }

  document(doc: Document.Parsed): void {
    const offset = nodeStart(doc.contents, doc.range[0]);
    const syntax = doc.errors[0];
    if (syntax) {
      this.problem(syntax.pos[0], 'MANIFEST_YAML', cleanMessage(syntax.message));
      return;
    }
    let value: JsonValue;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as JsonValue;
    } catch (error) {
      // Unresolved or excessive aliases surface only when the document is converted.
      this.problem(offset, 'MANIFEST_YAML', cleanMessage(error instanceof Error ? error.message : String(error)));
      return;
    }
    // Empty and comment-only documents (a leading `---`, a trailing `---`, `# nothing`) carry no object.
    if (value === null || value === undefined) return;
    this.add(value, doc.contents, offset, true);
  }
}

/**
 * Parses a manifest text. YAML 1.1, as kubectl's YAML reader (go-yaml v2) reads manifests: `yes`/`no`/`on`/`off`
 * are booleans and `<<` merge keys work. JSON is YAML, so `.json` files take the same path and keep positions.
 * Plain manifests take a faster reader that gives exactly the same result (test/request/yaml-fast-path.test.ts).
 */
export function parseManifestText(text: string): ParsedManifest {
  return fastParseManifestText(text) ?? parseManifestTextWithYaml(text);
}

/** The `yaml` path alone: the reference the fast path (yaml-fast-path.ts) must equal, and its fallback. */
export function parseManifestTextWithYaml(text: string): ParsedManifest {
  const { entries, lines } = readYamlStream(text, { version: '1.1', prettyErrors: false, uniqueKeys: true });
  const collector = new Collector(lines);
  for (const entry of entries) {
    if ('document' in entry) collector.document(entry.document);
    else collector.problem(entry.problem.offset, 'MANIFEST_YAML', entry.problem.message);
  }
  return collector.result;
}
