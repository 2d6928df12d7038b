// `riskgate events`: reads risk events from the local event store (--data-dir) or a running server's auditor API (--server, every replica), filters and prints them.
import { existsSync, readFileSync } from 'node:fs';
import https from 'node:https';
import http from 'node:http';
import { join } from 'node:path';
import type { RiskEvent } from '../outputs/risk-event.js';
import { RiskgateError } from '../riskgate-error.js';
import { readEventStore } from '../sinks/event-store-reader.js';
import { applyFilter, filterQuery, parseFilter, type EventFilter, type FilterInput } from './event-filter.js';
import { eventsTable } from './events-table.js';
import type { ReplicaStatus } from './fleet-events.js';

export interface EventsOptions extends FilterInput {
  output: 'table' | 'json';
  dataDir?: string;
  server?: string;
  tokenFile?: string;
  caFile?: string;
}

export const DEFAULT_DATA_DIR = '.riskgate';

export interface EventsAnswer {
  events: RiskEvent[];
  total: number;
  /** A server's answer: false when some replica's events are missing (it did not answer, or could not be listed). */
  complete?: boolean;
  replicas?: ReplicaStatus[];
  discovery_error?: string;
}

/** What the user gets: the events on stdout, a summary and any missing replicas on stderr; incomplete answers exit 1. */
export interface EventsResult {
  stdout: string;
  summary: string;
  warnings: string[];
  incomplete: boolean;
}

/** Usage mistakes (exit 2) are RiskgateErrors with code `usage`; others (unreachable server, 401) exit 1. */
export function checkUsage(options: EventsOptions): void {
  if (options.server && options.dataDir) throw new RiskgateError('usage', '--data-dir and --server exclude each other: read the local store or a server');
  if (options.server && !options.tokenFile) throw new RiskgateError('usage', '--server needs --token-file (a bearer token the auditor view accepts)');
  if (!options.server && (options.tokenFile || options.caFile)) throw new RiskgateError('usage', '--token-file and --ca-file go with --server');
}

export function readLocal(dataDir: string, filter: EventFilter): EventsAnswer {
  if (!existsSync(join(dataDir, 'spool')) && !existsSync(join(dataDir, 'delivered'))) {
    throw new RiskgateError('no-event-store', `no event store in ${dataDir} (riskgate serve --data-dir ${dataDir} writes one)`);
  }
  return applyFilter(readEventStore(dataDir).events, filter);
}

function readFile(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new RiskgateError('unreadable-file', `${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

export function readRemote(server: string, token: string, filter: EventFilter, ca?: string): Promise<EventsAnswer> {
  const url = new URL(`api/events?${filterQuery(filter).toString()}`, server.endsWith('/') ? server : `${server}/`);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.get(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, ...(ca ? { ca } : {}), timeout: 15_000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          return reject(new RiskgateError('server-answer', `${url.origin}: HTTP ${response.statusCode} with a body that is not JSON`));
        }
        if (response.statusCode !== 200) {
          const message = (body as { error?: { message?: string } }).error?.message ?? text.slice(0, 200);
          return reject(new RiskgateError('server-refused', `${url.origin}: HTTP ${response.statusCode}: ${message}`));
        }
        resolve(body as EventsAnswer);
      });
    });
    request.on('timeout', () => request.destroy(new Error('no answer within 15 s')));
    request.on('error', (error: NodeJS.ErrnoException) => reject(new RiskgateError('server-unreachable', `${url.origin}: ${error.code ?? error.message}`)));
  });
}

/** One line per replica whose events are missing from a server's answer. */
export function missingReplicas(answer: EventsAnswer): string[] {
  const lines = (answer.replicas ?? []).flatMap((r) => {
    if (!r.answered && !r.skipped) return [`replica ${r.name} did not answer (${r.error ?? 'no reason'}): its events are missing`];
    if (r.skipped) return [`replica ${r.name} was not asked (${r.skipped})`];
    if (r.events !== undefined && r.total !== undefined && r.events < r.total) return [`replica ${r.name} sent the newest ${r.events} of its ${r.total} matching events`];
    return [];
  });
  return answer.discovery_error ? [answer.discovery_error, ...lines] : lines;
}

function replicaCount(answer: EventsAnswer): string {
  const replicas = answer.replicas ?? [];
  if (replicas.length <= 1) return '';
  return ` from ${replicas.filter((r) => r.answered).length} of ${replicas.filter((r) => !r.skipped).length} replicas`;
}

/** Runs the query; returns what to print on stdout, a one-line summary and warnings for stderr. */
export async function queryEvents(options: EventsOptions, now = new Date()): Promise<EventsResult> {
  checkUsage(options);
  let filter: EventFilter;
  try {
    filter = parseFilter(options, now);
  } catch (error) {
    throw new RiskgateError('usage', (error as Error).message);
  }
  const answer = options.server
    ? await readRemote(options.server, readFile(options.tokenFile!, '--token-file').trim(), filter, options.caFile ? readFile(options.caFile, '--ca-file') : undefined)
    : readLocal(options.dataDir ?? DEFAULT_DATA_DIR, filter);
  const stdout = options.output === 'json' ? `${JSON.stringify(answer.events, null, 2)}\n` : eventsTable(answer.events);
  const noun = answer.total === 1 ? 'matching event' : 'matching events';
  const counted = answer.events.length < answer.total ? `${answer.events.length} newest of ${answer.total} ${noun} (raise --limit)` : `${answer.total} ${noun}`;
  const incomplete = answer.complete === false;
  return { stdout, summary: `${counted}${replicaCount(answer)}${incomplete ? ' (incomplete)' : ''}`, warnings: missingReplicas(answer), incomplete };
}
