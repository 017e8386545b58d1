/**
 * The live dashboard on the admin port. The admin router hands us every request for `/`,
 * `/dashboard…` and `/api/…`:
 *
 *   GET /api/stats[?since=ms] a JSON snapshot of the numbers the page shows (DashboardStats below),
 *                             with the per-second history of what it charts after `since`
 *   GET / and /dashboard/     the page: plain HTML, CSS and an ES module from src/admin/static/
 *   GET /dashboard/<file>     the page's other static files
 *   GET /dashboard/vendor/…   uPlot (the charting library), served from its npm package's dist/
 *
 * The charts draw the server's own history (stats-history.ts: every series sampled each whole
 * second, the last fifteen minutes), so a page opened after an incident shows it, and any number
 * of browsers (or curl) poll without the server keeping state for them: each asks only for the
 * seconds after the last one it has. Latency percentiles come from CommandLatency's own
 * per-second record (the last five minutes), sent whole.
 * Static files are looked up by name in one flat directory: a path with `..`, an empty
 * segment, an encoded slash or a NUL never reaches the file system, it is a 404.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REDIS_COMPAT_VERSION } from '../commands/connection.js';
import type { Command } from '../commands/types.js';
import { STRATAKV_VERSION } from '../commands/version.js';
import type { LatencySecond } from '../server/command-latency.js';
import type { Server } from '../server/server.js';
import type { HttpError } from './http-replies.js';
import { type HistoryColumns, type StatsHistory, type StatsReading } from './stats-history.js';
import type { LongOperations, ProgressSnapshot } from '../util/progress.js';

// ---------------------------------------------------------------------------- the snapshot

/**
 * Latency percentiles in microseconds, since the start or the last CONFIG RESETSTAT: the numbers
 * INFO latencystats prints, from the same HDR histograms (so within 1% of the exact value).
 */
export interface LatencyPercentiles {
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
}

/** One command's INFO commandstats line, as numbers. */
export interface CommandCalls {
  /** Lower-case full name, 'get' or 'config|get'. */
  readonly name: string;
  readonly calls: number;
  /** Microseconds spent in the command, summed over its calls. */
  readonly usec: number;
  readonly failedCalls: number;
  readonly rejectedCalls: number;
  /** null while `latency-tracking` is off. */
  readonly latency: LatencyPercentiles | null;
}

export interface LevelSnapshot {
  readonly level: number;
  readonly files: number;
  readonly bytes: number;
}

