// Fuzzes the AdmissionReview adapter and the whole pure review: hostile JSON, mutated real bodies, deep nesting, huge strings, pollution keys.
import fc from 'fast-check';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parsePolicy } from '../../src/engine/policy-file.js';
import { DecodeError } from '../../src/request/decode-error.js';
import { fromAdmissionReview } from '../../src/request/from-admission-review.js';
import { RULES } from '../../src/rules/catalog.js';
import { reviewAdmission } from '../../src/webhook/review.js';
import type { ReviewScope } from '../../src/webhook/review-scope.js';
import { CAPTURES, readJson } from '../fixture-path.js';
import { fuzzParams, HEAVY_RUNS, LONG } from './fuzz-settings.js';
import { deeplyNested, dotted, hostileJson, mutate, mutationOf, POLLUTION_PAYLOADS } from './hostile-json.js';
import { pollutedPrototypes } from './prototype-guard.js';

const captures = readdirSync(CAPTURES)
  .filter((f) => f.endsWith('.request.json'))
  .sort()
  .map((f) => ({ name: f, body: readJson(join(CAPTURES, f)) }));

/** Every rule denies: the longest answers (deny message, audit annotations) for whatever matches. */
const DENY_ALL = parsePolicy('apiVersion: riskgate.io/v1\nkind: Policy\ndefaultAction: deny\n', 'deny-all.yaml', RULES);
const NOW = new Date('2026-11-02T10:00:00Z');
const SCOPES: ReviewScope[] = ['all', 'enforce', 'observe'];
/** An error message is one readable line, not an echo of the input. */
const MAX_MESSAGE = 400;

/** What every body must lead to: an answer echoing the uid, or a DecodeError naming a field. Returns the error's field. */
function reviewOrFieldError(body: unknown): string | undefined {
  let result;
  try {
    result = reviewAdmission({ body, policy: DENY_ALL, rules: RULES, now: NOW, scope: 'all' });
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    expect(['ADMISSION_NOT_AN_OBJECT', 'ADMISSION_INVALID']).toContain(error.code);
    expect(error.where).toMatch(/^(body|apiVersion|kind|request)(\.|$)/);
    expect(error.message.length).toBeLessThanOrEqual(MAX_MESSAGE);
    expect(error.message).not.toContain('\n');
    return error.where;
  }
  const uid = (body as { request: { uid: string } }).request.uid;
  expect(result.response.response.uid).toBe(uid);
  expect(JSON.parse(JSON.stringify(result.response))).toEqual(result.response);
  for (const event of result.riskEvents) expect(JSON.parse(JSON.stringify(event))).toEqual(event);
  return undefined;
}

afterEach(() => expect(pollutedPrototypes()).toEqual([]));

test('any JSON value at all: an answer or a DecodeError naming the field, nothing else', () => {
  fc.assert(
    fc.property(hostileJson, (body) => {
      reviewOrFieldError(body);
    }),
    fuzzParams(),
  );
});

test.each(captures.map((c) => [c.name, c.body] as const))('%s mutated at any path: the error names the mutated field or its parent', (_name, base) => {
  fc.assert(
    fc.property(mutationOf(base), (mutation) => {
      const where = reviewOrFieldError(mutate(base, mutation));
      if (where === undefined || where === 'body') return;
      const changed = dotted(mutation.path);
      // The field at fault is the one changed, one of its parents (now the wrong type), or a field required inside it.
      expect(changed === where || changed.startsWith(`${where}.`) || where.startsWith(`${changed}.`)).toBe(true);
    }),
    fuzzParams(),
  );
});

test.each(['request', 'request.userInfo', 'request.object', 'request.object.metadata', 'request.object.spec', 'request.oldObject'])(
  'pollution payloads merged into %s neither pollute prototypes nor change the verdict',
  (at) => {
    for (const base of captures.map((c) => c.body)) {
      const plain = reviewAdmission({ body: base, policy: DENY_ALL, rules: RULES, now: NOW, scope: 'all' });
      for (const payload of POLLUTION_PAYLOADS) {
        const parts = at.split('.');
        let body = base;
        for (const [key, value] of Object.entries(payload as object)) body = mutate(body, { kind: 'add', path: parts, key, value });
        if (JSON.stringify(body) === JSON.stringify(base)) continue; // the path is null in this capture
        const polluted = reviewAdmission({ body, policy: DENY_ALL, rules: RULES, now: NOW, scope: 'all' });
        expect(polluted.response).toEqual(plain.response);
        expect(polluted.riskEvents).toEqual(plain.riskEvents);
      }
    }
  },
);

