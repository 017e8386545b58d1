/**
 * The admin HTTP port against the real server with real HTTP requests (fetch, raw sockets):
 * off by default, /metrics as Prometheus text that follows what the server does, /healthz and
 * /readyz (also while the disk refuses writes and while shutting down), bearer-token auth and
 * protected mode.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort, mountTmpfs, RawClient, sleep, startServer, testRedis, type StartOptions, type TestServer } from './helpers.js';

interface AdminServer {
  srv: TestServer;
  adminPort: number;
  /** http://127.0.0.1:<admin port> */
  base: string;
}

async function startWithAdmin(options: StartOptions = {}): Promise<AdminServer> {
  const adminPort = await freePort();
  const srv = await startServer({ ...options, args: ['--admin-port', String(adminPort), ...(options.args ?? [])] });
  return { srv, adminPort, base: `http://127.0.0.1:${adminPort}` };
}

/** The error a promise rejects with; fails the test when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  let error: unknown;
  try {
    await promise;
  } catch (err) {
    error = err;
  }
  assert.instance(error, Error, 'expected a rejection');
  return error as Error;
}

function redis(srv: TestServer, password?: string): Redis {
  return testRedis({ port: srv.port, password });
}

// ---------------------------------------------------------------------------- Prometheus text

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

interface Exposition {
  types: Map<string, string>;
  help: Map<string, string>;
  samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const HELP_LINE = new RegExp(`^# HELP (${NAME}) (.*)$`);
const TYPE_LINE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const SAMPLE_LINE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)$`);
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/y;

/**
 * A strict reader of the Prometheus text format (0.0.4): every line must be a HELP, a TYPE or a
 * sample whose family was typed before it, label values quoted and escaped, values numbers.
 */
function parseExposition(text: string): Exposition {
  const out: Exposition = { types: new Map(), help: new Map(), samples: [] };
  assert.ok(text.endsWith('\n'), 'the exposition ends with a newline');
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const help = HELP_LINE.exec(line);
    if (help) {
      out.help.set(help[1], help[2]);
      continue;
    }
    const type = TYPE_LINE.exec(line);
    if (type) {
      assert.not.ok(out.types.has(type[1]), `one TYPE line for ${type[1]}`);
      out.types.set(type[1], type[2]);
      continue;
    }
    const sample = SAMPLE_LINE.exec(line);
    assert.ok(sample, `a valid sample line: ${JSON.stringify(line)}`);
    const [, name, labelText, valueText] = sample;
    const family = [name, name.replace(/_(bucket|sum|count|total|created)$/, '')].find((n) => out.types.has(n));
    assert.ok(family, `${name} has a TYPE line before its samples`);
    const labels: Record<string, string> = {};
    if (labelText !== undefined && labelText !== '') {
      LABEL.lastIndex = 0;
      while (LABEL.lastIndex < labelText.length) {
        const m = LABEL.exec(labelText);
        assert.ok(m, `well-formed labels: ${labelText}`);
        labels[m[1]] = m[2];
      }
    }
    const value = valueText === '+Inf' ? Infinity : valueText === '-Inf' ? -Infinity : Number(valueText);
    assert.ok(valueText === 'NaN' || !Number.isNaN(value), `a numeric value: ${line}`);
    out.samples.push({ name, labels, value });
  }
  return out;
}

/** The one sample of `name` with exactly these labels (a subset match), or undefined. */
function sampleValue(exp: Exposition, name: string, labels: Record<string, string> = {}): number | undefined {
  const hit = exp.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return hit?.value;
}

async function scrape(base: string, headers: Record<string, string> = {}): Promise<Exposition> {
  const res = await fetch(`${base}/metrics`, { headers });
  assert.is(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return parseExposition(await res.text());
}

/** INFO as a map of field -> value. */
async function info(r: Redis, section: string): Promise<Map<string, string>> {
  const text = await r.info(section);
  const fields = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

// ---------------------------------------------------------------------------- listening

/** TCP ports the process listens on, from its socket fds and the kernel's socket tables. */
function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    let target = '';
    try {
      target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue; // closed meanwhile
    }
    const m = /^socket:\[(\d+)\]$/.exec(target);
    if (m) inodes.add(m[1]);
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!fs.existsSync(table)) continue;
    for (const line of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== '0A' /* LISTEN */ || !inodes.has(f[9])) continue;
      ports.push(Number.parseInt(f[1].split(':')[1], 16));
    }
  }
  return ports.sort((a, b) => a - b);
}

