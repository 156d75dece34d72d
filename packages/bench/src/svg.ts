/**
 * Small, dependency-free SVG charts: grouped horizontal bars with an optional marker line
 * (the lower bound), stacked bars, and panels (charts stacked into one image, each with its own
 * axis). Axes are fitted to the data (ticks at 1, 2 or 5 x 10^n, the last one just past the
 * largest value) and every series has its own colour and fill pattern, so bars of equal length
 * still tell which strategy they are.
 */

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#9c755f'];
/** Fill patterns per series, after the first (solid): hatches and dots over the series colour. */
const PATTERNS = ['', 'M0,6 L6,0', 'M0,0 L6,6', 'M3,0 L3,6', 'M0,3 L6,3', 'dots', 'M0,6 L6,0 M0,0 L6,6', 'M0,3 L6,3 M3,0 L3,6'];

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * An axis fitted to `value`: a tick step of 1, 2 or 5 x 10^n giving 2 to 7 intervals, and the axis end
 * at the first tick at or past `value` (548 -> step 100, end 600).
 */
export function fittedAxis(value: number): { max: number; step: number } {
  if (!(value > 0)) return { max: 1, step: 0.25 };
  const raw = value / 5;
  const exp = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].map((m) => m * exp).find((s) => value / s <= 7) ?? 10 * exp) as number;
  return { max: Math.ceil(value / step - 1e-9) * step, step };
}

function patternDefs(prefix: string, count: number): string {
  const defs: string[] = [];
  for (let i = 0; i < count; i++) {
    const shape = PATTERNS[i % PATTERNS.length] ?? '';
    if (shape === '') continue;
    const color = PALETTE[i % PALETTE.length];
    const mark =
      shape === 'dots' ? '<circle cx="3" cy="3" r="1.3" fill="#fff"/>' : `<path d="${shape}" stroke="#fff" stroke-width="1.4"/>`;
    defs.push(
      `<pattern id="${prefix}${i}" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="${color}"/>${mark}</pattern>`,
    );
  }
  return defs.length === 0 ? '' : `<defs>${defs.join('')}</defs>`;
}

function fillOf(prefix: string, i: number): string {
  return (PATTERNS[i % PATTERNS.length] ?? '') === '' ? (PALETTE[i % PALETTE.length] as string) : `url(#${prefix}${i})`;
}

/** Vertical grid lines and labelled ticks from 0 to the axis end, the unit after the last. */
function ticks(
  axis: { max: number; step: number },
  x: (v: number) => number,
  y0: number,
  y1: number,
  unit: string,
  fmt: (v: number) => string,
) {
  const out: string[] = [];
  const n = Math.round(axis.max / axis.step);
  for (let t = 0; t <= n; t++) {
    const v = axis.step * t;
    out.push(`<line x1="${x(v)}" y1="${y0}" x2="${x(v)}" y2="${y1}" stroke="#ddd"/>`);
    out.push(`<text x="${x(v)}" y="${y1 + 14}" text-anchor="middle">${esc(fmt(v))}${t === n ? ` ${esc(unit)}` : ''}</text>`);
  }
  return out;
}

function legend(items: readonly string[], x0: number, prefix: string, spacing: number): string[] {
  return items.flatMap((s, i) => [
    `<rect x="${x0 + i * spacing}" y="28" width="10" height="10" fill="${fillOf(prefix, i)}"/>`,
    `<text x="${x0 + i * spacing + 14}" y="37">${esc(s)}</text>`,
  ]);
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
  /** Prefix of the pattern ids, unique per chart within one image (panels). Default `p`. */
  id?: string;
}

/**
 * Horizontal grouped bars; each group may carry a dashed marker (e.g. the lower bound). Each bar
 * is labelled with its series and value, so bars of equal length still say which is which.
 */