/** Everything /api/stats returns. Counters only grow (until CONFIG RESETSTAT); gauges are "now". */
export interface DashboardStats {
  /** When the snapshot was taken, ms since the epoch: the x axis of every chart. */
  readonly time: number;
  readonly server: {
    readonly version: string;
    readonly redisVersion: string;
    readonly pid: number;
    readonly tcpPort: number;
    readonly uptimeSeconds: number;
  };
  readonly commands: {
    /** INFO total_commands_processed. */
    readonly processed: number;
    readonly errorReplies: number;
    /** Commands called at least once, most called first. */
    readonly perCommand: readonly CommandCalls[];
    /** Every command together; null while `latency-tracking` is off. */
    readonly latency: LatencyPercentiles | null;
    /**
     * Every command together, second by second: the last five minutes, oldest first, each
     * second's own p50/p99/p99.9/max in µs (0 in a second without calls). Sent whole, so a page
     * just opened charts them at once. null while `latency-tracking` is off.
     */
    readonly latencyPerSecond: readonly LatencySecond[] | null;
  };
  readonly clients: {
    readonly connected: number;
    readonly connectionsReceived: number;
    readonly rejectedConnections: number;
  };
  readonly net: { readonly inputBytes: number; readonly outputBytes: number };
  readonly memory: {
    readonly rssBytes: number;
    readonly heapUsedBytes: number;
    readonly heapTotalBytes: number;
    /** Buffers outside the V8 heap (block cache, memtable arenas, socket buffers). */
    readonly externalBytes: number;
    readonly blockCacheBytes: number;
    readonly blockCacheCapacityBytes: number;
    /** The active memtable plus the immutable ones waiting for their flush. */
    readonly memtableBytes: number;
    readonly immutableMemtables: number;
  };
  readonly keyspace: {
    /** Keys in every database together (the sum of DBSIZE over SELECT 0..n). */
    readonly keys: number;
    readonly expires: number;
    /** Databases holding at least one key. */
    readonly databases: ReadonlyArray<{ readonly db: number; readonly keys: number; readonly expires: number }>;
  };
  readonly storage: {
    readonly levels: readonly LevelSnapshot[];
    readonly flushes: number;
    readonly flushBytesWritten: number;
    readonly compactionsRunning: number;
    readonly compactions: number;
    readonly compactionBytesRead: number;
    readonly compactionBytesWritten: number;
    readonly writeAmplification: number;
    /** Writes that waited for room (too many L0 tables or memtables). */
    readonly stalls: number;
    /** Writes delayed a little to let compaction catch up. */
    readonly slowdowns: number;
    readonly blockCacheHits: number;
    readonly blockCacheMisses: number;
  };
  readonly wal: {
    readonly appendfsync: string;
    readonly bytesWritten: number;
    readonly syncs: number;
    /** ms since the epoch of the last completed fsync. */
    readonly lastSyncAt: number;
    /** '' while healthy, else why writes are refused. */
    readonly writeFailure: string;
  };
  /** Per second, the samples after the request's `since` (all fifteen minutes without it). */
  readonly history: HistoryColumns;
  /** The last whole second's rates, as the history has them (0 before the second sample). */
  readonly lastSecond: { readonly ops: number };
  /** Long work running now (a full compaction), with its progress. */
  readonly work: readonly ProgressSnapshot[];
}

const LATENCY_PERCENTILES = [50, 99, 99.9];

/** One command's percentiles (`name` as 'get' or 'config|get'), or all commands' for null. */
function latencyOf(server: Server, name: string | null): LatencyPercentiles | null {
  if (!server.config.latencyTracking) return null;
  const [p50, p99, p999] = server.commandLatency.percentiles(name, LATENCY_PERCENTILES);
  return { p50, p99, p999 };
}

function commandCalls(server: Server): CommandCalls[] {
  const out: CommandCalls[] = [];
  const add = (e: Command): void => {
    if (e.calls === 0 && e.rejectedCalls === 0 && e.failedCalls === 0) return;
    out.push({
      name: e.fullName,
      calls: e.calls,
      usec: Math.round(e.usec),
      failedCalls: e.failedCalls,
      rejectedCalls: e.rejectedCalls,
      latency: latencyOf(server, e.fullName),
    });
  };
  // Flattened exactly as INFO commandstats: a command with subcommands counts per subcommand.
  for (const e of server.commands.countedEntries()) add(e);
  return out.sort((a, b) => b.calls - a.calls || (a.name < b.name ? -1 : 1));
}

/** What the history samples each second, from the same sources INFO reads. */
export function readStats(server: Server): StatsReading {
  const mem = server.usedMemory();
  const engine = server.db.stats();
  const commandCalls = new Map<string, number>();
  for (const c of server.commands.countedEntries()) if (c.calls > 0) commandCalls.set(c.fullName, c.calls);
  return {
    time: Date.now(),
    counters: {
      ops: server.stats.totalCommandsProcessed,
      netIn: server.stats.netInputBytes,
      netOut: server.stats.netOutputBytes,
      flushWritten: engine.flushBytesWritten,
      compactionRead: engine.compactionBytesRead,
      compactionWritten: engine.compactionBytesWritten,
      stalls: engine.stalls,
    },
    gauges: {
      rss: mem.rss,
      heapUsed: mem.heapUsed,
      blockCache: engine.blockCacheBytes,
      memtables: engine.memtableBytes + engine.immutableBytes,
      l0Files: engine.levels.find((l) => l.level === 0)?.files ?? 0,
      clients: server.clients.size,
    },
    commandCalls,
  };
}

