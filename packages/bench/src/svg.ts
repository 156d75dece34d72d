/**
 * Small, dependency-free SVG charts: grouped horizontal bars with an optional marker line
 * (the lower bound), and stacked bars (tokens by kind).
 */

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#9c755f'];

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const exp = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * exp >= value) return step * exp;
  return 10 * exp;
}

/** A group of bars (one per series) with an optional marker value. */
export interface BarGroup {
  label: string;
  values: ReadonlyArray<number | null>;
  marker?: number;
}

/** Options of {@link groupedBars}. */
export interface GroupedBarsOptions {
  title: string;
  series: readonly string[];
  groups: readonly BarGroup[];
  unit: string;
  markerLabel?: string;
  format?: (value: number) => string;
}

/** Horizontal grouped bars; each group may carry a dashed marker (e.g. the lower bound). */
export function groupedBars(o: GroupedBarsOptions): string {
  const fmt = o.format ?? ((v: number) => v.toFixed(0));
  const barH = 14;
  const gap = 10;
  const left = 120;
  const width = 760;
  const plotW = width - left - 90;
  const top = 50;
  const groupH = o.series.length * barH + gap;
  const height = top + o.groups.length * groupH + 30;
  const max = niceMax(Math.max(...o.groups.flatMap((g) => [...g.values.map((v) => v ?? 0), g.marker ?? 0])));
  const x = (v: number) => left + (v / max) * plotW;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${left}" y="18" font-size="14" font-weight="bold">${esc(o.title)}</text>`,
  ];
  o.series.forEach((s, i) => {
    const lx = left + i * 110;
    out.push(`<rect x="${lx}" y="28" width="10" height="10" fill="${PALETTE[i % PALETTE.length]}"/>`);
    out.push(`<text x="${lx + 14}" y="37">${esc(s)}</text>`);
  });
  if (o.markerLabel) {
    const lx = left + o.series.length * 110;
    out.push(`<line x1="${lx}" y1="33" x2="${lx + 14}" y2="33" stroke="#000" stroke-dasharray="3,2"/>`);
    out.push(`<text x="${lx + 18}" y="37">${esc(o.markerLabel)}</text>`);
  }
  for (let t = 0; t <= 4; t++) {
    const v = (max / 4) * t;
    out.push(`<line x1="${x(v)}" y1="${top - 4}" x2="${x(v)}" y2="${height - 24}" stroke="#ddd"/>`);
    out.push(
      `<text x="${x(v)}" y="${height - 10}" text-anchor="middle">${esc(fmt(v))}${t === 4 ? ` ${esc(o.unit)}` : ''}</text>`,
    );
  }
  o.groups.forEach((g, gi) => {
    const gy = top + gi * groupH;
    out.push(`<text x="${left - 6}" y="${gy + (o.series.length * barH) / 2 + 4}" text-anchor="end">${esc(g.label)}</text>`);
    g.values.forEach((v, si) => {
      if (v === null) return;
      const y = gy + si * barH;
      out.push(
        `<rect x="${left}" y="${y}" width="${Math.max(0, x(v) - left)}" height="${barH - 2}" fill="${PALETTE[si % PALETTE.length]}"/>`,
      );
      out.push(`<text x="${x(v) + 4}" y="${y + barH - 4}">${esc(fmt(v))}</text>`);
    });
    if (g.marker !== undefined) {
      out.push(
        `<line x1="${x(g.marker)}" y1="${gy - 2}" x2="${x(g.marker)}" y2="${gy + o.series.length * barH}" stroke="#000" stroke-width="1.5" stroke-dasharray="3,2"/>`,
      );
    }
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** Options of {@link stackedBars}. */
export interface StackedBarsOptions {
  title: string;
  /** The kinds stacked in each bar, bottom first. */
  kinds: readonly string[];
  bars: ReadonlyArray<{ label: string; values: readonly number[] }>;
  unit: string;
}

/** Horizontal stacked bars (e.g. tokens by kind per strategy). */
export function stackedBars(o: StackedBarsOptions): string {
  const barH = 16;
  const left = 190;
  const width = 760;
  const plotW = width - left - 80;
  const top = 50;
  const height = top + o.bars.length * (barH + 4) + 30;
  const max = niceMax(Math.max(...o.bars.map((b) => b.values.reduce((s, v) => s + v, 0))));
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${left}" y="18" font-size="14" font-weight="bold">${esc(o.title)}</text>`,
  ];
  o.kinds.forEach((k, i) => {
    const lx = left + i * 120;
    out.push(`<rect x="${lx}" y="28" width="10" height="10" fill="${PALETTE[i % PALETTE.length]}"/>`);
    out.push(`<text x="${lx + 14}" y="37">${esc(k)}</text>`);
  });
  o.bars.forEach((b, bi) => {
    const y = top + bi * (barH + 4);
    out.push(`<text x="${left - 6}" y="${y + barH - 4}" text-anchor="end">${esc(b.label)}</text>`);
    let acc = 0;
    b.values.forEach((v, ki) => {
      const x0 = left + (acc / max) * plotW;
      const w = (v / max) * plotW;
      out.push(`<rect x="${x0}" y="${y}" width="${Math.max(0, w)}" height="${barH}" fill="${PALETTE[ki % PALETTE.length]}"/>`);
      acc += v;
    });
    out.push(`<text x="${left + (acc / max) * plotW + 4}" y="${y + barH - 4}">${acc.toLocaleString('en-US')}</text>`);
  });
  out.push(`<text x="${left + plotW}" y="${height - 8}" text-anchor="end">${esc(o.unit)}</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
