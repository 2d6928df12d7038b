// extraEnv, extraVolumes, extraVolumeMounts and dataDir.volume as helm renders them, and the volumes helm refuses.
import { join } from 'node:path';
import { CHART, ensureHelm, find, helmTemplate, helmTemplateResult, objectsOf } from './helm.js';
import type { K8sObject } from './helm.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = Record<string, any>;

beforeAll(() => ensureHelm(), 300_000);

function pod(objects: K8sObject[]): Obj {
  return (find(objects, 'Deployment') as Obj).spec.template.spec;
}

function volume(objects: K8sObject[], name: string): Obj | undefined {
  return pod(objects).volumes.find((v: Obj) => v.name === name);
}

describe('passed-through lists', () => {
  test('extraEnv, extraVolumes and extraVolumeMounts reach the pod unchanged, after the chart own', () => {
    const objects = objectsOf(
      helmTemplate({
        set: ['extraEnv[0].name=HTTPS_PROXY', 'extraEnv[0].value=http://proxy:3128', 'extraEnv[1].name=NODE_EXTRA_CA_CERTS', 'extraEnv[1].value=/etc/extra-ca/ca.crt'],
        values: [join(CHART, 'ci', 'otlp-values.yaml')],
      }),
    );
    const [container] = pod(objects).containers;
    expect(container.env.slice(1)).toEqual([
      { name: 'HTTPS_PROXY', value: 'http://proxy:3128' },
      { name: 'NODE_EXTRA_CA_CERTS', value: '/etc/extra-ca/ca.crt' },
    ]);
    expect(pod(objects).volumes.at(-1)).toEqual({ name: 'sidecar-config', configMap: { name: 'riskgate-extra' } });
    expect(container.volumeMounts.at(-1)).toEqual({ name: 'sidecar-config', mountPath: '/etc/riskgate/extra', readOnly: true });
  });

  test.each([
    ['a volume named like one of the chart', ['extraVolumes[0].name=data', 'extraVolumes[0].emptyDir.medium=Memory'], 'extraVolumes: the name "data" is one of the chart\'s own volumes'],
    ['a mount without a path', ['extraVolumeMounts[0].name=x'], "at '/extraVolumeMounts/0': missing property 'mountPath'"],
    ['an env entry without a name', ['extraEnv[0].value=x'], "at '/extraEnv/0': missing property 'name'"],
  ])('refused: %s', (_what, set, message) => {
    const run = helmTemplateResult({ set });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(message);
  });
});

describe('dataDir.volume', () => {
  test('default: an emptyDir of dataDir.sizeLimit', () => {
    expect(volume(objectsOf(helmTemplate({ set: ['dataDir.sizeLimit=1Gi'] })), 'data')).toEqual({ name: 'data', emptyDir: { sizeLimit: '1Gi' } });
  });

  test('ephemeral: a claim per pod replaces the emptyDir, and the spool is checked against the claim size', () => {
    const objects = objectsOf(helmTemplate({ values: [join(CHART, 'ci', 'otlp-values.yaml')] }));
    expect(volume(objects, 'data')).toEqual({
      name: 'data',
      ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'standard', resources: { requests: { storage: '2Gi' } } } } },
    });
    expect(pod(objects).containers[0].volumeMounts.find((m: Obj) => m.name === 'data').mountPath).toBe('/var/lib/riskgate');
    const tooBig = helmTemplateResult({ values: [join(CHART, 'ci', 'otlp-values.yaml')], set: ['hec.spoolMaxMb=2000'] });
    expect(tooBig.stderr).toContain('must stay below dataDir.volume.ephemeral.volumeClaimTemplate.spec.resources.requests.storage (2Gi)');
  });

  test('hostPath with one replica per node: no size to check, the spool cap is the admin choice', () => {
    const objects = objectsOf(helmTemplate({ values: [join(CHART, 'ci', 'hostpath-values.yaml')] }));
    expect(volume(objects, 'data')).toEqual({ name: 'data', hostPath: { path: '/var/lib/riskgate', type: 'Directory' } });
    expect(pod(objects).affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(pod(objects).containers[0].args).toContain('--spool-max-mb=4096');
  });

  test('an emptyDir of its own is checked against its sizeLimit', () => {
    const run = helmTemplateResult({ set: ['hec.enabled=true', 'hec.url=https://s:8088', 'hec.tokenSecret.name=t', 'dataDir.volume.emptyDir.sizeLimit=256Mi'] });
    expect(run.stderr).toContain('below dataDir.volume.emptyDir.sizeLimit (256Mi)');
  });

  test.each([
    ['one claim for every replica', ['dataDir.volume.persistentVolumeClaim.claimName=riskgate-data'], 'dataDir.volume.persistentVolumeClaim would be one claim shared by all 2 replicas'],
    ['a node directory two replicas could share', ['dataDir.volume.hostPath.path=/var/lib/riskgate'], 'dataDir.volume.hostPath needs podAntiAffinity: hard'],
    ['a named volume (the chart names it data)', ['dataDir.volume.name=mine', 'dataDir.volume.emptyDir.medium=Memory'], "at '/dataDir/volume': maxProperties"],
  ])('refused: %s', (_what, set, message) => {
    const run = helmTemplateResult({ set });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(message);
  });
});
