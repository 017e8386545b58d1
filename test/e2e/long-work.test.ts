/**
 * Long work shows its progress, end to end: a start that replays a big write-ahead log (the admin
 * port's /readyz answers 503 with the phase and percent until the server is ready, and the log
 * prints progress lines), and a full compaction an operator starts with POST /api/compact (its
 * progress in /api/stats under `work`, in the log, one at a time, refused to users who may not
 * run BGREWRITEAOF and to requests a cross-site form could send).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort, runProcess, sleep, startServer, waitForQuietStorage } from './helpers.js';

interface Snapshot {
  operation: string;
  phase: string;
  doneBytes: number;
  totalBytes: number;
  percent: number;
  items: number;
  itemName: string;
  itemsPerSecond: number;
  etaSeconds: number | null;
  startedAt: number;
  phaseStartedAt: number;
}

interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  at: number;
}

/** One HTTP request; null while nothing listens on the port yet. */
async function request(url: string, init: RequestInit = {}): Promise<Reply | null> {
  try {
    const res = await fetch(url, init);
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), at: Date.now() };
  } catch {
    return null;
  }
}

/** SETs of `size`-byte values on random keys, pipelined by redis-benchmark (fast, and real RESP). */
async function load(port: number, requests: number, size: number): Promise<void> {
  const run = await runProcess('redis-benchmark', ['-p', String(port), '-t', 'set', '-n', String(requests), '-r', '100000000', '-d', String(size), '-P', '64', '-c', '8', '-q'], undefined, 180_000);
  assert.is(run.code, 0, run.stderr);
}

function walBytes(dir: string): number {
  return readdirSync(dir).filter((name) => name.endsWith('.log')).reduce((sum, name) => sum + statSync(path.join(dir, name)).size, 0);
}

test('a start replaying a big write-ahead log: /readyz answers 503 with the phase and a rising percent, the log shows progress, then 200 with every key there', async () => {
  // A memtable bigger than the load: nothing is flushed, the whole load is in the log.
  const first = await startServer({ args: ['--memtable-size', '1gb', '--appendfsync', 'no'] });
  let keys: number;
  try {
    await load(first.port, 400_000, 100);
    const client = new Redis({ port: first.port, lazyConnect: true });
    await client.connect();
    keys = await client.dbsize();
    client.disconnect();
    // Written to the page cache (appendfsync no), which a killed process leaves intact.
  } finally {
    await first.kill();
  }
  const bytes = walBytes(first.dir);
  assert.ok(bytes > 30_000_000, `the log holds ${bytes} bytes`);

  const adminPort = await freePort();
  const base = `http://127.0.0.1:${adminPort}`;
  const starting = startServer({ dir: first.dir, port: first.port, args: ['--admin-port', String(adminPort), '--memtable-size', '1gb'] });
  const replies: Reply[] = [];
  let duringStart: { stats: Reply | null; health: Reply | null } | null = null;
  const deadline = Date.now() + 120_000;
  for (;;) {
    const reply = await request(`${base}/readyz`);
    if (reply !== null) {
      replies.push(reply);
      if (reply.status === 200) break;
      if (duringStart === null && (reply.body.progress as Snapshot | undefined)?.phase === 'replaying the write-ahead log') {
        duringStart = { stats: await request(`${base}/api/stats`), health: await request(`${base}/healthz`) };
      }
    }
    assert.ok(Date.now() < deadline, 'the server became ready');
    await sleep(40);
  }
  const server = await starting;
  try {
    const replaying = replies.filter((r) => r.status === 503).map((r) => r.body.progress as Snapshot | undefined).filter((p): p is Snapshot => p?.phase === 'replaying the write-ahead log');
    assert.ok(replaying.length >= 2, `/readyz told of the replay ${replaying.length} times: ${JSON.stringify(replies.map((r) => r.body)).slice(0, 2000)}`);
    for (const r of replies.filter((reply) => reply.status === 503)) {
      assert.is(r.body.status, 'starting');
      assert.match(String(r.body.reason), /^the server is starting/);
    }
    for (const p of replaying) {
      assert.is(p.operation, 'startup');
      assert.is(p.itemName, 'keys');
      assert.ok(p.doneBytes <= p.totalBytes);
    }
    // The size is the log's, known from the first report on; the percent only goes up.
    assert.ok(replaying.some((p) => p.totalBytes === bytes), `total ${replaying.map((p) => p.totalBytes).join(',')} vs ${bytes} bytes of log`);
    assert.ok(replaying.some((p) => p.percent > 0 && p.percent < 100), `percents seen: ${replaying.map((p) => p.percent).join(', ')}`);
    for (let i = 1; i < replaying.length; i++) assert.ok(replaying[i].percent >= replaying[i - 1].percent, `percent went from ${replaying[i - 1].percent} to ${replaying[i].percent}`);
    // Ready once: no 503 after the first 200.
    assert.equal(replies[replies.length - 1].body, { status: 'ok' });

    // Meanwhile liveness holds, and what needs the data says to come back.
    assert.ok(duringStart !== null);
    assert.is(duringStart.health?.status, 200);
    assert.is(duringStart.stats?.status, 503);
    assert.is(duringStart.stats?.headers.get('retry-after'), '1');
    assert.match(String(duringStart.stats?.body.error), /^the server is starting: (replaying the write-ahead log, [\d.]+%|opening the keyspace|loading the function libraries)/);

    // A replay long enough to watch prints its progress once a second.
    const replaySeconds = (replies[replies.length - 1].at - replaying[0].phaseStartedAt) / 1000;
    if (replaySeconds >= 1.5) {
      assert.match(server.output(), /\* Replaying the write-ahead log: \d+\.\d% \([\d.]+ of [\d.]+ MiB\), [\d,]+ keys\/s/, `after ${replaySeconds} s of replay`);
    }

    const client = new Redis({ port: server.port, lazyConnect: true });
    await client.connect();
    assert.is(await client.dbsize(), keys);
    client.disconnect();
  } finally {
    await server.stop();
  }
});