/** Places an already serialized JSON value at `path` of a capture's text form. */
function withRawValue(base: unknown, path: string[], raw: string): string {
  const marker = '"__riskgate_raw_marker__"';
  return JSON.stringify(mutate(base, { kind: 'set', path, value: '__riskgate_raw_marker__' })).replace(marker, raw);
}

const DEEP_PLACES: Array<[string, string[]]> = [
  ['003', ['request', 'object', 'spec', 'ports']],
  ['003', ['request', 'oldObject', 'spec', 'ports']],
  ['008', ['request', 'object', 'spec', 'template']],
  ['008', ['request', 'oldObject', 'spec', 'template']],
  ['011', ['request', 'object', 'command']],
  ['011', ['request', 'object', 'container']],
  ['001', ['request', 'object', 'metadata', 'labels']],
  ['001', ['request', 'userInfo', 'extra']],
];

describe.each(LONG ? [100, 5_000, 100_000, 1_000_000] : [100, 5_000, 100_000])('nesting %i levels deep', (depth) => {
  test.each(DEEP_PLACES)('at %s %j: an answer or a DecodeError, for arrays and objects', (capture, path) => {
    const base = captures.find((c) => c.name.startsWith(capture))!.body;
    for (const shape of ['array', 'object'] as const) {
      const body = JSON.parse(withRawValue(base, path, deeplyNested(depth, shape))) as unknown;
      for (const scope of SCOPES) {
        try {
          reviewAdmission({ body, policy: DENY_ALL, rules: RULES, now: NOW, scope });
        } catch (error) {
          expect(error).toBeInstanceOf(DecodeError);
          // The field itself, or the first level inside it that has the wrong type.
          expect(`${(error as DecodeError).where}.`.startsWith(`${path.join('.')}.`)).toBe(true);
        }
      }
    }
  });
});

test.each([
  ['request.name', ['request', 'name']],
  ['request.namespace', ['request', 'namespace']],
  ['request.userInfo.username', ['request', 'userInfo', 'username']],
  ['request.object.metadata.name', ['request', 'object', 'metadata', 'name']],
  ['request.userInfo.extra key', ['request', 'userInfo', 'extra', 'x'.repeat(1024 * 1024)]],
])('a 4 MiB string in %s: the answer stays bounded (no echo amplification, warnings short)', (_name, path) => {
  const huge = 'x'.repeat(4 * 1024 * 1024);
  for (const { body: base } of captures) {
    const body = mutate(base, { kind: 'set', path, value: huge });
    let result;
    try {
      result = reviewAdmission({ body, policy: DENY_ALL, rules: RULES, now: NOW, scope: 'all' });
    } catch (error) {
      expect(error).toBeInstanceOf(DecodeError);
      expect((error as DecodeError).message.length).toBeLessThanOrEqual(MAX_MESSAGE);
      continue;
    }
    const answer = JSON.stringify(result.response);
    for (const warning of result.response.response.warnings ?? []) expect(warning.length).toBeLessThanOrEqual(120);
    expect(answer.length).toBeLessThan(2 * huge.length + 64 * 1024);
  }
});

test('strings that are not valid UTF-16 (lone surrogates) pass through without a crash', () => {
  fc.assert(
    fc.property(fc.constantFrom(...captures.map((c) => c.body)), fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }), fc.constantFrom('\uD800', '\uDFFF', '\uFFFE', '\u0000'), (base, text, lone) => {
      const body = mutate(base, { kind: 'set', path: ['request', 'userInfo', 'username'], value: `${text}${lone}` });
      expect(reviewOrFieldError(body)).toBeUndefined();
    }),
    fuzzParams(HEAVY_RUNS),
  );
});

test('the adapter never hands back the body objects it was given for the identity (no aliasing into later merges)', () => {
  const body = captures[0]!.body as { request: { userInfo: { groups: string[] } } };
  const decoded = fromAdmissionReview(body).request;
  expect(decoded.user.groups).toEqual(body.request.userInfo.groups);
});
