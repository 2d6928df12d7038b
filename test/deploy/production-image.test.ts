// The Dockerfile: multi-stage, non-root, production dependencies only; and that layout (dist + prod deps) really runs riskgate.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CHART, ROOT } from './helm.js';

const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };

interface Stage {
  from: string;
  name: string | undefined;
  lines: string[];
}

function stages(): Stage[] {
  const out: Stage[] = [];
  for (const line of dockerfile.split('\n').map((l) => l.trim())) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) out.push({ from: from[1] as string, name: from[2], lines: [] });
    else if (line && !line.startsWith('#')) out.at(-1)?.lines.push(line);
  }
  return out;
}

describe('Dockerfile', () => {
  test('multi-stage: the final stage copies production dependencies and the compiled dist, and runs as a numeric non-root user', () => {
    const all = stages();
    expect(all.length).toBeGreaterThanOrEqual(2);
    const final = all.at(-1)!;
    const user = final.lines.find((l) => l.startsWith('USER'));
    expect(user).toMatch(/^USER [1-9]\d*(:\d+)?$/);
    const depsStage = /COPY --from=(\S+) \S+\/node_modules/.exec(final.lines.join('\n'))?.[1];
    const deps = all.find((s) => s.name === depsStage)!;
    expect(deps.lines.join('\n')).toMatch(/npm ci --omit=dev/);
    expect(final.lines.some((l) => /^RUN .*npm (ci|install)/.test(l))).toBe(false);
    expect(final.lines).toContain('ENTRYPOINT ["node", "--max-semi-space-size=4", "/app/dist/cli/main.js"]');
  });

  test('serve runs with the same node flags in the image, under npm start and in the benches', () => {
    const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)![1]!) as string[];
    const imageFlags = entrypoint.slice(1, -1);
    const start = (pkg as unknown as { scripts: Record<string, string> }).scripts['start']!.split(' ');
    expect(start.slice(1, start.indexOf('dist/cli/main.js'))).toEqual(imageFlags);
    const benchFlags = /SERVE_NODE_FLAGS = (\[.*\]);/.exec(readFileSync(join(ROOT, 'bench', 'serve-node-flags.mjs'), 'utf8'))![1]!;
    expect(JSON.parse(benchFlags.replace(/'/g, '"'))).toEqual(imageFlags);
  });

  test('the base image is the Node major the project runs on, and the chart default image is riskgate:<package version>', () => {
    const image = /ARG NODE_IMAGE=node:(\d+)\./.exec(dockerfile)?.[1];
    expect(image).toBe(process.versions.node.split('.')[0]);
    const chart = parse(readFileSync(join(CHART, 'Chart.yaml'), 'utf8')) as { appVersion: string };
    const values = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as { image: { repository: string; tag: string } };
    expect(chart.appVersion).toBe(pkg.version);
    expect([values.image.repository, values.image.tag || chart.appVersion]).toEqual(['riskgate', pkg.version]);
    expect(readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n')).toEqual(expect.arrayContaining(['*', '!src/', '!package-lock.json']));
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function healthz(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/healthz', rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

describe('the image layout: dist/ + production dependencies only', () => {
  let app: string;
  beforeAll(() => {
    app = mkdtempSync(join(tmpdir(), 'riskgate-image-'));
    for (const file of ['package.json', 'package-lock.json']) cpSync(join(ROOT, file), join(app, file));
    execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: app, stdio: 'ignore', timeout: 240_000 });
    cpSync(join(ROOT, 'dist'), join(app, 'dist'), { recursive: true });
  }, 300_000);
  afterAll(() => rmSync(app, { recursive: true, force: true }));

  test('no dev-only package is installed (as package-lock.json marks them), every production one is', () => {
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; optional?: boolean; devOptional?: boolean }> };
    const topLevel = Object.entries(lock.packages).filter(([path]) => /^node_modules\/(@[^/]+\/)?[^/]+$/.test(path));
    const devOnly = topLevel.filter(([, entry]) => entry.dev === true).map(([path]) => path);
    expect(devOnly).toEqual(expect.arrayContaining(['node_modules/jest', 'node_modules/typescript']));
    for (const path of devOnly) expect([path, existsSync(join(app, path))]).toEqual([path, false]);
    for (const dep of Object.keys(pkg.dependencies)) expect([dep, existsSync(join(app, 'node_modules', dep))]).toEqual([dep, true]);
  });

  test('riskgate runs there: --version, certs, and serve answering /healthz until SIGTERM', async () => {
    const main = join(app, 'dist', 'cli', 'main.js');
    expect(spawnSync(process.execPath, [main, '--version'], { encoding: 'utf8' }).stdout.trim()).toBe(pkg.version);
    const certs = spawnSync(process.execPath, [main, 'certs', '--service', 'riskgate', '--namespace', 'riskgate', '--out', join(app, 'out')], { encoding: 'utf8' });
    expect([certs.status, certs.stderr]).toEqual([0, expect.stringContaining('tls.key')]);
    const port = await freePort();
    const server = spawn(process.execPath, [main, 'serve', '--port', String(port), '--certs-dir', join(app, 'certs'), '--data-dir', join(app, 'data')], { cwd: app, stdio: 'ignore', env: { ...process.env, NODE_ENV: 'production' } });
    const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
    let status = 0;
    for (let attempt = 0; attempt < 200 && status !== 200 && server.exitCode === null; attempt++) {
      status = await healthz(port);
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toBe(200);
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