test('POST /api/compact: a full compaction in the background, its progress under `work` in /api/stats and in the log, one at a time, only for users who may BGREWRITEAOF, only as JSON', async () => {
  const adminPort = await freePort();
  const base = `http://127.0.0.1:${adminPort}`;
  const server = await startServer({ args: ['--admin-port', String(adminPort), '--memtable-size', '1mb'] });
  const client = new Redis({ port: server.port, lazyConnect: true });
  try {
    await client.connect();
    await load(server.port, 30_000, 1000);
    // The load's own compactions done first: with them running, the full compaction would spend
    // its time waiting for them. Then keys across the whole range, so its first step merges (a
    // new level-0 table over every table of level 1) rather than finding nothing to do.
    await waitForQuietStorage(client);
    await load(server.port, 2_000, 100);
    const keys = await client.dbsize();
    // Slow enough to watch: the rate limit is what an operator sets to spare clients.
    assert.is(await client.config('SET', 'compaction-rate-limit', '8mb'), 'OK');
    assert.equal(await client.config('GET', 'compaction-rate-limit'), ['compaction-rate-limit', String(8 * 1024 * 1024)]);

    const json = { 'Content-Type': 'application/json' };
    // A form elsewhere could post text/plain or form data with the browser's credentials: refused.
    assert.is((await request(`${base}/api/compact`, { method: 'POST', body: 'x=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }))?.status, 415);
    assert.is((await request(`${base}/api/compact`))?.status, 405);
    await client.call('ACL', 'SETUSER', 'viewer', 'on', '>pw', '+info');
    const viewer = { ...json, Authorization: `Basic ${Buffer.from('viewer:pw').toString('base64')}` };
    const refused = await request(`${base}/api/compact`, { method: 'POST', body: '{}', headers: viewer });
    assert.is(refused?.status, 403);
    assert.match(String(refused?.body.error), /NOPERM this user has no permissions to run the 'bgrewriteaof' command/);

    const started = await request(`${base}/api/compact`, { method: 'POST', body: '{}', headers: json });
    assert.is(started?.status, 202, JSON.stringify(started?.body));
    assert.is(started?.body.status, 'started');
    assert.is((started?.body.progress as Snapshot).operation, 'compaction');
    const again = await request(`${base}/api/compact`, { method: 'POST', body: '{}', headers: json });
    assert.is(again?.status, 409);
    assert.is(again?.body.status, 'running');

    const seen: Snapshot[] = [];
    const deadline = Date.now() + 120_000;
    for (;;) {
      const stats = await request(`${base}/api/stats`);
      const work = (stats?.body.work ?? []) as Snapshot[];
      if (work.length === 0) break;
      seen.push(...work);
      assert.ok(Date.now() < deadline, 'the compaction ended');
      await sleep(100);
    }
    const steps = seen.filter((s) => /^compacting \d+ tables of L\d and L\d into L\d$/.test(s.phase));
    assert.ok(steps.length >= 2, `progress seen: ${JSON.stringify(seen.map((s) => [s.phase, s.percent]))}`);
    assert.ok(steps.some((s) => s.percent > 0 && s.percent < 100 && s.etaSeconds !== null && s.items > 0 && s.itemName === 'entries'), JSON.stringify(steps.slice(0, 5)));
    for (const s of steps) assert.ok(s.doneBytes <= s.totalBytes, JSON.stringify(s));

    await sleep(200);
    const output = server.output();
    assert.match(output, /Full compaction requested on the admin port/);
    assert.match(output, /Full compaction done in [\d.]+ seconds/);
    assert.match(output, /\* Compacting \d+ tables of L\d and L\d into L\d: \d+\.\d% \(/);
    // Everything moved down out of level 0, and nothing was lost on the way.
    const storage = String(await client.info('storage'));
    assert.match(storage, /level0:files=0,/);
    assert.is(await client.dbsize(), keys);
  } finally {
    client.disconnect();
    await server.stop();
  }
});

test.run();
