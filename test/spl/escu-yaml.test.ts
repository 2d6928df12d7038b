// ESCU detection YAML export, parsed back: ids, versions, rba block, tags, tests, and contentctl's own consistency checks.
import { parse } from 'yaml';
import { defaultPolicy } from '../../src/engine/policy.js';
import { RULES } from '../../src/rules/catalog.js';
import { filterMacroName } from '../../src/rules/search-name.js';
import { escuYamlFiles } from '../../src/spl/escu-yaml.js';
import { RISKGATE_UUID_NAMESPACE, ruleUuid, uuidV5 } from '../../src/spl/rule-uuid.js';
import { toSpl } from '../../src/spl/to-spl.js';

const EXPORT = toSpl(RULES, defaultPolicy(RULES));
const FILES = escuYamlFiles(EXPORT.searches);
type Detection = Record<string, unknown> & { rba: { message: string; risk_objects: Array<Record<string, unknown>>; threat_objects: Array<Record<string, unknown>> } };
const parsed = new Map(FILES.map((f) => [f.path, parse(f.content) as Detection]));

describe('ESCU YAML export', () => {
  test('one file per rule search, named like contentctl detection files', () => {
    expect(FILES.map((f) => f.path)).toEqual(expect.arrayContaining(['kubernetes_node_port_creation.yml', 'kubernetes_daemonset_deployed.yml', 'kubernetes_shell_exec_into_pod.yml']));
    expect(FILES).toHaveLength(EXPORT.searches.length);
  });

  test('seed detections keep ESCU name, id, version and date, and their attack_data test', () => {
    const nodePort = parsed.get('kubernetes_node_port_creation.yml')!;
    expect(nodePort).toMatchObject({ name: 'Kubernetes Node Port Creation', id: 'd7fc865e-b8a1-4029-a960-cf4403b821b6', version: 8, date: '2026-03-10', status: 'production', type: 'Anomaly' });
    expect(nodePort['rba']).toEqual({
      message: 'Kubernetes node port creation from user $user$',
      risk_objects: [{ field: 'user', type: 'user', score: 20 }],
      threat_objects: [{ field: 'src_ip', type: 'ip_address' }],
    });
    expect(nodePort['tests']).toEqual([
      {
        name: 'True Positive Test',
        attack_data: [
          {
            data: 'https://media.githubusercontent.com/media/splunk/attack_data/master/datasets/attack_techniques/T1204/kube_audit_create_node_port_service/kube_audit_create_node_port_service.json',
            sourcetype: '_json',
            source: 'kubernetes',
          },
        ],
      },
    ]);
    expect(parsed.get('kubernetes_daemonset_deployed.yml')).toMatchObject({ id: 'bf39c3a3-b191-4d42-8738-9d9797bd0c3a', version: 3, date: '2024-09-30' });
  });

  test('riskgate rules get a stable UUIDv5 of their id (RFC 9562 vectors checked against Python uuid.uuid5)', () => {
    expect(RISKGATE_UUID_NAMESPACE).toBe('28074754-f7ee-5a49-9766-8e452a08829f');
    expect(ruleUuid('kubernetes-node-port-update')).toBe('84889077-78f3-5754-a50f-bec374ce70de');
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
    const update = parsed.get('kubernetes_node_port_update.yml')!;
    // Version 2: the update searches read the stored result and riskgate's annotations (issue 13).
    expect(update).toMatchObject({ id: '84889077-78f3-5754-a50f-bec374ce70de', version: 2, date: '2026-12-03', status: 'experimental', tests: [] });
    expect(update['how_to_implement']).toContain('level RequestResponse (responseObject)');
    expect(parsed.get('kubernetes_node_port_creation.yml')!['how_to_implement']).not.toContain('responseObject');
  });

  test.each(FILES.map((f) => [f.path] as const))('%s passes contentctl-style checks: rba fields and message tokens in the search, filter macro last', (path) => {
    const d = parsed.get(path)!;
    const search = String(d['search']);
    const fields = [...d.rba.risk_objects.map((r) => String(r['field'])), ...d.rba.threat_objects.map((t) => String(t['field']))];
    const tokens = [...d.rba.message.matchAll(/\$([^$]+)\$/g)].map((m) => m[1]!);
    for (const field of [...fields, ...tokens]) expect([path, field, search.includes(field)]).toEqual([path, field, true]);
    const rule = EXPORT.searches.find((s) => s.search === search)!.rule;
    expect(search.endsWith(`| \`${filterMacroName(rule)}\``)).toBe(true);
    expect(Object.keys(d)).toEqual(['name', 'id', 'version', 'date', 'author', 'status', 'type', 'description', 'data_source', 'search', 'how_to_implement', 'known_false_positives', 'references', 'drilldown_searches', 'rba', 'tags', 'tests']);
    expect(d['tags']).toMatchObject({ asset_type: 'Kubernetes', security_domain: 'network', mitre_attack_id: rule.risk.mitreAttack, analytic_story: rule.risk.analyticStories });
  });
});
