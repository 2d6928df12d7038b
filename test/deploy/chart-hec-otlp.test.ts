// The hec and otlp values as helm renders them: serve flags, the token env, the CA mount, the otlp Service, and the values helm refuses.
import { join } from 'node:path';
import { CHART, ensureHelm, find, helmTemplate, helmTemplateResult, objectsOf } from './helm.js';
import type { K8sObject } from './helm.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = Record<string, any>;

beforeAll(() => ensureHelm(), 300_000);

function container(objects: K8sObject[]): Obj {
  return (find(objects, 'Deployment') as Obj).spec.template.spec.containers[0];
}

function flagsOf(objects: K8sObject[], prefix: string): string[] {
  return (container(objects).args as string[]).filter((a) => a.startsWith(prefix));
}

const HEC = ['hec.enabled=true', 'hec.url=https://splunk.example.com:8088', 'hec.tokenSecret.name=riskgate-hec'];

describe('hec', () => {
  test('ci/hec-values.yaml: every serve flag, the token from the Secret key, the CA key mounted read-only as the file --hec-ca-file names', () => {
    const objects = objectsOf(helmTemplate({ values: [join(CHART, 'ci', 'hec-values.yaml')] }));
    expect([...flagsOf(objects, '--hec-'), ...flagsOf(objects, '--spool-')]).toEqual([
      '--hec-url=https://splunk-hec.splunk.svc:8088',
      '--hec-source=riskgate-prod',
      '--hec-index=k8s_risk',
      '--hec-ack',
      '--hec-ca-file=/etc/riskgate/hec-ca/ca.crt',
      '--spool-max-mb=900',
    ]);
    const { env, volumeMounts } = container(objects);
    expect(env[0]).toEqual({ name: 'RISKGATE_HEC_TOKEN', valueFrom: { secretKeyRef: { name: 'riskgate-hec', key: 'hec-token' } } });
    expect(env.slice(1).map((e: Obj) => e.name)).toEqual(['NO_PROXY', 'HTTPS_PROXY']);
    expect(volumeMounts.find((m: Obj) => m.name === 'hec-ca')).toEqual({ name: 'hec-ca', mountPath: '/etc/riskgate/hec-ca', readOnly: true });
    const volume = (find(objects, 'Deployment') as Obj).spec.template.spec.volumes.find((v: Obj) => v.name === 'hec-ca');
    expect(volume).toEqual({ name: 'hec-ca', secret: { secretName: 'splunk-ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
  });

  test('the minimum: url and token Secret; defaults for source, key and spool; no index, ack or CA', () => {
    const objects = objectsOf(helmTemplate({ set: HEC }));
    expect([...flagsOf(objects, '--hec-'), ...flagsOf(objects, '--spool-')]).toEqual(['--hec-url=https://splunk.example.com:8088', '--hec-source=riskgate', '--spool-max-mb=256']);
    expect(container(objects).env).toEqual([{ name: 'RISKGATE_HEC_TOKEN', valueFrom: { secretKeyRef: { name: 'riskgate-hec', key: 'token' } } }]);
    expect(container(objects).volumeMounts.map((m: Obj) => m.name)).not.toContain('hec-ca');
  });

  test('a CA from a ConfigMap key (e.g. a corporate bundle)', () => {
    const objects = objectsOf(helmTemplate({ values: [join(CHART, 'ci', 'otlp-values.yaml')] }));
    const volume = (find(objects, 'Deployment') as Obj).spec.template.spec.volumes.find((v: Obj) => v.name === 'hec-ca');
    expect(volume).toEqual({ name: 'hec-ca', configMap: { name: 'corporate-ca', items: [{ key: 'ca-bundle.pem', path: 'ca.crt' }] } });
    expect(flagsOf(objects, '--hec-ca-file')).toEqual(['--hec-ca-file=/etc/riskgate/hec-ca/ca.crt']);
  });

  test('disabled (the default): no HEC flag, no env, no CA volume even when a CA is named', () => {
    const objects = objectsOf(helmTemplate({ set: ['hec.caSecret.name=splunk-ca'] }));
    expect(flagsOf(objects, '--hec-')).toEqual([]);
    expect(flagsOf(objects, '--spool-')).toEqual([]);
    expect(container(objects).env).toBeUndefined();
    expect(container(objects).volumeMounts.map((m: Obj) => m.name)).toEqual(['policy', 'certs', 'data', 'tmp']);
  });
});

describe('otlp', () => {
  test('ci/otlp-values.yaml: serve flags, a named container port, and the <fullname>-otlp Service with ClientIP affinity', () => {
    const objects = objectsOf(helmTemplate({ values: [join(CHART, 'ci', 'otlp-values.yaml')] }));
    expect([...flagsOf(objects, '--otlp-'), ...flagsOf(objects, '--baseline-'), ...flagsOf(objects, '--warmup'), ...flagsOf(objects, '--shells')]).toEqual([
      '--otlp-port=4318',
      '--otlp-token-file=/etc/riskgate/otlp-token/token',
      '--baseline-window=14d',
      '--warmup=2h',
      '--shells=extended',
    ]);
    expect(container(objects).ports.find((p: Obj) => p.name === 'otlp-http')).toEqual({ name: 'otlp-http', containerPort: 4318, protocol: 'TCP' });
    const service = find(objects, 'Service', 'riskgate-otlp') as Obj;
    expect(service.spec).toMatchObject({ type: 'ClusterIP', sessionAffinity: 'ClientIP', ports: [{ name: 'otlp-http', port: 4318, targetPort: 'otlp-http', protocol: 'TCP', appProtocol: 'http' }] });
    expect(service.spec.selector).toEqual((find(objects, 'Deployment') as Obj).spec.selector.matchLabels);
    // The webhook Service stays as it was: no OTLP port, no affinity (the API server's calls spread over the replicas).
    const webhook = find(objects, 'Service', 'riskgate') as Obj;
    expect(webhook.spec.ports.map((p: Obj) => p.name)).toEqual(['https', 'metrics']);
    expect(webhook.spec.sessionAffinity).toBeUndefined();
  });

  test('another port, the default detector settings (no flag), no affinity on request', () => {
    const objects = objectsOf(helmTemplate({ release: 'gate', set: ['otlp.enabled=true', 'otlp.port=14318', 'otlp.sessionAffinity=None', 'otlp.insecure=true'] }));
    expect(flagsOf(objects, '--')).toEqual(expect.arrayContaining(['--otlp-port=14318']));
    expect([...flagsOf(objects, '--baseline-'), ...flagsOf(objects, '--warmup'), ...flagsOf(objects, '--shells')]).toEqual([]);
    expect((find(objects, 'Service', 'gate-riskgate-otlp') as Obj).spec).toMatchObject({ sessionAffinity: 'None', ports: [{ port: 14318 }] });
  });

  test('the token Secret key mounted as the file --otlp-token-file names; the client CA as --otlp-client-ca with an https Service', () => {
    const objects = objectsOf(
      helmTemplate({ set: ['otlp.enabled=true', 'otlp.tokenSecret.name=collector', 'otlp.tokenSecret.key=bearer', 'otlp.clientCaConfigMap.name=collector-ca', 'otlp.insecure=true'] }),
    );
    expect(flagsOf(objects, '--otlp-')).toEqual(['--otlp-port=4318', '--otlp-token-file=/etc/riskgate/otlp-token/token', '--otlp-client-ca=/etc/riskgate/otlp-client-ca/ca.crt']);
    const volumes = (find(objects, 'Deployment') as Obj).spec.template.spec.volumes as Obj[];
    expect(volumes.find((v) => v.name === 'otlp-token')).toEqual({ name: 'otlp-token', secret: { secretName: 'collector', defaultMode: 0o440 /* 288 */, items: [{ key: 'bearer', path: 'token' }] } });
    expect(volumes.find((v) => v.name === 'otlp-client-ca')).toEqual({ name: 'otlp-client-ca', configMap: { name: 'collector-ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
    const mounts = container(objects).volumeMounts as Obj[];
    expect(mounts.filter((m) => m.name.startsWith('otlp-'))).toEqual([
      { name: 'otlp-token', mountPath: '/etc/riskgate/otlp-token', readOnly: true },
      { name: 'otlp-client-ca', mountPath: '/etc/riskgate/otlp-client-ca', readOnly: true },
    ]);
    expect((find(objects, 'Service', 'riskgate-otlp') as Obj).spec.ports[0].appProtocol).toBe('https');
  });

  test('insecure: true and nothing else: --otlp-insecure, no volume', () => {
    const objects = objectsOf(helmTemplate({ set: ['otlp.enabled=true', 'otlp.insecure=true'] }));
    expect(flagsOf(objects, '--otlp-')).toEqual(['--otlp-port=4318', '--otlp-insecure']);
    expect(container(objects).volumeMounts.map((m: Obj) => m.name)).toEqual(['policy', 'certs', 'data', 'tmp']);
  });

  test('disabled (the default): no receiver flag, port or Service', () => {
    const objects = objectsOf(helmTemplate());
    expect(flagsOf(objects, '--otlp-')).toEqual([]);
    expect(objects.filter((o) => o.kind === 'Service').map((o) => o.metadata.name)).toEqual(['riskgate']);
  });
});

describe('hec and otlp values helm refuses', () => {
  test.each([
    ['hec on without a url or a token Secret', ['hec.enabled=true'], ["at '/hec/url': minLength", "at '/hec/tokenSecret/name': minLength"]],
    ['hec on without a token Secret', ['hec.enabled=true', 'hec.url=https://splunk:8088'], ["at '/hec/tokenSecret/name': minLength"]],
    ['a url without a scheme', ['hec.enabled=true', 'hec.url=splunk:8088', 'hec.tokenSecret.name=s'], ["at '/hec/url'"]],
    ['an unknown hec key', [...HEC, 'hec.token=abc'], ["additional properties 'token' not allowed"]],
    ['a CA from a Secret and a ConfigMap', [...HEC, 'hec.caSecret.name=a', 'hec.caConfigMap.name=b'], ['set hec.caSecret or hec.caConfigMap, not both']],
    ['a spool that does not fit the emptyDir', [...HEC, 'hec.spoolMaxMb=448'], ['hec.spoolMaxMb (448 MiB) plus the 64 MiB delivered archive must stay below dataDir.sizeLimit (512Mi)', 'at most 447']],
    ['a spool that does not fit a decimal size', [...HEC, 'hec.spoolMaxMb=900', 'dataDir.sizeLimit=1G'], ['below dataDir.sizeLimit (1G)', 'at most 889']],
    ['a size the chart cannot compare', [...HEC, 'dataDir.sizeLimit=1e9'], ['dataDir.sizeLimit "1e9"', 'e.g. 512Mi or 1Gi']],
    ['a spool of no size', [...HEC, 'hec.spoolMaxMb=0'], ["at '/hec/spoolMaxMb'"]],
    ['an OTLP receiver nobody authenticates', ['otlp.enabled=true'], ['otlp.enabled needs otlp.tokenSecret.name', 'set otlp.insecure=true to accept that']],
    ['an OTLP token Secret without a name but a key', ['otlp.enabled=true', 'otlp.tokenSecret.key=x'], ['otlp.enabled needs otlp.tokenSecret.name']],
    ['an OTLP port taken by /metrics', ['otlp.enabled=true', 'otlp.insecure=true', 'otlp.port=9090'], ['otlp.port 9090 is already metrics.port']],
    ['an OTLP port taken by the webhook', ['otlp.enabled=true', 'otlp.insecure=true', 'otlp.port=8443'], ['otlp.port 8443 is already containerPort']],
    ['a duration in weeks', ['otlp.enabled=true', 'otlp.baselineWindow=4w'], ["at '/otlp/baselineWindow'"]],
    ['a shell that is not an executable name', ['otlp.enabled=true', 'otlp.shells={bash;rm}'], ["at '/otlp/shells/0'"]],
  ])('%s', (_what, set, messages) => {
    const run = helmTemplateResult({ set });
    expect(run.status).not.toBe(0);
    for (const message of messages) expect(run.stderr).toContain(message);
  });
});
