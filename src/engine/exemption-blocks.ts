// Reads exemption blocks from a policy file: one mapping or a list of them, each with its keys plus `expires` (RFC 3339) and `reason`.
import { isMap, isScalar, isSeq } from 'yaml';
import type { Node, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { PolicyReader } from './policy-reader.js';
import type { ExemptionBlock, Exemptions } from './policy.js';
import { emptyExemptions } from './policy.js';

const LIST_EXEMPTIONS = ['namespaces', 'users', 'groups', 'serviceAccounts', 'clusters', 'nodes', 'workloads'] as const;
type ListExemption = (typeof LIST_EXEMPTIONS)[number];
export const REQUEST_EXEMPTIONS: readonly string[] = ['namespaces', 'users', 'groups', 'serviceAccounts', 'labels', 'namespaceLabels'];
export const METRIC_EXEMPTIONS: readonly string[] = ['namespaces', 'clusters', 'nodes', 'workloads'];
export const ALL_EXEMPTIONS: readonly string[] = [...LIST_EXEMPTIONS, 'labels', 'namespaceLabels'];
/** Keys of a block besides what it exempts. */
export const BLOCK_KEYS: readonly string[] = ['expires', 'reason'];

/** A block read from the file, with the node it came from (for errors found later, e.g. a missing reason). */
export interface ReadBlock {
  block: ExemptionBlock;
  node: Node;
  key: string;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** An RFC 3339 date-time (with its offset or Z) as a Date, or undefined when the text is not one or names no real instant. */
export function parseRfc3339(text: string): Date | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  const utc = new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms));
  utc.setUTCFullYear(year);
  const real = utc.getUTCFullYear() === year && utc.getUTCMonth() === month - 1 && utc.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
  const offsetHours = m[9] ? Number(m[10]) : 0;
  const offsetMinutes = m[9] ? Number(m[11]) : 0;
  if (!real || offsetHours > 23 || offsetMinutes > 59) return undefined;
  const sign = m[9] === '-' ? -1 : 1;
  return new Date(utc.getTime() - sign * (offsetHours * 60 + offsetMinutes) * 60_000);
}

function readLabels(r: PolicyReader, pair: Pair, path: string, into: Record<string, string>): void {
  for (const labelPair of r.map(pair.value, path).items) {
    const label = isScalar(labelPair.key) ? String(labelPair.key.value) : '';
    if (label === '') r.fail('POLICY_NOT_A_STRING', labelPair, path, 'label keys must be strings');
    const value = labelPair.value;
    if (!isScalar(value) || (typeof value.value !== 'string' && typeof value.value !== 'number' && typeof value.value !== 'boolean')) {
      r.fail('POLICY_NOT_A_STRING', labelPair, `${path}.${label}`, 'label values must be strings');
    }
    into[label] = String((value as Scalar).value);
  }
}

function readList(r: PolicyReader, name: ListExemption, pair: Pair, path: string, into: Exemptions): void {
  const list = r.stringList(pair.value, path);
  if (name === 'serviceAccounts') {
    list.forEach((sa, i) => {
      if (!/^[^:\s]+:[^:\s]+$/.test(sa)) r.fail('POLICY_BAD_SERVICE_ACCOUNT', (pair.value as YAMLSeq).items[i] as Node, `${path}[${i}]`, `"${sa}" is not namespace:name`);
    });
  }
  into[name] = list;
}

function readExpires(r: PolicyReader, pair: Pair, path: string): Date {
  const text = isScalar(pair.value) && typeof pair.value.value === 'string' ? pair.value.value : undefined;
  const time = text === undefined ? undefined : parseRfc3339(text);
  if (time === undefined) {
    r.fail('POLICY_BAD_EXPIRES', (pair.value as Node | null) ?? pair, path, `${JSON.stringify(text ?? (isScalar(pair.value) ? pair.value.value : null))} is not an RFC 3339 time (e.g. 2026-12-01T00:00:00Z)`);
  }
  return time;
}

function isEmpty(exemptions: Exemptions): boolean {
  return Object.values(exemptions).every((v) => (Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0));
}

function readBlock(r: PolicyReader, map: YAMLMap, key: string, allowed: readonly string[]): ExemptionBlock {
  const block: ExemptionBlock = { match: emptyExemptions(), where: r.where(map) };
  for (const [name, pair] of r.entries(map, key, [...allowed, ...BLOCK_KEYS])) {
    const path = `${key}.${name}`;
    if (name === 'expires') block.expires = readExpires(r, pair, path);
    else if (name === 'reason') block.reason = r.string(pair.value, path);
    else if (name === 'labels') readLabels(r, pair, path, block.match.labels);
    else if (name === 'namespaceLabels') readLabels(r, pair, path, block.match.namespaceLabels);
    else readList(r, name as ListExemption, pair, path, block.match);
  }
  return block;
}

/**
 * The blocks of an `exemptions` value: a mapping is one block, a list holds several (each checked on its own). An empty
 * block (`{}`) is left out; one with a reason or an end but nothing to exempt is an error.
 */
export function readExemptionBlocks(r: PolicyReader, node: unknown, key: string, allowed: readonly string[]): ReadBlock[] {
  if (node === null || node === undefined || (isScalar(node) && node.value === null)) return [];
  const items: Array<[unknown, string]> = isSeq(node) ? node.items.map((item, i) => [item, `${key}[${i}]`]) : [[node, key]];
  const blocks: ReadBlock[] = [];
  for (const [item, path] of items) {
    if (!isMap(item)) r.fail('POLICY_NOT_A_MAP', item as Node, path, 'must be a mapping (or a list of mappings)');
    const block = readBlock(r, item, path, allowed);
    if (!isEmpty(block.match)) blocks.push({ block, node: item, key: path });
    else if (block.reason !== undefined || block.expires !== undefined) {
      r.fail('POLICY_EMPTY_EXEMPTION', item, path, `exempts nothing: name ${allowed.join(', ')}`);
    }
  }
  return blocks;
}
