// Every relative link in README.md and docs/ resolves: the file exists and a `#anchor` names a heading of it.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO } from '../check/cli-run.js';
import { headingAnchors, links, pages } from './markdown-pages.js';

const relative = pages().flatMap((p) => links(p).filter((l) => !/^[a-z][a-z0-9+.-]*:/i.test(l.target)).map((l) => ({ ...l, page: p.path, text: p.text })));

describe('relative links in README.md and docs/', () => {
  test('there are links to check', () => {
    expect(relative.length).toBeGreaterThan(20);
  });

  test.each(relative.map((l) => [`${l.page}:${l.line} → ${l.target}`, l] as const))('%s resolves', (_title, link) => {
    const [path, anchor] = link.target.split('#') as [string, string | undefined];
    const file = path === '' ? join(REPO, link.page) : join(REPO, dirname(link.page), decodeURIComponent(path));
    expect(existsSync(file) ? file : `missing: ${file}`).toBe(file);
    if (anchor === undefined || statSync(file).isDirectory()) return;
    expect([...headingAnchors(readFileSync(file, 'utf8'))]).toContain(anchor);
  });
});
