// Manifest text → Kubernetes objects with line and column: multi-document YAML, JSON and JSON streams, List kinds (nested too) and top-level arrays.
import { isMap, isSeq } from 'yaml';
import type { Document, LineCounter, Node } from 'yaml';
import { clipText } from './field-name.js';
import type { JsonObject, JsonValue } from './json-value.js';
import { isJsonObject } from './json-value.js';
import { isList, objectProblem } from './manifest-object.js';
import type { ManifestProblem, ParsedManifest } from './manifest-object.js';
import { collectionKeyProblem } from './collection-key.js';
import { splitJsonStream } from './json-stream.js';
import type { JsonStreamPart } from './json-stream.js';
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

  constructor(
    private readonly lines: LineCounter,
    private readonly text: string,
  ) {}

  problem(offset: number, code: ManifestProblem['code'], message: string): void {
    this.result.problems.push({ code, ...positionOf(this.lines, offset), message });
  }

  /**
   * One candidate object at `offset`. A top-level array is expanded into its items; a List (`kind: List` or any
   * `…List` with items) wherever it stands, so a List inside a List (or inside an array) gives its objects too.
   */
  add(value: JsonValue, node: unknown, offset: number, topLevel: boolean): void {
    if (topLevel && Array.isArray(value)) {
      const items = isSeq(node) ? node.items : [];
      value.forEach((item, i) => this.add(item, items[i], nodeStart(items[i], offset), false));
      return;
    }
    if (isJsonObject(value) && isList(value)) {
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
    const collectionKey = collectionKeyProblem(doc, this.text);
    if (collectionKey) {
      this.problem(collectionKey.offset, 'MANIFEST_YAML', collectionKey.message);
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
  const stream = splitJsonStream(text);
  if (stream) return parseJsonStream(text, stream, (part) => fastParseManifestText(part) ?? parseYamlText(part));
  return fastParseManifestText(text) ?? parseYamlText(text);
}

/** Each value of a JSON stream read on its own (by `parsePart`), positioned in the whole text. */
function parseJsonStream(text: string, parts: readonly JsonStreamPart[], parsePart: (text: string) => ParsedManifest): ParsedManifest {
  const result: ParsedManifest = { objects: [], problems: [] };
  let line = 1;
  let lineStart = 0;
  let scanned = 0;
  for (const part of parts) {
    for (let i = text.indexOf('\n', scanned); i >= 0 && i < part.offset; i = text.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    scanned = part.offset;
    const shift = <T extends { line: number; column: number }>(item: T): T => ({ ...item, line: item.line + line - 1, column: item.line === 1 ? item.column + part.offset - lineStart : item.column });
    const parsed = parsePart(part.text);
    for (const object of parsed.objects) result.objects.push(shift(object));
    for (const problem of parsed.problems) result.problems.push(shift(problem));
  }
  return result;
}

/** The `yaml` path alone (a JSON stream value by value): the reference the fast path (yaml-fast-path.ts) must equal, and its fallback. */
export function parseManifestTextWithYaml(text: string): ParsedManifest {
  const stream = splitJsonStream(text);
  return stream ? parseJsonStream(text, stream, parseYamlText) : parseYamlText(text);
}

function parseYamlText(text: string): ParsedManifest {
  const { entries, lines } = readYamlStream(text, { version: '1.1', prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
  const collector = new Collector(lines, text);
  for (const entry of entries) {
    if ('document' in entry) collector.document(entry.document);
    else collector.problem(entry.problem.offset, 'MANIFEST_YAML', entry.problem.message);
  }
  return collector.result;
}
