/**
 * Replication between two StrataKV servers on loopback, driven by real clients: a full sync of
 * existing data (strings, hashes, lists, sets, sorted sets, TTLs, several databases), the write
 * stream (SELECT, MULTI, scripts by effects, expiry sent as DEL), WAIT, READONLY, a replica
 * restart continuing with a partial resync, REPLICAOF NO ONE, and a sibling continuing from the
 * promoted replica with +CONTINUE.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Redis } from 'ioredis';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RawClient, startServer, type TestServer } from '../e2e/helpers.js';
import { waitFor } from '../support/wait.js';

const servers: TestServer[] = [];
const clients: Redis[] = [];
const dirs: string[] = [];

function client(port: number, db = 0): Redis {
  const c = new Redis({ port, host: '127.0.0.1', db, lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: true });
  // Servers stop between tests; the client's reconnect attempts are expected noise.
  c.on('error', () => undefined);
  clients.push(c);
  return c;
}

async function start(args: string[] = [], dir?: string, port?: number): Promise<TestServer> {
  const s = await startServer({ args, ...(dir !== undefined ? { dir } : {}), ...(port !== undefined ? { port } : {}) });
  servers.push(s);
  return s;
}

function tempDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'stratakv-repl-'));
  dirs.push(d);
  return d;
}

/** INFO <section> as a map. */
async function info(c: Redis, section: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const line of (await c.info(section)).split('\r\n')) {
    const at = line.indexOf(':');
    if (at > 0) out[line.slice(0, at)] = line.slice(at + 1);
  }
  return out;
}

async function linkUp(replica: Redis): Promise<void> {
  await waitFor('the replica link to be up', async () => (await info(replica, 'replication')).master_link_status === 'up', { timeoutMs: 20_000 });
}

/** Waits until the replica has applied everything the primary has written so far. */
async function caughtUp(primary: Redis, replicas = 1): Promise<void> {
  assert.is(await primary.wait(replicas, 10_000), replicas);
}

