// Each risk event is serialized once: the log line and the spool line carry the same JSON text, and the log line is byte for byte the pino info line it always was.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { LogSink, RISK_EVENT_MESSAGE } from '../../src/outputs/log-sink.js';
import type { RiskEvent } from '../../src/outputs/risk-event.js';
import { FanOutSink } from '../../src/outputs/risk-sink.js';
import type { RiskSink } from '../../src/outputs/risk-sink.js';
import { SpoolSink } from '../../src/sinks/spool-sink.js';
import { SILENT_LOG } from '../../src/sinks/sink-log.js';
import { IGNORE_OBSERVER } from '../../src/sinks/sink-observer.js';
import { riskEventsFor } from '../sinks/risk-event-samples.js';

/** A destination that keeps what is written, as written. */
function textDestination(): { text: string[]; write(line: string): void } {
  const text: string[] = [];
  return { text, write: (line: string) => void text.push(line) };
}

/** Events of every shape the rules make: deny, warn, record, several fields, multivalue fields, non-ASCII and quotes. */
function samples(): RiskEvent[] {
  const tricky = riskEventsFor('011', 1)[0]!;
  return [
    ...riskEventsFor('001', 1),
    ...riskEventsFor('007', 2),
    tricky,
    { ...tricky, event_id: 'e'.repeat(32), risk_message: 'exec "sh -c \'echo ü\\n\'" by Zoë\u2028 in ns\ttab', fields: { ...tricky.fields, user_groups: ['a"b', 'c\\d', 'é'] } },
  ];
}

test('the log sink writes the line pino wrote for the event at info (level first, msg last, no time of its own)', () => {
  const before = textDestination();
  const old = pino({ level: 'info', base: null, timestamp: false, formatters: { level: (label) => ({ level: label }) } }, before);
  const now = textDestination();
  const sink = new LogSink(now);
  for (const event of samples()) {
    old.info(event, RISK_EVENT_MESSAGE);
    sink.write([event]);
  }
  expect(now.text).toEqual(before.text);
});

test('a batch is one write of one line per event', () => {
  const out = textDestination();
  const events = samples();
  new LogSink(out).write(events);
  expect(out.text).toHaveLength(1);
  expect(out.text[0]!.split('\n').slice(0, -1).map((line) => JSON.parse(line) as unknown)).toEqual(events.map((e) => ({ level: 'info', ...e, msg: RISK_EVENT_MESSAGE })));
});

test('the fan-out serializes each event once and gives the same text to the log and the spool; other sinks get the events', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'riskgate-event-json-'));
  try {
    const handed: Array<readonly string[]> = [];
    const spool = new SpoolSink({ dataDir, maxBytes: 1 << 20, archiveMaxBytes: 1 << 20, fsyncIntervalMs: 1000, sinkName: 'store', log: SILENT_LOG, observer: IGNORE_OBSERVER });
    const watchSpool: RiskSink = { name: 'store', write: (e) => spool.write(e), writeJson: (e, json) => (handed.push(json), spool.writeJson(e, json)), close: () => spool.close() };
    const out = textDestination();
    const log = new LogSink(out);
    const watchLog: RiskSink = { name: 'log', write: (e) => log.write(e), writeJson: (e, json) => (handed.push(json), log.writeJson(e, json)), close: () => log.close() };
    const plain: RiskEvent[] = [];
    const memory: RiskSink = { name: 'memory', write: (e) => void plain.push(...e), close: async () => {} };
    const events = samples();
    const fanOut = new FanOutSink([watchLog, watchSpool, memory], { refused: () => {}, accepted: () => {} });
    fanOut.write(events);
    await fanOut.close();
    expect(handed).toHaveLength(2);
    expect(handed[0]).toBe(handed[1]);
    expect(plain).toEqual(events);
    const [segment] = readdirSync(join(dataDir, 'delivered'));
    const spooled = readFileSync(join(dataDir, 'delivered', segment!), 'utf8');
    expect(spooled).toBe(events.map((e) => `${JSON.stringify(e)}\n`).join(''));
    expect(out.text.join('')).toBe(events.map((e) => `{"level":"info",${JSON.stringify(e).slice(1, -1)},"msg":"${RISK_EVENT_MESSAGE}"}\n`).join(''));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
