/*
 * StrataKV dashboard: polls /api/stats once a second, keeps the last few minutes of samples in the
 * page, and draws them with uPlot. The server sends counters (commands processed, bytes compacted);
 * rates are the difference between two successive snapshots divided by the time between them, so
 * the server keeps no per-viewer state. Latency is the exception: percentiles of two snapshots
 * cannot be subtracted, so the server sends its own last five minutes of per-second percentiles
 * and the latency chart plots those as they are (complete even right after a reload).
 *
 * Plain ES module, no build step: served as is from src/admin/static/.
 */
/* global document, fetch, setTimeout, ResizeObserver */
import uPlot from '/dashboard/vendor/uPlot.esm.js';

const POLL_INTERVAL_MS = 1000;
/** Samples kept: five minutes at one a second. */
const HISTORY_LENGTH = 300;
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

function formatRate(n) {
  if (n === null || n === undefined) return '–';
  return n >= 100 ? integerFormat.format(n) : decimalFormat.format(n);
}

function formatBytes(n) {
  if (n === null || n === undefined) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(value >= 100 ? 0 : 1)} ${units[unit]}`;
}

function formatMicros(n) {
  if (n === null || n === undefined) return '–';
  return n >= 1000 ? `${decimalFormat.format(n / 1000)} ms` : `${formatRate(n)} µs`;
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
 * What the time charts plot, one entry per snapshot. `null` where a rate has no previous sample,
 * or where a counter went down (CONFIG RESETSTAT): uPlot draws a gap there.
 */
const history = {
  time: [],
  ops: [],
  rss: [],
  heapUsed: [],
  blockCache: [],
  memtables: [],
  compactionRead: [],
  compactionWritten: [],
  flushWritten: [],
};

function ratePerSecond(current, previous, seconds) {
  if (previous === undefined || seconds <= 0) return null;
  const delta = current - previous;
  return delta >= 0 ? delta / seconds : null;
}

function record(stats, previous) {
  const seconds = previous ? (stats.time - previous.time) / 1000 : 0;
  const rate = (pick) => ratePerSecond(pick(stats), previous ? pick(previous) : undefined, seconds);
  const sample = {
    time: stats.time / 1000,
    ops: rate((s) => s.commands.processed),
    rss: stats.memory.rssBytes,
    heapUsed: stats.memory.heapUsedBytes,
    blockCache: stats.memory.blockCacheBytes,
    memtables: stats.memory.memtableBytes,
    compactionRead: rate((s) => s.storage.compactionBytesRead),
    compactionWritten: rate((s) => s.storage.compactionBytesWritten),
    flushWritten: rate((s) => s.storage.flushBytesWritten),
  };
  for (const key of Object.keys(history)) {
    history[key].push(sample[key]);
    if (history[key].length > HISTORY_LENGTH) history[key].shift();
  }
  return sample;
}

/**
 * The latency chart's columns, from the server's per-second series rather than the page's history.
 * A second without calls (or latency-tracking off) is a gap: a log scale has no place for 0.
 */
function latencyColumns(stats) {
  const seconds = stats.commands.latencyPerSecond ?? [];
  const column = (name) => seconds.map((s) => (s.calls > 0 ? s[name] : null));
  return { time: seconds.map((s) => s.time / 1000), p50: column('p50'), p99: column('p99'), p999: column('p999'), max: column('max') };
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
    series: [
      { key: 'rss', label: 'RSS', color: '#a371f7' },
      { key: 'heapUsed', label: 'JS heap used', color: '#4e9af1' },
      { key: 'blockCache', label: 'block cache', color: '#3fb950' },
      { key: 'memtables', label: 'memtables', color: '#d29922' },
    ],
  },
  {
    id: 'chart-compaction',
    format: (n) => (n === null || n === undefined ? '–' : `${formatBytes(n)}/s`),
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

function axes(format, xAxis, yAxis = {}) {
  return [
    { stroke: AXIS_COLOR, grid: { stroke: GRID_COLOR }, ticks: { stroke: GRID_COLOR }, ...xAxis },
    { stroke: AXIS_COLOR, grid: { stroke: GRID_COLOR }, ticks: { stroke: GRID_COLOR }, size: 80, values: (u, splits) => splits.map(format), ...yAxis },
  ];
}

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
    axes: axes(definition.format, {}, definition.logScale ? { splits: decades } : {}),
    scales: {
      x: { time: true },
      y: definition.logScale ? { distr: 3 } : { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] },
    },
    hooks: { setCursor: [showLatestInLegend] },
  };
  const chart = new uPlot(options, [[], ...definition.series.map(() => [])], element);
  return {
    element,
    chart,
    update(stats) {
      const columns = definition.columns ? definition.columns(stats) : history;
      chart.setData([columns.time, ...definition.series.map((s) => columns[s.key])]);
      showLatestInLegend(chart);
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
    axes: axes(formatBytes, { values: (u, splits) => splits.map(levelName), splits: (u) => u.data[0] }),
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

// ---------------------------------------------------------------------------- tiles and tables

function setStat(name, text) {
  const element = document.querySelector(`[data-stat="${name}"]`);
  if (element) element.textContent = text;
}

function renderTiles(stats, sample, previous) {
  const seconds = previous ? (stats.time - previous.time) / 1000 : 0;
  const memory = stats.memory;
  const storage = stats.storage;
  setStat('opsPerSec', formatRate(sample.ops));
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
  const netIn = ratePerSecond(stats.net.inputBytes, previous?.net.inputBytes, seconds);
  const netOut = ratePerSecond(stats.net.outputBytes, previous?.net.outputBytes, seconds);
  setStat('net', `${formatBytes(netIn)} / ${formatBytes(netOut)}`);
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

function renderTables(stats, previous) {
  const seconds = previous ? (stats.time - previous.time) / 1000 : 0;
  const previousCalls = new Map((previous?.commands.perCommand ?? []).map((c) => [c.name, c.calls]));
  replaceRows(
    'commands',
    stats.commands.perCommand.slice(0, COMMANDS_SHOWN).map((c) => [
      c.name,
      formatCount(c.calls),
      formatRate(ratePerSecond(c.calls, previousCalls.get(c.name) ?? (previous ? 0 : undefined), seconds)),
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
const status = document.getElementById('status');
let previous = null;
let samples = 0;

new ResizeObserver(() => {
  for (const c of charts) c.chart.setSize({ width: chartWidth(c.element), height: CHART_HEIGHT });
}).observe(document.querySelector('.charts'));

function showStatus(live, text) {
  status.textContent = text;
  status.classList.toggle('live', live);
  status.classList.toggle('down', !live);
}

async function poll() {
  try {
    const response = await fetch('/api/stats', { cache: 'no-store' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const stats = await response.json();
    const sample = record(stats, previous);
    renderTiles(stats, sample, previous);
    renderTables(stats, previous);
    for (const c of charts) c.update(stats);
    previous = stats;
    samples++;
    status.dataset.samples = String(samples);
    showStatus(true, `live · ${new Date(stats.time).toLocaleTimeString()}`);
  } catch (err) {
    showStatus(false, `cannot reach the server (${err.message}), retrying`);
  }
  setTimeout(poll, POLL_INTERVAL_MS);
}

// Module scripts run once the document is parsed, so the elements above exist already.
poll();
