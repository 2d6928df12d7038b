// Draws the counts per rule over time as a stacked bar chart that fills its container: bars in a stretched inline SVG, axis labels as text beside it (no script, no CDN).
import { escapeHtml } from './html-escape.js';
import type { RuleCounts } from './rule-counts.js';

/** Colour-blind-safe palette (Okabe–Ito). */
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000'];
/** The plot is 100 units high whatever its size on screen; a bucket is one unit wide. */
const PLOT_HEIGHT = 100;
const TICKS = 4;

export function colourOf(index: number): string {
  return COLOURS[index % COLOURS.length]!;
}

/** Time of day for a chart spanning a day or less, otherwise month-day and hour (UTC, like the table). */
function label(iso: string, spanMs: number): string {
  return spanMs > 86_400_000 ? `${iso.slice(5, 10)} ${iso.slice(11, 13)}h` : iso.slice(11, 16);
}

function bars(counts: RuleCounts, max: number): string[] {
  const parts: string[] = [];
  counts.buckets.forEach((bucket, i) => {
    let y = PLOT_HEIGHT;
    counts.rules.forEach((r, ri) => {
      const c = r.counts[i]!;
      if (c === 0) return;
      const h = (c / max) * PLOT_HEIGHT;
      y -= h;
      parts.push(
        `<rect x="${(i + 0.1).toFixed(2)}" y="${y.toFixed(2)}" width="0.8" height="${h.toFixed(2)}" fill="${colourOf(ri)}" data-rule="${escapeHtml(r.rule)}"><title>${escapeHtml(r.rule)}: ${c} from ${escapeHtml(bucket)}</title></rect>`,
      );
    });
  });
  return parts;
}

/** A figure whose plot stretches to the container's width; the labels keep their size on a narrow window. */
export function ruleChartSvg(counts: RuleCounts): string {
  const n = counts.buckets.length;
  const max = Math.max(1, ...counts.buckets.map((_, i) => counts.rules.reduce((sum, r) => sum + r.counts[i]!, 0)));
  const ticks = Array.from({ length: TICKS }, (_, t) => counts.buckets[Math.floor((t * n) / TICKS)]!).map((b) => `<span>${escapeHtml(label(b, counts.bucketMs * n))}</span>`);
  const axis = `<line x1="0" y1="${PLOT_HEIGHT}" x2="${n}" y2="${PLOT_HEIGHT}" stroke="#999" vector-effect="non-scaling-stroke"/>`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${n} ${PLOT_HEIGHT}" preserveAspectRatio="none" class="chart-plot" role="img" aria-label="risk events per rule over time, at most ${max} per bar" id="rule-chart">${axis}${bars(counts, max).join('')}</svg>`;
  return `<figure class="chart"><div class="chart-y" aria-hidden="true"><span>${max}</span><span>0</span></div>${svg}<div class="chart-x" aria-hidden="true">${ticks.join('')}</div></figure>`;
}

export function chartLegend(counts: RuleCounts): string {
  const items = counts.rules.map(
    (r, i) => `<li><svg width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill="${colourOf(i)}"/></svg> ${escapeHtml(r.rule)} (${r.total})</li>`,
  );
  return `<ul class="legend">${items.join('')}</ul>`;
}
