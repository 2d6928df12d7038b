// Image step: the license text of every package the bundle took code from, to ship beside it (the bundle drops their files).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const LICENSE_FILE = /^(licen[cs]e|copying|notice)(\.|-|$)/i;

/** The package directory (relative to the bundle's working directory) an esbuild input path belongs to, or undefined for our own files. */
function packageDir(input) {
  const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
  return match?.[1];
}

function noticeOf(root, dir) {
  const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
  const files = readdirSync(join(root, dir)).filter((name) => LICENSE_FILE.test(name)).sort();
  const texts = files.map((name) => readFileSync(join(root, dir, name), 'utf8').trim());
  const license = typeof pkg.license === 'string' ? pkg.license : 'see its package.json';
  const body = texts.length > 0 ? texts.join('\n\n') : `(the package ships no license file; its package.json says ${license})`;
  return `${pkg.name}@${pkg.version} (${license})\n\n${body}\n`;
}

/** One text with a section per bundled package, sorted by name: its name, version, license and license files. */
export function thirdPartyNotices(metafile, root) {
  const dirs = new Set();
  for (const output of Object.values(metafile.outputs)) {
    for (const input of Object.keys(output.inputs)) {
      const dir = packageDir(input);
      if (dir && existsSync(join(root, dir, 'package.json'))) dirs.add(dir);
    }
  }
  const sections = [...dirs].map((dir) => noticeOf(root, dir)).sort();
  const rule = `\n${'-'.repeat(78)}\n\n`;
  return `riskgate's image bundles code from these ${sections.length} packages (riskgate itself: Apache-2.0).${rule}${sections.join(rule)}`;
}
