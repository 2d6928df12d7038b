// The condition → CEL compiler as data (test/cases/cel/conditions.yaml): the CEL text and its exactness for each condition.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { conditionCel } from '../../src/cel/condition-cel.js';
import type { Condition } from '../../src/rules/rule.js';
import { capturedReview } from '../fixture-path.js';
import { celVariables, evaluateCel, unguardedHas } from './cel-evaluation.js';

interface ConditionCase {
  name: string;
  condition: Condition;
  exact: boolean;
  cel: string;
}

const { conditions } = parse(readFileSync(join(process.cwd(), 'test', 'cases', 'cel', 'conditions.yaml'), 'utf8')) as { conditions: ConditionCase[] };

describe('conditionCel', () => {
  test('the table holds cases', () => {
    expect(conditions.length).toBeGreaterThanOrEqual(25);
  });

  test.each(conditions.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const compiled = conditionCel(c.condition);
    expect(compiled.cel.text).toBe(c.cel);
    expect(compiled.exact).toBe(c.exact);
    expect(unguardedHas(c.cel)).toEqual([]);
  });

  // A CREATE (no oldObject), an UPDATE and a CONNECT: every expression of the table evaluates to a bool, never an error.
  test.each(['001', '003', '011'])('every expression evaluates without error on capture %s', (prefix) => {
    const variables = celVariables(capturedReview(prefix));
    for (const c of conditions) expect([c.name, evaluateCel(c.cel, variables)]).toEqual([c.name, expect.any(Boolean)]);
  });
});
