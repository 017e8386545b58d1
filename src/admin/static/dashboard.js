/*
 * StrataKV dashboard: polls /api/stats once a second and draws the server's own per-second
 * history with uPlot. The server samples every series each whole second and keeps the last fifteen
 * minutes (src/admin/stats-history.ts): the first poll brings all of it, so a page opened after an
 * incident shows it; each later poll asks only for the seconds after the newest one it has. Rates
 * (ops/sec, bytes/sec) are the server's, per whole second. Latency comes from the server's own
 * per-second percentiles (the last five minutes), sent whole.
 *
 * Every time chart shows a fixed window (1, 5 or 15 minutes, chosen in the header) ending at the
 * server's newest second, ticked on whole seconds; a chart with nothing to draw in it says so.
 *
 * Hovering a time chart shows, in every time chart's legend, the values at the second under the
 * pointer (the cursors move together), and holds the charts still meanwhile so that second does
 * not slide away; the Pause button holds them until pressed again. Held charts say so in the
 * header; polling goes on, so the tiles stay live and the charts jump to now when released.
 *
 * Plain ES module, no build step: served as is from src/admin/static/.
 */
/* global document, fetch, setTimeout, ResizeObserver */
import uPlot from '/dashboard/vendor/uPlot.esm.js';

const POLL_INTERVAL_MS = 1000;
/** What the server keeps (seconds); the window shown is chosen by the header's buttons. */
const HISTORY_SECONDS = 900;
let windowSeconds = 300;
const CHART_HEIGHT = 220;
const COMMANDS_SHOWN = 8;

const AXIS_COLOR = '#8a96a6';
const GRID_COLOR = 'rgba(255, 255, 255, 0.07)';

// ---------------------------------------------------------------------------- formatting

const integerFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimalFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

function formatCount(n) {
  return n === null || n === undefined ? '–' : integerFormat.format(n);
}

function formatRate(n, digits = null) {
  if (n === null || n === undefined) return '–';
  if (digits !== null) return n.toLocaleString('en-US', { maximumFractionDigits: digits });
  return n >= 100 ? integerFormat.format(n) : decimalFormat.format(n);
}

