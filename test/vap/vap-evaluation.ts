// Test helper: what the API server does with a generated ValidatingAdmissionPolicy on one AdmissionReview, its CEL run by @bufbuild/cel (with the strings extension).
import { celEnv, isCelError, parse, plan } from '@bufbuild/cel';
import type { CelInput } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import type { AdmissionPolicyPair } from '../../src/vap/admission-policy.js';
import { celVariables } from '../cel/cel-evaluation.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = Record<string, any>;

const env = celEnv({ funcs: strings });

function run(expression: string, variables: Record<string, CelInput>): unknown {
  const result = plan(env, parse(expression))(variables);
  if (isCelError(result)) throw new Error(`${expression.slice(0, 80)}…: ${result.message}`);
  return result;
}

function resourceMatches(rule: Obj, request: Obj): boolean {
  const resource = request['subResource'] ? `${request['resource'].resource}/${request['subResource']}` : request['resource'].resource;
  return (
    rule['operations'].includes(request['operation']) &&
    rule['apiGroups'].includes(request['resource'].group) &&
    rule['apiVersions'].includes(request['resource'].version) &&
    rule['resources'].includes(resource)
  );
}

function namespaceSelected(spec: Obj, namespace: string): boolean {
  const excluded: string[] = spec['matchConstraints'].namespaceSelector?.matchExpressions?.[0]?.values ?? [];
  return !excluded.includes(namespace);
}

/** The policy's verdict: not applied, passed, or failed with its message (messageExpression evaluated). */
export function vapVerdict(pair: AdmissionPolicyPair, body: unknown, namespaceObject: Obj | null = null): { outcome: 'not-applied' | 'passed' } | { outcome: 'failed'; message: string } {
  const spec = pair.policy.spec as Obj;
  const request = (body as { request: Obj }).request;
  if (!spec['matchConstraints'].resourceRules.some((r: Obj) => resourceMatches(r, request))) return { outcome: 'not-applied' };
  if (!namespaceSelected(spec, request['namespace'] ?? '')) return { outcome: 'not-applied' };
  // The API server's namespaceObject: the request's Namespace (null for a cluster-scoped resource).
  const base = { ...celVariables(body), namespaceObject: namespaceObject as CelInput };
  for (const condition of spec['matchConditions'] ?? []) if (run(condition.expression, base) !== true) return { outcome: 'not-applied' };
  const variables = new Map<string, CelInput>();
  for (const v of spec['variables']) variables.set(v.name, run(v.expression, { ...base, variables }) as CelInput);
  const validation = spec['validations'][0];
  if (run(validation.expression, { ...base, variables }) === true) return { outcome: 'passed' };
  const message = validation.messageExpression ? String(run(validation.messageExpression, { ...base, variables })) : validation.message;
  return { outcome: 'failed', message };
}
