/**
 * The dashboard on the admin port, end to end: the real server started with `--admin-port`, load
 * from ioredis, /api/stats and the static files over real HTTP, and the page itself in a real
 * headless Chromium (Debian's `chromium`, driven by playwright-core).
 *
 * The browser test checks what a person would: the charts fill in by themselves, the numbers on
 * the page agree with INFO, and the charts are really drawn (pixels of each series' colour inside
 * each plot area of a screenshot). Without chromium the browser test is skipped, except in CI
 * (CI=true), where .ci/run installs it and a missing browser is a failure.
 *
 * UPDATE_DASHBOARD_SCREENSHOT=1 also writes the screenshot to docs/dashboard.png (the README's).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Redis } from 'ioredis';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { freePort, info, infoNumber, REPO_ROOT, sleep, startServer, waitForQuietStorage, type TestServer } from './helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const IN_CI = process.env.CI === 'true';
const BROWSER_AVAILABLE = existsSync(CHROMIUM);

// ---------------------------------------------------------------------------- helpers

interface Running {
  server: TestServer;
  adminPort: number;
  base: string;
}

/**
 * The server with a small memtable, so a few MB of writes flush and compact while we watch.
 * With `password`, it is started with that requirepass.
 */
async function startWithAdminPort(password?: string): Promise<Running> {
  const adminPort = await freePort();
  const auth = password === undefined ? [] : ['--requirepass', password];
  const server = await startServer({ args: ['--admin-port', String(adminPort), '--memtable-size', '1mb', ...auth] });
  const base = `http://127.0.0.1:${adminPort}`;
  const headers: Record<string, string> = password === undefined ? {} : { Authorization: `Bearer ${password}` };
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/api/stats`, { headers })).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`admin port ${adminPort} did not answer:\n${server.output()}`);
    }
    await sleep(50);
  }
  return { server, adminPort, base };
}

/** A request whose path is sent byte for byte (fetch would resolve `..` before sending). */
function rawGet(port: number, rawPath: string, method = 'GET', headers: http.OutgoingHttpHeaders = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: rawPath, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** INFO as a field -> value map (every section). */
/** INFO latencystats' percentiles of one command: `latency_percentiles_usec_set:p50=1.003,p99=...`. */
function infoLatency(fields: Map<string, string>, command: string): Map<string, number> {
  const line = fields.get(`latency_percentiles_usec_${command}`);
  if (line === undefined) throw new Error(`INFO latencystats has no ${command}`);
  return new Map(line.split(',').map((pair) => {
    const [name, value] = pair.split('=');
    return [name, Number(value)];
  }));
}

/** Keys of `db0:keys=N,expires=...`. */
function infoKeys(fields: Map<string, string>): number {
  const db0 = fields.get('db0');
  return db0 === undefined ? 0 : Number(/keys=(\d+)/.exec(db0)?.[1] ?? 0);
}

/** SETs over `keySpace` keys (pipelined by `batch`) until `stop()` is called; returns how many. */
function runLoad(client: Redis, keySpace: number, batch = 500): { stop: () => Promise<number> } {
  let running = true;
  let sent = 0;
  const value = 'v'.repeat(200);
  const done = (async () => {
    while (running) {
      const pipeline = client.pipeline();
      for (let i = 0; i < batch; i++) {
        pipeline.set(`key:${(sent + i) % keySpace}`, value + sent);
      }
      await pipeline.exec();
      sent += batch;
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
      return sent;
    },
  };
}

interface LatencySecond { time: number; calls: number; p50: number; p99: number; p999: number; max: number }

/**
 * /api/stats once every call so far is in a closed second: their calls add up to the commands
 * processed (the dispatcher counts and records each call at the same place). Nothing may run
 * meanwhile; a miscount shows as a timeout with both numbers.
 */
async function statsWithAllSecondsClosed(base: string): Promise<{ processed: number; seconds: LatencySecond[] }> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const stats = await (await fetch(`${base}/api/stats`)).json();
    const seconds: LatencySecond[] = stats.commands.latencyPerSecond;
    const recorded = seconds.reduce((sum, s) => sum + s.calls, 0);
    if (recorded === stats.commands.processed) return { processed: stats.commands.processed, seconds };
    if (Date.now() > deadline) throw new Error(`per-second calls add up to ${recorded}, commands processed ${stats.commands.processed}`);
    await sleep(200);
  }
}

/** The errors the page logs to its console or throws, as they come (the browser tests expect none). */
function browserProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(msg.text()); });
  page.on('pageerror', (err) => problems.push(err.message));
  return problems;
}

async function waitForSamples(page: Page, atLeast: number): Promise<void> {
  await page.waitForFunction((n) => Number(document.getElementById('status')?.dataset.samples ?? 0) >= n, atLeast, { timeout: 30_000, polling: 100 });
}

async function samplesSoFar(page: Page): Promise<number> {
  return page.evaluate(() => Number(document.getElementById('status')?.dataset.samples ?? 0));
}

/** The number a tile shows, e.g. "12,345" -> 12345. */
async function tileNumber(page: Page, stat: string): Promise<number> {
  const text = (await page.textContent(`[data-stat="${stat}"]`)) ?? '';
  return Number(text.replace(/,/g, ''));
}

function parseColor(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.replace('#', ''), 16);
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

interface Box { x: number; y: number; width: number; height: number }

/** Pixels of `png` inside `box` within 16 per channel of one of `colors`, and their vertical spread. */
function seriesPixels(png: PNG, box: Box, colors: ReadonlyArray<[number, number, number]>): { count: number; rows: number } {
  let count = 0;
  let top = Infinity;
  let bottom = -Infinity;
  const x0 = Math.max(0, Math.floor(box.x));
  const y0 = Math.max(0, Math.floor(box.y));
  const x1 = Math.min(png.width, Math.ceil(box.x + box.width));
  const y1 = Math.min(png.height, Math.ceil(box.y + box.height));
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const at = (y * png.width + x) * 4;
      const [r, g, b] = [png.data[at], png.data[at + 1], png.data[at + 2]];
      if (colors.some(([cr, cg, cb]) => Math.abs(r - cr) <= 16 && Math.abs(g - cg) <= 16 && Math.abs(b - cb) <= 16)) {
        count++;
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
      }
    }
  }
  return { count, rows: count === 0 ? 0 : bottom - top + 1 };
}

// ---------------------------------------------------------------------------- HTTP

test('/api/stats: a JSON snapshot that agrees with INFO', async () => {
  const { server, base } = await startWithAdminPort();
  const client = new Redis({ port: server.port, lazyConnect: true, enableReadyCheck: false });
  try {
    await client.connect();
    for (let i = 0; i < 50; i++) await client.set(`k${i}`, 'x'.repeat(i), 'EX', 1000 + i);
    await client.get('k1');
    await client.get('missing');
    const fields = await info(client);

    const res = await fetch(`${base}/api/stats`);
    assert.is(res.status, 200);
    assert.is(res.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.is(res.headers.get('cache-control'), 'no-store');
    const stats = await res.json();

    // INFO itself is counted once it has run, so the snapshot after it has one more.
    assert.is(stats.commands.processed, infoNumber(fields, 'total_commands_processed') + 1);
    assert.is(stats.keyspace.keys, 50);
    assert.is(stats.keyspace.expires, 50);
    assert.equal(stats.keyspace.databases, [{ db: 0, keys: 50, expires: 50 }]);
    assert.is(stats.clients.connected, infoNumber(fields, 'connected_clients'));
    assert.is(stats.server.tcpPort, server.port);
    assert.is(stats.wal.appendfsync, fields.get('appendfsync'));
    assert.ok(stats.wal.bytesWritten >= infoNumber(fields, 'wal_bytes'));
    assert.ok(stats.net.inputBytes > infoNumber(fields, 'total_net_input_bytes') - 1);
    assert.ok(stats.memory.rssBytes > 0 && stats.memory.heapUsedBytes > 0);
    assert.is(stats.memory.blockCacheCapacityBytes, infoNumber(fields, 'block_cache_capacity'));
    assert.is(stats.memory.memtableBytes, infoNumber(fields, 'memtable_bytes') + infoNumber(fields, 'immutable_memtable_bytes'));
    assert.is(stats.storage.levels.length, [...fields.keys()].filter((k) => /^level\d+$/.test(k)).length);
    assert.ok(Math.abs(stats.time - Date.now()) < 60_000);

    const set = stats.commands.perCommand.find((c: { name: string }) => c.name === 'set');
    assert.is(set.calls, 50);
    assert.is(stats.commands.perCommand[0].name, 'set', 'most called first');
    assert.is(stats.commands.perCommand.find((c: { name: string }) => c.name === 'get').calls, 2);
    assert.ok(/cmdstat_set:calls=50,/.test([...fields].map(([k, v]) => `${k}:${v}`).join('\n')));

    // Latency: the same histograms as INFO latencystats, per command and all together.
    const setLatency = infoLatency(fields, 'set');
    assert.is(set.latency.p50.toFixed(3), setLatency.get('p50')!.toFixed(3));
    assert.is(set.latency.p99.toFixed(3), setLatency.get('p99')!.toFixed(3));
    assert.is(set.latency.p999.toFixed(3), setLatency.get('p99.9')!.toFixed(3));
    const all = stats.commands.latency;
    assert.ok(all.p50 > 0 && all.p50 <= all.p99 && all.p99 <= all.p999, JSON.stringify(all));
    await client.config('SET', 'latency-tracking', 'no');
    const untracked = await (await fetch(`${base}/api/stats`)).json();
    assert.is(untracked.commands.latency, null);
    assert.is(untracked.commands.perCommand[0].latency, null);

    // Unknown API paths and other methods get JSON errors, never the page.
    const missing = await fetch(`${base}/api/nope`);
    assert.is(missing.status, 404);
    assert.match((await missing.json()).error, /no such endpoint/);
    const post = await fetch(`${base}/api/stats`, { method: 'POST', body: '{}' });
    assert.is(post.status, 405);
    assert.is(post.headers.get('allow'), 'GET, HEAD');
  } finally {
    client.disconnect();
    await server.stop();
  }
});

test('/api/stats latencyPerSecond: each call in exactly one closed second, a slow second standing out alone; null with latency-tracking off; forgotten by RESETSTAT', async () => {
  const { server, base } = await startWithAdminPort();
  const client = new Redis({ port: server.port, lazyConnect: true, enableReadyCheck: false });
  try {
    await client.connect();
    // Fast calls, one call of 0.8 s (DEBUG SLEEP blocks the server), fast calls again, across seconds.
    for (let i = 0; i < 500; i++) await client.set(`k${i}`, 'v');
    await sleep(1100);
    await client.call('DEBUG', 'SLEEP', '0.8');
    for (let i = 0; i < 500; i++) await client.get(`k${i}`);
    await sleep(1100);
    for (let i = 0; i < 500; i++) await client.get(`k${i}`);

    const { processed, seconds } = await statsWithAllSecondsClosed(base);
    assert.ok(processed >= 1501, `processed ${processed}`);
    assert.ok(seconds.length >= 3, `${seconds.length} seconds`);
    for (let i = 1; i < seconds.length; i++) assert.ok(seconds[i].time > seconds[i - 1].time, 'oldest first');
    for (const s of seconds) {
      if (s.calls === 0) assert.equal([s.p50, s.p99, s.p999, s.max], [0, 0, 0, 0]);
      else assert.ok(s.p50 > 0 && s.p50 <= s.p99 && s.p99 <= s.p999 && s.p999 <= s.max, JSON.stringify(s));
    }
    // The sleep is in one second's max (HDR's 1%: at least 792 ms), and in no other second's.
    const slow = seconds.filter((s) => s.max >= 792_000);
    assert.is(slow.length, 1, JSON.stringify(seconds));
    const slowAt = seconds.indexOf(slow[0]);
    assert.ok(seconds.slice(slowAt + 1).some((s) => s.calls > 0), 'calls after the slow second, in later seconds');
    // The cumulative percentiles, by contrast, keep one slow call among 1,500 out of view.
    const cumulative = (await (await fetch(`${base}/api/stats`)).json()).commands.latency;
    assert.ok(cumulative.p999 < 792_000, `cumulative p99.9 ${cumulative.p999}`);

    await client.config('SET', 'latency-tracking', 'no');
    assert.is((await (await fetch(`${base}/api/stats`)).json()).commands.latencyPerSecond, null);
    await client.config('SET', 'latency-tracking', 'yes');

    // CONFIG RESETSTAT: the seconds go with the other latencies; the RESETSTAT call itself is the
    // first command of the new count.
    await client.config('RESETSTAT');
    const afterReset = await statsWithAllSecondsClosed(base);
    assert.is(afterReset.processed, 1);
    assert.ok(afterReset.seconds.every((s) => s.max < 792_000), 'the slow second is forgotten');
  } finally {
    client.disconnect();
    await server.stop();
  }
});

test('/api/stats history: the seconds before the request on whole seconds, rates from counters, per command; ?since= sends only newer seconds', async () => {
  const { server, base } = await startWithAdminPort();
  const client = new Redis({ port: server.port, lazyConnect: true, enableReadyCheck: false });
  try {
    await client.connect();
    // Past the first sample (taken when the port listens, mid-second): from then on samples are a
    // second apart, so rates add up to counts.
    await sleep(2500);
    const pipeline = client.pipeline();
    for (let i = 0; i < 2000; i++) pipeline.set(`h${i}`, 'v');
    await pipeline.exec();
    await sleep(2500);
    const stats = await (await fetch(`${base}/api/stats`)).json();
    const h = stats.history;
    assert.is(h.intervalMs, 1000);
    assert.ok(h.time.length >= 4, `${h.time.length} seconds of history`);
    for (let i = 0; i < h.time.length; i++) {
      assert.is(h.time[i] % 1000, 0, 'each sample on its whole second');
      if (i > 0) assert.ok(h.time[i] > h.time[i - 1], 'oldest first, one sample per second');
    }
    for (const column of Object.values(h.series) as Array<Array<number | null>>) assert.is(column.length, h.time.length);
    // The first sample has no rate (nothing before it); every later one has.
    assert.is(h.series.ops[0], null);
    assert.ok(h.series.ops.slice(1).every((v: number | null) => v !== null && v >= 0));
    // Rates times the time they span (about a second; more when a busy machine fired the timer
    // late) add up to the SETs sent.
    assert.is(h.spanMs[0], null);
    for (const span of h.spanMs.slice(1)) assert.ok(span > 0 && span < 5000, `a sample spans ${span} ms`);
    const sets = (h.perCommand.set as Array<number | null>).reduce((sum: number, v, i) => sum + ((v ?? 0) * (h.spanMs[i] ?? 0)) / 1000, 0);
    assert.ok(Math.abs(sets - 2000) < 0.01, `set calls per second times their spans add up to ${sets}`);
    assert.ok(Math.max(...h.series.netIn.filter((v: number | null) => v !== null)) > 10_000, 'the pipeline shows in net in');
    assert.ok(h.series.rss.every((v: number | null) => v !== null && v > 0), 'RSS in every second');
    assert.is(stats.lastSecond.ops, h.series.ops[h.series.ops.length - 1] ?? 0);
    // Only what came after the newest second the caller has.
    const newestTime = h.time[h.time.length - 1];
    const since = await (await fetch(`${base}/api/stats?since=${newestTime}`)).json();
    assert.ok(since.history.time.every((t: number) => t > newestTime));
    assert.ok(since.history.time.length <= 1);
    await sleep(1100);
    const later = await (await fetch(`${base}/api/stats?since=${newestTime}`)).json();
    assert.ok(later.history.time.length >= 1 && later.history.time.every((t: number) => t > newestTime));
    const bogus = await (await fetch(`${base}/api/stats?since=abc`)).json();
    assert.ok(bogus.history.time.length >= h.time.length, 'a since that is not a number asks for everything');
  } finally {
    client.disconnect();
    await server.stop();
  }
});

test('static files: types, caching, 404s, no path traversal, bad escapes', async () => {
  const { server, base, adminPort } = await startWithAdminPort();
  try {
    for (const page of ['/', '/dashboard/']) {
      const res = await fetch(`${base}${page}`);
      assert.is(res.status, 200, page);
      assert.is(res.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.is(res.headers.get('cache-control'), 'no-cache');
      assert.is(res.headers.get('x-content-type-options'), 'nosniff');
      assert.match(await res.text(), /<title>StrataKV dashboard<\/title>/);
    }
    const redirect = await fetch(`${base}/dashboard`, { redirect: 'manual' });
    assert.is(redirect.status, 301);
    assert.is(redirect.headers.get('location'), '/dashboard/');

    const script = await fetch(`${base}/dashboard/dashboard.js`);
    assert.is(script.status, 200);
    assert.is(script.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.match(await script.text(), /from '\/dashboard\/vendor\/uPlot\.esm\.js'/);
    const css = await fetch(`${base}/dashboard/dashboard.css`);
    assert.is(css.headers.get('content-type'), 'text/css; charset=utf-8');

    // The charting library comes from its npm package and may be cached for a day.
    const uplot = await fetch(`${base}/dashboard/vendor/uPlot.esm.js`);
    assert.is(uplot.status, 200);
    assert.is(uplot.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.is(uplot.headers.get('cache-control'), 'public, max-age=86400');
    assert.match(await uplot.text(), /export \{ uPlot as default \}|export default uPlot/);
    assert.is((await fetch(`${base}/dashboard/vendor/uPlot.min.css`)).headers.get('content-type'), 'text/css; charset=utf-8');

    // Revalidation: the ETag comes back as a 304 with no body.
    const etag = script.headers.get('etag');
    assert.ok(etag !== null && etag.length > 2);
    const again = await rawGet(adminPort, '/dashboard/dashboard.js', 'GET', { 'If-None-Match': etag });
    assert.is(again.status, 304);
    assert.is(again.body, '');

    // HEAD: the headers of GET, no body.
    const head = await rawGet(adminPort, '/dashboard/', 'HEAD');
    assert.is(head.status, 200);
    assert.is(head.body, '');
    assert.ok(Number(head.headers['content-length']) > 100);

    for (const unknown of ['/dashboard/nope.js', '/dashboard/index.htm', '/dashboard/vendor/uPlot.cjs.js', '/dashboard/vendor/', '/dashboard/a/b/c.js', '/dashboardx']) {
      const res = await rawGet(adminPort, unknown);
      assert.is(res.status, 404, unknown);
    }

    // Whatever the spelling, nothing outside the static directory is served.
    const traversals = [
      '/dashboard/../package.json',
      '/dashboard/../../../../../../etc/passwd',
      '/dashboard/..%2f..%2f..%2fpackage.json',
      '/dashboard/%2e%2e/%2e%2e/%2e%2e/package.json',
      '/dashboard/%2e%2e%2f%2e%2e%2f%2e%2e%2fpackage.json',
      '/dashboard/..%5c..%5cpackage.json',
      '/dashboard/vendor/..%2fpackage.json',
      '/dashboard/vendor/../../package.json',
      '/dashboard/%2Fetc%2Fpasswd',
      '/dashboard//etc/passwd',
      '/dashboard/dashboard.js%00.html',
      '/dashboard/.gitignore',
    ];
    for (const attempt of traversals) {
      const res = await rawGet(adminPort, attempt);
      assert.is(res.status, 404, attempt);
      assert.not.match(res.body, /root:|"name": "stratakv"/, attempt);
    }

    const malformed = await rawGet(adminPort, '/dashboard/%E0%A4%A');
    assert.is(malformed.status, 400);
    assert.match(malformed.body, /malformed percent-encoding/);
    const put = await rawGet(adminPort, '/dashboard/', 'PUT');
    assert.is(put.status, 405);

    // The server is still fine after all that.
    assert.is((await fetch(`${base}/api/stats`)).status, 200);
  } finally {
    await server.stop();
  }
});

// ---------------------------------------------------------------------------- the page in Chromium

const browserTest = BROWSER_AVAILABLE || IN_CI ? test : test.skip;
if (!BROWSER_AVAILABLE && !IN_CI) {
  console.log(`dashboard: ${CHROMIUM} not found, skipping the headless Chromium test (apt-get install chromium, or set CHROMIUM_PATH; in CI it must run)`);
}

browserTest('the page in headless Chromium: live charts, numbers that agree with INFO, charts really drawn', async () => {
  const { server, base } = await startWithAdminPort();
  const client = new Redis({ port: server.port, lazyConnect: true, enableReadyCheck: false });
  let browser: Browser | null = null;
  try {
    await client.connect();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const problems = browserProblems(page);

    await page.goto(`${base}/dashboard/`);
    await waitForSamples(page, 2);

    // Load while the page watches: several MB of SETs through a 1 MB memtable flush and compact.
    const load = runLoad(client, 30_000);
    const loadStart = Date.now();
    await page.waitForFunction(() => Number((document.querySelector('[data-stat="opsPerSec"]')?.textContent ?? '').replace(/,/g, '')) > 0, undefined, { timeout: 30_000, polling: 100 });
    await page.waitForFunction(() => Number((document.querySelector('[data-stat="compactions"]')?.textContent ?? '0 / 0').split('/')[1].replace(/,/g, '')) > 0, undefined, { timeout: 60_000, polling: 200 });
    // A few more seconds of load, so every chart has a stretch of history.
    await sleep(Math.max(0, 4000 - (Date.now() - loadStart)));
    const sent = await load.stop();
    assert.ok(sent >= 10_000, `load sent ${sent} SETs`);

    // Quiet: no flush or compaction for a second, then compare the page with INFO.
    const fields = await waitForQuietStorage(client);
    const after = await samplesSoFar(page);
    await waitForSamples(page, after + 2);

    assert.is(await tileNumber(page, 'keys'), infoKeys(fields));
    assert.is(await tileNumber(page, 'keys'), Math.min(sent, 30_000));
    assert.is(await tileNumber(page, 'commandsProcessed'), infoNumber(fields, 'total_commands_processed') + 1);
    assert.is(await tileNumber(page, 'connectedClients'), infoNumber(fields, 'connected_clients'));
    assert.is(await page.textContent('[data-stat="writeAmplification"]'), Number(fields.get('write_amplification')).toFixed(2));
    const [running, done] = ((await page.textContent('[data-stat="compactions"]')) ?? '').split('/').map((s) => Number(s.trim().replace(/,/g, '')));
    assert.is(running, 0);
    assert.is(done, infoNumber(fields, 'compactions'));
    // The levels table: files per level exactly as INFO storage has them.
    const levelRows = await page.$$eval('#levels tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    const infoLevels = [...fields].filter(([k]) => /^level\d+$/.test(k));
    assert.is(levelRows.length, infoLevels.length);
    for (const [name, value] of infoLevels) {
      const row = levelRows.find((r) => r[0] === `L${name.slice('level'.length)}`);
      assert.ok(row, name);
      assert.is(Number(row[1].replace(/,/g, '')), Number(/files=(\d+)/.exec(value)?.[1]), name);
    }
    assert.ok(levelRows.some((r) => Number(r[1]) > 0), 'some level holds tables');
    // The busiest command is SET, with every call counted and INFO latencystats' p99.
    const commandRows = await page.$$eval('#commands tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    assert.is(commandRows[0][0], 'set');
    assert.is(Number(commandRows[0][1].replace(/,/g, '')), sent);
    const infoP99 = infoLatency(fields, 'set').get('p99')!;
    const shownP99 = Number(commandRows[0][4].replace(/,/g, ''));
    // Shown rounded: whole µs from 100 up, one decimal below.
    assert.ok(Math.abs(shownP99 - infoP99) <= (infoP99 >= 100 ? 0.5 : 0.05), `p99 shown ${shownP99}, INFO ${infoP99}`);

    // The charts: every series colour drawn inside each plot area of a real screenshot.
    const shot = await page.screenshot({ fullPage: true });
    const png = PNG.sync.read(shot);
    const charts = await page.$$eval('.chart', (elements) => elements.map((e) => {
      const plot = e.querySelector('.u-over');
      const r = (plot ?? e).getBoundingClientRect();
      return { id: e.id, colors: e.dataset.colors ?? '', box: { x: r.x + window.scrollX, y: r.y + window.scrollY, width: r.width, height: r.height } };
    }));
    assert.equal(charts.map((c) => c.id).sort(), ['chart-compaction', 'chart-latency', 'chart-levels', 'chart-memory', 'chart-ops']);
    const drawn = new Map<string, { count: number; rows: number }>();
    for (const chart of charts) {
      assert.ok(chart.box.width > 200 && chart.box.height > 100, `${chart.id} has a plot area`);
      const seen = seriesPixels(png, chart.box, chart.colors.split(',').map(parseColor));
      drawn.set(chart.id, seen);
      assert.ok(seen.count >= 100, `${chart.id}: ${seen.count} pixels of its series colours`);
    }
    // Lines that move: throughput rose from 0 and fell back; levels are bars of real height.
    assert.ok(drawn.get('chart-ops')!.rows >= 40, `ops/sec line spans ${drawn.get('chart-ops')!.rows} px`);
    assert.ok(drawn.get('chart-levels')!.rows >= 20, `level bars are ${drawn.get('chart-levels')!.rows} px high`);
    assert.ok(drawn.get('chart-compaction')!.rows >= 20, `compaction lines span ${drawn.get('chart-compaction')!.rows} px`);

    // After a run every axis has a range: its labels still never repeat (log and byte axes too).
    for (const chart of await tickLabels(page)) {
      assert.is(new Set(chart.y).size, chart.y.length, `${chart.id} y ticks repeat: ${chart.y.join(', ')}`);
      assert.ok(chart.y.length >= 2, `${chart.id} y ticks: ${chart.y.join(', ')}`);
    }

    assert.equal(problems, [], 'no errors in the browser console');
    if (process.env.UPDATE_DASHBOARD_SCREENSHOT === '1') {
      // The one-minute window: the run fills the charts rather than their last seconds.
      await page.click('[data-window="60"]');
      writeFileSync(path.join(REPO_ROOT, 'docs', 'dashboard.png'), await page.screenshot({ fullPage: true }));
    }
  } finally {
    await browser?.close();
    client.disconnect();
    await server.stop();
  }
});

/** The tick labels each chart drew (uPlot draws them on a canvas; the page notes them on the element). */
async function tickLabels(page: Page): Promise<Array<{ id: string; x: string[]; y: string[]; empty: boolean }>> {
  return page.$$eval('.chart', (elements) => elements.map((e) => ({
    id: e.id,
    x: (e.dataset.xTicks ?? '').split('|').filter((t) => t !== ''),
    y: (e.dataset.yTicks ?? '').split('|').filter((t) => t !== ''),
    empty: e.classList.contains('empty'),
  })));
}

browserTest('a page opened right after start: a fixed window ticked on whole seconds, distinct tick labels, flat zero series labelled 0; the window buttons change the span', async () => {
  const { server, base } = await startWithAdminPort();
  let browser: Browser | null = null;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const problems = browserProblems(page);
    await page.goto(`${base}/dashboard/`);
    await waitForSamples(page, 3);
    // Clock labels, so a window across midnight (23:59:30 to 00:00:30) spans a day less.
    const spanOf = (labels: string[]): number => {
      const seconds = labels.map((t) => { const [h, m, sec] = t.split(':').map(Number); return h * 3600 + m * 60 + sec; });
      return (seconds[seconds.length - 1] - seconds[0] + 86400) % 86400;
    };
    for (const chart of await tickLabels(page)) {
      assert.ok(chart.y.length >= 1, `${chart.id} has y ticks`);
      assert.is(new Set(chart.y).size, chart.y.length, `${chart.id} y ticks repeat: ${chart.y.join(', ')}`);
      if (chart.id === 'chart-levels') continue;
      assert.ok(chart.x.length >= 2, `${chart.id} has x ticks: ${chart.x.join(', ')}`);
      assert.is(new Set(chart.x).size, chart.x.length, `${chart.id} x ticks repeat: ${chart.x.join(', ')}`);
      for (const t of chart.x) assert.match(t, /^\d\d:\d\d:\d\d$/, `${chart.id}: whole-second tick ${t}`);
      // The default window is five minutes, whatever the history holds.
      assert.ok(spanOf(chart.x) >= 180 && spanOf(chart.x) <= 300, `${chart.id} ticks span ${spanOf(chart.x)} s: ${chart.x.join(', ')}`);
    }
    const byId = new Map((await tickLabels(page)).map((c) => [c.id, c]));
    // Nothing flushed or compacted yet: a flat zero, labelled as such, not "1 B/s, 1 B/s, 0 B/s".
    assert.equal(byId.get('chart-compaction')!.y, ['0 B/s']);
    assert.equal(byId.get('chart-ops')!.y.slice(0, 1), ['0']);
    assert.not.ok(byId.get('chart-memory')!.empty, 'memory has values from the first second');

    await page.click('[data-window="60"]');
    const oneMinute = (await tickLabels(page)).find((c) => c.id === 'chart-ops')!;
    assert.ok(spanOf(oneMinute.x) >= 30 && spanOf(oneMinute.x) <= 60, `one-minute window ticks span ${spanOf(oneMinute.x)} s`);
    assert.equal(problems, [], 'no errors in the browser console');
  } finally {
    await browser?.close();
    await server.stop();
  }
});

browserTest('with requirepass, the page opens with the password as Basic credentials and charts the seconds before it was opened', async () => {
  const password = 's3cret';
  const { server, base } = await startWithAdminPort(password);
  const client = new Redis({ port: server.port, password, lazyConnect: true, enableReadyCheck: false });
  let browser: Browser | null = null;
  try {
    await client.connect();
    // A few seconds of calls before any page is open: the server's per-second latency has them.
    const load = runLoad(client, 1000, 100);
    await sleep(3500);
    await load.stop();

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    // Without credentials Chromium takes the Basic challenge as a request for a password (a person
    // would see the prompt); playwright, with none to give, fails the navigation.
    const anonymous = await browser.newPage();
    const challenged = await anonymous.goto(`${base}/dashboard/`).then(() => 'loaded', (err: Error) => err.message);
    assert.match(challenged, /ERR_INVALID_AUTH_CREDENTIALS/);
    await anonymous.close();

    // What a person does at the browser's prompt: any user name, the password.
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, httpCredentials: { username: 'admin', password } });
    const page = await context.newPage();
    const problems = browserProblems(page);
    const opened = await page.goto(`${base}/dashboard/`);
    assert.is(opened?.status(), 200);
    await waitForSamples(page, 1);
    assert.is(await tileNumber(page, 'keys'), 1000);
    assert.match((await page.textContent('#status')) ?? '', /^live/);
    assert.match((await page.textContent('#latency-scope')) ?? '', /per second/);

    // After one poll the page has one sample of its own, yet the latency chart already shows lines
    // over the seconds before it was opened (in the one-minute window, where a few seconds are wide).
    await page.click('[data-window="60"]');
    const png = PNG.sync.read(await page.screenshot({ fullPage: true }));
    const chart = await page.$eval('#chart-latency', (e) => {
      const r = (e.querySelector('.u-over') ?? e).getBoundingClientRect();
      return { colors: e.dataset.colors ?? '', box: { x: r.x + window.scrollX, y: r.y + window.scrollY, width: r.width, height: r.height } };
    });
    const seen = seriesPixels(png, chart.box, chart.colors.split(',').map(parseColor));
    assert.ok(seen.count >= 100, `latency chart: ${seen.count} pixels of its series colours after one poll`);
    // So does throughput: the run before the page opened is on it, from the server's history.
    const ops = await page.$eval('#chart-ops', (e) => {
      const r = (e.querySelector('.u-over') ?? e).getBoundingClientRect();
      return { colors: e.dataset.colors ?? '', box: { x: r.x + window.scrollX, y: r.y + window.scrollY, width: r.width, height: r.height } };
    });
    const opsSeen = seriesPixels(png, ops.box, ops.colors.split(',').map(parseColor));
    assert.ok(opsSeen.rows >= 40, `throughput chart after one poll: the earlier run spans ${opsSeen.rows} px`);
    assert.equal(problems, [], 'no errors in the browser console');
  } finally {
    await browser?.close();
    client.disconnect();
    await server.stop();
  }
});

browserTest('hover and pause: every time chart shows the hovered second\'s values and the charts hold still (the header says paused) until the pointer leaves or Pause is pressed again; a full compaction shows a progress line', async () => {
  const { server, base } = await startWithAdminPort();
  const client = new Redis({ port: server.port, lazyConnect: true, enableReadyCheck: false });
  let browser: Browser | null = null;
  try {
    await client.connect();
    // Big values through the 1 MB memtable: tens of MB in tables for the compaction below, on
    // scattered keys (tables of keys in order would just move down a level, with nothing to merge).
    const value = 'v'.repeat(1000);
    for (let batch = 0; batch < 30; batch++) {
      const pipeline = client.pipeline();
      for (let i = 0; i < 1000; i++) pipeline.set(`k:${((batch * 1000 + i) * 2654435761) % 4294967291}`, value);
      await pipeline.exec();
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const problems = browserProblems(page);
    await page.goto(`${base}/dashboard/`);
    // Enough seconds of history that the one hovered below (three before the newest) is not the
    // server's first sample, which has no rate yet.
    await waitForSamples(page, 6);
    await page.click('[data-window="60"]');
    const windowEnd = (): Promise<number> => page.$eval('#chart-ops', (e) => Number(e.dataset.windowEnd));
    const legends = (): Promise<Array<{ id: string; time: string; values: string[] }>> => page.$$eval('.chart', (elements) => elements.filter((e) => e.id !== 'chart-levels').map((e) => {
      const cells = [...e.querySelectorAll('.u-legend .u-series .u-value')].map((c) => c.textContent ?? '');
      return { id: e.id, time: cells[0] ?? '', values: cells.slice(1) };
    }));

    // The pointer on the throughput plot, a few seconds left of its newest second.
    const box = await page.$eval('#chart-ops .u-over', (e) => { const r = e.getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height }; });
    await page.mouse.move(box.x + box.width * 0.95, box.y + box.height / 2);
    await page.waitForFunction(() => document.getElementById('status')?.dataset.state === 'paused', undefined, { timeout: 5000 });
    assert.match((await page.textContent('#status')) ?? '', /^paused while the pointer is on a chart/);
    const hovered = await legends();
    const second = hovered.find((l) => l.id === 'chart-ops')!.time;
    assert.match(second, /^\d\d:\d\d:\d\d$/);
    // The cursors move together: every time chart shows that same second, a value per series.
    for (const legend of hovered) {
      assert.is(legend.time, second, `${legend.id} shows ${legend.time}, not ${second}`);
      if (legend.id !== 'chart-latency') for (const v of legend.values) assert.not.match(v, /^–?$/, `${legend.id} has a value at ${second}: ${JSON.stringify(hovered)}`);
    }
    // The value shown is the server's own for that second.
    const history = await page.evaluate(async () => (await (await fetch('/api/stats')).json()).history as { time: number[]; series: Record<string, Array<number | null>> });
    const index = history.time.findIndex((t) => new Date(t).toLocaleTimeString('en-GB', { hour12: false }) === second);
    assert.ok(index >= 0, `the server's history has ${second}`);
    const shown = Number(hovered.find((l) => l.id === 'chart-ops')!.values[0].replace(/,/g, ''));
    const fromServer = history.series.ops[index] ?? NaN;
    // Shown rounded: whole numbers from 100 up, one decimal below.
    assert.ok(Math.abs(shown - fromServer) <= (fromServer >= 100 ? 0.5 : 0.05), `ops at ${second}: shown ${shown}, server ${fromServer}`);

    // Held: polls go on (the tiles stay live) but the charts do not move.
    const heldEnd = await windowEnd();
    const heldSamples = await samplesSoFar(page);
    await waitForSamples(page, heldSamples + 2);
    assert.is(await windowEnd(), heldEnd, 'the charts held still while hovered');
    assert.is((await legends()).find((l) => l.id === 'chart-ops')!.time, second, 'the hovered second stayed under the pointer');

    // Off the chart: live again, and the charts catch up at once.
    await page.mouse.move(5, 5);
    await page.waitForFunction(() => document.getElementById('status')?.dataset.state === 'live', undefined, { timeout: 5000 });
    assert.ok((await windowEnd()) > heldEnd, 'released charts moved on');

    // Pause holds them without the pointer, until pressed again.
    await page.click('#pause');
    assert.is(await page.getAttribute('#pause', 'aria-pressed'), 'true');
    assert.match((await page.textContent('#status')) ?? '', /^paused ·/);
    const pausedEnd = await windowEnd();
    await waitForSamples(page, (await samplesSoFar(page)) + 2);
    assert.is(await windowEnd(), pausedEnd, 'the charts held still while paused');
    await page.click('#pause');
    assert.is(await page.getAttribute('#pause', 'aria-pressed'), 'false');
    await page.waitForFunction(() => document.getElementById('status')?.dataset.state === 'live', undefined, { timeout: 5000 });
    assert.ok((await windowEnd()) > pausedEnd);

    // A full compaction from the page, slowed to be watched: its line shows a percent, then goes.
    // Once the load's own compactions are done, so the steps shown are the full compaction's;
    // then a few keys across the whole key range, so its first step really merges (level 0's new
    // table over every table of level 1) rather than finding nothing to do.
    await waitForQuietStorage(client);
    const spread = client.pipeline();
    for (let i = 0; i < 30_000; i += 15) spread.set(`k:${(i * 2654435761) % 4294967291}`, 'again');
    await spread.exec();
    await client.config('SET', 'compaction-rate-limit', '4mb');
    await page.click('#compact');
    await page.waitForFunction(() => document.getElementById('compact-result')?.textContent === 'started', undefined, { timeout: 5000 });
    const line = await page.waitForFunction(() => {
      const op = document.querySelector('#work .operation[data-operation="compaction"]');
      return op !== null && /compacting \d+ tables .* · [\d.]+% of /.test(op.textContent ?? '') ? op.textContent : null;
    }, undefined, { timeout: 30_000, polling: 100 });
    assert.match(String(await line.jsonValue()), /^Full compaction/);
    assert.not.ok(await page.$eval('#work', (e) => (e as HTMLElement).hidden));
    await page.waitForFunction(() => (document.getElementById('work') as HTMLElement).hidden, undefined, { timeout: 120_000, polling: 200 });
    assert.equal(problems, [], 'no errors in the browser console');
  } finally {
    await browser?.close();
    client.disconnect();
    await server.stop();
  }
});

test.run();
