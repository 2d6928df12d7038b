// Draws the counts per rule over time as an inline SVG stacked bar chart (no script, no CDN: the page works offline).
import { escapeHtml } from './html-escape.js';
import type { RuleCounts } from './rule-counts.js';

const WIDTH = 720;
const HEIGHT = 180;
const PAD = { left: 36, right: 8, top: 8, bottom: 22 };
/** Colour-blind-safe palette (Okabe–Ito). */
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000'];

export function colourOf(index: number): string {
  return COLOURS[index % COLOURS.length]!;
}

/** Time of day for a chart spanning a day or less, otherwise month-day and hour (UTC, like the table). */
function label(iso: string, spanMs: number): string {
  return spanMs > 86_400_000 ? `${iso.slice(5, 10)} ${iso.slice(11, 13)}h` : iso.slice(11, 16);
}

export function ruleChartSvg(counts: RuleCounts): string {
  const n = counts.buckets.length;
  const totals = counts.buckets.map((_, i) => counts.rules.reduce((sum, r) => sum + r.counts[i]!, 0));
  const max = Math.max(1, ...totals);
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const barW = plotW / n;
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    let y = PAD.top + plotH;
    counts.rules.forEach((r, ri) => {
      const c = r.counts[i]!;
      if (c === 0) return;
      const h = (c / max) * plotH;
      y -= h;
      const x = PAD.left + i * barW + 1;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, barW - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${colourOf(ri)}" data-rule="${escapeHtml(r.rule)}"><title>${escapeHtml(r.rule)}: ${c} from ${escapeHtml(counts.buckets[i]!)}</title></rect>`,
      );
    });
  }
  const ticks = [0, Math.floor(n / 4), Math.floor(n / 2), Math.floor((3 * n) / 4)].map(
    (i) => `<text x="${(PAD.left + i * barW).toFixed(1)}" y="${HEIGHT - 6}" font-size="10" fill="#444">${escapeHtml(label(counts.buckets[i]!, counts.bucketMs * n))}</text>`,
  );
  const axis = `<line x1="${PAD.left}" y1="${PAD.top + plotH}" x2="${WIDTH - PAD.right}" y2="${PAD.top + plotH}" stroke="#999"/><text x="2" y="${PAD.top + 10}" font-size="10" fill="#444">${max}</text><text x="2" y="${PAD.top + plotH}" font-size="10" fill="#444">0</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="risk events per rule over time" id="rule-chart">${axis}${parts.join('')}${ticks.join('')}</svg>`;
}

export function chartLegend(counts: RuleCounts): string {
  const items = counts.rules.map(
    (r, i) => `<li><svg width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill="${colourOf(i)}"/></svg> ${escapeHtml(r.rule)} (${r.total})</li>`,
  );
  return `<ul class="legend">${items.join('')}</ul>`;
}
