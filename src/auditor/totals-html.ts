// Totals per user and per namespace as two small tables; each value links to the view filtered on it.
import { escapeHtml } from './html-escape.js';
import type { Totals } from './event-totals.js';

export function totalsTable(id: string, title: string, totals: Totals, href: (value: string) => string): string {
  if (totals.rows.length === 0) return `<div><h3>${escapeHtml(title)}</h3><p class="empty">none</p></div>`;
  const rows = totals.rows.map(
    (r) => `<tr><td>${r.value ? `<a href="${href(r.value)}">${escapeHtml(r.value)}</a>` : '<i>(none)</i>'}</td><td class="num">${r.deny}</td><td class="num">${r.warn}</td><td class="num">${r.record}</td><td class="num"><b>${r.total}</b></td></tr>`,
  );
  const more = totals.more > 0 ? `<p class="notice">and ${totals.more} more</p>` : '';
  return `<div><h3>${escapeHtml(title)}</h3><div class="scroll"><table id="${id}"><thead><tr><th></th><th class="num">deny</th><th class="num">warn</th><th class="num">record</th><th class="num">total</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>${more}</div>`;
}
