// Exemption blocks with an end and a reason: each block on its own, applying up to (not at) its end, on a clock the test sets.
import { decide } from '../../src/engine/decide.js';
import { evaluate } from '../../src/engine/evaluate.js';
import { parsePolicy } from '../../src/engine/policy-file.js';
import { RULES } from '../../src/rules/catalog.js';
import { fromAdmissionReview } from '../../src/request/from-admission-review.js';
import { capturedReview } from '../fixture-path.js';

/** Capture 001: `admin` creates the NodePort Service default/np-svc. */
const request = fromAdmissionReview(capturedReview('001')).request;

const POLICY = parsePolicy(
  [
    'rules:',
    '  kubernetes-node-port-creation:',
    '    action: deny',
    '    exemptions:',
    '      - namespaces: [default]',
    '        expires: 2026-12-01T00:00:00Z',
    '        reason: ingress migration, CHG-1234',
    '      - users: [admin]',
    '        expires: "2026-12-15T09:30:00+02:00"',
    '        reason: on-call break-glass',
  ].join('\n'),
  'expiring.yaml',
  RULES,
);

function at(time: string) {
  return decide(evaluate(request, RULES), POLICY, new Date(time));
}

describe('exemption blocks that end', () => {
  test('the first live block exempts, named with its reason and end', () => {
    const decision = at('2026-11-30T23:59:59.999Z');
    expect(decision.allowed).toBe(true);
    expect(decision.exempted).toEqual([
      {
        finding: expect.anything(),
        exemption: 'rule namespace=default (reason: ingress migration, CHG-1234; expires 2026-12-01T00:00:00Z)',
        reason: 'ingress migration, CHG-1234',
        expires: new Date('2026-12-01T00:00:00Z'),
      },
    ]);
  });

  test('at its end the block stops applying: the next live block takes over', () => {
    const decision = at('2026-12-01T00:00:00.000Z');
    expect(decision.allowed).toBe(true);
    expect(decision.exempted.map((e) => e.exemption)).toEqual(['rule user=admin (reason: on-call break-glass; expires 2026-12-15T07:30:00Z)']);
  });

  test('an offset is read as written: +02:00 ends two hours before the same wall time in UTC', () => {
    expect(at('2026-12-15T07:29:59.999Z').allowed).toBe(true);
    expect(at('2026-12-15T07:30:00.000Z').allowed).toBe(false);
  });

  test('once every block has ended the rule denies again, with no reload', () => {
    const decision = at('2027-01-01T00:00:00Z');
    expect(decision.allowed).toBe(false);
    expect(decision.exempted).toEqual([]);
    expect(decision.verdicts.map((v) => v.action)).toEqual(['deny']);
  });

  test('a policy-wide block that ended gives way to the rule block still live', () => {
    const policy = parsePolicy(
      [
        'exemptions:',
        '  - {namespaces: [default], expires: 2026-01-01T00:00:00Z, reason: old freeze}',
        'rules:',
        '  kubernetes-node-port-creation:',
        '    action: deny',
        '    exemptions: {users: [admin], reason: platform team}',
      ].join('\n'),
      'p.yaml',
      RULES,
    );
    expect(decide(evaluate(request, RULES), policy, new Date('2025-12-31T23:59:59Z')).exempted.map((e) => e.exemption)).toEqual([
      'policy namespace=default (reason: old freeze; expires 2026-01-01T00:00:00Z)',
    ]);
    expect(decide(evaluate(request, RULES), policy, new Date('2026-01-01T00:00:00Z')).exempted.map((e) => e.exemption)).toEqual([
      'rule user=admin (reason: platform team)',
    ]);
  });
});
