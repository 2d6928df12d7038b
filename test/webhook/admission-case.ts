// Reads the admission test cases in test/cases/admission/*.yaml: body (captured or own) + edits + policy + the expected answer.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { capturedReview, readJson } from '../fixture-path.js';

export const CASES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'cases', 'admission');

export interface ExpectedAnswer {
  apiVersion?: string;
  allowed: boolean;
  /** status.code of the answer, absent when allowed. */
  status?: number;
  /** Substrings the deny message must contain. */
  message?: string[];
  /** Exact warnings, in order (none when absent). */
  warnings?: string[];
  /** Exact audit annotation keys (none when absent), with values where given as `key: value`. */
  auditAnnotations?: Record<string, string | null>;
  /** rule_id of every risk event recorded, in order (none when absent). */
  recorded?: string[];
}

export interface AdmissionCase {
  file: string;
  name: string;
  body: unknown;
  path: string;
  policy?: string;
  /** The webhook's clock for this case (RFC 3339), for exemption blocks that end; absent: the real time. */
  now?: string;
  /** Labels of the cluster's namespaces, as serve --watch-namespaces would know them (a namespace absent here is unknown). */
  namespaces?: Record<string, Record<string, string>>;
  expect: ExpectedAnswer;
}

interface RawCase {
  name: string;
  review: { capture?: string; file?: string };
  set?: Record<string, unknown>;
  unset?: string[];
  path?: string;
  policy?: string;
  now?: string;
  namespaces?: Record<string, Record<string, string>>;
  expect: ExpectedAnswer;
}

const CASE_KEYS = ['name', 'review', 'set', 'unset', 'path', 'policy', 'now', 'namespaces', 'expect'];
const EXPECT_KEYS = ['apiVersion', 'allowed', 'status', 'message', 'warnings', 'auditAnnotations', 'recorded'];

function checkKeys(where: string, value: object, allowed: string[]): void {
  for (const key of Object.keys(value)) if (!allowed.includes(key)) throw new Error(`${where}: unknown key ${key}`);
}

type Container = Record<string, unknown> | unknown[];

/** Walks `a.b.0.c` to the parent container of the last segment, creating objects on the way. */
function parentOf(root: Container, path: string): [Container, string] {
  const parts = path.split('.');
  let node: Container = root;
  for (const part of parts.slice(0, -1)) {
    const next = (node as Record<string, unknown>)[part];
    if (typeof next !== 'object' || next === null) (node as Record<string, unknown>)[part] = {};
    node = (node as Record<string, unknown>)[part] as Container;
  }
  return [node, parts[parts.length - 1]!];
}

function bodyOf(raw: RawCase, where: string): unknown {
  const body = raw.review.capture ? capturedReview(raw.review.capture) : raw.review.file ? readJson(join(CASES_DIR, raw.review.file)) : undefined;
  if (body === undefined) throw new Error(`${where}: review needs capture or file`);
  for (const [path, value] of Object.entries(raw.set ?? {})) {
    const [parent, key] = parentOf(body as Container, path);
    (parent as Record<string, unknown>)[key] = value;
  }
  for (const path of raw.unset ?? []) {
    const [parent, key] = parentOf(body as Container, path);
    delete (parent as Record<string, unknown>)[key];
  }
  return body;
}

export function loadAdmissionCases(): AdmissionCase[] {
  const files = readdirSync(CASES_DIR).filter((f) => f.endsWith('.yaml')).sort();
  return files.flatMap((file) => {
    const doc = parse(readFileSync(join(CASES_DIR, file), 'utf8')) as { cases: RawCase[] };
    return doc.cases.map((raw, i) => {
      const where = `${file} case ${i + 1} (${raw.name})`;
      checkKeys(where, raw, CASE_KEYS);
      checkKeys(`${where} expect`, raw.expect, EXPECT_KEYS);
      const c: AdmissionCase = { file, name: raw.name, body: bodyOf(raw, where), path: raw.path ?? '/validate', expect: raw.expect };
      if (raw.policy !== undefined) c.policy = raw.policy;
      if (raw.now !== undefined) c.now = raw.now;
      if (raw.namespaces !== undefined) c.namespaces = raw.namespaces;
      return c;
    });
  });
}