function formatBytes(n, digits = null) {
  if (n === null || n === undefined) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${digits === null ? Math.round(value) : Number(value.toFixed(digits))} B`;
  // "50 MiB", not "50.0 MiB"; "1.5 MiB" keeps its digit.
  return `${digits === null ? Number(value.toFixed(value >= 100 ? 0 : 1)) : value.toFixed(digits)} ${units[unit]}`;
}

function formatMicros(n, digits = null) {
  if (n === null || n === undefined) return '–';
  if (n >= 1e6) return `${formatRate(n / 1e6, digits)} s`;
  return n >= 1000 ? `${formatRate(n / 1000, digits ?? 1)} ms` : `${formatRate(n, digits)} µs`;
}

function formatDuration(seconds) {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  return m > 0 ? `${m}m ${s}s` : `${s}s`;
}

// ---------------------------------------------------------------------------- history

/**
 * The server's history as the page has it: times in seconds, one column per series, and calls
 * per second per command; null where a second has no value (uPlot draws a gap).
 */
const history = { time: [], series: {}, perCommand: {} };

/** Appends the seconds a poll brought, and forgets what is older than the server keeps. */
function mergeHistory(columns) {
  const before = history.time.length;
  const added = columns.time.length;
  history.time.push(...columns.time.map((t) => t / 1000));
  const nulls = (n) => new Array(n).fill(null);
  for (const [name, values] of Object.entries(columns.series)) (history.series[name] ??= nulls(before)).push(...values);
  for (const name of Object.keys(history.perCommand)) if (!(name in columns.perCommand)) history.perCommand[name].push(...nulls(added));
  for (const [name, values] of Object.entries(columns.perCommand)) (history.perCommand[name] ??= nulls(before)).push(...values);
  const excess = history.time.length - HISTORY_SECONDS;
  if (excess > 0) {
    for (const column of [history.time, ...Object.values(history.series), ...Object.values(history.perCommand)]) column.splice(0, excess);
  }
}

/** The newest value of a history column, or null. */
function newest(column) {
  return column && column.length > 0 ? column[column.length - 1] : null;
}

/**
 * The latency chart's columns: the server's per-second percentiles (sent whole, the last five
 * minutes) placed on the history's seconds, so that every time chart has the same x values and
 * their synchronised cursors land on the same second. A second without calls (or latency-tracking
 * off) is a gap: a log scale has no place for 0.
 */
function latencyColumns(stats) {
  // The server's latency seconds run from its start, not from whole seconds (they end at, say,
  // :04.252): each goes on the history second whose end is nearest to its own end.
  const bySecond = new Map((stats.commands.latencyPerSecond ?? []).map((s) => [Math.round(s.time / 1000), s]));
  const column = (name) => history.time.map((t) => {
    const s = bySecond.get(t);
    return s !== undefined && s.calls > 0 ? s[name] : null;
  });
  return { time: history.time, p50: column('p50'), p99: column('p99'), p999: column('p999'), max: column('max') };
}

// ---------------------------------------------------------------------------- charts

/**
 * The time charts: which history columns each plots (or, with `columns`, which columns of the
 * snapshot itself), in which colour, with which unit. The colours
 * are also written on the chart's element (data-colors) for the end-to-end test, which counts
 * pixels of these colours in a screenshot to check the lines were really drawn.
 */
const TIME_CHARTS = [
  {
    id: 'chart-ops',
    format: formatRate,
    series: [{ key: 'ops', label: 'ops/sec', color: '#4e9af1' }],
  },
  {
    id: 'chart-latency',
    format: formatMicros,
    // p99.9 is often 10-100x p50: on a linear scale p50 would be a flat line at the bottom.
    logScale: true,
    columns: latencyColumns,
    series: [
      { key: 'p50', label: 'p50', color: '#3fb950' },
      { key: 'p99', label: 'p99', color: '#d29922' },
      { key: 'p999', label: 'p99.9', color: '#f85149' },
      { key: 'max', label: 'max', color: '#a371f7' },
    ],
  },
  {
    id: 'chart-memory',
    format: formatBytes,
    bytes: true,
    series: [
      { key: 'rss', label: 'RSS', color: '#a371f7' },
      { key: 'heapUsed', label: 'JS heap used', color: '#4e9af1' },
      { key: 'blockCache', label: 'block cache', color: '#3fb950' },
      { key: 'memtables', label: 'memtables', color: '#d29922' },
    ],
  },
  {
    id: 'chart-compaction',
    bytes: true,
    format: (n, digits = null) => (n === null || n === undefined ? '–' : `${formatBytes(n, digits)}/s`),
    series: [
      { key: 'compactionRead', label: 'compaction read', color: '#db61a2' },
      { key: 'compactionWritten', label: 'compaction written', color: '#f0883e' },
      { key: 'flushWritten', label: 'flush written', color: '#39c5cf' },
    ],
  },
];

const LEVELS_COLOR = '#58a6ff';

function chartWidth(element) {
  return Math.max(200, element.clientWidth);
}

/** Powers of ten from below `min` to above `max`: the only grid lines of a logarithmic axis. */
function decades(u, axisIndex, min, max) {
  const splits = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) splits.push(10 ** e);
  return splits;
}

/**
 * Tick labels that never repeat: the format's own rounding first, then more digits until every
 * label differs (a 0-1 B/s axis would otherwise read "0 B/s, 0 B/s, 1 B/s").
 */
function distinctLabels(splits, format) {
  // A split uPlot leaves unlabelled (no room on a log axis) comes as null: no label.
  const label = (v, digits) => (v === null || v === undefined ? '' : format(v, digits));
  for (const digits of [null, 1, 2, 3, 4]) {
    const labels = splits.map((v) => label(v, digits));
    const shown = labels.filter((l) => l !== '');
    if (new Set(shown).size === shown.length) return labels;
  }
  return splits.map((v) => label(v, 6));
}

/**
 * Grid values of a linear y axis from 0: about four steps of 1, 2 or 5 times a power of ten (of
 * 1024 for bytes, so they read 50 MiB rather than 47.7 MiB), whole numbers only (bytes and commands
 * come whole); only 0 while everything is 0.
 */
function linearSplitsIn(base) {
  return (u, axisIndex, min, max) => {
    const top = Math.max(...u.series.slice(1).map((s, i) => Math.max(0, ...u.data[i + 1].filter((v) => v !== null && v !== undefined))));
    if (!(top > 0)) return [0];
    const rough = max / 4;
    const unit = base ** Math.max(0, Math.floor(Math.log(rough) / Math.log(base)));
    const decade = 10 ** Math.floor(Math.log10(rough / unit));
    const step = Math.max(1, [1, 2, 5, 10].map((m) => m * decade * unit).find((c) => c >= rough) ?? 10 * decade * unit);
    const splits = [];
    for (let v = 0; v <= max + step / 1e9; v += step) splits.push(v);
    return splits;
  };
}
const linearSplits = linearSplitsIn(1000);
const byteSplits = linearSplitsIn(1024);

/** Whole seconds between x ticks, from one second to ten minutes. */
const SECOND_INCREMENTS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600];

/**
 * The two axes of a chart. The labels each draws are also written on the chart's element
 * (data-x-ticks, data-y-ticks, joined by '|'): uPlot draws them on a canvas, and the end-to-end
 * test reads them there.
 */
function axes(element, format, xAxis, yAxis = {}) {
  const noted = (name, values) => (u, splits) => {
    const labels = values(u, splits);
    element.dataset[name] = labels.join('|');
    return labels;
  };
  const x = { stroke: AXIS_COLOR, grid: { stroke: GRID_COLOR }, ticks: { stroke: GRID_COLOR }, ...xAxis };
  const y = { stroke: AXIS_COLOR, grid: { stroke: GRID_COLOR }, ticks: { stroke: GRID_COLOR }, size: 80, values: (u, splits) => distinctLabels(splits, format), ...yAxis };
  if (x.values) x.values = noted('xTicks', x.values);
  y.values = noted('yTicks', y.values);
  return [x, y];
}

/** HH:MM:SS of a time in seconds, in the browser's zone. */
function clock(seconds) {
  return new Date(seconds * 1000).toLocaleTimeString('en-GB', { hour12: false });
}

const TIME_AXIS = { incrs: SECOND_INCREMENTS, space: 70, values: (u, splits) => splits.map(clock) };

/** The time charts' cursors move together: hovering one shows that second's values in all. */
const CURSOR_SYNC_KEY = 'time';

/** Without the mouse over the plot, the legend shows the newest values rather than dashes. */
function showLatestInLegend(chart) {
  const last = chart.data[0].length - 1;
  if (last >= 0 && (chart.cursor.idx === null || chart.cursor.idx === undefined)) chart.setLegend({ idx: last });
}

function createTimeChart(definition) {
  const element = document.getElementById(definition.id);
  element.dataset.colors = definition.series.map((s) => s.color).join(',');
  const options = {
    width: chartWidth(element),
    height: CHART_HEIGHT,
    series: [
      { label: 'time', value: '{HH}:{mm}:{ss}' },
      ...definition.series.map((s) => ({
        label: s.label,
        stroke: s.color,
        width: 2,
        points: { show: false },
        value: (u, v) => definition.format(v),
      })),
    ],
    axes: axes(element, definition.format, TIME_AXIS, { splits: definition.logScale ? decades : definition.bytes ? byteSplits : linearSplits }),
    scales: {
      x: { time: true },
      y: definition.logScale ? { distr: 3 } : { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] },
    },
    cursor: { sync: { key: CURSOR_SYNC_KEY } },
    hooks: { setCursor: [showLatestInLegend] },
  };
  const chart = new uPlot(options, [[], ...definition.series.map(() => [])], element);
  // The plot area (uPlot's overlay), not the legend below it, is what holds the charts.
  chart.over.addEventListener('mouseenter', () => setHovering(true));
  chart.over.addEventListener('mouseleave', () => setHovering(false));
  return {
    element,
    chart,
    update(stats) {
      const columns = definition.columns ? definition.columns(stats) : { time: history.time, ...history.series };
      const end = Math.floor(stats.time / 1000);
      // The newest second drawn, for the end-to-end test (held charts keep theirs).
      element.dataset.windowEnd = String(end);
      chart.batch(() => {
        chart.setData([columns.time, ...definition.series.map((s) => columns[s.key] ?? [])], false);
        chart.setScale('x', { min: end - windowSeconds, max: end });
      });
      showLatestInLegend(chart);
      const start = end - windowSeconds;
      const hasData = columns.time.some((t, i) => t >= start && definition.series.some((s) => (columns[s.key] ?? [])[i] !== null && (columns[s.key] ?? [])[i] !== undefined));
      element.classList.toggle('empty', !hasData);
    },
  };
}

/** Bytes per level right now, as bars: where the data sits in the tree. */
function createLevelsChart() {
  const element = document.getElementById('chart-levels');
  element.dataset.colors = LEVELS_COLOR;
  const levelName = (v) => (Number.isInteger(v) ? `L${v}` : '');
  const options = {
    width: chartWidth(element),
    height: CHART_HEIGHT,
    series: [
      { label: 'level', value: (u, v) => levelName(v) },
      {
        label: 'bytes',
        stroke: LEVELS_COLOR,
        fill: LEVELS_COLOR,
        paths: uPlot.paths.bars({ size: [0.6, 80] }),
        points: { show: false },
        value: (u, v) => formatBytes(v),
      },
    ],
    axes: axes(element, formatBytes, { values: (u, splits) => splits.map(levelName), splits: (u) => u.data[0] }, { splits: byteSplits }),
    scales: {
      x: { time: false, range: (u, min, max) => [min - 0.5, max + 0.5] },
      y: { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] },
    },
    // The levels table next to it has the numbers.
    legend: { show: false },
    cursor: { points: { show: false } },
  };
  const chart = new uPlot(options, [[], []], element);
  return {
    element,
    chart,
    update(stats) {
      const levels = stats.storage.levels;
      chart.setData([levels.map((l) => l.level), levels.map((l) => l.bytes)]);
    },
  };
}

// ---------------------------------------------------------------------------- holding the charts still

/** Whether the pointer is on a time chart, and whether the Pause button is pressed. */
let hovering = false;
let pausedByUser = false;

function chartsHeld() {
  return hovering || pausedByUser;
}

function setHovering(on) {
  hovering = on;
  holdChanged();
}

/** After a change of either: the status line says so, and released charts catch up at once. */
function holdChanged() {
  document.getElementById('pause').setAttribute('aria-pressed', String(pausedByUser));
  document.getElementById('pause').textContent = pausedByUser ? 'Resume' : 'Pause';
  if (latest === null) return;
  if (!chartsHeld()) for (const c of charts) c.update(latest);
  showLiveStatus(latest);
}

// ---------------------------------------------------------------------------- work in progress

/** One line per long operation the server runs now (a full compaction), with a progress bar. */
function renderWork(stats) {
  const section = document.getElementById('work');
  const work = stats.work ?? [];
  section.hidden = work.length === 0;
  section.replaceChildren(
    ...work.map((w) => {
      const line = document.createElement('div');
      line.className = 'operation';
      line.dataset.operation = w.operation;
      line.dataset.percent = String(w.percent);
      const what = document.createElement('span');
      what.className = 'what';
      what.textContent = w.operation === 'compaction' ? 'Full compaction' : w.operation;
      const bar = document.createElement('progress');
      bar.max = 100;
      bar.value = w.percent;
      const detail = document.createElement('span');
      const amount = w.totalBytes > 0 ? `${decimalFormat.format(w.percent)}% of ${formatBytes(w.totalBytes)}` : '';
      const rate = w.items > 0 ? `${formatRate(w.itemsPerSecond)} ${w.itemName}/s` : '';
      const eta = w.etaSeconds !== null ? `about ${formatDuration(w.etaSeconds)} left` : '';
      detail.textContent = [w.phase, amount, rate, eta].filter((part) => part !== '').join(' · ');
      line.append(what, bar, detail);
      return line;
    }),
  );
}

document.getElementById('compact').addEventListener('click', async () => {
  const result = document.getElementById('compact-result');
  result.textContent = 'asking…';
  try {
    // Declared JSON: the server refuses other bodies, so a form on another site cannot start one.
    const response = await fetch('/api/compact', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    const body = await response.json().catch(() => ({}));
    result.textContent = response.status === 202 ? 'started' : response.status === 409 ? 'one is running already' : `refused: ${body.error ?? `HTTP ${response.status}`}`;
  } catch (err) {
    result.textContent = `failed: ${err.message}`;
  }
});

// ---------------------------------------------------------------------------- tiles and tables

function setStat(name, text) {
  const element = document.querySelector(`[data-stat="${name}"]`);
  if (element) element.textContent = text;
}

function renderTiles(stats) {
  const memory = stats.memory;
  const storage = stats.storage;
  setStat('opsPerSec', formatRate(stats.lastSecond.ops));
  setStat('commandsProcessed', formatCount(stats.commands.processed));
  setStat('connectedClients', formatCount(stats.clients.connected));
  setStat('keys', formatCount(stats.keyspace.keys));
  setStat('rss', formatBytes(memory.rssBytes));
  setStat('blockCache', `${formatBytes(memory.blockCacheBytes)} / ${formatBytes(memory.blockCacheCapacityBytes)}`);
  setStat('writeAmplification', storage.writeAmplification.toFixed(2));
  setStat('compactions', `${storage.compactionsRunning} / ${formatCount(storage.compactions)}`);
  setStat('stalls', `${formatCount(storage.stalls)} / ${formatCount(storage.slowdowns)}`);
  const syncAge = Math.max(0, (stats.time - stats.wal.lastSyncAt) / 1000);
  setStat('wal', `${formatBytes(stats.wal.bytesWritten)} · ${decimalFormat.format(syncAge)} s ago`);
  setStat('net', `${formatBytes(newest(history.series.netIn))} / ${formatBytes(newest(history.series.netOut))}`);
  setStat('uptime', formatDuration(stats.server.uptimeSeconds));
  document.getElementById('latency-scope').textContent = stats.commands.latency === null
    ? 'latency-tracking is off (CONFIG SET latency-tracking yes)'
    : 'per second, all commands';
  const info = `v${stats.server.version} (Redis ${stats.server.redisVersion}) · port ${stats.server.tcpPort} · pid ${stats.server.pid} · appendfsync ${stats.wal.appendfsync}`;
  document.getElementById('server-info').textContent = stats.wal.writeFailure ? `${info} · WRITES FAILING: ${stats.wal.writeFailure}` : info;
}

function replaceRows(tableId, rows) {
  const body = document.querySelector(`#${tableId} tbody`);
  body.replaceChildren(
    ...rows.map((cells) => {
      const tr = document.createElement('tr');
      for (const text of cells) {
        const td = document.createElement('td');
        td.textContent = text;
        tr.append(td);
      }
      return tr;
    }),
  );
}

