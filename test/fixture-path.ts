// Locates test fixtures from any test file: paths relative to the repository's test/fixtures folder.
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
export const CAPTURES = join(FIXTURES, 'kube-apiserver-v1.32', 'admissionreview');

export function fixturePath(...parts: string[]): string {
  return join(FIXTURES, ...parts);
}

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}

/** A real AdmissionReview request body recorded from kube-apiserver, by its file prefix (e.g. "001"). */
export function capturedReview(prefix: string): unknown {
  const name = readdirCaptures().find((f) => f.startsWith(prefix) && f.endsWith('.request.json'));
  if (!name) throw new Error(`no captured AdmissionReview ${prefix}`);
  return readJson(join(CAPTURES, name));
}

import { readdirSync } from 'node:fs';
function readdirCaptures(): string[] {
  return readdirSync(CAPTURES).sort();
}