/** The error text a command was refused with (it must be refused). */
async function errorOf(reply: Promise<unknown>): Promise<string> {
  try {
    await reply;
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('the command was not refused');
}

test.after(async () => {
  for (const c of clients) c.disconnect();
  for (const s of servers) await s.stop().catch(() => undefined);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('full sync of existing data, then the stream; WAIT; READONLY; INFO and ROLE on both sides', async () => {
  const p = await start();
  const pc = client(p.port);
  await pc.set('s', 'v');
  await pc.hset('h', 'f1', 'v1', 'f2', 'v2');
  await pc.rpush('l', 'a', 'b', 'c');
  await pc.sadd('set', 'x', 'y');
  await pc.zadd('z', 1, 'one', 2, 'two');
  await pc.set('ttl', 'v', 'EX', 1000);
  await pc.pexpire('h', 500_000);
  const p3 = client(p.port, 3);
  await p3.set('in3', 'three');
  const pttlOnPrimary = await pc.pexpiretime('ttl');

  const r = await start(['--replicaof', '127.0.0.1', String(p.port)]);
  const rc = client(r.port);
  await linkUp(rc);
  assert.is(await rc.get('s'), 'v');
  assert.equal(await rc.hgetall('h'), { f1: 'v1', f2: 'v2' });
  assert.equal(await rc.lrange('l', 0, -1), ['a', 'b', 'c']);
  assert.equal((await rc.smembers('set')).sort(), ['x', 'y']);
  assert.equal(await rc.zrange('z', 0, -1, 'WITHSCORES'), ['one', '1', 'two', '2']);
  assert.is(await rc.pexpiretime('ttl'), pttlOnPrimary);
  assert.ok((await rc.pttl('h')) > 400_000);
  assert.is(await client(r.port, 3).get('in3'), 'three');
  assert.is(await rc.dbsize(), 6);

  // The stream: plain writes, relative TTLs made absolute, another database.
  await pc.set('after', '1');
  await pc.incr('after');
  await pc.expire('after', 300);
  await p3.lpush('l3', 'q');
  await caughtUp(pc);
  assert.is(await rc.get('after'), '2');
  assert.is(await rc.pexpiretime('after'), await pc.pexpiretime('after'));
  assert.equal(await client(r.port, 3).lrange('l3', 0, -1), ['q']);

  assert.is(await errorOf(rc.set('x', '1')), "READONLY You can't write against a read only replica.");

  const pi = await info(pc, 'replication');
  assert.is(pi.role, 'master');
  assert.is(pi.connected_slaves, '1');
  assert.match(pi.slave0, new RegExp(`^ip=127\\.0\\.0\\.1,port=${r.port},state=online,offset=\\d+,lag=\\d+$`));
  assert.is(pi.repl_backlog_active, '1');
  const ri = await info(rc, 'replication');
  assert.is(ri.role, 'slave');
  assert.is(ri.master_port, String(p.port));
  assert.is(ri.master_replid, pi.master_replid);
  assert.is(ri.slave_repl_offset, pi.master_repl_offset);
  assert.is(ri.slave_read_only, '1');
  assert.is(ri.slave_priority, '100');
  assert.is((await info(pc, 'stats')).sync_full, '1');
  assert.equal(await rc.call('ROLE'), ['slave', '127.0.0.1', p.port, 'connected', Number(pi.master_repl_offset)]);
  const role = (await pc.call('ROLE')) as [string, number, string[][]];
  assert.is(role[0], 'master');
  assert.is(role[1], Number(pi.master_repl_offset));
  assert.equal(role[2].map((x) => x.slice(0, 2)), [['127.0.0.1', String(r.port)]]);
  const list = await pc.client('LIST') as string;
  assert.match(list, /flags=S /);
  await r.stop();
  await p.stop();
});

test('MULTI and scripts go as one transaction; expired keys go as DEL; the exact stream bytes', async () => {
  const p = await start();
  const pc = client(p.port);
  // A raw replica: the handshake by hand, to read the stream as a replica would.
  const raw = await RawClient.connect(p.port);
  assert.is((await raw.command('REPLCONF', 'listening-port', '1234')).toString(), '+OK\r\n');
  let received = '';
  raw.socket.on('data', (d: Buffer) => { received += d.toString('latin1'); });
  raw.write('*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n');
  await waitFor('the full sync payload', () => received.includes('END\n'));
  assert.match(received, /^\+FULLRESYNC [0-9a-f]{40} \d+\r\n\$\d+\r\nSTRATAKV-CHECKPOINT 1\n/);
  const before = received.length;
  await pc.multi().set('a', '1').incr('a').exec();
  await pc.eval("redis.call('set', KEYS[1], 'x'); redis.call('rpush', KEYS[2], 'y')", 2, 'k1', 'k2');
  await pc.select(2);
  await pc.set('two', '2');
  const p3 = client(p.port, 3);
  await p3.set('exp', 'v', 'PX', 100);
  const expireAt = await p3.pexpiretime('exp');
  await waitFor('the key to expire', async () => (await p3.get('exp')) === null);
  await waitFor('the DEL in the stream', () => received.slice(before).includes('DEL\r\n$3\r\nexp\r\n'));
  const stream = received.slice(before);
  const expected =
    '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n' +
    '*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nset\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$4\r\nincr\r\n$1\r\na\r\n*1\r\n$4\r\nEXEC\r\n' +
    '*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nset\r\n$2\r\nk1\r\n$1\r\nx\r\n*3\r\n$5\r\nrpush\r\n$2\r\nk2\r\n$1\r\ny\r\n*1\r\n$4\r\nEXEC\r\n' +
    '*2\r\n$6\r\nSELECT\r\n$1\r\n2\r\n*3\r\n$3\r\nset\r\n$3\r\ntwo\r\n$1\r\n2\r\n' +
    // A relative TTL goes as an absolute time; the key's expiry as a DEL.
    `*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n*5\r\n$3\r\nset\r\n$3\r\nexp\r\n$1\r\nv\r\n$4\r\nPXAT\r\n$${String(expireAt).length}\r\n${expireAt}\r\n` +
    '*2\r\n$3\r\nDEL\r\n$3\r\nexp\r\n';
  assert.is(stream, expected);
  raw.close();
  await p.stop();
});

test('a replica restarted cleanly continues with a partial resync; REPLICAOF NO ONE promotes; a sibling continues from it', async () => {
  const p = await start();
  const pc = client(p.port);
  const dir = tempDir();
  const args = ['--replicaof', '127.0.0.1', String(p.port)];
  let r1 = await start(args, dir);
  const r2 = await start(args);
  await linkUp(client(r1.port));
  await linkUp(client(r2.port));
  for (let i = 0; i < 100; i++) await pc.set(`k${i}`, String(i));
  await caughtUp(pc, 2);

  const r1Port = r1.port;
  await r1.stop({ keepDir: true });
  await pc.set('while-down', 'yes');
  r1 = await start(args, dir, r1Port);
  const r1c = client(r1.port);
  await linkUp(r1c);
  await caughtUp(pc, 2);
  assert.is(await r1c.get('while-down'), 'yes');
  const stats = await info(pc, 'stats');
  assert.is(stats.sync_full, '2');
  assert.is(stats.sync_partial_ok, '1');

  // Failover by hand: r1 becomes the primary, r2 follows it without a full sync.
  assert.is(await r1c.call('REPLICAOF', 'NO', 'ONE'), 'OK');
  const promoted = await info(r1c, 'replication');
  assert.is(promoted.role, 'master');
  assert.is(promoted.master_replid2, (await info(pc, 'replication')).master_replid);
  await r1c.set('on-new-primary', '1');
  const r2c = client(r2.port);
  assert.is(await r2c.call('REPLICAOF', '127.0.0.1', String(r1.port)), 'OK');
  await linkUp(r2c);
  await caughtUp(r1c, 1);
  assert.is(await r2c.get('on-new-primary'), '1');
  assert.is(await r2c.get('k99'), '99');
  const r1stats = await info(r1c, 'stats');
  assert.is(r1stats.sync_partial_ok, '1');
  assert.is(r1stats.sync_full, '0');
  assert.is(await r2c.call('REPLICAOF', '127.0.0.1', String(r1.port)), 'OK Already connected to specified master');
});

test('hash-field TTLs go as absolute times (HEXPIRE -> HPEXPIREAT, HSETEX PX -> PXAT, HGETEX PERSIST -> HPERSIST) and fields the primary reclaims as HDEL', async () => {
  const p = await start();
  const pc = client(p.port);
  const raw = await RawClient.connect(p.port);
  assert.is((await raw.command('REPLCONF', 'listening-port', '1235')).toString(), '+OK\r\n');
  let received = '';
  raw.socket.on('data', (d: Buffer) => { received += d.toString('latin1'); });
  raw.write('*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n');
  await waitFor('the full sync payload', () => received.includes('END\n'));
  const before = received.length;
  await pc.hset('h', 'a', '1', 'b', '2', 'c', '3');
  await pc.call('HEXPIRE', 'h', '100', 'FIELDS', '1', 'a');
  const [aAt] = (await pc.call('HPEXPIRETIME', 'h', 'FIELDS', '1', 'a')) as number[];
  await pc.call('HSETEX', 'h', 'PX', '150', 'FIELDS', '1', 'b', '20');
  const [bAt] = (await pc.call('HPEXPIRETIME', 'h', 'FIELDS', '1', 'b')) as number[];
  await pc.call('HGETEX', 'h', 'PERSIST', 'FIELDS', '1', 'a');
  await waitFor('b to expire', async () => (await pc.hexists('h', 'b')) === 0);
  await waitFor('the HDEL in the stream', () => received.slice(before).includes('HDEL'));
  const stream = received.slice(before);
  // The absolute times are computed from the command's start, as the handler computes its own: the same millisecond, or the next.
  const times = [...stream.matchAll(/\r\n\$\d+\r\n(1\d{12})\r\n/g)].map((m) => Number(m[1]));
  assert.is(times.length, 2, stream);
  assert.ok(Math.abs(times[0] - aAt) <= 1 && Math.abs(times[1] - bAt) <= 1, `stream times ${times.join(', ')}, stored ${aAt}, ${bAt}`);
  const t = (n: number): string => `$${String(n).length}\r\n${n}\r\n`;
  const expected =
    '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n' +
    '*8\r\n$4\r\nhset\r\n$1\r\nh\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n' +
    `*6\r\n$10\r\nHPEXPIREAT\r\n$1\r\nh\r\n${t(times[0])}$6\r\nFIELDS\r\n$1\r\n1\r\n$1\r\na\r\n` +
    `*8\r\n$6\r\nHSETEX\r\n$1\r\nh\r\n$4\r\nPXAT\r\n${t(times[1])}$6\r\nFIELDS\r\n$1\r\n1\r\n$1\r\nb\r\n$2\r\n20\r\n` +
    '*5\r\n$8\r\nHPERSIST\r\n$1\r\nh\r\n$6\r\nFIELDS\r\n$1\r\n1\r\n$1\r\na\r\n' +
    '*3\r\n$4\r\nHDEL\r\n$1\r\nh\r\n$1\r\nb\r\n';
  assert.is(stream, expected);
  raw.close();
  await p.stop();
});

test('random and generated effects (SPOP, XADD *, blocking pops, INCRBYFLOAT, scripts) leave the replica equal to the primary, key by key', async () => {
  const p = await start();
  const pc = client(p.port);
  const r = await start(['--replicaof', '127.0.0.1', String(p.port)]);
  const rc = client(r.port);
  await linkUp(rc);
  const blocked = client(p.port);
  const served = blocked.blpop('bl', 'other', 0);
  const blockedMove = client(p.port).blmove('src', 'dst', 'LEFT', 'RIGHT', 0);
  for (let i = 0; i < 40; i++) await pc.sadd('s', `m${i}`);
  await pc.spop('s');
  await pc.spop('s', 5);
  for (let i = 0; i < 10; i++) await pc.xadd('x', '*', 'f', String(i));
  await pc.xadd('x', 'MAXLEN', '~', '100', '*', 'f', 'last');
  await pc.incrbyfloat('f', 1.1);
  await pc.hincrbyfloat('h', 'a', 2.5);
  await pc.zadd('z', 1, 'a', 2, 'b', 3, 'c');
  await pc.bzpopmin('z', 1);
  await pc.rpush('bl', 'v1', 'v2');
  await pc.rpush('src', 'e');
  assert.equal(await served, ['bl', 'v1']);
  assert.is(await blockedMove, 'e');
  await pc.rpush('ml', 'a', 'b', 'c');
  await pc.blmpop(1, 1, 'ml', 'RIGHT', 'COUNT', 2);
  await pc.eval("redis.call('spop', KEYS[1]); redis.call('set', KEYS[2], 'v', 'EX', 100)", 2, 's', 'fromscript');
  await pc.set('gone', 'v', 'EX', 100);
  await pc.expire('gone', -1);
  await caughtUp(pc);
  const keys = (await pc.keys('*')).sort();
  assert.equal((await rc.keys('*')).sort(), keys);
  assert.not.ok(keys.includes('gone'));
  for (const key of keys) {
    assert.equal(await rc.dumpBuffer(key), await pc.dumpBuffer(key), `DUMP ${key}`);
    assert.is(await rc.pexpiretime(key), await pc.pexpiretime(key), `PEXPIRETIME ${key}`);
  }
});

test('a full sync while writes go on (masterauth to a primary with requirepass); replica-serve-stale-data no answers MASTERDOWN while the link is down', async () => {
  const p = await start(['--requirepass', 'pw']);
  const pc = new Redis({ port: p.port, host: '127.0.0.1', password: 'pw' });
  pc.on('error', () => undefined);
  clients.push(pc);
  const batch = 500;
  for (let i = 0; i < 20_000; i += batch) {
    const m = pc.multi();
    for (let j = i; j < i + batch; j++) m.set(`key:${j}`, `value:${j}`);
    await m.exec();
  }
  for (let i = 0; i < 2000; i += batch) {
    const fields: string[] = [];
    for (let j = i; j < i + batch; j++) fields.push(`f${j}`, `v${j}`);
    await pc.hset('big', ...fields);
  }
  const r = await start(['--replicaof', '127.0.0.1', String(p.port), '--masterauth', 'pw', '--replica-serve-stale-data', 'no']);
  const rc = client(r.port);
  // Writes while the replica connects and syncs: they wait in its link and follow the payload.
  for (let i = 0; i < 300; i++) await pc.incr('counter');
  await linkUp(rc);
  for (let i = 0; i < 300; i++) await pc.incr('counter');
  await caughtUp(pc);
  assert.is(await rc.dbsize(), 20_002);
  assert.is(await rc.get('counter'), '600');
  assert.is(await rc.get('key:19999'), 'value:19999');
  assert.is(await rc.hlen('big'), 2000);
  assert.is(await rc.hget('big', 'f1999'), 'v1999');
  await p.stop();
  await waitFor('the link to go down', async () => (await info(rc, 'replication')).master_link_status === 'down');
  assert.match(await errorOf(rc.get('key:1')), /^MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'\.$/);
  // Commands flagged stale still run (PING is not one, as in Redis 7.0).
  assert.match(String(((await rc.call('ROLE')) as unknown[])[3]), /^(connect|connecting)$/);
  assert.match((await info(rc, 'replication')).master_link_down_since_seconds, /^\d+$/);
});

test('errors: WAIT on a replica, bad ports, REPLCONF options, min-replicas-to-write', async () => {
  const p = await start();
  const pc = client(p.port);
  assert.match(await errorOf(pc.call('REPLICAOF', 'localhost', 'x')), /^ERR Invalid master port$/);
  assert.match(await errorOf(pc.call('REPLICAOF', 'localhost', '70000')), /^ERR Invalid master port$/);
  assert.match(await errorOf(pc.call('REPLCONF', 'nonsense', 'x')), /^ERR Unrecognized REPLCONF option: nonsense$/);
  assert.match(await errorOf(pc.call('WAIT', 'x', '0')), /value is not an integer/);
  assert.match(await errorOf(pc.call('WAIT', '0', '-1')), /^ERR timeout is negative$/);
  assert.is(await pc.call('WAIT', '0', '0'), 0);
  assert.is(await pc.call('WAIT', '1', '50'), 0);
  await pc.config('SET', 'min-replicas-to-write', '1');
  assert.match(await errorOf(pc.set('x', '1')), /^NOREPLICAS Not enough good replicas to write\.$/);
  assert.is(await pc.get('x'), null);
  const r = await start(['--replicaof', '127.0.0.1', String(p.port)]);
  const rc = client(r.port);
  await linkUp(rc);
  await waitFor('a good replica', async () => (await info(pc, 'replication')).min_slaves_good_slaves === '1');
  assert.is(await pc.set('x', '1'), 'OK');
  assert.match(await errorOf(rc.call('WAIT', '1', '0')), /^ERR WAIT cannot be used with replica instances/);
  await pc.config('SET', 'min-replicas-to-write', '0');
});

test.run();