/** Reads every number the dashboard shows, from the same sources INFO reads, and the history after `sinceMs`. */
export function collectDashboardStats(server: Server, history: StatsHistory, work: LongOperations, sinceMs = 0): DashboardStats {
  const now = Date.now();
  const mem = server.usedMemory();
  const engine = server.db.stats();
  const databases: Array<{ db: number; keys: number; expires: number }> = [];
  for (let db = 0; db < server.config.databases; db++) {
    const keys = server.keyspace.dbsize(db);
    if (keys > 0) databases.push({ db, keys, expires: server.keyspace.expiresCount(db) });
  }
  return {
    time: now,
    server: {
      version: STRATAKV_VERSION,
      redisVersion: REDIS_COMPAT_VERSION,
      pid: process.pid,
      tcpPort: server.tcpPort,
      uptimeSeconds: Math.floor((now - server.startTime) / 1000),
    },
    commands: {
      processed: server.stats.totalCommandsProcessed,
      errorReplies: server.stats.totalErrorReplies,
      perCommand: commandCalls(server),
      latency: latencyOf(server, null),
      latencyPerSecond: server.config.latencyTracking ? server.commandLatency.recentSeconds() : null,
    },
    clients: {
      connected: server.clients.size,
      connectionsReceived: server.stats.totalConnectionsReceived,
      rejectedConnections: server.stats.rejectedConnections,
    },
    net: { inputBytes: server.stats.netInputBytes, outputBytes: server.stats.netOutputBytes },
    memory: {
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
      heapTotalBytes: mem.heapTotal,
      externalBytes: mem.external,
      blockCacheBytes: engine.blockCacheBytes,
      blockCacheCapacityBytes: engine.blockCacheCapacity,
      memtableBytes: engine.memtableBytes + engine.immutableBytes,
      immutableMemtables: engine.immutableMemtables,
    },
    keyspace: {
      keys: databases.reduce((sum, d) => sum + d.keys, 0),
      expires: databases.reduce((sum, d) => sum + d.expires, 0),
      databases,
    },
    storage: {
      levels: engine.levels.map((l) => ({ level: l.level, files: l.files, bytes: l.bytes })),
      flushes: engine.flushes,
      flushBytesWritten: engine.flushBytesWritten,
      compactionsRunning: engine.compactionRunning,
      compactions: engine.compactions,
      compactionBytesRead: engine.compactionBytesRead,
      compactionBytesWritten: engine.compactionBytesWritten,
      writeAmplification: engine.writeAmplification,
      stalls: engine.stalls,
      slowdowns: engine.slowdowns,
      blockCacheHits: engine.blockCacheHits,
      blockCacheMisses: engine.blockCacheMisses,
    },
    wal: {
      appendfsync: server.config.appendfsync,
      bytesWritten: engine.walBytes,
      syncs: engine.walSyncs,
      lastSyncAt: engine.lastWalSyncAt,
      writeFailure: engine.writeFailure,
    },
    history: history.columns(sinceMs),
    lastSecond: { ops: history.lastRate('ops') },
    work: work.snapshots(),
  };
}

// ---------------------------------------------------------------------------- static files

/**
 * The page's own files. tsc does not copy them, so from dist/src/admin/ they are found back in
 * the source tree; from src/admin/ (a loader running the .ts directly) they are next to us.
 */
function findStaticDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, 'static'), path.resolve(here, '../../../src/admin/static')];
  return candidates.find((dir) => existsSync(path.join(dir, 'index.html'))) ?? candidates[0];
}

const STATIC_DIR = findStaticDir();
/** uPlot's browser builds (its package has no `exports` map, so `main` resolves to dist/). */
const UPLOT_DIST = path.dirname(createRequire(import.meta.url).resolve('uplot'));
const VENDOR_FILES: ReadonlyMap<string, string> = new Map([
  ['uPlot.esm.js', path.join(UPLOT_DIST, 'uPlot.esm.js')],
  ['uPlot.min.css', path.join(UPLOT_DIST, 'uPlot.min.css')],
]);

