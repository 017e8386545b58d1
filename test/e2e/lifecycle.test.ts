/**
 * The launcher and the server's life: --help/--version, config errors with file:line, the data
 * directory (created, locked), requirepass/AUTH/HELLO AUTH, a config file with CONFIG REWRITE,
 * SHUTDOWN and SIGTERM, restarts (clean, and SIGKILL with appendfsync always) keeping data, TTLs
 * and SCAN cursors; a clean stop leaves nothing to replay; a second signal exits at once; CONFIG
 * REWRITE writes the same file as redis-server 7 does.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { BIN, encodeCommand, freePort, RawClient, redisServerBinary, redisTest, runProcess, sleep, startServer, testRedis } from './helpers.js';

const tmpDirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stratakv-life-'));
  tmpDirs.push(dir);
  return dir;
}

test.after(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

test('--help and --version', async () => {
  const help = await runProcess(process.execPath, [BIN, '--help']);
  assert.is(help.code, 0);
  assert.match(help.stdout, /Usage: stratakv \[CONFIG_FILE\] \[--directive value \.\.\.\]/);
  const version = await runProcess(process.execPath, [BIN, '--version']);
  assert.is(version.code, 0);
  assert.match(version.stdout, /StrataKV v=\d+\.\d+\.\d+/);
});

test('bad configuration: file and line, exit 1, nothing started', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'bad.conf');
  writeFileSync(file, '# ok\nport 7000\nmaxclients lots\n');
  const res = await runProcess(process.execPath, [BIN, file]);
  assert.is(res.code, 1);
  assert.ok(res.stderr.includes(`${file}:3: argument couldn't be parsed into an integer`), res.stderr);
  assert.ok(res.stderr.includes(">>> 'maxclients lots'"), res.stderr);
  const cli = await runProcess(process.execPath, [BIN, '--port', '1', '--no-such-directive', 'x']);
  assert.is(cli.code, 1);
  assert.match(cli.stderr, /\(command line\):2: Bad directive or wrong number of arguments/);
  const missing = await runProcess(process.execPath, [BIN, path.join(dir, 'nope.conf')]);
  assert.is(missing.code, 1);
  assert.match(missing.stderr, /cannot read the config file/);
});

test('the data dir is created and locked against a second server', async () => {
  const dir = path.join(tempDir(), 'nested', 'data');
  const first = await startServer({ dir });
  try {
    assert.ok(existsSync(path.join(dir, 'stratakv.lock')));
    const second = await runProcess(process.execPath, [BIN, '--port', '0', '--dir', dir]);
    assert.is(second.code, 1);
    assert.match(second.stdout + second.stderr, /Another StrataKV server \(pid \d+\) is using the data directory/);
    assert.is((await RawClient.connect(first.port).then(async (c) => { const r = await c.command('PING'); c.close(); return r; })).toString(), '+PONG\r\n');
  } finally {
    await first.stop();
  }
  assert.not.ok(existsSync(path.join(dir, 'stratakv.lock')), 'lock released on exit');
});

test('requirepass: NOAUTH, WRONGPASS, AUTH, HELLO AUTH, unauthenticated limits', async () => {
  const srv = await startServer({ args: ['--requirepass', 's3cret'] });
  try {
    const c = await RawClient.connect(srv.port);
    assert.is((await c.command('GET', 'k')).toString(), '-NOAUTH Authentication required.\r\n');
    assert.is((await c.command('AUTH', 'wrong')).toString(), '-WRONGPASS invalid username-password pair or user is disabled.\r\n');
    assert.is((await c.command('HELLO', '3')).toString().slice(0, 7), '-NOAUTH');
    assert.is((await c.command('AUTH', 's3cret')).toString(), '+OK\r\n');
    assert.is((await c.command('SET', 'k', 'v')).toString(), '+OK\r\n');
    assert.is((await c.command('RESET')).toString(), '+RESET\r\n');
    assert.is((await c.command('GET', 'k')).toString(), '-NOAUTH Authentication required.\r\n', 'RESET de-authenticates');
    const hello = (await c.command('HELLO', '3', 'AUTH', 'default', 's3cret', 'SETNAME', 'me')).toString();
    assert.ok(hello.startsWith('%7\r\n'), hello);
    assert.is((await c.command('CLIENT', 'GETNAME')).toString(), '$2\r\nme\r\n');
    c.close();
    const big = await RawClient.connect(srv.port);
    big.write(encodeCommand(Array.from({ length: 20 }, (_, i) => `a${i}`)));
    assert.is((await big.readUntilClose(2000)).toString(), '-ERR Protocol error: unauthenticated multibulk length\r\n');
    const io = new Redis({ port: srv.port, password: 's3cret', lazyConnect: true });
    await io.connect();
    assert.is(await io.get('k'), 'v');
    io.disconnect();
  } finally {
    await srv.stop();
  }
});

test('protected-mode: without a password only loopback clients are served', async () => {
  const external = Object.values(os.networkInterfaces()).flat().find((i) => i && !i.internal && i.family === 'IPv4');
  if (!external) {
    console.log('  (no non-loopback IPv4 address: protected-mode not exercised)');
    return;
  }
  const srv = await startServer({ args: ['--bind', '127.0.0.1', external.address] });
  try {
    const outside = await RawClient.connect(srv.port, external.address);
    const text = (await outside.readUntilClose(2000)).toString();
    assert.ok(text.startsWith('-DENIED StrataKV is running in protected mode'), text.slice(0, 80));
    assert.ok(text.endsWith('\r\n'));
    const local = await RawClient.connect(srv.port);
    assert.is((await local.command('CONFIG', 'SET', 'protected-mode', 'no')).toString(), '+OK\r\n');
    local.close();
    const allowed = await RawClient.connect(srv.port, external.address);
    assert.is((await allowed.command('PING')).toString(), '+PONG\r\n');
    allowed.close();
  } finally {
    await srv.stop();
  }
});

test('config file: directives apply, CONFIG REWRITE persists CONFIG SET', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'server.conf');
  writeFileSync(file, '# test server\nslowlog-max-len 5\ntimeout 0\n');
  const srv = await startServer({ configFile: file });
  try {
    const r = new Redis({ port: srv.port, lazyConnect: true });
    await r.connect();
    assert.equal(await r.config('GET', 'slowlog-max-len'), ['slowlog-max-len', '5']);
    await r.config('SET', 'slowlog-max-len', '64', 'maxclients', '123');
    assert.is(await r.config('REWRITE'), 'OK');
    r.disconnect();
    const text = readFileSync(file, 'utf8');
    assert.match(text, /^# test server\nslowlog-max-len 64\ntimeout 0\n/);
    assert.match(text, /\nmaxclients 123\n/);
  } finally {
    await srv.stop();
  }
});

test('SHUTDOWN and restart keep data, TTLs and SCAN cursors', async () => {
  const dir = tempDir();
  let srv = await startServer({ dir });
  const r = testRedis({ port: srv.port, lazyConnect: true });
  await r.connect();
  for (let i = 0; i < 300; i++) await r.set(`rs:${i}`, `v${i}`);
  await r.set('rs:ttl', 'x', 'EX', 1000);
  const [cursor, first] = await r.scan('0', 'MATCH', 'rs:*', 'COUNT', '50');
  assert.not.equal(cursor, '0');
  await r.call('SHUTDOWN').catch(() => {});
  r.disconnect();
  assert.is(await srv.exited(), 0);
  assert.match(srv.output(), /ready to exit, bye bye/);

  srv = await startServer({ dir, port: srv.port });
  assert.match(srv.output(), /replayed 0 batches from/, 'SHUTDOWN flushed everything: nothing to replay');
  const r2 = new Redis({ port: srv.port, lazyConnect: true });
  await r2.connect();
  try {
    assert.is(await r2.get('rs:299'), 'v299');
    assert.is(await r2.dbsize(), 301);
    const ttl = await r2.ttl('rs:ttl');
    assert.ok(ttl > 900 && ttl <= 1000, String(ttl));
    const seen = new Set(first);
    let c = cursor;
    do {
      const [next, keys] = await r2.scan(c, 'MATCH', 'rs:*', 'COUNT', '50');
      for (const k of keys) seen.add(k);
      c = next;
    } while (c !== '0');
    assert.is(seen.size, 301, 'the cursor from before the restart completes the scan');
  } finally {
    r2.disconnect();
    await srv.stop();
  }
});

test('SIGTERM closes cleanly; SIGKILL with appendfsync always loses no acknowledged write', async () => {
  const dir = tempDir();
  let srv = await startServer({ dir, args: ['--appendfsync', 'always'] });
  const r = testRedis({ port: srv.port, lazyConnect: true });
  r.on('error', () => { /* the kill resets the connection */ });
  await r.connect();
  let acked = 0;
  const writers = Array.from({ length: 4 }, async (_, w) => {
    for (let i = 0; i < 200; i++) {
      await r.set(`k:${w}:${i}`, String(i));
      await r.incr('k:count');
      acked++;
    }
  });
  await Promise.race([Promise.all(writers), new Promise((resolve) => setTimeout(resolve, 300))]);
  await srv.kill();
  const ackedAtKill = acked;
  await Promise.allSettled(writers);
  r.disconnect();
  srv = await startServer({ dir, port: srv.port });
  const r2 = new Redis({ port: srv.port, lazyConnect: true });
  await r2.connect();
  const count = Number(await r2.get('k:count'));
  assert.ok(count >= ackedAtKill, `acknowledged ${ackedAtKill}, found ${count}`);
  r2.disconnect();
  assert.is(await srv.stop({ keepDir: true }), 0, 'SIGTERM exits with 0');
  assert.match(srv.output(), /Received SIGTERM scheduling shutdown/);
});