export function groupedBars(o: GroupedBarsOptions): string {
  const fmt = o.format ?? ((v: number) => (Number.isInteger(v) ? v.toFixed(0) : v.toFixed(1)));
  const id = o.id ?? 'p';
  const barH = 14;
  const gap = 10;
  const left = 120;
  const width = 760;
  const plotW = width - left - 150;
  const top = 50;
  const groupH = o.series.length * barH + gap;
  const height = top + o.groups.length * groupH + 30;
  const axis = fittedAxis(Math.max(...o.groups.flatMap((g) => [...g.values.map((v) => v ?? 0), g.marker ?? 0])));
  const x = (v: number) => left + (v / axis.max) * plotW;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    patternDefs(id, o.series.length),
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${left}" y="18" font-size="14" font-weight="bold">${esc(o.title)}</text>`,
    ...legend(o.series, left, id, 110),
  ];
  if (o.markerLabel) {
    const lx = left + o.series.length * 110;
    out.push(`<line x1="${lx}" y1="33" x2="${lx + 14}" y2="33" stroke="#000" stroke-dasharray="3,2"/>`);
    out.push(`<text x="${lx + 18}" y="37">${esc(o.markerLabel)}</text>`);
  }
  out.push(...ticks(axis, x, top - 4, height - 24, o.unit, fmt));
  o.groups.forEach((g, gi) => {
    const gy = top + gi * groupH;
    out.push(`<text x="${left - 6}" y="${gy + (o.series.length * barH) / 2 + 4}" text-anchor="end">${esc(g.label)}</text>`);
    g.values.forEach((v, si) => {
      if (v === null) return;
      const y = gy + si * barH;
      out.push(`<rect x="${left}" y="${y}" width="${Math.max(0, x(v) - left)}" height="${barH - 2}" fill="${fillOf(id, si)}"/>`);
      out.push(`<text x="${x(v) + 4}" y="${y + barH - 4}">${esc(fmt(v))} ${esc(o.series[si] ?? '')}</text>`);
    });
    if (g.marker !== undefined) {
      out.push(
        `<line x1="${x(g.marker)}" y1="${gy - 2}" x2="${x(g.marker)}" y2="${gy + o.series.length * barH}" stroke="#000" stroke-width="1.5" stroke-dasharray="3,2"/>`,
      );
    }
  });
  out.push('</svg>');
  return `${out.filter(Boolean).join('\n')}\n`;
}

/** Options of {@link stackedBars}. */
export interface StackedBarsOptions {
  title: string;
  /** The kinds stacked in each bar, bottom first. */
  kinds: readonly string[];
  bars: ReadonlyArray<{ label: string; values: readonly number[] }>;
  unit: string;
}

/** Horizontal stacked bars (e.g. tokens by kind per strategy), with a fitted, ticked axis. */
export function stackedBars(o: StackedBarsOptions): string {
  const barH = 16;
  const left = 190;
  const width = 760;
  const plotW = width - left - 80;
  const top = 50;
  const height = top + o.bars.length * (barH + 4) + 30;
  const axis = fittedAxis(Math.max(...o.bars.map((b) => b.values.reduce((s, v) => s + v, 0))));
  const x = (v: number) => left + (v / axis.max) * plotW;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    patternDefs('k', o.kinds.length),
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${left}" y="18" font-size="14" font-weight="bold">${esc(o.title)}</text>`,
    ...legend(o.kinds, left, 'k', 120),
    ...ticks(axis, x, top - 4, height - 24, o.unit, (v) => v.toLocaleString('en-US')),
  ];
  o.bars.forEach((b, bi) => {
    const y = top + bi * (barH + 4);
    out.push(`<text x="${left - 6}" y="${y + barH - 4}" text-anchor="end">${esc(b.label)}</text>`);
    let acc = 0;
    b.values.forEach((v, ki) => {
      out.push(
        `<rect x="${x(acc)}" y="${y}" width="${Math.max(0, x(acc + v) - x(acc))}" height="${barH}" fill="${fillOf('k', ki)}"/>`,
      );
      acc += v;
    });
    out.push(`<text x="${x(acc) + 4}" y="${y + barH - 4}">${acc.toLocaleString('en-US')}</text>`);
  });
  out.push('</svg>');
  return `${out.filter(Boolean).join('\n')}\n`;
}

/** Charts (each a whole `<svg>`) stacked top to bottom into one image, each keeping its own axis. */
export function panels(title: string, charts: readonly string[]): string {
  const width = 760;
  const heights = charts.map((c) => Number(/height="(\d+(?:\.\d+)?)"/.exec(c)?.[1] ?? 0));
  const height = 30 + heights.reduce((s, h) => s + h, 0);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="20" font-size="15" font-weight="bold">${esc(title)}</text>`,
  ];
  let y = 30;
  charts.forEach((chart, i) => {
    out.push(chart.trim().replace(/^<svg /, `<svg x="0" y="${y}" `));
    y += heights[i] ?? 0;
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
