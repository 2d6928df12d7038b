// The Dockerfile (runtime files + the esbuild bundle, non-root, no HEALTHCHECK) and the bundle itself, run without node_modules.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { builtinModules } from 'node:module';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { CHART, ROOT } from './helm.js';

const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; license: string; scripts: Record<string, string>; dependencies: Record<string, string> };

interface Stage {
  from: string;
  name: string | undefined;
  lines: string[];
}

/** Instructions with their continuation lines joined, comments dropped. */
function instructions(): string[] {
  return dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

function stages(): Stage[] {
  const out: Stage[] = [];
  for (const line of instructions()) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) out.push({ from: from[1] as string, name: from[2], lines: [] });
    else out.at(-1)?.lines.push(line);
  }
  return out;
}

const stage = (name: string): Stage => stages().find((s) => s.name === name) ?? (() => { throw new Error(`no stage ${name}`); })();
/** Sources of the COPY instructions that read the build context (no --from). */
const contextCopies = (s: Stage): string[] => s.lines.filter((l) => /^COPY\s/.test(l) && !l.includes('--from=')).flatMap((l) => l.split(/\s+/).slice(1, -1).filter((a) => !a.startsWith('--')));

describe('Dockerfile', () => {
  test('the final stage starts from scratch: the runtime files and the bundle, a numeric non-root user, no RUN and no HEALTHCHECK', () => {
    const final = stages().at(-1)!;
    expect(final.from).toBe('scratch');
    expect(final.lines.filter((l) => l.startsWith('USER'))).toEqual(['USER 1000:1000']);
    const copies = final.lines.filter((l) => l.startsWith('COPY')).map((l) => /--from=(\S+)/.exec(l)?.[1]);
    expect(new Set(copies)).toEqual(new Set(['runtime', 'app']));
    expect(final.lines.some((l) => l.startsWith('RUN'))).toBe(false);
    expect(instructions().some((l) => /^HEALTHCHECK\b/i.test(l))).toBe(false);
    expect(final.lines).toContain('ENTRYPOINT ["node", "--max-semi-space-size=4", "/app/riskgate.js"]');
  });

  test('the bundle comes from `npm run bundle`, run in the build (APP_FROM=build, the default) or in the work tree (APP_FROM=context)', () => {
    expect(instructions()).toContain('ARG APP_FROM=build');
    expect(stages().find((s) => s.name === 'app')?.from).toBe('app-${APP_FROM:-build}');
    const build = stage('build');
    expect(build.lines).toContain('RUN npm ci --ignore-scripts --no-audit --no-fund');
    expect(build.lines).toContain('RUN npm run build && npm run bundle');
    expect(stage('app-build').lines).toEqual(['COPY --from=build /src/build/image/ /']);
    expect(stage('app-context').lines).toEqual(['COPY build/image/ /']);
    expect(pkg.scripts['bundle']).toBe('node scripts/bundle-image.mjs');
  });

  test('the build stage copies every local module the bundle script imports, and .dockerignore lets in each file the Dockerfile copies', () => {
    const sources = [...contextCopies(stage('build')), ...contextCopies(stage('app-context'))];
    const script = readFileSync(join(ROOT, 'scripts', 'bundle-image.mjs'), 'utf8');
    const localImports = [...script.matchAll(/from '(\.\/[^']+)'/g)].map((m) => join('scripts', m[1]!));
    for (const file of ['scripts/bundle-image.mjs', ...localImports]) expect(sources).toContain(file);
    const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(ignore[0]).toBe('*');
    const allowed = ignore.slice(1).map((l) => l.replace(/^!/, '').replace(/\/$/, ''));
    for (const source of sources) expect([source, allowed.some((a) => source.replace(/\/$/, '') === a || source.startsWith(`${a}/`))]).toEqual([source, true]);
  });

  test('serve runs with the same node flags in the image, under npm start and in the benches', () => {
    const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)![1]!) as string[];
    const imageFlags = entrypoint.slice(1, -1);
    const start = pkg.scripts['start']!.split(' ');
    expect(start.slice(1, start.indexOf('dist/cli/main.js'))).toEqual(imageFlags);
    const benchFlags = /SERVE_NODE_FLAGS = (\[.*\]);/.exec(readFileSync(join(ROOT, 'bench', 'serve-node-flags.mjs'), 'utf8'))![1]!;
    expect(JSON.parse(benchFlags.replace(/'/g, '"'))).toEqual(imageFlags);
  });

  test('the official Node image of the project major by default; labels and chart default image say riskgate <package version>', () => {
    const image = /^ARG NODE_IMAGE=docker\.io\/library\/node:(\d+)\.\d+-bookworm-slim$/m.exec(dockerfile)?.[1];
    expect(image).toBe(process.versions.node.split('.')[0]);
    expect(/^ARG VERSION=(\S+)$/m.exec(dockerfile)?.[1]).toBe(pkg.version);
    expect(dockerfile).toContain('org.opencontainers.image.version="${VERSION}"');
    expect(dockerfile).toContain(`org.opencontainers.image.licenses="${pkg.license}"`);
    const chart = parse(readFileSync(join(CHART, 'Chart.yaml'), 'utf8')) as { appVersion: string; home: string };
    expect(dockerfile).toContain(`org.opencontainers.image.source="${chart.home}"`);
    const values = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as { image: { repository: string; tag: string; pullPolicy: string } };
    expect(chart.appVersion).toBe(pkg.version);
    expect([values.image.repository, values.image.tag || chart.appVersion, values.image.pullPolicy]).toEqual(['riskgate', pkg.version, 'IfNotPresent']);
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

/** Module specifiers the bundle still loads at run time (static and dynamic imports, require calls), each with the text before it. */
function loadedSpecifiers(text: string): Array<{ specifier: string; before: string }> {
  const patterns = [/^(?:import|export)\b[^;]*?\bfrom\s*"([^"]+)";/gm, /^import\s*"([^"]+)";/gm, /\bimport\s*\(\s*"([^"]+)"\s*\)/g, /(?<![\w$'`])(?:__)?require\s*\(\s*"([^"]+)"\s*\)/g];
  return patterns.flatMap((p) => [...text.matchAll(p)].map((m) => ({ specifier: m[1]!, before: text.slice(Math.max(0, m.index! - 200), m.index) })));
}

/** Optional helpers ws (bufferutil, utf-8-validate) and node-fetch (encoding) try to load, and do without when absent. */
const OPTIONAL = new Set(['bufferutil', 'utf-8-validate', 'encoding']);

describe('the image bundle (npm run bundle): dist/ and its dependencies, no node_modules', () => {
  let parent: string;
  let app: string;
  beforeAll(() => {
    // Under the system temp directory: no node_modules above it that Node could fall back on.
    parent = mkdtempSync(join(tmpdir(), 'riskgate-bundle-'));
    app = join(parent, 'app');
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'bundle-image.mjs'), app], { stdio: 'ignore', timeout: 120_000 });
  }, 150_000);
  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  test('it loads only Node built-ins and its own files, and each worker it starts is one of its files', () => {
    const files = readdirSync(app);
    expect(files).toEqual(expect.arrayContaining(['riskgate.js', 'parse-worker.js', 'otlp-worker.js', 'package.json', 'THIRD-PARTY-NOTICES']));
    const builtins = new Set(builtinModules);
    for (const file of files.filter((f) => f.endsWith('.js'))) {
      const text = readFileSync(join(app, file), 'utf8');
      for (const { specifier, before } of loadedSpecifiers(text)) {
        const own = specifier.startsWith('./') && files.includes(specifier.slice(2));
        const ok = specifier.startsWith('node:') || builtins.has(specifier) || own || (OPTIONAL.has(specifier) && before.includes('try {'));
        expect([file, specifier, ok]).toEqual([file, specifier, true]);
      }
      // A module loaded through createRequire(import.meta.url) would be looked up in node_modules at run time.
      expect([file, /createRequire\(import\.meta\.url\)\(/.test(text)]).toEqual([file, false]);
      for (const [, target] of text.matchAll(/new URL\("\.\/([^"]+)", import\.meta\.url\)/g)) expect(files).toContain(target);
    }
    expect(JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'))).toEqual({ name: 'riskgate', version: pkg.version, license: pkg.license, type: 'module' });
  });

  test('THIRD-PARTY-NOTICES has a section, with license text, for each package whose code is in the bundle', () => {
    const notices = readFileSync(join(app, 'THIRD-PARTY-NOTICES'), 'utf8');
    const sections = new Set([...notices.matchAll(/^-{78}\n\n(@?[^@\s]+)@\S+ \(/gm)].map((m) => m[1]!));
    // esbuild heads each bundled module with a comment naming its path.
    const bundled = new Set<string>();
    for (const file of readdirSync(app).filter((f) => f.endsWith('.js'))) {
      for (const m of readFileSync(join(app, file), 'utf8').matchAll(/^\/\/ \S*node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)) bundled.add(m[1]!);
    }
    expect([...bundled].filter((name) => name in pkg.dependencies).length).toBeGreaterThan(5);
    expect([...sections].sort()).toEqual([...bundled].sort());
    expect(notices).toContain('Permission is hereby granted');
  });

  test('riskgate runs from it: --version, check, certs, and serve answering /healthz until SIGTERM', async () => {
    const main = join(app, 'riskgate.js');
    expect(spawnSync(process.execPath, [main, '--version'], { encoding: 'utf8' }).stdout.trim()).toBe(pkg.version);
    const manifest = join(parent, 'np.yaml');
    writeFileSync(manifest, 'apiVersion: v1\nkind: Service\nmetadata: {name: np, namespace: team-a}\nspec: {type: NodePort, ports: [{port: 80}]}\n');
    const check = spawnSync(process.execPath, [main, 'check', manifest], { encoding: 'utf8' });
    expect([check.status, check.stdout]).toEqual([0, expect.stringContaining('kubernetes-node-port-creation record')]);
    const certs = spawnSync(process.execPath, [main, 'certs', '--service', 'riskgate', '--namespace', 'riskgate', '--out', join(parent, 'out')], { encoding: 'utf8' });
    expect([certs.status, certs.stderr]).toEqual([0, expect.stringContaining('tls.key')]);
    const port = await freePort();
    const server = spawn(process.execPath, [main, 'serve', '--port', String(port), '--certs-dir', join(parent, 'certs'), '--data-dir', join(parent, 'data'), '--otlp-port', String(await freePort())], { cwd: dirname(app), stdio: 'ignore', env: { PATH: process.env['PATH'], NODE_ENV: 'production' } });
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