test('SIGINT flushes and closes: the next start replays nothing; a second signal exits at once', async () => {
  const dir = tempDir();
  let srv = await startServer({ dir });
  let r = new Redis({ port: srv.port, lazyConnect: true });
  await r.connect();
  for (let i = 0; i < 2000; i += 500) await r.mset(Object.fromEntries(Array.from({ length: 500 }, (_, j) => [`s:${i + j}`, `v${i + j}`])));
  r.disconnect();
  assert.is(await srv.stop({ signal: 'SIGINT', keepDir: true }), 0);
  assert.match(srv.output(), /Received SIGINT scheduling shutdown/);
  assert.match(srv.output(), /Flushing and closing the engine/);

  srv = await startServer({ dir, port: srv.port });
  assert.match(srv.output(), /replayed 0 batches from/, 'nothing left in the WAL to replay');
  r = new Redis({ port: srv.port, lazyConnect: true });
  await r.connect();
  assert.is(await r.dbsize(), 2000);
  // Enough in the memtable that the flush at close takes a while; both signals arrive together.
  const big = 'x'.repeat(10_000);
  for (let i = 0; i < 2000; i += 100) await r.mset(Object.fromEntries(Array.from({ length: 100 }, (_, j) => [`big:${i + j}`, big])));
  r.disconnect();
  srv.process.kill('SIGTERM');
  srv.process.kill('SIGINT');
  assert.is(await srv.exited(), 1, 'the second signal exits without waiting for the close');
  assert.match(srv.output(), /Received SIG(TERM|INT) again, exiting now/);
  assert.not.match(srv.output(), /ready to exit, bye bye/);

  // Nothing was flushed, but every write reached the WAL (in the page cache), so none is lost.
  srv = await startServer({ dir, port: srv.port });
  assert.not.match(srv.output(), /replayed 0 batches from/);
  r = new Redis({ port: srv.port, lazyConnect: true });
  await r.connect();
  assert.is(await r.dbsize(), 4000);
  r.disconnect();
  await srv.stop();
});

