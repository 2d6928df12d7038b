// A rule condition as CEL: an expression true whenever the condition holds (never less), and exactly then when `exact`.
import type { Cel } from './cel-text.js';
import { FALSE, TRUE, and, not, or } from './cel-text.js';

/**
 * `cel` over-approximates the condition: the evaluator finding it implies `cel` is true. When `exact`, `cel` is true
 * only then too. A request the CEL lets through to the webhook is judged by riskgate itself, so "true when unsure" is
 * safe; the opposite would let a request a deny rule wants to refuse bypass the webhook.
 */
export interface Approximation {
  cel: Cel;
  exact: boolean;
}

export const NEVER: Approximation = { cel: FALSE, exact: true };

export function exactly(cel: Cel): Approximation {
  return { cel, exact: true };
}

export function atMost(cel: Cel): Approximation {
  return { cel, exact: false };
}

export function allOf(parts: Approximation[]): Approximation {
  const cel = and(...parts.map((p) => p.cel));
  // A part that is exactly false makes the whole exactly false, whatever the other parts.
  return { cel, exact: cel.text === FALSE.text || parts.every((p) => p.exact) };
}

export function anyOf(parts: Approximation[]): Approximation {
  const cel = or(...parts.map((p) => p.cel));
  // A part that is exactly true makes the whole exactly true.
  return { cel, exact: parts.some((p) => p.exact && p.cel.text === TRUE.text) || parts.every((p) => p.exact) };
}

/** The negation of an over-approximation is not one: then nothing is known, and the answer is `true`. */
export function negation(part: Approximation): Approximation {
  return part.exact ? exactly(not(part.cel)) : atMost(TRUE);
}