function renderTables(stats) {
  replaceRows(
    'commands',
    stats.commands.perCommand.slice(0, COMMANDS_SHOWN).map((c) => [
      c.name,
      formatCount(c.calls),
      formatRate(newest(history.perCommand[c.name]) ?? 0),
      formatRate(c.calls > 0 ? c.usec / c.calls : 0),
      c.latency === null ? '–' : formatRate(c.latency.p99),
    ]),
  );
  replaceRows(
    'levels',
    stats.storage.levels.map((l) => [`L${l.level}`, formatCount(l.files), formatBytes(l.bytes)]),
  );
}

// ---------------------------------------------------------------------------- polling

const charts = [...TIME_CHARTS.map(createTimeChart), createLevelsChart()];
document.getElementById('pause').addEventListener('click', () => {
  pausedByUser = !pausedByUser;
  holdChanged();
});
const status = document.getElementById('status');
let samples = 0;

new ResizeObserver(() => {
  for (const c of charts) c.chart.setSize({ width: chartWidth(c.element), height: CHART_HEIGHT });
}).observe(document.querySelector('.charts'));

/** The last snapshot, drawn again when the window changes. */
let latest = null;

function render(stats) {
  renderTiles(stats);
  renderTables(stats);
  renderWork(stats);
  if (!chartsHeld()) for (const c of charts) c.update(stats);
}

