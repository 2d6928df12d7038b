// serve --log-format: JSON lines for collectors, one human line per entry for a terminal (the default when stdout is one).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultLogFormat, prettyDestination, prettyLine } from '../../src/log-format.js';
import { CLI, requireBuiltCli } from '../check/cli-run.js';

describe('prettyLine', () => {
  test('time (UTC), level, message, then the other fields as key=value (JSON where a value needs quoting)', () => {
    const line = JSON.stringify({ level: 'warn', time: Date.UTC(2026, 11, 3, 9, 4, 5, 67), app: 'riskgate', file: '/etc/p.yaml', rules: ['a=deny'], reason: 'two words', msg: 'policy reloaded' });
    expect(prettyLine(line)).toBe('09:04:05.067 WARN  policy reloaded file=/etc/p.yaml rules=["a=deny"] reason="two words"');
  });

  test('a risk event line (no level) reads as RISK; a line that is not a JSON object passes unchanged', () => {
    expect(prettyLine(JSON.stringify({ event_id: 'e1', time: '2026-12-03T09:00:00.000Z', action: 'deny', msg: 'riskgate.risk_event' }))).toBe('09:00:00.000 RISK  riskgate.risk_event event_id=e1 action=deny');
    expect(prettyLine('not json')).toBe('not json');
    expect(prettyLine('[1,2]')).toBe('[1,2]');
  });
});

describe('prettyDestination', () => {
  test('formats complete lines only, whatever the chunking, and flushes the rest', () => {
    const written: string[] = [];
    const out = prettyDestination({ write: (s: string) => void written.push(s) });
    const a = JSON.stringify({ level: 'info', time: 0, msg: 'a' });
    const b = JSON.stringify({ level: 'error', time: 0, msg: 'b' });
    out.write(`${a}\n${b.slice(0, 5)}`);
    out.write(`${b.slice(5)}\n`);
    out.write('tail');
    out.flushSync();
    expect(written.join('')).toBe('00:00:00.000 INFO  a\n00:00:00.000 ERROR b\ntail\n');
  });

  test('the default: pretty on a terminal, json otherwise', () => {
    expect([defaultLogFormat(true), defaultLogFormat(false), defaultLogFormat(undefined)]).toEqual(['pretty', 'json', 'json']);
  });
});

describe('riskgate serve --log-format', () => {
  const lineOf = (format: string): Promise<string> => {
    const dir = mkdtempSync(join(tmpdir(), 'riskgate-log-format-'));
    const child = spawn(process.execPath, [CLI, 'serve', '--host', '127.0.0.1', '--port', '0', '--certs-dir', join(dir, 'certs'), '--data-dir', join(dir, 'data'), '--log-format', format], { stdio: ['ignore', 'pipe', 'pipe'] });
    return new Promise((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        const line = out.split('\n').find((l) => l.includes('riskgate webhook listening'));
        if (line) {
          child.kill('SIGTERM');
          resolve(line);
        }
      });
      child.on('error', reject);
      child.on('close', () => rmSync(dir, { recursive: true, force: true }));
    });
  };

  beforeAll(requireBuiltCli);

  test('pretty and json lines of the same start-up', async () => {
    expect(await lineOf('pretty')).toMatch(/^\d{2}:\d{2}:\d{2}\.\d{3} INFO {2}riskgate webhook listening url=https:\/\/127\.0\.0\.1:\d+ paths=\[/);
    expect(JSON.parse(await lineOf('json'))).toMatchObject({ level: 'info', msg: 'riskgate webhook listening' });
  });
});
