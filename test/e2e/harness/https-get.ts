// e2e harness: one HTTPS request with a given CA (and optional client certificate or bearer token), body as text.
import { request } from 'node:https';
import { readFileSync } from 'node:fs';

export interface HttpsAnswer {
  status: number;
  body: string;
}

export interface HttpsOptions {
  method?: string;
  body?: string;
  token?: string;
  clientCert?: { cert: string; key: string };
  headers?: Record<string, string>;
  /** Connect to this IP whatever the URL's host name says (the name is still the one TLS verifies). */
  lookup?: string;
}

/** caFile null: the server's certificate is not verified (only for readiness probes of a server that made its own). */
export function httpsGet(url: string, caFile: string | null, options: HttpsOptions = {}): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] ??= 'application/json';
    const req = request(url, {
      method: options.method ?? 'GET',
      ...(caFile ? { ca: readFileSync(caFile) } : { rejectUnauthorized: false }),
      headers,
      timeout: 10_000,
      ...(options.lookup ? { lookup: pinnedLookup(options.lookup) } : {}),
      ...(options.clientCert ? { cert: readFileSync(options.clientCert.cert), key: readFileSync(options.clientCert.key) } : {}),
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout on ${url}`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

type LookupCallback = (error: Error | null, address: string | { address: string; family: number }[], family?: number) => void;

function pinnedLookup(ip: string) {
  return (_host: string, options: { all?: boolean }, callback: LookupCallback) => {
    if (options.all) callback(null, [{ address: ip, family: 4 }]);
    else callback(null, ip, 4);
  };
}