for (const button of document.querySelectorAll('[data-window]')) {
  button.addEventListener('click', () => {
    windowSeconds = Number(button.dataset.window);
    for (const b of document.querySelectorAll('[data-window]')) b.classList.toggle('selected', b === button);
    if (latest) render(latest);
  });
}

function showStatus(state, text) {
  status.textContent = text;
  status.dataset.state = state;
  for (const name of ['live', 'paused', 'down']) status.classList.toggle(name, state === name);
}

/** The header's status while the server answers: live, or held and why. */
function showLiveStatus(stats) {
  const newest = clock(stats.time / 1000);
  if (!chartsHeld()) showStatus('live', `live · ${newest}`);
  else showStatus('paused', `${pausedByUser ? 'paused' : 'paused while the pointer is on a chart'} · charts held, tiles live · ${newest}`);
}

async function poll() {
  try {
    const since = history.time.length > 0 ? `?since=${history.time[history.time.length - 1] * 1000}` : '';
    const response = await fetch(`/api/stats${since}`, { cache: 'no-store' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const stats = await response.json();
    mergeHistory(stats.history);
    latest = stats;
    render(stats);
    samples++;
    status.dataset.samples = String(samples);
    showLiveStatus(stats);
  } catch (err) {
    showStatus('down', `cannot reach the server (${err.message}), retrying`);
  }
  setTimeout(poll, POLL_INTERVAL_MS);
}

// Module scripts run once the document is parsed, so the elements above exist already.
poll();
