// The replay pre-selection: evaluating only the candidate rules of an event finds exactly what evaluating every rule finds.
import { readFileSync, readdirSync } from 'node:fs';
import { evaluate } from '../../src/engine/evaluate.js';
import { requestOfAuditEvent, validateAuditEvent } from '../../src/request/from-audit-event.js';
import { candidateRules } from '../../src/replay/candidate-rules.js';
import { RULES } from '../../src/rules/catalog.js';
import { fixturePath } from '../fixture-path.js';

type Json = Record<string, unknown>;

const jsonLines = (path: string): Json[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Json);

/** Every real and synthetic audit event of the fixtures (the bad-records and Splunk-wrapped files aside). */
const EVENTS: Json[] = [
  ...jsonLines(fixturePath('kube-apiserver-v1.32', 'audit.log.jsonl')),
  ...readdirSync(fixturePath('audit', 'synthetic'))
    .filter((f) => f.endsWith('.jsonl') && f.startsWith('daemonset'))
    .flatMap((f) => jsonLines(fixturePath('audit', 'synthetic', f))),
  ...readdirSync(fixturePath('audit', 'falco-2018')).map((f) => JSON.parse(readFileSync(fixturePath('audit', 'falco-2018', f), 'utf8')) as Json),
];

/** objectRef and verb variations around what the rules match, and what they do not. */
const RESOURCES = ['services', 'daemonsets', 'pods', 'deployments', 'configmaps'];
const SUBRESOURCES = [undefined, 'exec', 'attach', 'status', 'portforward'];
const VERBS = ['create', 'update', 'patch', 'delete', 'get'];
const GROUPS = [undefined, '', 'apps', 'extensions'];

function variant(event: Json, resource: string, subresource: string | undefined, verb: string, group: string | undefined): Json {
  const ref: Json = { ...(event['objectRef'] as Json), resource };
  delete ref['subresource'];
  delete ref['apiGroup'];
  if (subresource !== undefined) ref['subresource'] = subresource;
  if (group !== undefined) ref['apiGroup'] = group;
  return { ...event, verb, objectRef: ref };
}

const ruleIds = (findings: ReturnType<typeof evaluate>) => findings.map((f) => f.rule.id);

test(`over ${EVENTS.length} fixture events and their objectRef/verb variants: same findings, none when no candidate`, () => {
  const candidates = candidateRules(RULES);
  const mismatches: string[] = [];
  let compared = 0;
  let withFindings = 0;
  for (const original of EVENTS) {
    for (const resource of RESOURCES)
      for (const subresource of SUBRESOURCES)
        for (const verb of VERBS)
          for (const group of GROUPS) {
            const event = validateAuditEvent(variant(original, resource, subresource, verb, group), 'variant');
            const request = requestOfAuditEvent(event);
            const rules = candidates(event);
            const where = `${event.auditID} ${resource}/${subresource ?? ''} ${verb} group=${group ?? '(none)'}`;
            if ((rules === undefined) !== (request === undefined)) mismatches.push(`${where}: candidates ${String(rules)} for request ${String(request)}`);
            if (!request || !rules) continue;
            const all = ruleIds(evaluate(request, RULES)).join(',');
            const some = ruleIds(evaluate(request, rules)).join(',');
            if (some !== all) mismatches.push(`${where}: [${some}] instead of [${all}]`);
            compared++;
            if (all !== '') withFindings++;
          }
  }
  expect(mismatches).toEqual([]);
  // The grid reaches every rule's resources: many requests with findings, many without.
  expect(withFindings).toBeGreaterThan(100);
  expect(compared - withFindings).toBeGreaterThan(1000);
});

test('candidates come in catalog order; reads have none (admission never sees them)', () => {
  const candidates = candidateRules(RULES);
  const service = (verb: string) => validateAuditEvent({ kind: 'Event', auditID: 'a', stage: 'ResponseComplete', verb, objectRef: { resource: 'services', apiGroup: '' } }, 'x');
  expect(candidates(service('create'))!.map((r) => r.id)).toEqual(['kubernetes-node-port-creation', 'kubernetes-load-balancer-node-ports']);
  expect(candidates(service('patch'))!.map((r) => r.id)).toEqual(['kubernetes-node-port-update', 'kubernetes-load-balancer-node-ports']);
  expect(candidates(service('delete'))).toEqual([]);
  expect(candidates(service('get'))).toBeUndefined();
});
