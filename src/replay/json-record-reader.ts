// Streams JSON records out of a byte stream in constant memory: JSON lines, or (first character `[` or a lone `{` line) JSON arrays and pretty-printed values.
import { StringDecoder } from 'node:string_decoder';

/** The text of one JSON value and the line it starts on (1-based). */
export interface JsonRecord {
  line: number;
  text: string;
}

type Chunks = AsyncIterable<Buffer | string>;

/** Whitespace-only lines carry no record; the cheap first-byte test keeps this off the hot path. */
function blank(data: Buffer, start: number, end: number): boolean {
  const first = data[start];
  if (first !== 32 && first !== 9) return false;
  for (let i = start; i < end; i++) if (data[i] !== 32 && data[i] !== 9 && data[i] !== 13) return false;
  return true;
}

function asBuffer(value: Buffer | string): Buffer {
  return typeof value === 'string' ? Buffer.from(value) : value;
}

/** Adds the line `data[start, nl)` (a CR before the newline dropped) to the batch unless it is blank. */
function pushLine(batch: JsonRecord[], line: number, data: Buffer, start: number, nl: number): void {
  const end = nl > start && data[nl - 1] === 13 ? nl - 1 : nl;
  if (end > start && !blank(data, start, end)) batch.push({ line, text: data.toString('utf8', start, end) });
}

/**
 * Splits bytes into lines as chunks arrive, decoding each line on its own (a newline byte never occurs inside a UTF-8
 * sequence). Only the unfinished last line is held back, as slices of the chunks it spans, and copied once when its
 * newline arrives: the chunks themselves are never copied.
 */
async function* lineBatches(head: Buffer, rest: AsyncIterator<Buffer | string>): AsyncGenerator<JsonRecord[]> {
  let pending: Buffer[] = [];
  let line = 0;
  let chunk: Buffer | undefined = head;
  while (chunk !== undefined) {
    const batch: JsonRecord[] = [];
    let start = 0;
    let nl = chunk.indexOf(10);
    if (pending.length > 0 && nl >= 0) {
      const carried = Buffer.concat([...pending, chunk.subarray(0, nl)]);
      pending = [];
      pushLine(batch, ++line, carried, 0, carried.length);
      start = nl + 1;
      nl = chunk.indexOf(10, start);
    }
    for (; nl >= 0; nl = chunk.indexOf(10, start)) {
      pushLine(batch, ++line, chunk, start, nl);
      start = nl + 1;
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
    if (batch.length > 0) yield batch;
    const next = await rest.next();
    chunk = next.done ? undefined : asBuffer(next.value);
  }
  const tail = Buffer.concat(pending);
  if (tail.length > 0 && !blank(tail, 0, tail.length)) yield [{ line: line + 1, text: tail.toString('utf8').replace(/\r$/, '') }];
}

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

/**
 * Splits a stream of JSON values (an array's elements when the stream starts with `[`, else concatenated values) by
 * tracking strings and nesting; each value keeps the line it starts on. Anything between values that is not an object
 * or array runs to the next separator and comes out as its own (unparseable) record.
 */
async function* valueBatches(first: string, rest: AsyncIterator<Buffer | string>, decoder: StringDecoder): AsyncGenerator<JsonRecord[]> {
  let arrayMode: boolean | undefined;
  let outerOpen = false;
  let mode: 'between' | 'value' | 'junk' = 'between';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let line = 1;
  let startLine = 1;
  let carry = '';
  let text: string | undefined = first;
  while (text !== undefined) {
    const batch: JsonRecord[] = [];
    let start = 0;
    const emit = (end: number) => {
      batch.push({ line: startLine, text: carry + text!.slice(start, end) });
      carry = '';
      mode = 'between';
    };
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) line++;
      if (mode === 'value') {
        if (inString) {
          if (escaped) escaped = false;
          else if (c === 92) escaped = true;
          else if (c === 34) inString = false;
        } else if (c === 34) inString = true;
        else if (c === 123 || c === 91) depth++;
        else if ((c === 125 || c === 93) && --depth === 0) emit(i + 1);
        continue;
      }
      if (mode === 'junk') {
        const closesArray = c === 93 && arrayMode === true && outerOpen;
        if (isSpace(c) || c === 44 || closesArray) {
          emit(i);
          if (closesArray) outerOpen = false;
        }
        continue;
      }
      if (isSpace(c) || c === 44) continue;
      if (arrayMode === undefined) {
        arrayMode = c === 91;
        if (arrayMode) {
          outerOpen = true;
          continue;
        }
      }
      if (c === 93 && arrayMode && outerOpen) {
        outerOpen = false;
        continue;
      }
      start = i;
      startLine = line;
      if (c === 123 || c === 91) {
        mode = 'value';
        depth = 1;
      } else mode = 'junk';
    }
    if (mode !== 'between') carry += text.slice(start);
    if (batch.length > 0) yield batch;
    const next = await rest.next();
    text = next.done ? undefined : decoder.write(next.value as Buffer);
  }
  const tail = (carry + decoder.end()).trim();
  if (tail !== '') yield [{ line: startLine, text: tail }];
}

/** The first byte that is not a BOM or whitespace, and whether the first line is a lone `{`. */
function modeOf(head: Buffer): { first: number; loneBrace: boolean } {
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 32 || head[i] === 9 || head[i] === 10 || head[i] === 13)) i++;
  const first = head[i] ?? -1;
  const nl = head.indexOf(10, i);
  const firstLine = head.toString('utf8', i, nl < 0 ? head.length : nl).trim();
  return { first, loneBrace: firstLine === '{' };
}

/**
 * Batches of JSON records from `chunks`. JSON lines by default (a bad line only costs that line); a stream whose first
 * character is `[`, or whose first line is a lone `{`, is read value by value instead (Splunk's JSON export, arrays,
 * pretty-printed events).
 */
export async function* jsonRecordBatches(chunks: Chunks): AsyncGenerator<JsonRecord[]> {
  const iterator = chunks[Symbol.asyncIterator]();
  const parts: Buffer[] = [];
  let size = 0;
  // Read until the first meaningful line is complete (or the stream ends) to choose the mode.
  for (;;) {
    const next = await iterator.next();
    if (next.done) break;
    const part = asBuffer(next.value);
    parts.push(part);
    size += part.length;
    const head = Buffer.concat(parts);
    const { first } = modeOf(head);
    if ((first >= 0 && head.indexOf(10, head.indexOf(first)) >= 0) || size > 1 << 20) break;
  }
  let head = Buffer.concat(parts);
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) head = head.subarray(3);
  const { first, loneBrace } = modeOf(head);
  if (first === 91 || loneBrace) {
    const decoder = new StringDecoder('utf8');
    yield* valueBatches(decoder.write(head), iterator, decoder);
  } else {
    yield* lineBatches(head, iterator);
  }
}
