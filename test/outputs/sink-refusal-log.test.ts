// SinkRefusalLog: one error line when a sink starts refusing, one summary per interval while it lasts, one line when it accepts again.
import { SinkRefusalLog } from '../../src/outputs/sink-refusal-log.js';
import type { RiskSink } from '../../src/outputs/risk-sink.js';
import { RiskgateError } from '../../src/riskgate-error.js';

const sink = (name: string): RiskSink => ({ name, write: () => undefined, close: async () => undefined });
const STORE = sink('store');
const HEC = sink('hec');
const DISK_FULL = new RiskgateError('spool-write-failed', 'cannot append to the spool in /data/spool: ENOSPC: no space left on device, write');

function recorder() {
  const lines: Array<{ level: 'error' | 'info'; fields: object; message: string }> = [];
  return {
    lines,
    log: {
      error: (fields: object, message: string) => void lines.push({ level: 'error', fields, message }),
      info: (fields: object, message: string) => void lines.push({ level: 'info', fields, message }),
    },
  };
}

describe('SinkRefusalLog', () => {
  test('a refusal that lasts: the first at once, then one summary per interval with the count since, then the recovery with the total', () => {
    let now = 1_000;
    const { lines, log } = recorder();
    const refusals = new SinkRefusalLog(log, 10_000, () => now);
    refusals.refused(STORE, DISK_FULL, 1);
    for (let i = 0; i < 50; i++, now += 100) refusals.refused(STORE, DISK_FULL, 2);
    now = 11_000;
    refusals.refused(STORE, DISK_FULL, 1);
    now = 12_500;
    refusals.accepted(STORE);
    refusals.accepted(STORE);
    expect(lines).toEqual([
      { level: 'error', message: 'risk sink refused events', fields: { sink: 'store', error: { code: 'spool-write-failed', message: DISK_FULL.message }, refusedEvents: 1, refusingForMs: 0 } },
      { level: 'error', message: 'risk sink refused events', fields: { sink: 'store', error: { code: 'spool-write-failed', message: DISK_FULL.message }, refusedEvents: 101, refusingForMs: 10_000 } },
      { level: 'info', message: 'risk sink accepts events again', fields: { sink: 'store', refusedEvents: 102, outageMs: 11_500 } },
    ]);
  });

  test('sinks are followed apart; a new outage after a recovery is logged at once; a thrown non-Error is shown as text', () => {
    let now = 0;
    const { lines, log } = recorder();
    const refusals = new SinkRefusalLog(log, 10_000, () => now);
    refusals.refused(STORE, DISK_FULL, 3);
    refusals.refused(HEC, 'closed', 1);
    refusals.accepted(HEC);
    now = 500;
    refusals.accepted(STORE);
    refusals.refused(STORE, DISK_FULL, 2);
    expect(lines.map((l) => [l.level, l.message, (l.fields as { sink: string }).sink, (l.fields as { refusedEvents: number }).refusedEvents])).toEqual([
      ['error', 'risk sink refused events', 'store', 3],
      ['error', 'risk sink refused events', 'hec', 1],
      ['info', 'risk sink accepts events again', 'hec', 1],
      ['info', 'risk sink accepts events again', 'store', 3],
      ['error', 'risk sink refused events', 'store', 2],
    ]);
    expect(lines[1]!.fields).toMatchObject({ error: { message: 'closed' } });
  });
});
