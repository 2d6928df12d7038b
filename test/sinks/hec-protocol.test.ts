// HEC protocol details as data: URLs derived from --hec-url, how answers are read, retry delays with Retry-After, the event envelope.
import { hecEndpoint } from '../../src/sinks/hec-endpoint.js';
import { ackResult, eventResult } from '../../src/sinks/hec-response.js';
import { backoffDelay, MAX_RETRY_AFTER_MS, retryDelay } from '../../src/sinks/retry-backoff.js';
import { hecBatchBody, hecEventOf } from '../../src/sinks/hec-event.js';
import { RiskgateError } from '../../src/riskgate-error.js';
import { readHecToken } from '../../src/sinks/hec-token.js';
import { splitConcatenatedJson } from './hec-test-server.js';
import { sampleEvents } from './risk-event-samples.js';

describe('hecEndpoint', () => {
  test.each([
    ['https://splunk:8088', 'https://splunk:8088/services/collector/event', 'https://splunk:8088/services/collector/ack'],
    ['https://splunk:8088/', 'https://splunk:8088/services/collector/event', 'https://splunk:8088/services/collector/ack'],
    ['https://splunk:8088/services/collector', 'https://splunk:8088/services/collector/event', 'https://splunk:8088/services/collector/ack'],
    ['https://splunk:8088/services/collector/event/1.0', 'https://splunk:8088/services/collector/event', 'https://splunk:8088/services/collector/ack'],
    ['https://proxy/splunk/services/collector/event', 'https://proxy/splunk/services/collector/event', 'https://proxy/splunk/services/collector/ack'],
  ])('%s', (url, event, ack) => {
    const endpoint = hecEndpoint(url);
    expect([endpoint.event.href, endpoint.ack.href]).toEqual([event, ack]);
  });

  test.each(['splunk:8088', 'ftp://splunk'])('%s is refused with a message', (url) => {
    expect(() => hecEndpoint(url)).toThrow(RiskgateError);
  });
});

describe('HEC answers', () => {
  test.each([
    [200, '{"text":"Success","code":0}', undefined, { ok: true }],
    [200, '{"text":"Success","code":0,"ackId":7}', undefined, { ok: true, ackId: 7 }],
    [200, '<html>proxy</html>', undefined, { ok: false, reason: 'malformed' }],
    [503, '{"text":"Server is busy","code":9}', '3', { ok: false, reason: 'http-503', retryAfterMs: 3000 }],
    [429, 'slow down', undefined, { ok: false, reason: 'http-429' }],
    [403, '{"text":"Invalid token","code":4}', undefined, { ok: false, reason: 'hec-code-4' }],
    [400, '{"text":"Incorrect index","code":7}', undefined, { ok: false, reason: 'hec-code-7' }],
    [502, 'Bad Gateway', undefined, { ok: false, reason: 'http-502' }],
  ])('%i %s', (status, body, retryAfter, expected) => {
    expect(eventResult(status, body, retryAfter)).toMatchObject(expected);
  });

  test('ack answers', () => {
    expect(ackResult(200, '{"acks":{"7":true}}', 7)).toEqual({ ok: true, acked: true });
    expect(ackResult(200, '{"acks":{"7":false}}', 7)).toEqual({ ok: true, acked: false });
    expect(ackResult(200, 'junk', 7)).toMatchObject({ ok: false, reason: 'malformed' });
    expect(ackResult(400, '{"text":"ACK is disabled","code":14}', 7)).toMatchObject({ ok: false, reason: 'ack-http-400' });
  });
});

describe('retry delays', () => {
  const options = { initialMs: 500, maxMs: 60_000 };
  test('exponential with equal jitter, capped', () => {
    expect([1, 2, 3, 4].map((a) => backoffDelay(a, { ...options, random: () => 0 }))).toEqual([250, 500, 1000, 2000]);
    expect([1, 2, 3, 4].map((a) => backoffDelay(a, { ...options, random: () => 0.999999 }))).toEqual([500, 1000, 2000, 4000].map((d) => expect.closeTo(d, 0)));
    expect(backoffDelay(30, { ...options, random: () => 0.999999 })).toBeCloseTo(60_000, 0);
  });
  test('Retry-After wins, within bounds', () => {
    const random = () => 0.5;
    expect(retryDelay(1, 3000, { ...options, random })).toBe(3000);
    expect(retryDelay(1, 0, { ...options, random })).toBe(250);
    expect(retryDelay(1, 24 * 3_600_000, { ...options, random })).toBe(MAX_RETRY_AFTER_MS);
  });
});

describe('the HEC envelope', () => {
  test('time in epoch seconds, metadata, the event, prefixed index-time fields; a batch the HEC parser splits back', () => {
    const events = sampleEvents(3);
    const envelope = hecEventOf(events[0]!, { host: 'h', source: 's', sourcetype: 'riskgate:risk', index: 'i' });
    expect(envelope).toEqual({
      time: Date.parse(events[0]!.time) / 1000,
      host: 'h',
      source: 's',
      sourcetype: 'riskgate:risk',
      index: 'i',
      event: events[0],
      fields: { riskgate_event_id: events[0]!.event_id, riskgate_rule_id: events[0]!.rule_id, riskgate_action: 'deny' },
    });
    expect(hecEventOf(events[0]!, { host: 'h', source: 's', sourcetype: 't' })).not.toHaveProperty('index');
    const batch = hecBatchBody(events, { host: 'h', source: 's', sourcetype: 't' });
    expect(splitConcatenatedJson(batch)).toHaveLength(3);
  });
});

describe('the HEC token', () => {
  test('from the environment, or a clear error naming both sources', () => {
    expect(readHecToken(undefined, { RISKGATE_HEC_TOKEN: ' abc \n' })).toBe('abc');
    expect(() => readHecToken(undefined, {})).toThrow('--hec-token-file FILE or the RISKGATE_HEC_TOKEN environment variable');
    expect(() => readHecToken('/nonexistent/token', {})).toThrow('--hec-token-file /nonexistent/token: ENOENT');
  });
});