const CONTENT_TYPES: ReadonlyMap<string, string> = new Map([
  ['.html', 'text/html; charset=utf-8'],
  ['.js', 'text/javascript; charset=utf-8'],
  ['.css', 'text/css; charset=utf-8'],
  ['.svg', 'image/svg+xml'],
  ['.png', 'image/png'],
  ['.ico', 'image/x-icon'],
]);

/**
 * Our files change with the server, so browsers revalidate them every time (a cheap 304 thanks to
 * the ETag); the library changes only with its npm version, so it may be cached for a day.
 */
const OWN_FILE_CACHE = 'no-cache';
const VENDOR_CACHE = 'public, max-age=86400';

interface StaticFile {
  readonly body: Buffer;
  readonly etag: string;
  readonly contentType: string;
}

/** Files read once and kept: a handful of small files, and the page polls only the API. */
const fileCache = new Map<string, StaticFile>();

async function loadStaticFile(file: string): Promise<StaticFile | null> {
  const cached = fileCache.get(file);
  if (cached) return cached;
  const contentType = CONTENT_TYPES.get(path.extname(file));
  if (contentType === undefined) return null;
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return null;
    throw err;
  }
  const etag = `"${createHash('sha1').update(body).digest('base64url').slice(0, 20)}"`;
  const loaded = { body, etag, contentType };
  fileCache.set(file, loaded);
  return loaded;
}

/**
 * The file a `/dashboard/…` path names, or null. Only `name` and `vendor/name` exist; each
 * segment is percent-decoded on its own and refused if it could step out of the directory.
 */
function resolveDashboardPath(segments: readonly string[]): { file: string; cacheControl: string } | null {
  if (segments.length === 0 || (segments.length === 1 && segments[0] === '')) {
    return { file: path.join(STATIC_DIR, 'index.html'), cacheControl: OWN_FILE_CACHE };
  }
  if (!segments.every(isPlainFileName)) return null;
  if (segments.length === 1) return { file: path.join(STATIC_DIR, segments[0]), cacheControl: OWN_FILE_CACHE };
  if (segments.length === 2 && segments[0] === 'vendor') {
    const file = VENDOR_FILES.get(segments[1]);
    return file === undefined ? null : { file, cacheControl: VENDOR_CACHE };
  }
  return null;
}

function isPlainFileName(segment: string): boolean {
  return segment !== '' && segment !== '.' && segment !== '..' && !/[/\\\0]/.test(segment) && !segment.startsWith('.');
}

// ---------------------------------------------------------------------------- replies

/** Headers every reply carries: the page is same-origin only and must not be sniffed or framed. */
function baseHeaders(contentType: string): http.OutgoingHttpHeaders {
  return {
    'Content-Type': contentType,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
  };
}

function send(req: http.IncomingMessage, res: http.ServerResponse, status: number, headers: http.OutgoingHttpHeaders, body: Buffer | string): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { ...headers, 'Content-Length': bytes.length });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

function sendJson(req: http.IncomingMessage, res: http.ServerResponse, status: number, value: unknown, extra: http.OutgoingHttpHeaders = {}): void {
  send(req, res, status, { ...baseHeaders('application/json; charset=utf-8'), 'Cache-Control': 'no-store', ...extra }, JSON.stringify(value));
}

function sendText(req: http.IncomingMessage, res: http.ServerResponse, status: number, message: string, extra: http.OutgoingHttpHeaders = {}): void {
  send(req, res, status, { ...baseHeaders('text/plain; charset=utf-8'), 'Cache-Control': 'no-store', ...extra }, message + '\n');
}

