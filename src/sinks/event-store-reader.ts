// Reads the local event store (the spool's pending segments and the delivered archive) read-only, for `riskgate events` and the auditor page.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decisionKey } from '../outputs/risk-decision.js';
import type { RiskEvent } from '../outputs/risk-event.js';
import { segmentIds, segmentPath } from './segment-file.js';

export interface StoredEvents {
  events: RiskEvent[];
  /** Lines that were not JSON risk events (a torn tail being written right now, or damage). */
  skippedLines: number;
  /** Copies of an already seen decision (event_id, action and time: sent again after a restart): kept once. */
  duplicates: number;
}

function isRiskEvent(value: unknown): value is RiskEvent {
  const v = value as Partial<RiskEvent> | null;
  return typeof v === 'object' && v !== null && typeof v.event_id === 'string' && typeof v.time === 'string' && typeof v.rule_id === 'string';
}

/** A segment's text: in the spool, or in the archive if delivery moved it meanwhile. */
function readSegment(spool: string, archive: string, id: number): string | undefined {
  for (const dir of [spool, archive]) {
    try {
      return readFileSync(segmentPath(dir, id), 'utf8');
    } catch {
      // not there (any more)
    }
  }
  return undefined;
}

/**
 * Every event under dataDir, oldest segment first, each decision once (decisionKey: a later decision on the same
 * request, with the same event_id, is kept). A missing directory is an empty store.
 */
export function readEventStore(dataDir: string): StoredEvents {
  const seen = new Set<string>();
  const out: StoredEvents = { events: [], skippedLines: 0, duplicates: 0 };
  const archive = join(dataDir, 'delivered');
  const spool = join(dataDir, 'spool');
  const ids = [...new Set([...segmentIds(archive), ...segmentIds(spool)])].sort((a, b) => a - b);
  for (const id of ids) {
    const text = readSegment(spool, archive, id);
    if (text === undefined) continue; // dropped by the spool cap between listing and reading
    for (const line of text.split('\n')) {
      if (!line) continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        out.skippedLines++;
        continue;
      }
      if (!isRiskEvent(value)) {
        out.skippedLines++;
        continue;
      }
      const key = decisionKey(value);
      if (seen.has(key)) {
        out.duplicates++;
        continue;
      }
      seen.add(key);
      out.events.push(value);
    }
  }
  return out;
}
