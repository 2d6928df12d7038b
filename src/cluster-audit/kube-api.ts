// Raw JSON calls to the API server with a client-node KubeConfig's credentials (certificates, tokens, exec plugins) over one keep-alive agent.
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { RiskgateError } from '../riskgate-error.js';

/**
 * Why not client-node's typed clients: they turn every object into model classes, dropping fields the model does not
 * know and turning timestamps into Dates, while the engine must see an object exactly as admission would (and an
 * audit of 10,000 Services should not pay for the conversion). client-node still does what it is for: reading the
 * kubeconfig and producing the TLS material and Authorization header of the current user, fresh for every call.
 */
export interface KubeResponse {
  status: number;
  /** Parsed JSON, or undefined when the body was not JSON. */
  body: unknown;
  text: string;
}

/** What the audit, the Lease and the report store need of the API server: one call at a time, and where it is. */
export interface KubeCaller {
  readonly server: string;
  call(method: string, path: string, body?: unknown, contentType?: string): Promise<KubeResponse>;
}

export interface KubeApiOptions {
  /** Per call; default 30 s. */
  timeoutMs?: number;
  /** Sockets kept open to the API server; default 8. */
  maxSockets?: number;
}

interface TlsMaterial {
  ca?: unknown;
  cert?: unknown;
  key?: unknown;
}

function sameMaterial(a: TlsMaterial, b: TlsMaterial): boolean {
  const same = (x: unknown, y: unknown) => (Buffer.isBuffer(x) && Buffer.isBuffer(y) ? x.equals(y) : x === y);
  return same(a.ca, b.ca) && same(a.cert, b.cert) && same(a.key, b.key);
}

function headerRecord(options: RequestOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.headers ?? {})) {
    if (typeof value === 'string' || typeof value === 'number') headers[key] = String(value);
  }
  if (options.auth) headers['Authorization'] = `Basic ${Buffer.from(options.auth).toString('base64')}`;
  return headers;
}

/** The API server's Status message of a refusal (`services is forbidden: User "x" cannot list…`), or the start of the body. */
export function statusMessage(response: KubeResponse): string {
  const body = response.body as { message?: unknown } | undefined;
  if (body && typeof body.message === 'string' && body.message !== '') return body.message;
  return response.text.trim().slice(0, 200) || `HTTP ${response.status}`;
}

export class KubeApi implements KubeCaller {
  private agent: HttpsAgent | HttpAgent | undefined;
  private material: TlsMaterial = {};
  private readonly timeoutMs: number;
  private readonly maxSockets: number;

  constructor(
    private readonly config: KubeConfig,
    readonly server: string,
    options: KubeApiOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxSockets = options.maxSockets ?? 8;
  }

  /** The current user's TLS options and headers (tokens refreshed by client-node's authenticators). */
  private async credentials(): Promise<{ options: RequestOptions; headers: Record<string, string> }> {
    const options: RequestOptions = {};
    try {
      await this.config.applyToHTTPSOptions(options);
    } catch (error) {
      throw new RiskgateError('KUBE_CREDENTIALS', `cannot get the credentials of the current user: ${(error as Error).message}`);
    }
    return { options, headers: headerRecord(options) };
  }

  private agentFor(options: RequestOptions): HttpsAgent | HttpAgent {
    // A proxy (cluster.proxyUrl) needs client-node's own agent; it is made per call.
    if (this.config.getCurrentCluster()?.proxyUrl && options.agent) return options.agent as HttpsAgent;
    const material: TlsMaterial = { ca: options.ca, cert: options.cert, key: options.key };
    if (this.agent && sameMaterial(material, this.material)) return this.agent;
    this.agent?.destroy();
    this.material = material;
    this.agent = this.server.startsWith('http:')
      ? new HttpAgent({ keepAlive: true, maxSockets: this.maxSockets })
      : new HttpsAgent({
          keepAlive: true,
          maxSockets: this.maxSockets,
          ...(options.ca ? { ca: options.ca } : {}),
          ...(options.cert ? { cert: options.cert } : {}),
          ...(options.key ? { key: options.key } : {}),
          ...(options.rejectUnauthorized !== undefined ? { rejectUnauthorized: options.rejectUnauthorized } : {}),
          ...(options.servername ? { servername: options.servername } : {}),
        });
    return this.agent;
  }

  /** One call; resolves with any HTTP answer, rejects (code KUBE_UNREACHABLE) when none came. */
  async call(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<KubeResponse> {
    const { options, headers } = await this.credentials();
    const agent = this.agentFor(options);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const send = this.server.startsWith('http:') ? httpRequest : httpsRequest;
    return new Promise((resolve, reject) => {
      const req = send(`${this.server}${path}`, {
        method,
        agent,
        headers: { ...headers, Accept: 'application/json', ...(payload !== undefined ? { 'Content-Type': contentType } : {}) },
      });
      req.setTimeout(this.timeoutMs, () => req.destroy(Object.assign(new Error(`no answer within ${this.timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })));
      req.on('error', (error: NodeJS.ErrnoException) => reject(new RiskgateError('KUBE_UNREACHABLE', `cannot reach the API server ${this.server}: ${error.message}`)));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => reject(new RiskgateError('KUBE_UNREACHABLE', `the API server ${this.server} broke off its answer: ${error.message}`)));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text === '' ? undefined : JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, text });
        });
      });
      req.end(payload);
    });
  }

  close(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }
}