async function serveStatic(req: http.IncomingMessage, res: http.ServerResponse, target: { file: string; cacheControl: string }): Promise<void> {
  const file = await loadStaticFile(target.file);
  if (file === null) {
    sendText(req, res, 404, 'Not found');
    return;
  }
  const headers = { ...baseHeaders(file.contentType), 'Cache-Control': target.cacheControl, ETag: file.etag };
  if (req.headers['if-none-match'] === file.etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  send(req, res, 200, headers, file.body);
}

// ---------------------------------------------------------------------------- routing

/** Whether the admin router hands `pathname` (no query) to the dashboard. */
export function isDashboardPath(pathname: string): boolean {
  return pathname === '/' || pathname.startsWith('/dashboard') || pathname.startsWith('/api/');
}

/**
 * A refusal decided before the dashboard is reached (401 without the password, 403 in protected
 * mode), answered as the dashboard answers its own errors: JSON under /api/, a line of text for
 * the page (what a browser shows when its password prompt is cancelled).
 */
export function sendDashboardRefusal(req: http.IncomingMessage, res: http.ServerResponse, error: HttpError): void {
  if ((req.url ?? '').startsWith('/api/')) sendJson(req, res, error.status, { error: error.message }, error.headers);
  else sendText(req, res, error.status, error.message, error.headers);
}

/** The path's segments after `prefix`, percent-decoded one by one; null for a malformed escape. */
function decodeSegments(pathname: string, prefix: string): string[] | null {
  const rest = pathname.slice(prefix.length);
  if (rest === '') return [];
  try {
    return rest.split('/').map((s) => decodeURIComponent(s));
  } catch {
    return null;
  }
}

/** `since` of /api/stats: ms since the epoch, 0 (everything) when absent or not a number. */
function sinceParameter(rawUrl: string): number {
  const queryAt = rawUrl.indexOf('?');
  if (queryAt < 0) return 0;
  const since = Number(new URLSearchParams(rawUrl.slice(queryAt + 1)).get('since') ?? '0');
  return Number.isFinite(since) && since > 0 ? since : 0;
}

async function route(req: http.IncomingMessage, res: http.ServerResponse, server: Server, history: StatsHistory, work: LongOperations): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    const isApi = (req.url ?? '').startsWith('/api/');
    if (isApi) sendJson(req, res, 405, { error: `method ${req.method ?? ''} not allowed` }, { Allow: 'GET, HEAD' });
    else sendText(req, res, 405, 'Method not allowed', { Allow: 'GET, HEAD' });
    return;
  }
  // The raw path, not a WHATWG URL: URL() would quietly resolve `/dashboard/../x` to `/x`.
  const rawUrl = req.url ?? '/';
  const queryAt = rawUrl.indexOf('?');
  const pathname = queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt);

  if (pathname.startsWith('/api/')) {
    if (pathname === '/api/stats') sendJson(req, res, 200, collectDashboardStats(server, history, work, sinceParameter(rawUrl)));
    else sendJson(req, res, 404, { error: `no such endpoint: ${pathname}` });
    return;
  }
  if (pathname === '/') {
    await serveStatic(req, res, { file: path.join(STATIC_DIR, 'index.html'), cacheControl: OWN_FILE_CACHE });
    return;
  }
  if (pathname === '/dashboard') {
    // One canonical address for the page (its own links are absolute, so `/` serves it as well).
    sendText(req, res, 301, 'Moved to /dashboard/', { Location: '/dashboard/' });
    return;
  }
  if (pathname.startsWith('/dashboard/')) {
    const segments = decodeSegments(pathname, '/dashboard/');
    if (segments === null) {
      sendText(req, res, 400, 'Bad request: malformed percent-encoding in the path');
      return;
    }
    const target = resolveDashboardPath(segments);
    if (target === null) sendText(req, res, 404, 'Not found');
    else await serveStatic(req, res, target);
    return;
  }
  sendText(req, res, 404, 'Not found');
}

/**
 * Entry point for the admin router. Never throws: an unexpected failure (a file that cannot be
 * read) becomes a 500 and a log line, and the admin port keeps serving.
 */
export function handleDashboardRequest(req: http.IncomingMessage, res: http.ServerResponse, server: Server, history: StatsHistory, work: LongOperations): void {
  route(req, res, server, history, work).catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    server.logger.warning(`Dashboard request ${req.method ?? ''} ${req.url ?? ''} failed: ${message}`);
    if (res.headersSent) res.destroy();
    else sendText(req, res, 500, 'Internal server error');
  });
}
