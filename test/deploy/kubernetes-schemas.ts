// Test helper: validates a rendered object against the Kubernetes API schemas shipped by kubernetes-models (and cert-manager's).
import type { K8sObject } from './helm.js';

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: unknown) => Validatable;

/** The module of kubernetes-models (or @kubernetes-models/cert-manager) that holds the apiVersion's models. */
function moduleFor(apiVersion: string): string {
  const [group, version] = apiVersion.includes('/') ? (apiVersion.split('/') as [string, string]) : ['', apiVersion];
  if (group === '') return `kubernetes-models/${version}`;
  if (group.endsWith('cert-manager.io')) return `@kubernetes-models/cert-manager/${group}/${version}`;
  return `kubernetes-models/${group}/${version}`;
}

/** Throws with the schema's message (e.g. "data/spec must have required property selector") when the object is invalid. */
export async function validateObject(object: K8sObject): Promise<void> {
  const models = (await import(moduleFor(object.apiVersion))) as Record<string, ModelClass | undefined>;
  const Model = models[object.kind];
  if (!Model) throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
  try {
    new Model(object).validate();
  } catch (error) {
    throw new Error(`${object.kind} ${object.metadata.name}: ${(error as Error).message}`);
  }
}
