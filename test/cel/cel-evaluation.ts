// Test helper: evaluates riskgate's generated CEL with a CEL implementation (@bufbuild/cel) on the variables an API server gives matchConditions.
import { celEnv, isCelError, parse, plan } from '@bufbuild/cel';
import type { CelInput } from '@bufbuild/cel';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * A JSON value as the API server hands it to CEL (unstructured content): integers are CEL ints (bigint here), other
 * numbers doubles, objects maps.
 */
export function celValue(value: Json): CelInput {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(celValue);
  return new Map(Object.entries(value).map(([k, v]) => [k, celValue(v)]));
}

const env = celEnv();
const planned = new Map<string, ReturnType<typeof plan>>();

/** The matchConditions variables of an AdmissionReview body: object and oldObject (null when absent) and request. */
export function celVariables(body: unknown): Record<string, CelInput> {
  const request = (body as { request: Record<string, Json> }).request;
  return { object: celValue(request['object'] ?? null), oldObject: celValue(request['oldObject'] ?? null), request: celValue(request) };
}

/** The expression's value, or `error: <message>` when it fails (which, under failurePolicy Fail, refuses the request). */
export function evaluateCel(expression: string, variables: Record<string, CelInput>): boolean | string {
  let program = planned.get(expression);
  if (!program) {
    program = plan(env, parse(expression));
    planned.set(expression, program);
  }
  const result = program(variables);
  if (isCelError(result)) return `error: ${result.message}`;
  return typeof result === 'boolean' ? result : `error: not a bool: ${String(result)}`;
}
