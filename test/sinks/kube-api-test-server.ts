// A local HTTPS test double of the Kubernetes API paths riskgate calls: core/v1 Events (POST, GET, merge PATCH with resourceVersion), Pod metadata (GET), TokenReview, SubjectAccessReview.
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { createCa, createServingCert, type PemPair } from '../../src/tls/certificates.js';

export interface StoredEvent {
  metadata: { name: string; namespace: string; resourceVersion?: string };
  involvedObject: { kind: string; name: string; namespace?: string; apiVersion?: string; uid?: string };
  reason: string;
  message: string;
  type: string;
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
  [field: string]: unknown;
}

export interface ApiCall {
  method: string;
  path: string;
  contentType: string;
  accept: string;
}

export interface ReviewedUser {
  username: string;
  uid?: string;
  groups?: string[];
}

export interface SubjectAccessReviewSpec {
  user?: string;
  groups?: string[];
  resourceAttributes?: { group?: string; resource?: string; verb?: string; namespace?: string; name?: string };
  nonResourceAttributes?: { path?: string; verb?: string };
}

export interface KubeApiTestServerOptions {
  /** Tokens TokenReview accepts, and who they belong to. */
  users?: Record<string, ReviewedUser>;
  /** SubjectAccessReview decision. */
  allow?: (spec: SubjectAccessReviewSpec) => boolean;
}

const CLIENT_TOKEN = 'riskgate-service-account-token';
let sharedPki: { ca: PemPair; serving: PemPair } | undefined;

function pki(): { ca: PemPair; serving: PemPair } {
  const now = new Date();
  sharedPki ??= (() => {
    const ca = createCa({ commonName: 'kube-api-test-ca', now, days: 1 });
    return { ca, serving: createServingCert({ ca, commonName: '127.0.0.1', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], now, days: 1 }) };
  })();
  return sharedPki;
}

function status(res: http.ServerResponse, code: number, reason: string, message: string): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }));
}

