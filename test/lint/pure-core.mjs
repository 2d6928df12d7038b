// Lint: the pure core (rules, request, engine, spl, kubernetes, signals, cel and the pure output/tls files) imports no I/O.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const PURE_DIRS = ['src/rules', 'src/request', 'src/engine', 'src/spl', 'src/kubernetes', 'src/signals', 'src/cel'];
const PURE_FILES = [
  'src/outputs/risk-event.ts', 'src/outputs/admission-response.ts', 'src/tls/certificates.ts',
  'src/vap/admission-policy.ts', 'src/vap/summary-cel.ts', 'src/vap/vap-set.ts', 'src/vap/vap-yaml.ts',
  'src/cluster-audit/audit-targets.ts', 'src/cluster-audit/audit-report.ts', 'src/cluster-audit/policy-report.ts', 'src/cluster-audit/policy-report-result.ts',
];
const FORBIDDEN = [
  { pattern: /from\s+['"](express|pino|pino-http|fs|node:fs|fs\/promises|node:fs\/promises|prom-client|@kubernetes\/client-node)['"]/, what: 'an I/O module' },
  { pattern: /process\.env/, what: 'process.env' },
  { pattern: /\bany\b(?=\s*[;,)\]>|=])|:\s*any\b|as\s+any\b/, what: '`any`' },
];

function filesUnder(dir) {
  let out = [];
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(filesUnder(path));
    else if (path.endsWith('.ts')) out.push(path);
  }
  return out;
}

const files = [...PURE_DIRS.flatMap(filesUnder), ...PURE_FILES.filter((f) => { try { return statSync(f).isFile(); } catch { return false; } })];
const problems = [];
for (const file of files) {
  readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
    if (line.trim().startsWith('//') || line.trim().startsWith('*')) return;
    for (const { pattern, what } of FORBIDDEN) if (pattern.test(line)) problems.push(`${file}:${i + 1}: pure core must not use ${what}: ${line.trim()}`);
  });
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`pure-core lint: ${files.length} files clean`);
