// The auditor's filter as a user types it (page, API, `riskgate events`): patterns, time ranges read as UTC, pages; each case is data.
import { applyFilter, parseFilter, type FilterInput } from '../../src/auditor/event-filter.js';
import { auditorEvents, crowdEvents, NOW } from './auditor-events.js';

const events = [...auditorEvents(), ...crowdEvents(40)];
const names = (input: FilterInput) => applyFilter(events, parseFilter({ limit: '10000', ...input }, NOW)).events.map((e) => String(e.fields['name']));
const users = (input: FilterInput) => [...new Set(applyFilter(events, parseFilter({ limit: '10000', ...input }, NOW)).events.map((e) => String(e.fields['user'])))].sort();

describe('patterns: * matches any run of characters, anything else matches exactly', () => {
  test.each<[string, FilterInput, string[]]>([
    ['a prefix finds every alice', { user: 'alice*' }, ['alice', 'alice.admin@example.com', 'alice@example.com']],
    ['a plain value is exact', { user: 'alice' }, ['alice']],
    ['a suffix', { user: '*@example.com' }, ['alice.admin@example.com', 'alice@example.com']],
    ['inside', { user: 'system:serviceaccount:*:deployer' }, ['system:serviceaccount:ci:deployer']],
    ['case matters (Kubernetes names are case-sensitive)', { user: 'Alice*' }, []],
    ['regex characters are plain text', { user: 'alice.*' }, ['alice.admin@example.com']],
  ])('user: %s', (_, input, expected) => expect(users(input)).toEqual(expected));

  test.each<[string, FilterInput, (name: string) => boolean]>([
    ['namespace team-*', { namespace: 'team-*' }, () => true],
    ['object name svc-1*', { name: 'svc-1*' }, (n) => n.startsWith('svc-1')],
    ['rule kubernetes-daemonset-*', { rule: 'kubernetes-daemonset-*' }, () => true],
  ])('%s', (_, input, check) => {
    const found = names(input);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every(check)).toBe(true);
  });

  test('a rule pattern finds the same events as the rule it stands for', () => {
    expect(names({ rule: 'kubernetes-daemonset-*' })).toEqual(names({ rule: 'kubernetes-daemonset-deployed' }));
  });
});

describe('time range', () => {
  test.each<[string, FilterInput, string | undefined, string | undefined]>([
    ['a duration back from now', { since: '24h' }, '2026-11-19T12:00:00.000Z', undefined],
    ['an ISO time with its zone', { since: '2026-11-20T09:00:00+01:00' }, '2026-11-20T08:00:00.000Z', undefined],
    ['a time without a zone (datetime-local) is UTC', { since: '2026-11-20T09:00', until: '2026-11-20T10:30' }, '2026-11-20T09:00:00.000Z', '2026-11-20T10:30:00.000Z'],
    ['until as a duration', { until: '2h' }, undefined, '2026-11-20T10:00:00.000Z'],
    ['all', { since: 'all' }, undefined, undefined],
  ])('%s', (_, input, since, until) => {
    const filter = parseFilter(input, NOW);
    expect(filter.since?.toISOString()).toBe(since);
    expect(filter.until?.toISOString()).toBe(until);
  });

  test.each<[FilterInput, RegExp]>([
    [{ since: 'yesterday' }, /since "yesterday" is neither a duration \(24h\) nor a time/],
    [{ since: '2026-11-20T10:00Z', until: '2026-11-20T09:00Z' }, /since 2026-11-20T10:00:00.000Z is after until 2026-11-20T09:00:00.000Z/],
    [{ offset: '-1' }, /offset "-1" must be a whole number from 0/],
    [{ limit: '10001' }, /limit "10001" must be a whole number from 1 to 10000/],
  ])('%j is refused: %s', (input, message) => expect(() => parseFilter(input, NOW)).toThrow(message));
});

test('pages: offset and limit walk the newest-first list without overlap or gap', () => {
  const all = applyFilter(events, parseFilter({ limit: '10000' }, NOW)).events.map((e) => e.event_id);
  const paged = [0, 1, 2, 3, 4, 5].flatMap((p) => applyFilter(events, parseFilter({ limit: '10', offset: String(p * 10) }, NOW)).events.map((e) => e.event_id));
  expect(paged).toEqual(all);
  expect(applyFilter(events, parseFilter({ limit: '10', offset: '50' }, NOW)).total).toBe(events.length);
});
