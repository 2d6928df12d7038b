// Image step: bundles the compiled dist/ and its production dependencies into build/image/ (esbuild), which is all the image's /app holds.
// Run after `npm run build`; `node scripts/bundle-image.mjs DIR` writes to DIR instead. The output needs no node_modules:
// the entry riskgate.js, the check worker parse-worker.js, the OTLP receiver's thread otlp-worker.js, shared chunks loaded on demand (the CLI's lazy imports stay
// lazy), a package.json that marks them ES modules, and THIRD-PARTY-NOTICES (the bundled packages' licenses).
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { thirdPartyNotices } from './third-party-notices.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(process.argv[2] ?? join(root, 'build', 'image'));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/**
 * `createRequire(import.meta.url)(id)` loads id relative to the calling file, exactly as a CommonJS `require(id)` there
 * would: rewritten that way, esbuild sees the call and bundles what it loads (package.json, a package's CommonJS file)
 * instead of leaving a lookup that fails without node_modules.
 */
const createRequireCalls = {
  name: 'create-require-calls',
  setup(bundle) {
    bundle.onLoad({ filter: /[\\/]dist[\\/].*\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      return { contents: text.replaceAll('createRequire(import.meta.url)(', 'require('), loader: 'js' };
    });
  },
};

// CommonJS dependencies call require() for Node's built-in modules: an ES module has no require, so each output file defines one.
const banner = "import { createRequire as riskgateCreateRequire } from 'node:module';\nconst require = riskgateCreateRequire(import.meta.url);";

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { riskgate: 'dist/cli/main.js', 'parse-worker': 'dist/check/parse-worker.js', 'otlp-worker': 'dist/otlp/otlp-worker.js' },
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunk-[hash]',
  banner: { js: banner },
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  plugins: [createRequireCalls],
});
writeFileSync(join(out, 'package.json'), `${JSON.stringify({ name: pkg.name, version: pkg.version, license: pkg.license, type: 'module' }, null, 2)}\n`);
writeFileSync(join(out, 'THIRD-PARTY-NOTICES'), thirdPartyNotices(result.metafile, root));
const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
console.log(`${out}: ${Object.keys(result.metafile.outputs).length} JavaScript files, ${(bytes / 1e6).toFixed(1)} MB`);
