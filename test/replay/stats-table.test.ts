// The SPL tail emulation (splunk-notes §5): fillnull over the field universe, multivalue BY splits, values() sorted, renames, column order.
import { defaultPolicy } from '../../src/engine/policy.js';
import type { JsonObject } from '../../src/request/json-value.js';
import { eventFieldReader } from '../../src/replay/event-fields.js';
import { StatsTable } from '../../src/replay/stats-table.js';
import { RULES, findRule } from '../../src/rules/catalog.js';
import type { RequestRule } from '../../src/rules/rule.js';
import { planSearch } from '../../src/spl/search-plan.js';

const POLICY = defaultPolicy(RULES);

function table(ruleId: string, events: JsonObject[]) {
  const plan = planSearch(findRule(ruleId) as RequestRule, POLICY);
  const stats = new StatsTable(plan, eventFieldReader(plan));
  for (const e of events) stats.add(e);
  return stats.result();
}

function nodePortEvent(overrides: JsonObject = {}): JsonObject {
  return {
    kind: 'Event',
    auditID: 'id',
    stage: 'ResponseComplete',
    verb: 'create',
    user: { username: 'alice', groups: ['system:authenticated', 'dev'] },
    sourceIPs: ['10.0.0.1'],
    userAgent: 'kubectl',
    objectRef: { resource: 'services', namespace: 'default', name: 'web' },
    responseStatus: { code: 201 },
    requestObject: { kind: 'Service', spec: { type: 'NodePort' } },
    ...overrides,
  };
}

describe('stats table', () => {
  test('ESCU columns: renamed BY fields in BY order, then count, then user_groups', () => {
    expect(table('kubernetes-node-port-creation', [nodePortEvent()]).columns).toEqual([
      'kind', 'objectRef.name', 'objectRef.namespace', 'objectRef.resource', 'requestObject.kind', 'requestObject.spec.type',
      'responseStatus.code', 'src_ip', 'stage', 'user', 'userAgent', 'verb', 'count', 'user_groups',
    ]);
  });

  test('one row per sourceIPs value; the event counts in each', () => {
    const result = table('kubernetes-node-port-creation', [nodePortEvent({ sourceIPs: ['10.0.0.2', '10.0.0.1'] })]);
    expect(result.rows.map((r) => [r['src_ip'], r['count']])).toEqual([['10.0.0.1', '1'], ['10.0.0.2', '1']]);
  });

  test('equal rows merge: count adds up, user_groups is the sorted distinct union', () => {
    const result = table('kubernetes-node-port-creation', [
      nodePortEvent({ user: { username: 'alice', groups: ['zeta', 'dev'] } }),
      nodePortEvent({ user: { username: 'alice', groups: ['Admins', 'dev'] } }),
    ]);
    expect(result.rows).toHaveLength(1);
    expect(result.rows[0]).toMatchObject({ count: '2', user_groups: ['Admins', 'dev', 'zeta'] });
  });

  test('bare fillnull: a field some result has is filled with 0 in the others', () => {
    const { userAgent: _ua, ...noAgent } = nodePortEvent();
    const result = table('kubernetes-node-port-creation', [noAgent as JsonObject, nodePortEvent({ objectRef: { resource: 'services', namespace: 'default', name: 'api' } })]);
    expect(result.rows.map((r) => [r['objectRef.name'], r['userAgent']])).toEqual([['api', 'kubectl'], ['web', '0']]);
    expect(result.dropped).toEqual({ events: 0, fields: [] });
  });

  test('bare fillnull: a field no result has is never created, so stats drops every row (the 2018 events have no userAgent)', () => {
    const { userAgent: _ua, ...noAgent } = nodePortEvent();
    const result = table('kubernetes-node-port-creation', [noAgent as JsonObject, noAgent as JsonObject]);
    expect(result.rows).toEqual([]);
    expect(result.dropped).toEqual({ events: 2, fields: ['userAgent'] });
  });

  test('fillnull also fills user.groups{} when some result has groups: values() then holds "0"', () => {
    const result = table('kubernetes-node-port-creation', [nodePortEvent({ user: { username: 'alice' } }), nodePortEvent({ user: { username: 'bob', groups: ['dev'] } })]);
    expect(result.rows.map((r) => [r['user'], r['user_groups']])).toEqual([['alice', ['0']], ['bob', ['dev']]]);
  });

  test("riskgate's own searches name their fillnull fields: a field absent everywhere becomes 0 instead of emptying the table", () => {
    const { userAgent: _ua, ...noAgent } = nodePortEvent({ verb: 'patch' });
    const result = table('kubernetes-node-port-update', [noAgent as JsonObject]);
    expect(result.rows).toHaveLength(1);
    expect(result.rows[0]).toMatchObject({ userAgent: '0', verb: 'patch', count: '1' });
  });

  test('values are kept apart whatever characters they hold (separators, digits and colons, NUL, "!")', () => {
    const ref = (name: string, namespace: string): JsonObject => nodePortEvent({ objectRef: { resource: 'services', namespace, name } });
    const result = table('kubernetes-node-port-creation', [ref('a\u0001b', 'c'), ref('a', 'b\u0001c'), ref('1:x', '2'), ref('1', ':x2'), ref('\u0000', '!'), ref('!', '\u0000')]);
    expect(result.rows.map((r) => [r['objectRef.name'], r['objectRef.namespace'], r['count']])).toEqual([
      ['\u0000', '!', '1'],
      ['!', '\u0000', '1'],
      ['1', ':x2', '1'],
      ['1:x', '2', '1'],
      ['a', 'b\u0001c', '1'],
      ['a\u0001b', 'c', '1'],
    ]);
  });

  test('rows sort by the BY values in string order', () => {
    const names = ['b', 'a10', 'a9', 'B'];
    const result = table('kubernetes-node-port-creation', names.map((name) => nodePortEvent({ objectRef: { resource: 'services', namespace: 'default', name } })));
    expect(result.rows.map((r) => r['objectRef.name'])).toEqual(['B', 'a10', 'a9', 'b']);
  });

  test('exec rule: the command is the joined, url-decoded query values; container the first one', () => {
    const exec: JsonObject = {
      kind: 'Event', auditID: 'e', stage: 'ResponseComplete', verb: 'create', user: { username: 'u', groups: ['g'] }, sourceIPs: ['1.2.3.4'], userAgent: 'kubectl',
      objectRef: { resource: 'pods', subresource: 'exec', namespace: 'ns', name: 'p' }, responseStatus: { code: 101 },
      requestURI: '/api/v1/namespaces/ns/pods/p/exec?command=%2Fbin%2Fsh&command=-c&command=echo+hi&container=c1&container=c2&stdin=true',
    };
    const [row] = table('kubernetes-shell-exec-into-pod', [exec]).rows;
    expect(row).toMatchObject({ command: '/bin/sh -c echo hi', container: 'c1', name: 'p', namespace: 'ns', user: 'u', 'objectRef.subresource': 'exec' });
  });
});
