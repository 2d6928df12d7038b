// One event per request: the final stage wins, else the last seen; memory stays bounded.
import type { AuditEvent } from '../../src/kubernetes/audit-event.js';
import { StageDedup } from '../../src/replay/stage-dedup.js';

function ev(auditID: string, stage: string): AuditEvent {
  return { kind: 'Event', auditID, stage, verb: 'create' };
}

describe('StageDedup', () => {
  test('RequestReceived then ResponseComplete: only ResponseComplete is released, at once', () => {
    const dedup = new StageDedup<number>();
    expect(dedup.push(ev('a', 'RequestReceived'), 1)).toEqual([]);
    expect(dedup.push(ev('a', 'ResponseComplete'), 2)).toEqual([{ event: ev('a', 'ResponseComplete'), tag: 2 }]);
    expect(dedup.flush()).toEqual([]);
  });

  test('a request without a final stage (falco exec: ResponseStarted only) is released at the end as the last stage seen', () => {
    const dedup = new StageDedup<number>();
    dedup.push(ev('x', 'RequestReceived'), 1);
    dedup.push(ev('x', 'ResponseStarted'), 2);
    expect(dedup.flush()).toEqual([{ event: ev('x', 'ResponseStarted'), tag: 2 }]);
  });

  test('Panic is final too; a repeated final stage (same log twice) counts once', () => {
    const dedup = new StageDedup<number>();
    expect(dedup.push(ev('p', 'Panic'), 1)).toHaveLength(1);
    expect(dedup.push(ev('p', 'ResponseComplete'), 2)).toEqual([]);
  });

  test('past maxPending, the oldest waiting request is released (bounded memory)', () => {
    const dedup = new StageDedup<number>(2);
    expect(dedup.push(ev('1', 'RequestReceived'), 1)).toEqual([]);
    expect(dedup.push(ev('2', 'RequestReceived'), 2)).toEqual([]);
    expect(dedup.push(ev('3', 'RequestReceived'), 3)).toEqual([{ event: ev('1', 'RequestReceived'), tag: 1 }]);
    expect(dedup.flush().map((s) => s.tag)).toEqual([2, 3]);
  });
});
