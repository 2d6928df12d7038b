// Reads a YAML text into documents, each on its own: a stray token costs only the document it sits in, and a document nested too deeply is refused before it is composed.
import { Composer, LineCounter, Parser } from 'yaml';
import type { CST, Document, DocumentOptions, ParseOptions, SchemaOptions } from 'yaml';
import { clipText } from './field-name.js';
import { MAX_JSON_DEPTH } from './json-depth.js';

export type YamlOptions = DocumentOptions & ParseOptions & SchemaOptions;

/** A composed document (it may carry its own errors), or a document that could not be read at all. */
export type YamlEntry = { document: Document.Parsed } | { problem: { offset: number; message: string } };

export interface YamlStream {
  /** In text order. */
  entries: YamlEntry[];
  lines: LineCounter;
}

/** Messages quote the offending token; a megabyte token is cut. */
const MAX_MESSAGE_LENGTH = 200;

/**
 * Where a document token begins for the errors around it: its `---` line when it has one (an error before the `---`
 * belongs to the document before), else its first token.
 */
function anchorOf(doc: CST.Document): number {
  return doc.start.find((t) => t.type === 'doc-start')?.offset ?? doc.offset;
}

function isCollection(token: CST.Token): token is CST.BlockMap | CST.BlockSequence | CST.FlowCollection {
  return token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection';
}

/**
 * The offset of the first collection nested deeper than `limit` collections, or undefined. Iterative: `yaml`
 * composes recursively and, some hundreds of levels down, overflows the stack (and V8 may then abort the whole
 * process while compiling a regular expression), so no deeper document may reach the composer.
 */
export function tooDeepOffset(root: CST.Token | undefined, limit: number = MAX_JSON_DEPTH): number | undefined {
  const stack: Array<[CST.Token, number]> = root ? [[root, 1]] : [];
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    if (!isCollection(token)) continue;
    if (depth > limit) return token.offset;
    // Keys too: a complex key may itself be a collection.
    for (const item of token.items as CST.CollectionItem[]) {
      if (item.key) stack.push([item.key, depth + 1]);
      if (item.value) stack.push([item.value, depth + 1]);
    }
  }
  return undefined;
}

function strayMessage(stray: CST.ErrorToken): string {
  return stray.source ? `${stray.message}: ${JSON.stringify(stray.source)}` : stray.message;
}

/** The last document whose `---` (or first token) is at or before `offset`; `docs` are in text order. */
function ownerOf(docs: readonly CST.Document[], offset: number): CST.Document | undefined {
  let low = 0;
  let high = docs.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (anchorOf(docs[mid]!) <= offset) low = mid + 1;
    else high = mid;
  }
  return low > 0 ? docs[low - 1] : undefined;
}

/** The problem that stops a document token from being composed: a stray token in it, or too deep a nesting. */
function refusal(doc: CST.Document, strays: readonly CST.ErrorToken[]): { offset: number; message: string } | undefined {
  const stray = strays[0];
  if (stray) return { offset: stray.offset, message: strayMessage(stray) };
  const deep = tooDeepOffset(doc.value);
  if (deep !== undefined) return { offset: deep, message: `collections nested more than ${MAX_JSON_DEPTH} levels deep` };
  return undefined;
}

/** Parses every document of `text`, in order; options as for `parseAllDocuments`. */
export function readYamlStream(text: string, options: YamlOptions = {}): YamlStream {
  const lines = new LineCounter();
  const tokens = [...new Parser(lines.addNewLine).parse(text)];
  // The `yaml` composer hands a stray top-level token to the document before it (or after it, at the start), so one
  // `]` would cost a good neighbour: give each stray to the document whose `---` precedes it instead.
  const docs = tokens.filter((t): t is CST.Document => t.type === 'document');
  const strays = new Map<CST.Document | undefined, CST.ErrorToken[]>();
  for (const token of tokens) {
    if (token.type !== 'error') continue;
    const owner = ownerOf(docs, token.offset);
    const list = strays.get(owner);
    if (list) list.push(token);
    else strays.set(owner, [token]);
  }
  const entries: YamlEntry[] = [];
  const problem = (offset: number, message: string) => entries.push({ problem: { offset, message: clipText(message, MAX_MESSAGE_LENGTH) } });
  for (const stray of strays.get(undefined) ?? []) problem(stray.offset, strayMessage(stray));
  const composer = new Composer(options);
  let skipped = false;
  for (const token of tokens) {
    if (token.type === 'error') continue;
    if (token.type === 'document') {
      const refused = refusal(token, strays.get(token) ?? []);
      skipped = refused !== undefined;
      if (refused) {
        problem(refused.offset, refused.message);
        continue;
      }
    } else if (token.type === 'doc-end' && skipped) continue;
    for (const document of composer.next(token)) entries.push({ document });
  }
  for (const document of composer.end()) entries.push({ document });
  entries.sort((a, b) => offsetOf(a) - offsetOf(b));
  return { entries, lines };
}

function offsetOf(entry: YamlEntry): number {
  return 'document' in entry ? entry.document.range[0] : entry.problem.offset;
}
