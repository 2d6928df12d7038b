// A local HTTPS test double of the Kubernetes API paths certificate self-management calls (Secrets, webhook configurations).
// It speaks the real paths, verbs, content types, status bodies and resourceVersion conflicts; objects are checked with kubernetes-models.
import https from 'node:https';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { Secret } from 'kubernetes-models/v1';
import { ValidatingWebhookConfiguration } from 'kubernetes-models/admissionregistration.k8s.io/v1';
import { createCa, createServingCert } from '../../src/tls/certificates.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = Record<string, any>;

export interface RecordedCall {
  method: string;
  path: string;
  contentType: string;
  body: unknown;
  status: number;
}

const TOKEN = 'riskgate-sa-token';
const SECRET_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/secrets(?:\/([^/]+))?$/;
const VWC_PATH = /^\/apis\/admissionregistration\.k8s\.io\/v1\/validatingwebhookconfigurations\/([^/]+)$/;

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

function unescape(part: string): string {
  return part.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** RFC 6902 add / replace / remove / test, enough for what a client sends to the API server. */
export function applyJsonPatch(document: Obj, ops: Array<{ op: string; path: string; value?: unknown }>): Obj {
  const target = structuredClone(document);
  for (const { op, path, value } of ops) {
    const parts = path.split('/').slice(1).map(unescape);
    const last = parts.pop() as string;
    let parent: any = target;
    for (const part of parts) {
      parent = parent?.[Array.isArray(parent) ? Number(part) : part];
      if (parent === undefined || parent === null) throw new HttpProblem(422, 'Invalid', `jsonpatch ${op} operation does not apply: doc is missing path: ${path}`);
    }
    const key = Array.isArray(parent) ? Number(last) : last;
    if (op === 'test') {
      if (JSON.stringify(parent[key]) !== JSON.stringify(value)) throw new HttpProblem(422, 'Invalid', `testing value ${path} failed: test failed`);
    } else if (op === 'add' || op === 'replace') {
      if (op === 'replace' && !(key in parent)) throw new HttpProblem(422, 'Invalid', `replace operation does not apply: doc is missing key: ${path}`);
      parent[key] = structuredClone(value);
    } else if (op === 'remove') {
      delete parent[key];
    } else throw new HttpProblem(422, 'Invalid', `unexpected kind of JSON patch operation: ${op}`);
  }
  return target;
}

export class KubeApiDouble {
  readonly calls: RecordedCall[] = [];
  readonly secrets = new Map<string, Obj>();
  readonly webhookConfigs = new Map<string, Obj>();
  /** Runs before each request is handled (e.g. another writer changing an object between a GET and a PATCH). */
  beforeHandle: ((method: string, path: string) => void | Promise<void>) | undefined;
  private version = 100;
  private server: https.Server | undefined;
  private ca = '';
  url = '';

  async start(): Promise<void> {
    const now = new Date();
    const ca = createCa({ commonName: 'kube-api-double-ca', now, days: 1 });
    const serving = createServingCert({ ca, commonName: 'kubernetes', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], now, days: 1 });
    this.ca = ca.cert;
    this.server = https.createServer({ cert: serving.cert, key: serving.key }, (req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** A KubeConfig as a pod's service account would have: the API server URL, its CA, a bearer token. */
  kubeConfig(token = TOKEN): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'double', server: this.url, caData: Buffer.from(this.ca).toString('base64'), skipTLSVerify: false }],
      users: [{ name: 'riskgate', token }],
      contexts: [{ name: 'double', cluster: 'double', user: 'riskgate' }],
      currentContext: 'double',
    });
    return kc;
  }

  /** The kubeconfig file text (JSON, which is YAML) for a spawned `riskgate serve` (KUBECONFIG=file). */
  kubeConfigText(): string {
    return this.kubeConfig().exportConfig();
  }

  addWebhookConfig(name: string, webhookNames: string[]): void {
    this.webhookConfigs.set(name, this.stamp({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name, labels: { 'app.kubernetes.io/name': 'riskgate' } },
      webhooks: webhookNames.map((webhook) => ({
        name: webhook,
        clientConfig: { service: { name: 'riskgate', namespace: 'riskgate', path: `/validate/${webhook.split('.')[0]}`, port: 443 } },
        rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['services'], scope: '*' }],
        sideEffects: 'NoneOnDryRun',
        admissionReviewVersions: ['v1', 'v1beta1'],
        failurePolicy: 'Ignore',
        timeoutSeconds: 3,
      })),
    }));
  }

  /** Changes a stored object as another client would (new resourceVersion). */
  mutate(kind: 'secret' | 'vwc', key: string, change: (o: Obj) => void): void {
    const store = kind === 'secret' ? this.secrets : this.webhookConfigs;
    const object = structuredClone(store.get(key));
    if (!object) throw new Error(`no ${kind} ${key}`);
    change(object);
    store.set(key, this.stamp(object));
  }

  writes(): RecordedCall[] {
    return this.calls.filter((c) => c.method !== 'GET');
  }

  private stamp(object: Obj): Obj {
    object.metadata.resourceVersion = String(++this.version);
    object.metadata.uid ??= `uid-${this.version}`;
    object.metadata.creationTimestamp ??= new Date().toISOString();
    return object;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = (req.url ?? '').split('?')[0] as string;
    const method = req.method ?? 'GET';
    const contentType = req.headers['content-type'] ?? '';
    let body: unknown = undefined;
    const send = (status: number, object: unknown) => {
      this.calls.push({ method, path, contentType, body, status });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(object));
    };
    try {
      if (req.headers.authorization !== `Bearer ${TOKEN}`) throw new HttpProblem(401, 'Unauthorized', 'Unauthorized');
      body = text ? JSON.parse(text) : undefined;
      await this.beforeHandle?.(method, path);
      const [status, object] = this.route(method, path, contentType, body);
      send(status, object);
    } catch (error) {
      const problem = error instanceof HttpProblem ? error : new HttpProblem(500, 'InternalError', (error as Error).message);
      send(problem.status, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: problem.message, reason: problem.reason, code: problem.status });
    }
  }

  private route(method: string, path: string, contentType: string, body: unknown): [number, Obj] {
    const secret = SECRET_PATH.exec(path);
    if (secret) return this.secretRoute(method, secret[1] as string, secret[2], body as Obj);
    const vwc = VWC_PATH.exec(path);
    if (vwc) return this.webhookRoute(method, vwc[1] as string, contentType, body);
    throw new HttpProblem(404, 'NotFound', `the server could not find the requested resource (${method} ${path})`);
  }

  private secretRoute(method: string, namespace: string, name: string | undefined, body: Obj): [number, Obj] {
    const key = `${namespace}/${name ?? body?.metadata?.name}`;
    const existing = this.secrets.get(key);
    const notFound = () => new HttpProblem(404, 'NotFound', `secrets "${name}" not found`);
    if (method === 'GET' && name) {
      if (!existing) throw notFound();
      return [200, existing];
    }
    if (method === 'POST' && !name) {
      if (existing) throw new HttpProblem(409, 'AlreadyExists', `secrets "${body.metadata.name}" already exists`);
      return [201, this.storeSecret(key, namespace, body)];
    }
    if (method === 'PUT' && name) {
      if (!existing) throw notFound();
      if (body.metadata?.resourceVersion !== existing.metadata.resourceVersion) {
        throw new HttpProblem(409, 'Conflict', `Operation cannot be fulfilled on secrets "${name}": the object has been modified; please apply your changes to the latest version and try again`);
      }
      return [200, this.storeSecret(key, namespace, { ...body, metadata: { ...body.metadata, uid: existing.metadata.uid, creationTimestamp: existing.metadata.creationTimestamp } })];
    }
    throw new HttpProblem(405, 'MethodNotAllowed', `${method} is not supported here`);
  }

  private storeSecret(key: string, namespace: string, body: Obj): Obj {
    if (body.metadata?.namespace && body.metadata.namespace !== namespace) throw new HttpProblem(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
    try {
      new Secret(body as any).validate();
    } catch (error) {
      throw new HttpProblem(422, 'Invalid', `Secret is invalid: ${(error as Error).message}`);
    }
    if (body.type === 'kubernetes.io/tls' && (!body.data?.['tls.crt'] || !body.data?.['tls.key'])) throw new HttpProblem(422, 'Invalid', 'data[tls.crt] and data[tls.key]: Required value');
    const object = this.stamp(structuredClone({ ...body, metadata: { ...body.metadata, namespace } }));
    this.secrets.set(key, object);
    return object;
  }

  private webhookRoute(method: string, name: string, contentType: string, body: unknown): [number, Obj] {
    const existing = this.webhookConfigs.get(name);
    if (!existing) throw new HttpProblem(404, 'NotFound', `validatingwebhookconfigurations.admissionregistration.k8s.io "${name}" not found`);
    if (method === 'GET') return [200, existing];
    if (method !== 'PATCH') throw new HttpProblem(405, 'MethodNotAllowed', `${method} is not supported here`);
    if (contentType.split(';')[0] !== 'application/json-patch+json') throw new HttpProblem(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`);
    const patched = applyJsonPatch(existing, body as Array<{ op: string; path: string; value?: unknown }>);
    try {
      new ValidatingWebhookConfiguration(patched as any).validate();
    } catch (error) {
      throw new HttpProblem(422, 'Invalid', `ValidatingWebhookConfiguration is invalid: ${(error as Error).message}`);
    }
    this.webhookConfigs.set(name, this.stamp(patched));
    return [200, patched];
  }
}
