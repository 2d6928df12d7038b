// `riskgate certs`: the files a cluster admin installs verify against their CA for every Service name, with the right modes and usages.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { runCerts } from '../../src/cli/certs-command.js';
import { handshake } from './tls-handshake.js';

const MAIN = join(process.cwd(), 'dist', 'cli', 'main.js');
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const NAMES = ['riskgate', 'riskgate.riskgate', 'riskgate.riskgate.svc', 'riskgate.riskgate.svc.cluster.local'];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'riskgate-certs-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function read(name: string): string {
  return readFileSync(join(dir, name), 'utf8');
}

function cli(...args: string[]) {
  return spawnSync(process.execPath, [MAIN, 'certs', ...args], { encoding: 'utf8' });
}

describe('riskgate certs', () => {
  test('the serving certificate passes a TLS handshake against ca.crt for each of the four Service names, and no other', async () => {
    await runCerts({ service: 'riskgate', namespace: 'riskgate', out: dir, days: 365, clusterDomain: 'cluster.local', force: false });
    const served = { cert: read('tls.crt'), key: read('tls.key') };
    for (const name of NAMES) expect([name, await handshake(served, read('ca.crt'), name)]).toEqual([name, 'ok']);
    expect(await handshake(served, read('ca.crt'), 'other.riskgate.svc')).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    const leaf = new X509Certificate(read('tls.crt'));
    expect(leaf.verify(new X509Certificate(read('ca.crt')).publicKey)).toBe(true);
    for (const name of NAMES) expect(leaf.checkHost(name)).toBe(name);
  });

  test('serverAuth usage, a CA that is a CA, a random positive serial, and the key readable by its owner only', async () => {
    const first = await runCerts({ service: 'riskgate', namespace: 'security', out: dir, days: 30, clusterDomain: 'cluster.local', force: false });
    const leaf = new X509Certificate(read('tls.crt'));
    expect(leaf.keyUsage).toContain(SERVER_AUTH);
    expect(leaf.ca).toBe(false);
    expect(new X509Certificate(read('ca.crt')).ca).toBe(true);
    expect(leaf.subjectAltName).toBe(
      'DNS:riskgate, DNS:riskgate.security, DNS:riskgate.security.svc, DNS:riskgate.security.svc.cluster.local',
    );
    expect(statSync(join(dir, 'tls.key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'tls.crt')).mode & 0o777).toBe(0o644);
    expect(first.caBundle).toBe(Buffer.from(read('ca.crt')).toString('base64'));
    const serial = leaf.serialNumber;
    await runCerts({ service: 'riskgate', namespace: 'security', out: dir, days: 30, clusterDomain: 'cluster.local', force: true });
    const second = new X509Certificate(read('tls.crt')).serialNumber;
    expect(second).not.toBe(serial);
    expect(second.length).toBeGreaterThanOrEqual(30);
    expect(parseInt(second.slice(0, 2), 16) & 0x80).toBe(0);
  });

  test('the CLI prints only the caBundle on stdout, refuses to overwrite without --force, and rejects bad names with exit 2', () => {
    const run = cli('--service', 'riskgate', '--namespace', 'riskgate', '--out', dir);
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe(Buffer.from(read('ca.crt')).toString('base64'));
    expect(run.stderr).toContain('tls.key');
    const again = cli('--service', 'riskgate', '--namespace', 'riskgate', '--out', dir);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('refusing to overwrite');
    expect(cli('--service', 'riskgate', '--namespace', 'riskgate', '--out', dir, '--force').status).toBe(0);
    const bad = cli('--service', 'Bad_Name', '--namespace', 'riskgate', '--out', dir);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--service "Bad_Name" is not a valid Service name');
    expect(cli('--namespace', 'riskgate', '--out', dir).status).toBe(2);
    expect(cli('--service', 'riskgate', '--namespace', 'riskgate', '--out', dir, '--days', '0').status).toBe(2);
  });

  test('an --out path that is a file is a clear error, not a stack trace', () => {
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, 'x');
    const run = cli('--service', 'riskgate', '--namespace', 'riskgate', '--out', file);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^riskgate certs: .*not-a-dir/);
    expect(run.stderr).not.toContain('    at ');
  });
});