test('admin-port is off by default: the process listens on the RESP port only; the directive is known to file, CONFIG GET/SET and REWRITE', async () => {
  const srv = await startServer();
  try {
    assert.equal(listeningPorts(srv.process.pid ?? 0), [srv.port]);
    assert.not.match(srv.output(), /Admin HTTP port/);
    const r = redis(srv);
    assert.equal(await r.config('GET', 'admin-port'), ['admin-port', '0']);
    assert.match((await rejection(r.config('SET', 'admin-port', '8080'))).message, /can't set immutable config/);
    r.disconnect();
  } finally {
    await srv.stop();
  }

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratakv-admin-conf-'));
  const adminPort = await freePort();
  const conf = path.join(dir, 'stratakv.conf');
  fs.writeFileSync(conf, `# admin port from the file\nadmin-port ${adminPort}\n`);
  const withFile = await startServer({ configFile: conf });
  try {
    assert.equal(listeningPorts(withFile.process.pid ?? 0), [withFile.port, adminPort].sort((a, b) => a - b));
    assert.match(withFile.output(), new RegExp(`Admin HTTP port ready on 127\\.0\\.0\\.1 port ${adminPort}`));
    const r = redis(withFile);
    assert.equal(await r.config('GET', 'admin-port'), ['admin-port', String(adminPort)]);
    assert.is(await r.config('REWRITE'), 'OK');
    assert.match(fs.readFileSync(conf, 'utf8'), new RegExp(`# admin port from the file\nadmin-port ${adminPort}\n`));
    r.disconnect();
  } finally {
    await withFile.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an admin port that is taken stops the start with the reason', async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const taken = (blocker.address() as net.AddressInfo).port;
  try {
    // The RESP port listens first, so a PING may just get through before the process exits.
    let output: string;
    try {
      const srv = await startServer({ args: ['--admin-port', String(taken)] });
      assert.is(await srv.exited(), 1);
      output = srv.output();
    } catch (err) {
      output = (err as Error).message;
    }
    assert.match(output, new RegExp(`Could not create the admin HTTP listening socket 127\\.0\\.0\\.1:${taken}: listen EADDRINUSE`));
  } finally {
    blocker.close();
  }
});

// ---------------------------------------------------------------------------- /metrics

test('/metrics is Prometheus text with the stratakv_ metrics, the process metrics, and numbers that follow the commands run', async () => {
  const { srv, base } = await startWithAdmin({ args: ['--memtable-size', '1mb'] });
  const r = redis(srv);
  try {
    const before = await scrape(base);
    for (const [name, type] of before.types) {
      if (!name.startsWith('stratakv_')) continue;
      assert.ok(before.help.get(name), `${name} has a HELP text`);
      if (type === 'counter') assert.ok(name.endsWith('_total'), `counter ${name} ends in _total`);
      else assert.not.ok(name.endsWith('_total'), `${type} ${name} does not end in _total`);
    }
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
      assert.ok(before.types.has(name), `default metric ${name}`);
    }
    assert.is(sampleValue(before, 'stratakv_build_info', { redis_version: '7.0.15' }), 1);
    assert.is(sampleValue(before, 'stratakv_keys', { db: '0' }), 0);
    assert.is(sampleValue(before, 'stratakv_command_calls_total', { command: 'set' }), undefined, 'commands never called are left out, as in INFO commandstats');

    for (let i = 0; i < 10; i++) await r.set(`m:${i}`, 'x'.repeat(100), 'EX', 1000);
    for (let i = 0; i < 5; i++) await r.get(`m:${i}`);
    await r.get('m:missing');
    assert.match((await rejection(r.call('NOSUCHCOMMAND'))).message, /unknown command/);
    assert.match((await rejection(r.call('GET'))).message, /wrong number of arguments/);

    const after = await scrape(base);
    assert.is(sampleValue(after, 'stratakv_command_calls_total', { command: 'set' }), 10);
    assert.is(sampleValue(after, 'stratakv_command_calls_total', { command: 'get' }), 6);
    assert.is(sampleValue(after, 'stratakv_command_rejected_calls_total', { command: 'get' }), 1, 'the arity error');
    assert.ok((sampleValue(after, 'stratakv_command_duration_seconds_total', { command: 'set' }) ?? 0) > 0);
    const p50 = sampleValue(after, 'stratakv_command_latency_seconds', { command: 'set', quantile: '0.5' }) ?? 0;
    const p999 = sampleValue(after, 'stratakv_command_latency_seconds', { command: 'set', quantile: '0.999' }) ?? 0;
    assert.ok(p50 > 0 && p50 <= p999, `SET latency p50 ${p50} s, p99.9 ${p999} s`);
    assert.is(sampleValue(after, 'stratakv_keys', { db: '0' }), 10);
    assert.is(sampleValue(after, 'stratakv_keys_with_expiry', { db: '0' }), 10);
    assert.is(sampleValue(after, 'stratakv_keyspace_hits_total'), 5);
    assert.is(sampleValue(after, 'stratakv_keyspace_misses_total'), 1);
    assert.is(sampleValue(after, 'stratakv_errors_total', { code: 'ERR' }), 2);
    assert.is(sampleValue(after, 'stratakv_connected_clients'), 1);
    assert.ok((sampleValue(after, 'stratakv_net_input_bytes_total') ?? 0) > (sampleValue(before, 'stratakv_net_input_bytes_total') ?? 0));
    assert.ok((sampleValue(after, 'stratakv_wal_written_bytes_total') ?? 0) > 1000);

    // The same numbers INFO prints.
    const stats = await info(r, 'stats');
    const commandstats = await info(r, 'commandstats');
    assert.match(commandstats.get('cmdstat_set') ?? '', /^calls=10,/);
    assert.is(Number(stats.get('keyspace_hits')), sampleValue(after, 'stratakv_keyspace_hits_total'));
    assert.is(Number(stats.get('total_error_replies')), sampleValue(after, 'stratakv_error_replies_total'));

    // Enough writes for flushes: the level and flush metrics are the engine's numbers.
    const value = 'v'.repeat(10_000);
    for (let i = 0; i < 300; i++) await r.set(`big:${i}`, value);
    let storage = await info(r, 'storage');
    for (let i = 0; i < 100 && (Number(storage.get('flushes')) < 1 || storage.get('immutable_memtables') !== '0' || storage.get('compactions_running') !== '0'); i++) {
      await sleep(100);
      storage = await info(r, 'storage');
    }
    assert.ok(Number(storage.get('flushes')) >= 1, 'a flush happened');
    const flushed = await scrape(base);
    assert.is(sampleValue(flushed, 'stratakv_flushes_total'), Number(storage.get('flushes')));
    assert.is(sampleValue(flushed, 'stratakv_flush_written_bytes_total'), Number(storage.get('flush_bytes_written')));
    let levelFiles = 0;
    for (const [field, text] of storage) {
      const m = /^level(\d+)$/.exec(field);
      if (!m) continue;
      const [, files, bytes] = /^files=(\d+),bytes=(\d+)$/.exec(text) ?? [];
      assert.is(sampleValue(flushed, 'stratakv_level_tables', { level: m[1] }), Number(files), `level ${m[1]} files`);
      assert.is(sampleValue(flushed, 'stratakv_level_bytes', { level: m[1] }), Number(bytes), `level ${m[1]} bytes`);
      levelFiles += Number(files);
    }
    assert.ok(levelFiles >= 1, 'tables on some level');
  } finally {
    r.disconnect();
    await srv.stop();
  }
});

// ---------------------------------------------------------------------------- probes and access

test('/healthz and /readyz answer 200 JSON; unknown paths 404 and wrong methods 405, as JSON', async () => {
  const { srv, base } = await startWithAdmin();
  try {
    for (const probe of ['/healthz', '/readyz']) {
      const res = await fetch(base + probe);
      assert.is(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      assert.equal(await res.json(), { status: 'ok' });
    }
    const missing = await fetch(`${base}/nope`);
    assert.is(missing.status, 404);
    assert.match(((await missing.json()) as { error: string }).error, /nothing here: \/nope/);
    const post = await fetch(`${base}/metrics`, { method: 'POST', body: 'x' });
    assert.is(post.status, 405);
    assert.is(post.headers.get('allow'), 'GET, HEAD');
    assert.match(((await post.json()) as { error: string }).error, /method POST not allowed/);
  } finally {
    await srv.stop();
  }
});

test('with requirepass, /metrics and the dashboard need the bearer token (checked live); the probes stay open', async () => {
  const { srv, base } = await startWithAdmin({ args: ['--requirepass', 's3cret'] });
  try {
    const bare = await fetch(`${base}/metrics`);
    assert.is(bare.status, 401);
    assert.is(bare.headers.get('www-authenticate'), 'Bearer realm="stratakv"');
    assert.match(((await bare.json()) as { error: string }).error, /authentication required/);
    const wrong = await fetch(`${base}/metrics`, { headers: { Authorization: 'Bearer s3cre' } });
    assert.is(wrong.status, 401);
    assert.match(((await wrong.json()) as { error: string }).error, /invalid bearer token/);
    await scrape(base, { Authorization: 'Bearer s3cret' });
    assert.is((await fetch(`${base}/dashboard/`)).status, 401);
    assert.is((await fetch(`${base}/api/stats`)).status, 401);
    assert.not.equal((await fetch(`${base}/api/stats`, { headers: { Authorization: 'bearer s3cret' } })).status, 401);
    assert.is((await fetch(`${base}/healthz`)).status, 200);
    assert.is((await fetch(`${base}/readyz`)).status, 200);

    const r = redis(srv, 's3cret');
    await r.config('SET', 'requirepass', 'n3w');
    assert.is((await fetch(`${base}/metrics`, { headers: { Authorization: 'Bearer s3cret' } })).status, 401);
    await scrape(base, { Authorization: 'Bearer n3w' });
    r.disconnect();
  } finally {
    await srv.stop();
  }
});

/** `Authorization: Basic base64(user:password)`, the password's bytes in UTF-8 as browsers send them. */
function basic(user: string, password: string): Record<string, string> {
  return { Authorization: `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}` };
}

test('with requirepass, Basic credentials (any user name) work on every protected path; dashboard paths challenge with Basic, /metrics and /v1 keep Bearer and JSON', async () => {
  // A colon and a non-ASCII letter: the user name ends at the first colon, the rest is UTF-8.
  const password = 'pa:ss wörd';
  const { srv, base } = await startWithAdmin({ args: ['--requirepass', password] });
  const basicChallenge = 'Basic realm="stratakv", charset="UTF-8"';
  try {
    // Accepted everywhere, whatever the user name (also none).
    await scrape(base, basic('prometheus', password));
    const put = await fetch(`${base}/v1/kv/greeting`, { method: 'PUT', body: 'hello', headers: basic('', password) });
    assert.is(put.status, 204);
    const got = await fetch(`${base}/v1/kv/greeting`, { headers: basic('anyone', password) });
    assert.is(got.status, 200);
    assert.is(await got.text(), 'hello');
    const page = await fetch(`${base}/dashboard/`, { headers: basic('admin', password) });
    assert.is(page.status, 200);
    assert.match(await page.text(), /<title>StrataKV dashboard<\/title>/);
    assert.is((await fetch(`${base}/`, { headers: basic('admin', password) })).status, 200);
    const stats = await fetch(`${base}/api/stats`, { headers: basic('admin', password) });
    assert.is(stats.status, 200);
    assert.is(((await stats.json()) as { keyspace: { keys: number } }).keyspace.keys, 1);

    // The dashboard paths: a Basic challenge, so a browser prompts; text for the page, JSON for the API.
    for (const [path, headers] of [['/', {}], ['/dashboard/', basic('admin', 'pa:ss word')], ['/dashboard/dashboard.js', basic('admin', 'pa')]] as const) {
      const res = await fetch(base + path, { headers });
      assert.is(res.status, 401, path);
      assert.is(res.headers.get('www-authenticate'), basicChallenge, path);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain/, path);
      assert.match(await res.text(), Object.keys(headers).length === 0 ? /authentication required/ : /invalid password/, path);
    }
    const api = await fetch(`${base}/api/stats`, { headers: basic('admin', 'wrong') });
    assert.is(api.status, 401);
    assert.is(api.headers.get('www-authenticate'), basicChallenge);
    assert.equal(await api.json(), { error: 'invalid password' });

    // The machine paths keep their Bearer challenge and JSON errors, whichever scheme failed.
    for (const path of ['/metrics', '/v1/kv/greeting']) {
      const res = await fetch(base + path, { headers: basic('admin', 'wrong') });
      assert.is(res.status, 401, path);
      assert.is(res.headers.get('www-authenticate'), 'Bearer realm="stratakv"', path);
      assert.equal(await res.json(), { error: 'invalid password' }, path);
    }

    // Credentials that are not base64 of user:password are refused as such.
    for (const header of ['Basic !!!', `Basic ${Buffer.from('no colon').toString('base64')}`, 'Basic ', 'Digest username="x"']) {
      const res = await fetch(`${base}/metrics`, { headers: { Authorization: header } });
      assert.is(res.status, 401, header);
      assert.match(((await res.json()) as { error: string }).error, /malformed Basic credentials|authentication required/, header);
    }
    const notBase64 = await fetch(`${base}/metrics`, { headers: { Authorization: 'Basic !!!' } });
    assert.match(((await notBase64.json()) as { error: string }).error, /malformed Basic credentials/);

    // A new password applies at once, to Basic as to Bearer.
    const r = redis(srv, password);
    await r.config('SET', 'requirepass', 'n3w');
    assert.is((await fetch(`${base}/api/stats`, { headers: basic('admin', password) })).status, 401);
    assert.is((await fetch(`${base}/api/stats`, { headers: basic('admin', 'n3w') })).status, 200);
    r.disconnect();
  } finally {
    await srv.stop();
  }
});

/** An IPv4 address of this host that is not loopback, if there is one. */
function externalAddress(): string | undefined {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

test('protected mode: without a password, a non-loopback client gets 403 except for the probes', async () => {
  const external = externalAddress();
  if (external === undefined) {
    console.log('  skipped: this host has no non-loopback IPv4 address');
    return;
  }
  const { srv, adminPort } = await startWithAdmin({ args: ['--bind', '127.0.0.1', external] });
  try {
    const remote = `http://${external}:${adminPort}`;
    const refused = await fetch(`${remote}/metrics`);
    assert.is(refused.status, 403);
    assert.match(((await refused.json()) as { error: string }).error, /protected mode/);
    assert.is((await fetch(`${remote}/v1/kv/k`)).status, 403);
    assert.is((await fetch(`${remote}/healthz`)).status, 200);
    assert.is((await fetch(`${remote}/readyz`)).status, 200);
    assert.is((await fetch(`http://127.0.0.1:${adminPort}/metrics`)).status, 200, 'loopback is served');
  } finally {
    await srv.stop();
  }
});

// ---------------------------------------------------------------------------- readiness

test('a full disk: /readyz is 503 with the reason and REST writes get 503 while reads go on; both recover with the disk', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'stratakv-admin-full-'));
  const mnt = path.join(root, 'mnt');
  fs.mkdirSync(mnt);
  const skip = mountTmpfs(mnt, '16m');
  if (skip !== null) {
    console.log(`  skipped the full-disk readiness test: ${skip}`);
    fs.rmSync(root, { recursive: true, force: true });
    return;
  }
  const filler = path.join(mnt, 'filler');
  const { srv, base } = await startWithAdmin({ dir: path.join(mnt, 'data'), args: ['--appendfsync', 'always', '--memtable-size', '1mb'] });
  try {
    assert.is((await fetch(`${base}/v1/kv/kept`, { method: 'PUT', body: 'yes' })).status, 204);
    const free = fs.statfsSync(mnt).bavail * fs.statfsSync(mnt).bsize;
    fs.writeFileSync(filler, Buffer.alloc(Math.max(0, free - 64 * 1024)));
    const value = Buffer.alloc(1000, 0x61);
    let refused: Response | null = null;
    for (let i = 0; i < 2000 && refused === null; i++) {
      const res = await fetch(`${base}/v1/kv/f${i}`, { method: 'PUT', body: value });
      if (res.status !== 204) refused = res;
      else await res.arrayBuffer();
    }
    assert.ok(refused, 'the disk filled up');
    assert.is(refused.status, 503);
    assert.match(((await refused.json()) as { error: string }).error, /MISCONF|durable/);
    const misconf = await fetch(`${base}/v1/kv/another`, { method: 'PUT', body: 'x' });
    assert.is(misconf.status, 503);
    assert.equal(await misconf.json(), { error: 'MISCONF Errors writing to the AOF file: No space left on device' });
    const ready = await fetch(`${base}/readyz`);
    assert.is(ready.status, 503);
    const body = (await ready.json()) as { status: string; reason: string };
    assert.is(body.status, 'unavailable');
    assert.match(body.reason, /writes are refused until the disk recovers \(MISCONF\): .*(ENOSPC|no space)/i);
    assert.is((await fetch(`${base}/healthz`)).status, 200, 'alive all the same');
    const read = await fetch(`${base}/v1/kv/kept`);
    assert.is(read.status, 200);
    assert.is(await read.text(), 'yes');

    fs.rmSync(filler);
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      await sleep(200);
      // A write is what finds out that the disk is back.
      await (await fetch(`${base}/v1/kv/after`, { method: 'PUT', body: 'x' })).arrayBuffer();
      status = (await fetch(`${base}/readyz`)).status;
    }
    assert.is(status, 200, 'ready again once space returns');
  } finally {
    await srv.stop();
    execFileSync('umount', [mnt]);
    fs.rmSync(root, { recursive: true, force: true });
  }
});

