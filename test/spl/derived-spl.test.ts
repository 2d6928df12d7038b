// The searches come from the rule data: change the data and the SPL follows; conditions the audit log cannot decide widen soundly.
import fc from 'fast-check';
import { defaultPolicy } from '../../src/engine/policy.js';
import { RULES, findRule } from '../../src/rules/catalog.js';
import type { Condition, RequestRule } from '../../src/rules/rule.js';
import { planSearch } from '../../src/spl/search-plan.js';
import { renderSearch } from '../../src/spl/to-spl.js';

const POLICY = defaultPolicy(RULES);
const nodePort = findRule('kubernetes-node-port-creation') as RequestRule;

function ruleWith(patch: Partial<RequestRule>): RequestRule {
  return { ...nodePort, escu: { ...nodePort.escu, isSeed: false }, id: 'test-rule', name: 'Test Rule', ...patch };
}

function search(rule: RequestRule): string {
  return renderSearch(planSearch(rule, POLICY));
}

const asciiSorted = (list: string[]) => [...list].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

describe('SPL derived from rule data', () => {
  test('changing the seed condition value changes the search term, and nothing else', () => {
    const changed = { ...nodePort, condition: { field: 'object.spec.type', equals: 'ExternalName' } } as RequestRule;
    expect(search(changed)).toBe(search(nodePort).replace('requestObject.spec.type=NodePort', 'requestObject.spec.type=ExternalName'));
  });

  test.each<[string, RequestRule['match']['operations'], string]>([
    ['CREATE', ['CREATE'], 'verb=create'],
    ['UPDATE', ['UPDATE'], 'verb IN (update, patch)'],
    ['CREATE and UPDATE', ['CREATE', 'UPDATE'], 'verb IN (create, update, patch)'],
    ['DELETE', ['DELETE'], 'verb IN (delete, deletecollection)'],
  ])('operations %s → %s', (_t, operations, term) => {
    expect(planSearch(ruleWith({ match: { ...nodePort.match, operations } }), POLICY).baseTerms).toContain(term);
  });

  test('resources and subresources become objectRef terms; updates exclude subresources such as services/status', () => {
    expect(planSearch(ruleWith({ match: { ...nodePort.match, resources: ['services', 'endpoints'] } }), POLICY).baseTerms[0]).toBe('"objectRef.resource" IN (services, endpoints)');
    const update = planSearch(ruleWith({ match: { ...nodePort.match, operations: ['UPDATE'] } }), POLICY);
    expect(update.baseTerms.slice(0, 2)).toEqual(['"objectRef.resource"=services', 'NOT objectRef.subresource=*']);
    const connect = planSearch(ruleWith({ match: { apiGroups: [''], apiVersions: ['v1'], resources: ['pods/exec', 'pods/attach'], operations: ['CONNECT'] }, condition: undefined }), POLICY);
    expect(connect.baseTerms).toEqual(['"objectRef.resource"=pods', 'objectRef.subresource IN (exec, attach)', 'verb IN (create, get)']);
    expect(connect.byFields).toContain('objectRef.subresource');
    expect(connect.byFields).not.toContain('requestObject.kind');
  });

  test('property: any equals/in condition on object paths becomes requestObject terms and joins the sorted BY list', () => {
    const key = fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,8}$/);
    const value = fc.oneof(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9-]{0,10}$/), fc.integer({ min: 0, max: 65535 }), fc.boolean());
    fc.assert(
      fc.property(fc.array(key, { minLength: 1, maxLength: 3 }), fc.array(value, { minLength: 1, maxLength: 3 }), (keys, values) => {
        const field = `object.${keys.join('.')}`;
        const condition: Condition = values.length === 1 ? { field, equals: values[0]! } : { field, in: values };
        const plan = planSearch(ruleWith({ condition }), POLICY);
        const splField = `requestObject.${keys.join('.')}`;
        const term = values.length === 1 ? `${splField}=${String(values[0])}` : `${splField} IN (${values.map(String).join(', ')})`;
        expect(plan.baseTerms).toContain(term);
        expect(plan.where).toEqual([]);
        expect(plan.byFields).toContain(splField);
        expect(plan.byFields).toEqual(asciiSorted(plan.byFields));
        expect(renderSearch(plan)).toContain(`| stats count values(user.groups{}) as user_groups by ${plan.byFields.join(' ')} |`);
      }),
      { numRuns: 200 },
    );
  });

  test('array paths flatten like Splunk ({}) and regexes go to a where clause with mvfind', () => {
    const plan = planSearch(ruleWith({ condition: { allOf: [{ field: 'object.spec.ports[*].protocol', equals: 'UDP' }, { field: 'object.metadata.name', matches: '^db-' }] } }), POLICY);
    expect(plan.baseTerms).toContain('requestObject.spec.ports{}.protocol=UDP');
    expect(renderSearch(plan)).toContain(`| where isnotnull(mvfind('requestObject.metadata.name', "^db-")) |`);
  });

  test.each<[string, Condition, string[], string | undefined]>([
    ['oldObject alone is unknown: widened to true', { field: 'oldObject.spec.type', equals: 'NodePort' }, [], undefined],
    ['not(oldObject …) is unknown under negation: widened to true', { not: { field: 'oldObject.spec.type', equals: 'NodePort' } }, [], undefined],
    ['notEquals on object: NOT term (absent counts as not equal)', { field: 'object.spec.type', notEquals: 'NodePort' }, ['NOT requestObject.spec.type=NodePort'], undefined],
    ['changed: the request body carries the path', { field: 'object.spec.template', changed: true }, [], 'isnotnull(spath(_raw, "requestObject.spec.template"))'],
    ['addedValues: the request body carries the values', { field: 'object.spec.ports[*].nodePort', addedValues: true }, [], 'isnotnull(spath(_raw, "requestObject.spec.ports{}.nodePort"))'],
    ['not(changed) cannot be refuted from the log: widened to true', { not: { field: 'object.spec.template', changed: true } }, [], undefined],
    ['anyOf with an unknown branch is true', { anyOf: [{ field: 'oldObject.x', equals: 1 }, { field: 'object.y', equals: 2 }] }, [], undefined],
  ])('%s', (_t, condition, conditionTerms, where) => {
    const plan = planSearch(ruleWith({ condition }), POLICY);
    expect(plan.baseTerms.slice(2)).toEqual(conditionTerms);
    expect(plan.where.length > 0 ? renderSearch(plan).split(' | ').find((s) => s.startsWith('where '))?.slice(6) : undefined).toBe(where);
  });

  test('update rules read the new object from the stored result when the event has it, else from the request body', () => {
    const plan = planSearch(ruleWith({ match: { ...nodePort.match, operations: ['UPDATE'] }, condition: { field: 'object.spec.type', equals: 'NodePort' } }), POLICY);
    // In the base search as a prefilter (coalesce as search terms), or the riskgate annotation naming the rule.
    expect(plan.baseTerms).toContain('((responseObject.spec.type=NodePort OR (NOT responseObject.spec.type=* requestObject.spec.type=NodePort)) OR "test-rule.action")');
    expect(renderSearch(plan)).toContain(`| where (isnotnull(mvfind(coalesce('responseObject.spec.type', 'requestObject.spec.type'), "^NodePort$")) OR isnotnull(admission_action)) |`);
    // Neither body holds the type in every event: it leaves the BY list.
    expect(plan.byFields).not.toContain('requestObject.spec.type');
  });

  test('riskgate\'s verdict is read under any webhook name: foreach over a wildcard field list, before the where clause', () => {
    const text = renderSearch(planSearch(findRule('kubernetes-node-port-update') as RequestRule, POLICY));
    expect(text).toContain(`| foreach annotations.*/kubernetes-node-port-update.action [eval admission_action=mvappend(admission_action, '<<FIELD>>')] | eval patch_result=`);
    expect(text.indexOf('| foreach ')).toBeLessThan(text.indexOf('| where '));
    // Create-only rules (the seeds) judge full request bodies: no verdict, no kept flags.
    expect(search(nodePort)).not.toMatch(/foreach|kept_|responseObject/);
  });

  test.each<[string, Condition, string]>([
    ['oldObject asserted: true unless an allowed patch kept the path', { field: 'oldObject.spec.type', equals: 'NodePort' }, `(kept_spec_type=0 OR isnotnull(mvfind('responseObject.spec.type', "^NodePort$")))`],
    ['oldObject under not: false unless kept', { not: { field: 'oldObject.spec.type', equals: 'NodePort' } }, `NOT (kept_spec_type=1 AND isnotnull(mvfind('responseObject.spec.type', "^NodePort$")))`],
    [
      'changed: a path the patch did not keep, present in the new object',
      { field: 'object.spec.template', changed: true },
      '(kept_spec_template=0 AND isnotnull(coalesce(spath(_raw, "responseObject.spec.template"), spath(_raw, "requestObject.spec.template"))))',
    ],
    [
      'addedValues on a list: the whole list is one kept path',
      { field: 'object.spec.ports[*].nodePort', addedValues: true },
      '(kept_spec_ports=0 AND isnotnull(coalesce(spath(_raw, "responseObject.spec.ports{}.nodePort"), spath(_raw, "requestObject.spec.ports{}.nodePort"))))',
    ],
  ])('update rules: %s', (_t, condition, where) => {
    const plan = planSearch(ruleWith({ match: { ...nodePort.match, operations: ['UPDATE'] }, condition }), POLICY);
    expect(renderSearch(plan)).toContain(`| where (${where} OR isnotnull(admission_action)) |`);
    expect(plan.keptPaths.map((k) => k.flag)).toEqual([where.match(/kept_[A-Za-z_]+/)![0]]);
  });

  test('LoadBalancer node ports: the new object from the stored result, the old one where an allowed patch kept it', () => {
    const plan = planSearch(findRule('kubernetes-load-balancer-node-ports') as RequestRule, POLICY);
    const text = renderSearch(plan);
    expect(plan.keptPaths.map((k) => k.flag)).toEqual([
      'kept_spec_type',
      'kept_spec_ports',
      'kept_spec_healthCheckNodePort',
      'kept_spec_allocateLoadBalancerNodePorts',
      'kept_spec_externalTrafficPolicy',
    ]);
    // The four ways to open node ports, on the new object.
    for (const clause of [
      `NOT isnotnull(mvfind(coalesce('responseObject.spec.allocateLoadBalancerNodePorts', 'requestObject.spec.allocateLoadBalancerNodePorts'), "^false$"))`,
      'isnotnull(coalesce(spath(_raw, "responseObject.spec.ports{}.nodePort"), spath(_raw, "requestObject.spec.ports{}.nodePort")))',
      `isnotnull(mvfind(coalesce('responseObject.spec.externalTrafficPolicy', 'requestObject.spec.externalTrafficPolicy'), "^Local$"))`,
      'isnotnull(coalesce(spath(_raw, "responseObject.spec.healthCheckNodePort"), spath(_raw, "requestObject.spec.healthCheckNodePort")))',
    ]) {
      expect(text).toContain(clause);
    }
    // No node port before: each old-object clause holds only where the patch kept its path.
    expect(text).toContain('(kept_spec_healthCheckNodePort=1 AND isnotnull(spath(_raw, "responseObject.spec.healthCheckNodePort")))');
    expect(text).not.toMatch(/oldObject/);
  });

  test('RBA fields and message tokens are produced by renames (contentctl requires them in the search)', () => {
    const exec = planSearch(findRule('kubernetes-shell-exec-into-pod') as RequestRule, POLICY);
    expect(exec.renames).toEqual([
      { from: 'objectRef.name', to: 'name' },
      { from: 'objectRef.namespace', to: 'namespace' },
      { from: 'user.username', to: 'user' },
    ]);
    const text = renderSearch(exec);
    for (const token of ['user', 'namespace', 'name', 'command']) expect(text).toMatch(new RegExp(`\\b${token}\\b`));
  });

  test('exec/attach options come from the requestURI: rex, url-decoding, the API server reading of booleans', () => {
    const text = renderSearch(planSearch(findRule('kubernetes-shell-exec-into-pod') as RequestRule, POLICY));
    expect(text).toContain('| rex field=requestURI max_match=0 "[?&]command=(?<command>[^&]*)"');
    expect(text).toContain('command=mvmap(command, urldecode(replace(command, "[+]", " ")))');
    expect(text).toContain('stdin=if(isnull(stdin), "false", if(match(stdin, "^(?i)(0|false)$"), "false", "true"))');
    expect(text).toContain('mvindex(command, 0)');
    expect(text).toContain('| eval command=mvjoin(command, " ") |');
    expect(text).toContain('| fillnull value=0 command container kind ');
  });
});
