// The evaluator over real AdmissionReview bodies recorded from kube-apiserver v1.32: which rules each request trips.
import { evaluate } from '../../src/engine/evaluate.js';
import { RULES } from '../../src/rules/catalog.js';
import { fromAdmissionReview } from '../../src/request/from-admission-review.js';
import { capturedReview } from '../fixture-path.js';

const cases: Array<[string, string, string[]]> = [
  ['001', 'Service CREATE NodePort', ['kubernetes-node-port-creation']],
  ['002', 'Service CREATE ClusterIP', []],
  ['003', 'Service UPDATE ClusterIP→NodePort (kubectl patch)', ['kubernetes-node-port-update']],
  ['004', 'Service CREATE NodePort, dry-run', ['kubernetes-node-port-creation']],
  ['005', 'Service CREATE ClusterIP, dry-run', []],
  ['006', 'Service CREATE LoadBalancer (allocates node ports)', ['kubernetes-load-balancer-node-ports']],
  ['007', 'DaemonSet CREATE', ['kubernetes-daemonset-deployed']],
  ['008', 'DaemonSet UPDATE by kubectl label (template unchanged)', []],
  ['009', 'Service CREATE NodePort via curl', ['kubernetes-node-port-creation']],
  ['011', 'pods/exec CONNECT of sh -c id', ['kubernetes-shell-exec-into-pod']],
];

describe('evaluate over captured AdmissionReviews', () => {
  test.each(cases)('%s %s → %j', (prefix, _title, expected) => {
    const { request } = fromAdmissionReview(capturedReview(prefix));
    expect(evaluate(request, RULES).map((f) => f.rule.id)).toEqual(expected);
  });

  test('a finding carries the ESCU result row: user, sorted groups, identity of the object', () => {
    const { request } = fromAdmissionReview(capturedReview('001'));
    const [finding] = evaluate(request, RULES);
    expect(finding?.fields).toMatchObject({
      user: 'admin',
      user_groups: ['system:authenticated', 'system:masters'],
      kind: 'Service',
      namespace: 'default',
      name: 'np-svc',
      operation: 'CREATE',
      resource: 'services',
    });
    expect(finding?.summary).toBe('Service default/np-svc is of type NodePort');
  });
});
