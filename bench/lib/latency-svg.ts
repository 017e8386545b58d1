/**
 * The latency bench's plot, written as SVG text: latency percentiles per window on a log scale
 * (top), with flushes and compactions per window underneath on the same time axis, so a latency
 * spike can be matched to the background work that happened in the same window.
 */

export interface PlotWindow {
  readonly endS: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
  readonly flushes: number;
  readonly compactions: number;
}

const WIDTH = 960;
const LEFT = 70;
const RIGHT = 150;
const TOP_PANEL = { y: 40, height: 300 };
const BOTTOM_PANEL = { y: 400, height: 140 };
const HEIGHT = 590;
const SERIES = [
  { key: 'p50Ms', label: 'p50', color: '#2b8a3e' },
  { key: 'p99Ms', label: 'p99', color: '#1971c2' },
  { key: 'p999Ms', label: 'p99.9', color: '#e8590c' },
  { key: 'maxMs', label: 'max', color: '#c92a2a' },
] as const;

const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (n: number): string => n.toFixed(1);

export function renderLatencySvg(windows: readonly PlotWindow[], title: string, thresholdMs: number): string {
  const plotWidth = WIDTH - LEFT - RIGHT;
  const lastS = Math.max(1, ...windows.map((w) => w.endS));
  const x = (seconds: number): number => LEFT + (seconds / lastS) * plotWidth;

  // Log scale from 0.1 ms to the next power of ten above the worst max (and the threshold).
  const minMs = 0.1;
  const worst = Math.max(thresholdMs, ...windows.map((w) => w.maxMs));
  const maxMs = 10 ** Math.ceil(Math.log10(worst));
  const decades = Math.log10(maxMs / minMs);
  const y = (ms: number): number => {
    const clamped = Math.min(maxMs, Math.max(minMs, ms));
    return TOP_PANEL.y + TOP_PANEL.height * (1 - Math.log10(clamped / minMs) / decades);
  };

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`);
  out.push(`<text x="${LEFT}" y="22" font-size="15" font-weight="bold">${escapeXml(title)}</text>`);

  // Latency panel: decade grid lines, the threshold, one polyline per percentile.
  for (let ms = minMs; ms <= maxMs * 1.001; ms *= 10) {
    out.push(`<line x1="${LEFT}" x2="${LEFT + plotWidth}" y1="${fmt(y(ms))}" y2="${fmt(y(ms))}" stroke="#ddd"/>`);
    out.push(`<text x="${LEFT - 6}" y="${fmt(y(ms) + 4)}" text-anchor="end">${ms >= 1 ? ms.toFixed(0) : ms.toFixed(1)} ms</text>`);
  }
  out.push(`<line x1="${LEFT}" x2="${LEFT + plotWidth}" y1="${fmt(y(thresholdMs))}" y2="${fmt(y(thresholdMs))}" stroke="#c92a2a" stroke-dasharray="6 4"/>`);
  out.push(`<text x="${LEFT + plotWidth + 6}" y="${fmt(y(thresholdMs) + 4)}" fill="#c92a2a">p99.9 target ${thresholdMs} ms</text>`);
  SERIES.forEach((series, i) => {
    const points = windows.map((w) => `${fmt(x(w.endS))},${fmt(y(w[series.key]))}`).join(' ');
    out.push(`<polyline points="${points}" fill="none" stroke="${series.color}" stroke-width="2"/>`);
    for (const w of windows) out.push(`<circle cx="${fmt(x(w.endS))}" cy="${fmt(y(w[series.key]))}" r="2.5" fill="${series.color}"/>`);
    const legendY = TOP_PANEL.y + 16 + i * 18;
    out.push(`<line x1="${LEFT + plotWidth + 10}" x2="${LEFT + plotWidth + 30}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="${series.color}" stroke-width="2"/>`);
    out.push(`<text x="${LEFT + plotWidth + 36}" y="${legendY}">${series.label}</text>`);
  });
  out.push(`<text x="${LEFT - 55}" y="${TOP_PANEL.y - 8}">latency</text>`);

  // Activity panel: flush and compaction counts per window as paired bars.
  const busiest = Math.max(1, ...windows.map((w) => Math.max(w.flushes, w.compactions)));
  const barY = (count: number): number => BOTTOM_PANEL.y + BOTTOM_PANEL.height * (1 - count / busiest);
  const slot = windows.length > 0 ? plotWidth / windows.length : plotWidth;
  const barWidth = Math.max(1, slot * 0.35);
  out.push(`<line x1="${LEFT}" x2="${LEFT + plotWidth}" y1="${BOTTOM_PANEL.y + BOTTOM_PANEL.height}" y2="${BOTTOM_PANEL.y + BOTTOM_PANEL.height}" stroke="#333"/>`);
  out.push(`<text x="${LEFT - 6}" y="${BOTTOM_PANEL.y + 4}" text-anchor="end">${busiest}</text>`);
  out.push(`<text x="${LEFT - 6}" y="${BOTTOM_PANEL.y + BOTTOM_PANEL.height + 4}" text-anchor="end">0</text>`);
  out.push(`<text x="${LEFT - 55}" y="${BOTTOM_PANEL.y - 8}">per window</text>`);
  windows.forEach((w, i) => {
    const left = LEFT + i * slot + slot * 0.15;
    out.push(`<rect x="${fmt(left)}" y="${fmt(barY(w.flushes))}" width="${fmt(barWidth)}" height="${fmt(BOTTOM_PANEL.y + BOTTOM_PANEL.height - barY(w.flushes))}" fill="#74c0fc"/>`);
    out.push(`<rect x="${fmt(left + barWidth)}" y="${fmt(barY(w.compactions))}" width="${fmt(barWidth)}" height="${fmt(BOTTOM_PANEL.y + BOTTOM_PANEL.height - barY(w.compactions))}" fill="#f59f00"/>`);
  });
  const legendY = BOTTOM_PANEL.y + 16;
  out.push(`<rect x="${LEFT + plotWidth + 10}" y="${legendY - 10}" width="14" height="10" fill="#74c0fc"/><text x="${LEFT + plotWidth + 30}" y="${legendY}">flushes</text>`);
  out.push(`<rect x="${LEFT + plotWidth + 10}" y="${legendY + 8}" width="14" height="10" fill="#f59f00"/><text x="${LEFT + plotWidth + 30}" y="${legendY + 18}">compactions</text>`);

  // Shared time axis.
  const axisY = BOTTOM_PANEL.y + BOTTOM_PANEL.height;
  const step = Math.max(10, Math.ceil(lastS / 10 / 10) * 10);
  for (let s = 0; s <= lastS; s += step) {
    out.push(`<line x1="${fmt(x(s))}" x2="${fmt(x(s))}" y1="${TOP_PANEL.y}" y2="${axisY}" stroke="#f1f1f1"/>`);
    out.push(`<text x="${fmt(x(s))}" y="${axisY + 16}" text-anchor="middle">${s}</text>`);
  }
  out.push(`<text x="${LEFT + plotWidth / 2}" y="${axisY + 34}" text-anchor="middle">seconds since start (window end)</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}