function send(res: http.ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export class KubeApiTestServer {
  readonly events = new Map<string, StoredEvent>();
  /** Pods by `namespace/name`: their uid. */
  readonly pods = new Map<string, string>();
  readonly calls: ApiCall[] = [];
  /** Runs before each call is answered, e.g. to change an Event as another writer would. */
  beforeAnswer: (call: ApiCall) => void = () => {};
  /** Pod reads wait this long before answering (a slow API server). */
  podDelayMs = 0;
  readonly accessReviews: SubjectAccessReviewSpec[] = [];
  tokenReviews = 0;
  private readonly server: https.Server;
  private version = 1;

  constructor(private readonly options: KubeApiTestServerOptions = {}) {
    const { serving } = pki();
    this.server = https.createServer({ cert: serving.cert, key: serving.key }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.route(req, Buffer.concat(chunks).toString('utf8'), res));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A kubeconfig for this server: its CA, a bearer token, like a service account's in-cluster config. */
  kubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'test', server: this.url, caData: Buffer.from(pki().ca.cert).toString('base64'), skipTLSVerify: false }],
      users: [{ name: 'riskgate', token: CLIENT_TOKEN }],
      contexts: [{ name: 'test', cluster: 'test', user: 'riskgate' }],
      currentContext: 'test',
    });
    return kc;
  }

  eventList(): StoredEvent[] {
    return [...this.events.values()];
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private route(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const path = new URL(req.url ?? '/', 'https://x').pathname;
    const call = { method: req.method ?? '', path, contentType: String(req.headers['content-type'] ?? ''), accept: String(req.headers.accept ?? '') };
    this.calls.push(call);
    this.beforeAnswer(call);
    if (req.headers.authorization !== `Bearer ${CLIENT_TOKEN}`) return status(res, 401, 'Unauthorized', 'Unauthorized');
    let parsed: Record<string, unknown>;
    try {
      parsed = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    } catch {
      return status(res, 400, 'BadRequest', 'the body is not JSON');
    }
    const eventPath = /^\/api\/v1\/namespaces\/([^/]+)\/events(?:\/([^/]+))?$/.exec(path);
    if (eventPath && req.method === 'POST' && !eventPath[2]) return this.createEvent(eventPath[1]!, parsed, res);
    if (eventPath && req.method === 'GET' && eventPath[2]) return this.readEvent(eventPath[1]!, eventPath[2], res);
    if (eventPath && req.method === 'PATCH' && eventPath[2]) return this.patchEvent(eventPath[1]!, eventPath[2], String(req.headers['content-type']), parsed, res);
    const podPath = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)$/.exec(path);
    if (podPath && req.method === 'GET') return this.readPod(podPath[1]!, podPath[2]!, call.accept, res);
    if (path === '/apis/authentication.k8s.io/v1/tokenreviews' && req.method === 'POST') return this.tokenReview(parsed, res);
    if (path === '/apis/authorization.k8s.io/v1/subjectaccessreviews' && req.method === 'POST') return this.accessReview(parsed, res);
    return status(res, 404, 'NotFound', `the server could not find the requested resource (${req.method} ${path})`);
  }

  private createEvent(namespace: string, body: Record<string, unknown>, res: http.ServerResponse): void {
    const event = body as unknown as StoredEvent;
    const name = event.metadata?.name;
    if (!name) return status(res, 422, 'Invalid', 'metadata.name: Required value');
    if (event.metadata.namespace && event.metadata.namespace !== namespace) return status(res, 400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
    const involvedNs = event.involvedObject?.namespace;
    if (involvedNs ? involvedNs !== namespace : namespace !== 'default') return status(res, 422, 'Invalid', 'involvedObject.namespace: Invalid value: does not match event.namespace');
    const key = `${namespace}/${name}`;
    if (this.events.has(key)) return status(res, 409, 'AlreadyExists', `events "${name}" already exists`);
    const stored = { ...event, metadata: { ...event.metadata, namespace, resourceVersion: String(this.version++) } };
    this.events.set(key, stored);
    return send(res, 201, stored);
  }

  /** Another writer's update: the count raised by `add`, a new resourceVersion. */
  bumpEvent(key: string, add: number): void {
    const existing = this.events.get(key)!;
    this.events.set(key, { ...existing, count: existing.count + add, metadata: { ...existing.metadata, resourceVersion: String(this.version++) } });
  }

  private readEvent(namespace: string, name: string, res: http.ServerResponse): void {
    const existing = this.events.get(`${namespace}/${name}`);
    if (!existing) return status(res, 404, 'NotFound', `events "${name}" not found`);
    return send(res, 200, existing);
  }

  /** A JSON merge patch; a metadata.resourceVersion in it is a precondition, as on the API server (409 Conflict when stale). */
  private patchEvent(namespace: string, name: string, contentType: string, patch: Record<string, unknown>, res: http.ServerResponse): void {
    if (contentType !== 'application/merge-patch+json') return status(res, 415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/merge-patch+json (got ${contentType})`);
    const existing = this.events.get(`${namespace}/${name}`);
    if (!existing) return status(res, 404, 'NotFound', `events "${name}" not found`);
    const { metadata: patchMetadata, ...fields } = patch as { metadata?: { resourceVersion?: string } };
    const precondition = patchMetadata?.resourceVersion;
    if (precondition !== undefined && precondition !== existing.metadata.resourceVersion) {
      return status(res, 409, 'Conflict', `Operation cannot be fulfilled on events "${name}": the object has been modified; please apply your changes to the latest version and try again`);
    }
    const merged = { ...existing, ...fields, metadata: { ...existing.metadata, resourceVersion: String(this.version++) } } as StoredEvent;
    this.events.set(`${namespace}/${name}`, merged);
    return send(res, 200, merged);
  }

  private readPod(namespace: string, name: string, accept: string, res: http.ServerResponse): void {
    const uid = this.pods.get(`${namespace}/${name}`);
    const answer = () => {
      if (!uid) return status(res, 404, 'NotFound', `pods "${name}" not found`);
      const metadata = { name, namespace, uid, resourceVersion: '7' };
      if (accept.includes('as=PartialObjectMetadata')) return send(res, 200, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata });
      return send(res, 200, { kind: 'Pod', apiVersion: 'v1', metadata, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    };
    if (this.podDelayMs > 0) setTimeout(answer, this.podDelayMs);
    else answer();
  }

  private tokenReview(body: Record<string, unknown>, res: http.ServerResponse): void {
    this.tokenReviews++;
    const token = (body['spec'] as { token?: string } | undefined)?.token ?? '';
    const user = this.options.users?.[token];
    const statusBody = user ? { authenticated: true, user } : { authenticated: false, error: 'invalid bearer token' };
    return send(res, 201, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: body['spec'], status: statusBody });
  }

  private accessReview(body: Record<string, unknown>, res: http.ServerResponse): void {
    const spec = (body['spec'] ?? {}) as SubjectAccessReviewSpec;
    this.accessReviews.push(spec);
    const allowed = this.options.allow?.(spec) ?? false;
    return send(res, 201, { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec, status: allowed ? { allowed: true } : { allowed: false, reason: 'no RBAC rule allows it' } });
  }
}
