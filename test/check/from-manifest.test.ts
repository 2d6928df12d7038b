// Manifest object → ResourceRequest: resource from apiVersion + kind, namespace filling, identity, CREATE/UPDATE.
import { checkUser, defaultManifestOptions, fromManifest } from '../../src/request/from-manifest.js';
import type { JsonObject } from '../../src/request/json-value.js';
import { evaluate } from '../../src/engine/evaluate.js';
import { RULES } from '../../src/rules/catalog.js';

const at = { file: 'm.yaml', line: 3, column: 1 };
const service = (extra: JsonObject = {}): JsonObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', ...extra }, spec: { type: 'NodePort' } });

describe('fromManifest', () => {
  test('a Service becomes the request the API server would send for kubectl create, by default as riskgate-check', () => {
    const request = fromManifest(service(), at, defaultManifestOptions());
    expect(request).toMatchObject({
      source: 'manifest',
      operation: 'CREATE',
      group: '',
      version: 'v1',
      resource: 'services',
      subResource: '',
      kind: 'Service',
      namespace: 'default',
      name: 'web',
      user: { username: 'riskgate-check', groups: ['system:authenticated'] },
      oldObject: null,
      location: at,
    });
    expect(request.object).toBe(request.object);
  });

  test('metadata.namespace wins; --namespace fills objects without one; cluster-scoped kinds get none', () => {
    const options = { ...defaultManifestOptions(), namespace: 'team-a' };
    expect(fromManifest(service({ namespace: 'shop' }), at, options).namespace).toBe('shop');
    expect(fromManifest(service(), at, options).namespace).toBe('team-a');
    expect(fromManifest({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }, at, options).namespace).toBe('');
    expect(fromManifest({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'x', namespace: 'ignored' } }, at, options).namespace).toBe('');
  });

  test('apiVersion + kind give group, version and plural resource; unknown kinds get kubectl’s guess', () => {
    const ds = fromManifest({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'a' } }, at, defaultManifestOptions());
    expect([ds.group, ds.version, ds.resource]).toEqual(['apps', 'v1', 'daemonsets']);
    const cr = fromManifest({ apiVersion: 'example.com/v1alpha1', kind: 'NetworkPolicy' }, at, defaultManifestOptions());
    expect([cr.group, cr.version, cr.resource, cr.namespace]).toEqual(['example.com', 'v1alpha1', 'networkpolicies', 'default']);
  });

  test('the identity gets the groups the API server adds: system:authenticated, and the service-account groups', () => {
    expect(checkUser('alice', ['dev', 'dev'])).toEqual({ username: 'alice', groups: ['dev', 'system:authenticated'] });
    expect(checkUser('system:serviceaccount:ci:deployer', [])).toEqual({
      username: 'system:serviceaccount:ci:deployer',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated'],
    });
  });

  test('UPDATE carries no oldObject: the UPDATE rules see an update from nothing', () => {
    const options = { ...defaultManifestOptions(), operation: 'UPDATE' as const };
    const ids = (object: JsonObject) => evaluate(fromManifest(object, at, options), RULES).map((f) => f.rule.id);
    expect(ids(service())).toEqual(['kubernetes-node-port-update']);
    expect(ids({ apiVersion: 'v1', kind: 'Service', spec: { type: 'LoadBalancer' } })).toEqual(['kubernetes-load-balancer-node-ports']);
    expect(ids({ apiVersion: 'v1', kind: 'Service', spec: { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false } })).toEqual([]);
    expect(ids({ apiVersion: 'apps/v1', kind: 'DaemonSet', spec: { template: {} } })).toEqual(['kubernetes-daemonset-template-update']);
    expect(ids({ apiVersion: 'v1', kind: 'Service', spec: { type: 'ClusterIP' } })).toEqual([]);
  });
});
