// The HTTP(S) side of HEC: POSTs with the Splunk token and request channel, a hard timeout, TLS verified (optionally against a CA file).
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import type { HecEndpoint } from './hec-endpoint.js';
import { ackResult, eventResult, type HecFailure, type HecResult } from './hec-response.js';

export interface HecClientOptions {
  endpoint: HecEndpoint;
  token: string;
  /** X-Splunk-Request-Channel: a GUID, required by indexer acknowledgement. */
  channel: string;
  /** Extra trusted CA certificates (PEM) for a Splunk with a private CA; TLS is always verified. */
  ca?: string;
  requestTimeoutMs: number;
}

interface RawAnswer {
  status: number;
  text: string;
  retryAfter: string | undefined;
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|HOSTNAME|ALTNAME|EPROTO/;

/** A HEC answer is a line of JSON; a body past this (an endless or hostile answer) is cut off and the attempt failed. */
export const MAX_ANSWER_BYTES = 64 * 1024;

function networkFailure(error: NodeJS.ErrnoException): HecFailure {
  const code = error.code ?? '';
  const reason = code === 'ETIMEDOUT' ? 'timeout' : TLS_CODES.test(code) ? 'tls' : 'connection';
  return { ok: false, reason, detail: `${code || 'error'}: ${error.message}`.slice(0, 200) };
}

/**
 * What a HEC connection trusts: node's bundled CAs plus the PEM of --hec-ca-file (node's `ca` option alone would
 * replace the bundled ones, so a Splunk Cloud certificate would no longer verify once a private CA was given).
 */
export function trustedCas(extraPem: string): string[] {
  return [...tls.rootCertificates, extraPem];
}

export class HecClient {
  private readonly agent: http.Agent;
  private readonly inFlight = new Set<http.ClientRequest>();

  constructor(private readonly options: HecClientOptions) {
    const secure = options.endpoint.event.protocol === 'https:';
    const agentOptions = { keepAlive: true, maxSockets: 2 };
    if (!secure) {
      this.agent = new http.Agent(agentOptions);
      return;
    }
    // With a CA file, one TLS context for every connection: a `ca` option would parse the bundled CAs at each connect.
    const trust = options.ca ? { secureContext: tls.createSecureContext({ ca: trustedCas(options.ca) }) } : {};
    this.agent = new https.Agent({ ...agentOptions, ...trust });
  }

  async sendEvents(body: string): Promise<HecResult> {
    const answer = await this.post(this.options.endpoint.event, body);
    return 'ok' in answer ? answer : eventResult(answer.status, answer.text, answer.retryAfter);
  }

  async queryAck(ackId: number): Promise<HecFailure | { ok: true; acked: boolean }> {
    const url = new URL(this.options.endpoint.ack);
    url.searchParams.set('channel', this.options.channel);
    const answer = await this.post(url, JSON.stringify({ acks: [ackId] }));
    return 'ok' in answer ? answer : ackResult(answer.status, answer.text, ackId);
  }

  /** Aborts requests in flight (shutdown) and closes idle connections. */
  close(): void {
    for (const request of this.inFlight) request.destroy(new Error('sink closed'));
    this.agent.destroy();
  }

  private post(url: URL, body: string): Promise<RawAnswer | HecFailure> {
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve) => {
      const request = transport.request(url, {
        method: 'POST',
        agent: this.agent,
        headers: {
          authorization: `Splunk ${this.options.token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-splunk-request-channel': this.options.channel,
        },
      });
      this.inFlight.add(request);
      const timer = setTimeout(() => request.destroy(Object.assign(new Error(`no answer within ${this.options.requestTimeoutMs} ms`), { code: 'ETIMEDOUT' })), this.options.requestTimeoutMs);
      const finish = (result: RawAnswer | HecFailure): void => {
        clearTimeout(timer);
        this.inFlight.delete(request);
        resolve(result);
      };
      request.on('error', (error: NodeJS.ErrnoException) => finish(networkFailure(error)));
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        response.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes <= MAX_ANSWER_BYTES) return void chunks.push(chunk);
          finish({ ok: false, reason: 'malformed', detail: `HEC ${response.statusCode ?? 0}: answer longer than ${MAX_ANSWER_BYTES} bytes, cut off` });
          request.destroy();
        });
        response.on('error', (error: NodeJS.ErrnoException) => finish(networkFailure(error)));
        response.on('end', () => {
          const retryAfter = response.headers['retry-after'];
          finish({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), retryAfter });
        });
      });
      request.end(body);
    });
  }
}