/** Reads HTTP/1.1 responses off a raw socket until the server closes it. */
function readAll(socket: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (d: Buffer) => { text += d.toString('latin1'); });
    socket.on('close', () => resolve(text));
    socket.on('error', () => { /* 'close' follows */ });
  });
}

test('SHUTDOWN with a REST PUT in flight: the PUT completes durably, then /readyz on that connection says "shutting down"', async () => {
  const { srv, adminPort, base } = await startWithAdmin();
  const dir = srv.dir;
  try {
    const socket = net.connect(adminPort, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    const responses = readAll(socket);
    // Headers and half the body: the request is in flight when SHUTDOWN arrives.
    socket.write('PUT /v1/kv/inflight HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhello');
    await sleep(200);
    const resp = await RawClient.connect(srv.port);
    resp.write('*1\r\n$8\r\nSHUTDOWN\r\n');
    await resp.readUntilClose(10_000);
    // The rest of the body, and a readiness probe pipelined behind it on the same connection.
    socket.write('world');
    socket.write('GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n');
    const text = await responses;
    assert.match(text, /^HTTP\/1\.1 204 No Content\r\n/);
    assert.match(text, /HTTP\/1\.1 503 Service Unavailable\r\n[^]*\{"status":"unavailable","reason":"shutting down"\}\n$/);
    assert.is(await srv.exited(), 0);
    await rejection(fetch(`${base}/healthz`)); // nothing listens any more

    const again = await startServer({ dir });
    try {
      const r = redis(again);
      assert.is(await r.get('inflight'), 'helloworld');
      r.disconnect();
    } finally {
      await again.stop();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
