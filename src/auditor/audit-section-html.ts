// The page's cluster-audit section: the violations riskgate's PolicyReports hold now, per rule and namespace, next to the admission history.
import type { AuditFindings } from './audit-findings.js';
import { escapeHtml } from './html-escape.js';
import { shortTime } from './event-table-html.js';

export type AuditSection = { findings: AuditFindings } | { error: string };

function caption(f: AuditFindings): string {
  const when = f.auditedAt ? `audited ${escapeHtml(shortTime(f.auditedAt))} UTC` : 'no result yet';
  const left = f.leftOut > 0 ? `; ${f.leftOut} results left out of full reports (their summaries count them)` : '';
  return `<p class="notice" id="audit-caption">Objects in the cluster now, judged as if created now (${when}, ${f.reports} PolicyReports): ${f.totals.fail} would be denied, ${f.totals.warn} flagged, ${f.totals.skip} exempt, ${f.totals.pass} pass${left}.</p>`;
}

export function auditSection(section: AuditSection, href: (rule: string, namespace: string) => string): string {
  if ('error' in section) return `<section id="cluster-audit"><h2>Cluster audit</h2><p class="replica-missing" id="audit-error">The cluster audit's PolicyReports could not be read: ${escapeHtml(section.error)}</p></section>`;
  const f = section.findings;
  const rows = f.rows.map(
    (r) => `<tr data-rule="${escapeHtml(r.rule)}" data-namespace="${escapeHtml(r.namespace)}"><td>${escapeHtml(r.rule)}</td><td>${r.namespace ? `<a href="${href(r.rule, r.namespace)}">${escapeHtml(r.namespace)}</a>` : '<i>(cluster-scoped)</i>'}</td><td class="num">${r.fail}</td><td class="num">${r.warn}</td><td class="num">${r.skip}</td></tr>`,
  );
  const table = rows.length === 0
    ? '<p class="empty" id="audit-empty">No violations in the cluster now.</p>'
    : `<div class="scroll"><table id="audit"><thead><tr><th>rule</th><th>namespace</th><th class="num">would be denied</th><th class="num">flagged</th><th class="num">exempt</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
  return `<section id="cluster-audit"><h2>Cluster audit: violations now</h2>${caption(f)}${table}</section>`;
}