/** Starts redis-server on `file` alone (port and dir come from the file); null without redis-server. */
async function startRedisOn(file: string, port: number): Promise<{ stop(): Promise<void> } | null> {
  const binary = redisServerBinary();
  if (binary === null) return null;
  const child = spawn(binary, [file], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    child.kill('SIGTERM');
    await exited;
  };
  for (let i = 0; i < 200; i++) {
    try {
      const c = await RawClient.connect(port);
      const pong = (await c.command('PING')).toString();
      c.close();
      if (pong === '+PONG\r\n') return { stop };
    } catch {
      // not listening yet
    }
    await sleep(25);
  }
  await stop();
  throw new Error(`redis-server did not start on ${file}`);
}

redisTest(test, 'CONFIG REWRITE writes the file exactly as redis-server 7 does', async () => {
  const template = (port: number, dir: string): string =>
    `# A config file both servers read\nport ${port}\nbind 127.0.0.1\n  # an indented comment\n\ntimeout 30\n\n\n` +
    `slowlog-max-len 5\ntimeout 40\ndir "${dir}"\nproto-max-bulk-len 100mb\nsave ""\nhz 10\n`;
  const redisDir = tempDir();
  const redisPort = await freePort();
  const redisFile = path.join(redisDir, 'redis.conf');
  writeFileSync(redisFile, template(redisPort, redisDir));
  const redis = await startRedisOn(redisFile, redisPort);
  if (redis === null) {
    console.log('  (no redis-server: CONFIG REWRITE not compared)');
    return;
  }
  const ourDir = tempDir();
  const ourPort = await freePort();
  const ourFile = path.join(ourDir, 'stratakv.conf');
  writeFileSync(ourFile, template(ourPort, ourDir));
  const srv = await startServer({ configFile: ourFile, port: ourPort, dir: ourDir });
  const theirs = new Redis({ port: redisPort, lazyConnect: true });
  const ours = new Redis({ port: ourPort, lazyConnect: true });
  // Redis 7.0 also appends its ACL user line and latency-tracking-info-percentiles (which it
  // always thinks changed); neither is a StrataKV directive.
  const comparable = (file: string, port: number, dir: string): string =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => !line.startsWith('user ') && !line.startsWith('latency-tracking-info-percentiles '))
      .join('\n')
      .replace(`port ${port}`, 'port PORT')
      .replace(dir, 'DIR');
  try {
    await theirs.connect();
    await ours.connect();
    for (const client of [theirs, ours]) {
      // In the file (one set back to its default), new (appended), a size (written in units).
      await client.config('SET', 'timeout', '0', 'slowlog-max-len', '64', 'loglevel', 'debug', 'proto-max-bulk-len', String(2 * 1024 * 1024));
      assert.is(await client.config('REWRITE'), 'OK');
    }
    const first = comparable(ourFile, ourPort, ourDir);
    assert.is(first, comparable(redisFile, redisPort, redisDir));
    assert.match(first, /\n# Generated by CONFIG REWRITE\nloglevel debug\n/);
    // A second rewrite appends after the existing marker instead of adding another.
    for (const client of [theirs, ours]) {
      await client.config('SET', 'tcp-keepalive', '60');
      assert.is(await client.config('REWRITE'), 'OK');
    }
    const second = comparable(ourFile, ourPort, ourDir);
    assert.is(second, comparable(redisFile, redisPort, redisDir));
    assert.is(second.split('# Generated by CONFIG REWRITE').length, 2, 'one marker');
    assert.match(second, /\ntcp-keepalive 60\n$/);
  } finally {
    theirs.disconnect();
    ours.disconnect();
    await redis.stop();
    await srv.stop();
  }
});

test.run();
