// A small, varied set of real risk events for the auditor tests: three rules, two namespaces, several users, spread over days.
import type { RiskEvent } from '../../src/outputs/risk-event.js';
import { riskEventsFor } from '../sinks/risk-event-samples.js';

export const NOW = new Date('2026-11-20T12:00:00.000Z');

function hoursAgo(h: number): Date {
  return new Date(NOW.getTime() - h * 3_600_000);
}

export function auditorEvents(): RiskEvent[] {
  const events: RiskEvent[] = [];
  for (let i = 0; i < 6; i++) {
    events.push(...riskEventsFor('001', i, hoursAgo(i * 3 + 1), (r) => {
      r.namespace = i % 2 === 0 ? 'team-a' : 'team-b';
      r.name = `np-${i}`;
      r.user.username = i < 3 ? 'alice' : 'bob';
    }));
  }
  for (let i = 0; i < 3; i++) {
    events.push(...riskEventsFor('007', 100 + i, hoursAgo(i * 5 + 2), (r) => {
      r.namespace = 'team-a';
      r.user.username = 'system:serviceaccount:ci:deployer';
    }));
  }
  events.push(...riskEventsFor('001', 200, hoursAgo(24 * 10), (r) => (r.user.username = 'old-user'))); // outside 7d
  events.push(...riskEventsFor('001', 300, hoursAgo(0.5), (r) => {
    r.name = '<script>alert(1)</script>';
    r.namespace = 'team-a';
    r.user.username = 'mallory';
  }));
  return events;
}

const CROWD_USERS = ['alice@example.com', 'alice.admin@example.com', 'bob', 'carol', 'system:serviceaccount:ci:deployer'];

/** A busier week: `count` NodePort and DaemonSet events from five users in three namespaces, an hour and a half apart (the page needs several pages). */
export function crowdEvents(count = 106): RiskEvent[] {
  return Array.from({ length: count }, (_, i) =>
    riskEventsFor(i % 4 === 3 ? '007' : '001', 1000 + i, hoursAgo(i * 1.5 + 0.25), (r) => {
      r.namespace = `team-${'abc'[i % 3]}`;
      r.name = `svc-${i}`;
      r.user.username = CROWD_USERS[i % CROWD_USERS.length]!;
    }),
  ).flat();
}
