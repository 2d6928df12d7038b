// Distribution: `npm pack` gives a tarball that another project installs and runs with `npx riskgate` (until a registry release exists).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, requireBuiltCli } from '../check/cli-run.js';

interface LockEntry {
  version: string;
  resolved?: string;
  dev?: boolean;
  [key: string]: unknown;
}

interface PackageJson {
  version: string;
  license: string;
  dependencies: Record<string, string>;
  bin: Record<string, string>;
  engines: Record<string, string>;
  files?: string[];
}

const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as PackageJson;
const tarballName = `riskgate-${pkg.version}.tgz`;
let project = '';

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false' } });
}

/** The consumer's lockfile: the tarball plus riskgate's own production tree, so it installs the versions riskgate is tested with. */
function consumerLock(tarball: Buffer): object {
  const spec = `file:${tarballName}`;
  const own = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const packages: Record<string, unknown> = { '': { name: 'consumer', version: '1.0.0', dependencies: { riskgate: spec } } };
  packages['node_modules/riskgate'] = {
    version: pkg.version,
    resolved: spec,
    integrity: `sha512-${createHash('sha512').update(tarball).digest('base64')}`,
    license: pkg.license,
    dependencies: pkg.dependencies,
    bin: pkg.bin,
    engines: pkg.engines,
  };
  for (const [path, entry] of Object.entries(own.packages)) if (path && !entry.dev) packages[path] = entry;
  return { name: 'consumer', version: '1.0.0', lockfileVersion: 3, requires: true, packages };
}

function npx(args: string[]): { code: number; stdout: string; stderr: string } {
  try {
    return { code: 0, stdout: execFileSync('npx', ['--offline', 'riskgate', ...args], { cwd: project, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }), stderr: '' };
  } catch (error) {
    const failed = error as { status: number; stdout: string; stderr: string };
    return { code: failed.status, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm pack', () => {
  let packed: string[] = [];

  beforeAll(() => {
    requireBuiltCli();
    project = mkdtempSync(join(tmpdir(), 'riskgate-consumer-'));
    // dist/ is already built (the tests that run the CLI need it); --ignore-scripts skips prepare's second build.
    const report = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', project], REPO)) as { filename: string; files: { path: string }[] }[];
    packed = report[0]!.files.map((file) => file.path);
    const tarball = readFileSync(join(project, report[0]!.filename));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, dependencies: { riskgate: `file:${tarballName}` } }));
    writeFileSync(join(project, 'package-lock.json'), JSON.stringify(consumerLock(tarball)));
    // The dependencies come from npm's cache (filled by riskgate's own `npm ci`), the registry only for what is missing.
    npm(['ci', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'], project);
    writeFileSync(join(project, 'service.yaml'), 'apiVersion: v1\nkind: Service\nmetadata: {name: np}\nspec: {type: NodePort}\n');
    writeFileSync(join(project, 'deny.yaml'), 'rules:\n  kubernetes-node-port-creation: {action: deny}\n');
  }, 240_000);

  afterAll(() => {
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it('ships the built CLI and the project documents, not the sources or tests', () => {
    expect(packed).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'CHANGELOG.md', 'SECURITY.md', 'package.json', 'dist/cli/main.js']));
    expect(packed.filter((path) => /^(src|test|bench|tools|scripts)\//.test(path))).toEqual([]);
  });

  it('runs `npx riskgate check` in the other project', () => {
    const result = npx(['check', 'service.yaml']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('service.yaml:1: Service/default/np kubernetes-node-port-creation record');
  });

  it('denies with a policy file of that project (exit 1)', () => {
    const result = npx(['check', '--policy', 'deny.yaml', 'service.yaml']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('kubernetes-node-port-creation deny');
  });

  it('reports the packed version', () => {
    expect(npx(['--version']).stdout.trim()).toBe(pkg.version);
  });
});
