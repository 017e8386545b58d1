/**
 * Consumer groups end to end, side by side with a real redis-server 7.0.15: the same commands on
 * one raw connection to each, replies compared byte for byte (RESP2, then RESP3). Time-dependent
 * numbers are the only exception, and only in the commands marked TIMED: XPENDING's idle times,
 * XINFO CONSUMERS' idle, XINFO STREAM FULL's seen-time and delivery times. Those are compared as
 * numbers within TIME_TOLERANCE_MS (both servers run the command within a few ms of each other);
 * everything else in those replies (IDs, names, delivery counts, structure) must be equal.
 *
 * Then: XREADGROUP BLOCK woken by XADD (ioredis), woken with Redis' errors by DEL and XGROUP
 * DESTROY; keyspace events of the group commands compared with redis-server's; and every XACK and
 * XCLAIM acknowledged under appendfsync always surviving a SIGKILL.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RawClient, redisTest, runProcess, startRedis, startServer, TestClients, type TestServer } from './helpers.js';
import { existsSync } from 'node:fs';
import { parseReply } from '../diff/resp.js';
import { withTimes } from '../diff/compare.js';

const clients = new TestClients();
/** One StrataKV for the tests that need no restart, and one redis-server (null when not installed). */
let srv: TestServer;
let redis: TestServer | null = null;

test.before(async () => {
  [srv, redis] = await Promise.all([startServer(), startRedis()]);
});

test.after(async () => {
  clients.disconnectAll();
  await Promise.all([srv?.stop(), redis?.stop()]);
});

/** How far apart two servers' clock readings in one command may be (ms). */
const TIME_TOLERANCE_MS = 5_000;
const TIMED = 'timed';
type Step = readonly [args: readonly string[], timed?: typeof TIMED];

// Explicit IDs everywhere (XADD `*` is the clock). IDLE / TIME arguments push delivery times far
// into the past, so the idle times compared within the tolerance are large and certain.
const SCRIPT: readonly Step[] = [
  [['FLUSHALL']],
  [['XGROUP', 'HELP']],
  [['XGROUP', 'CREATE', 's', 'g', '$']],
  [['XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM']],
  [['XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM']],
  [['TYPE', 's']],
  [['XINFO', 'GROUPS', 's']],
  [['XINFO', 'STREAM', 's']],
  [['XGROUP', 'CREATE', 's', 'g2', '0', 'ENTRIESREAD', '-2']],
  [['XGROUP', 'CREATE', 's', 'g2', '0', 'ENTRIESREAD', 'x']],
  [['XGROUP', 'CREATE', 's', 'g2', '0', 'FOO']],
  [['XGROUP', 'CREATE', 's', 'g2', '0', 'ENTRIESREAD']],
  [['XGROUP', 'CREATE', 's', 'g2', 'abc']],
  [['XGROUP', 'CREATE', 's', 'g2', '-']],
  [['XGROUP', 'CREATE', 's', 'g4', '5-5', 'ENTRIESREAD', '3']],
  [['XGROUP', 'CREATE', 'nokey', 'g', '0']],
  [['XGROUP', 'SETID', 'nokey', 'g', '0']],
  [['XGROUP', 'SETID', 's', 'nog', '0']],
  [['XGROUP', 'SETID', 's', 'g4', '0', 'FOO', '1']],
  [['XGROUP', 'SETID', 's', 'g4', '0', 'ENTRIESREAD', '-3']],
  [['XGROUP', 'SETID', 's', 'g4', 'abc']],
  [['XGROUP', 'SETID', 's', 'g4', '+']],
  [['XINFO', 'GROUPS', 's']],
  [['XGROUP', 'DESTROY', 's', 'g4']],
  [['XGROUP', 'DESTROY', 's', 'g4']],
  [['XGROUP', 'CREATECONSUMER', 's', 'g', 'alice']],
  [['XGROUP', 'CREATECONSUMER', 's', 'g', 'alice']],
  [['XGROUP', 'CREATECONSUMER', 's', 'nog', 'alice']],
  [['XGROUP', 'DELCONSUMER', 's', 'g', 'nobody']],
  [['XGROUP', 'FOO', 's', 'g']],
  [['XGROUP', 'DESTROY', 's', 'g', 'x']],
  [['SET', 'str', 'x']],
  [['XGROUP', 'CREATE', 'str', 'g', '0']],
  [['XADD', 's', '1-1', 'a', '1']],
  [['XADD', 's', '2-1', 'b', '2']],
  [['XADD', 's', '3-1', 'c', '3']],
  [['XADD', 's', '4-1', 'd', '4']],
  [['XADD', 's', '5-1', 'e', '5']],
  [['XINFO', 'GROUPS', 's']],
  // XREADGROUP: arguments, then `>` deliveries and history.
  [['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '>', 'x']],
  [['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 'nokey', '>']],
  [['XREADGROUP', 'GROUP', 'nog', 'c', 'STREAMS', 's', '>']],
  [['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '$']],
  [['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', 'abc']],
  [['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '-1', 'STREAMS', 's', '>']],
  [['XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', 'x', 'STREAMS', 's', '>']],
  [['XREADGROUP', 'GROUP', 'g', 'c', 'FOO', 'STREAMS', 's', '>']],
  [['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 'str', '>']],
  [['XREADGROUP', 'COUNT', '2', 'STREAMS', 's', '>', 'GROUP']],
  [['XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '2', 'STREAMS', 's', '>']],
  [['XREADGROUP', 'GROUP', 'g', 'bob', 'COUNT', '1', 'STREAMS', 's', '>']],
  [['XINFO', 'GROUPS', 's']],
  [['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '0']],
  [['XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '1', 'STREAMS', 's', '1-1']],
  [['XREADGROUP', 'GROUP', 'g', 'carol', 'STREAMS', 's', '0']],
  [['XREADGROUP', 'GROUP', 'g', 'dave', 'NOACK', 'COUNT', '1', 'STREAMS', 's', '>']],
  // One stream named twice: the history read sees what the `>` before it delivered.
  [['XREADGROUP', 'GROUP', 'g', 'erin', 'COUNT', '1', 'STREAMS', 's', 's', 's', '>', '0', '0']],
  [['XPENDING', 's', 'g']],
  [['XPENDING', 's', 'g', '-', '+', '10'], TIMED],
  [['XPENDING', 's', 'g', '-', '+', '10', 'alice'], TIMED],
  [['XPENDING', 's', 'g', '(1-1', '+', '1'], TIMED],
  [['XPENDING', 's', 'g', '-', '(2-1', '10'], TIMED],
  [['XPENDING', 's', 'g', '-', '+', '10', 'nobody']],
  [['XPENDING', 's', 'g', '-', '+', '0']],
  [['XPENDING', 's', 'g', '-', '+', '-5']],
  [['XPENDING', 's', 'g', 'x']],
  [['XPENDING', 's', 'g', '-', '+', 'x']],
  [['XPENDING', 's', 'g', 'IDLE', '5', '-', '+']],
  [['XPENDING', 's', 'g', 'IDLE', 'x', '-', '+', '5']],
  [['XPENDING', 'nokey', 'g']],
  [['XPENDING', 's', 'nog', '-', '+', '5']],
  [['XPENDING', 's', 'g', '(', '+', '5']],
  [['XPENDING', 'str', 'g']],
  [['XINFO', 'CONSUMERS', 's', 'g'], TIMED],
  [['XINFO', 'CONSUMERS', 's', 'nog']],
  // XCLAIM: arguments, idle filter, TIME/IDLE/RETRYCOUNT/FORCE/JUSTID/LASTID.
  [['XCLAIM', 's', 'g', 'bob', 'x', '1-1']],
  [['XCLAIM', 'nokey', 'g', 'bob', '0', '1-1']],
  [['XCLAIM', 's', 'g', 'bob', '0', '1-1', 'FOO']],
  [['XCLAIM', 's', 'g', 'bob', '0', '1-1', 'IDLE', 'x']],
  [['XCLAIM', 's', 'g', 'bob', '0', '1-1', 'TIME', 'x']],
  [['XCLAIM', 's', 'g', 'bob', '0', '1-1', 'RETRYCOUNT', 'x']],
  [['XCLAIM', 's', 'g', 'bob', '0', '1-1', 'LASTID', 'x']],
  [['XCLAIM', 's', 'g', 'bob', '0', 'abc']],
  [['XCLAIM', 's', 'g', 'bob', '3600000', '1-1']],
  [['XCLAIM', 's', 'g', 'bob', '0', '1-1', 'IDLE', '7200000']],
  [['XPENDING', 's', 'g', 'IDLE', '3600000', '-', '+', '10'], TIMED],
  [['XCLAIM', 's', 'g', 'erin', '3600000', '1-1', '2-1', 'JUSTID']],
  [['XCLAIM', 's', 'g', 'erin', '0', '2-1', 'RETRYCOUNT', '7', 'TIME', '1000']],
  [['XCLAIM', 's', 'g', 'erin', '0', '4-1', '5-1']],
  [['XCLAIM', 's', 'g', 'erin', '0', '4-1', '5-1', 'FORCE']],
  [['XCLAIM', 's', 'g', 'frank', '0', '5-1', 'FORCE', 'JUSTID', 'LASTID', '9-9']],
  [['XCLAIM', 's', 'g', 'frank', '0', '1-1', '1-1', 'JUSTID']],
  [['XPENDING', 's', 'g', '-', '+', '10'], TIMED],
  [['XINFO', 'GROUPS', 's']],
  [['XINFO', 'STREAM', 's', 'FULL'], TIMED],
  [['XINFO', 'STREAM', 's', 'FULL', 'COUNT', '1'], TIMED],
  // XACK, and PEL entries of deleted stream entries.
  [['XACK', 's', 'g']],
  [['XACK', 's', 'g', 'abc']],
  [['XACK', 'nokey', 'g', '1-1']],
  [['XACK', 's', 'nog', '1-1']],
  [['XACK', 'str', 'g', '1-1']],
  [['XACK', 's', 'g', '3-1', '3-1', '9-9']],
  [['XDEL', 's', '2-1']],
  [['XREADGROUP', 'GROUP', 'g', 'erin', 'STREAMS', 's', '0']],
  [['XINFO', 'GROUPS', 's']],
  [['XCLAIM', 's', 'g', 'frank', '0', '2-1', '4-1']],
  [['XPENDING', 's', 'g']],
  // XAUTOCLAIM: arguments, cursor, deleted IDs, JUSTID.
  [['XAUTOCLAIM', 's', 'g', 'c', 'x', '0']],
  [['XAUTOCLAIM', 's', 'g', 'c', '0', 'x']],
  [['XAUTOCLAIM', 's', 'g', 'c', '0', '0', 'COUNT', '0']],
  [['XAUTOCLAIM', 's', 'g', 'c', '0', '0', 'COUNT', 'x']],
  [['XAUTOCLAIM', 's', 'g', 'c', '0', '0', 'FOO']],
  [['XAUTOCLAIM', 'nokey', 'g', 'c', '0', '0']],
  [['XAUTOCLAIM', 's', 'g', 'c', '0', '0', 'COUNT', '9223372036854775807']],
  [['XAUTOCLAIM', 's', 'g', 'c', '0', '(18446744073709551615-18446744073709551615']],
  [['XADD', 's', '6-1', 'f', '6']],
  [['XADD', 's', '7-1', 'g', '7']],
  [['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '>']],
  [['XDEL', 's', '6-1']],
  [['XAUTOCLAIM', 's', 'g', 'zed', '3600000', '0']],
  [['XAUTOCLAIM', 's', 'g', 'zed', '0', '0', 'COUNT', '1']],
  [['XAUTOCLAIM', 's', 'g', 'zed', '0', '0', 'COUNT', '1', 'JUSTID']],
  [['XAUTOCLAIM', 's', 'g', 'zed', '0', '(1-1', 'COUNT', '2']],
  [['XAUTOCLAIM', 's', 'g', 'zed', '0', '-', 'JUSTID']],
  [['XPENDING', 's', 'g']],
  [['XINFO', 'CONSUMERS', 's', 'g'], TIMED],
  [['XGROUP', 'DELCONSUMER', 's', 'g', 'zed']],
  [['XPENDING', 's', 'g']],
  [['XINFO', 'GROUPS', 's']],
  // entries-read and lag through XDEL, XTRIM, SETID and XADD.
  [['XGROUP', 'CREATE', 's', 'lagger', '0']],
  [['XINFO', 'GROUPS', 's']],
  [['XREADGROUP', 'GROUP', 'lagger', 'x', 'COUNT', '1', 'STREAMS', 's', '>']],
  [['XINFO', 'GROUPS', 's']],
  [['XTRIM', 's', 'MAXLEN', '2']],
  [['XINFO', 'GROUPS', 's']],
  [['XGROUP', 'SETID', 's', 'lagger', '$', 'ENTRIESREAD', '3']],
  [['XINFO', 'GROUPS', 's']],
  [['XADD', 's', '8-1', 'h', '8']],
  [['XINFO', 'STREAM', 's']],
  [['XTRIM', 's', 'MAXLEN', '0']],
  [['XLEN', 's']],
  [['XINFO', 'GROUPS', 's']],
  [['XADD', 's', 'MAXLEN', '0', '9-1', 'i', '9']],
  [['XINFO', 'STREAM', 's']],
  [['XREADGROUP', 'GROUP', 'lagger', 'x', 'STREAMS', 's', '>']],
  [['XREADGROUP', 'GROUP', 'lagger', 'x', 'STREAMS', 's', '0']],
  [['XADD', 's', '10-1', 'j', '10']],
  [['XREADGROUP', 'GROUP', 'lagger', 'x', 'STREAMS', 's', '>']],
  [['XINFO', 'GROUPS', 's']],
  // Several streams in one XREADGROUP; a group dies with its stream and with RENAME's source.
  [['XGROUP', 'CREATE', 't', 'g', '0', 'MKSTREAM']],
  [['XADD', 't', '1-1', 'x', 'y']],
  [['XREADGROUP', 'GROUP', 'g', 'multi', 'STREAMS', 's', 't', '>', '>']],
  [['XREADGROUP', 'GROUP', 'g', 'multi', 'STREAMS', 's', 't', '0', '0']],
  [['RENAME', 't', 't2']],
  [['XINFO', 'GROUPS', 't2']],
  [['XPENDING', 't2', 'g']],
  [['COPY', 't2', 't3']],
  [['XINFO', 'GROUPS', 't3']],
  [['DEL', 't2']],
  [['XGROUP', 'CREATE', 't2', 'g', '0', 'MKSTREAM']],
  [['XINFO', 'GROUPS', 't2']],
  [['XGROUP', 'DESTROY', 's', 'g']],
  [['XGROUP', 'CREATE', 's', 'g', '0']],
  [['XPENDING', 's', 'g']],
  [['XINFO', 'STREAM', 's']],
  [['XGROUP', 'CREATE', 'binary', 'g\x00\xff', '0', 'MKSTREAM']],
  [['XINFO', 'CONSUMERS', 'binary', 'g']],
  [['XINFO', 'CONSUMERS', 'binary', 'g\x00\xff']],
  [['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 'binary\x00x', '>']],
];

/** Compares one reply of each server: bytes, or for a TIMED step with clock readings within the tolerance (withTimes). */
function compare(args: readonly string[], timed: boolean, ours: Buffer, theirs: Buffer): void {
  const what = args.map((a) => JSON.stringify(a)).join(' ');
  if (!timed) {
    assert.is(JSON.stringify(ours.toString('latin1')), JSON.stringify(theirs.toString('latin1')), what);
    return;
  }
  const why = withTimes(TIME_TOLERANCE_MS, args[0].toUpperCase() === 'XPENDING')(parseReply(ours), parseReply(theirs));
  assert.is(why, null, `${what}\n ours:   ${JSON.stringify(ours.toString('latin1'))}\n theirs: ${JSON.stringify(theirs.toString('latin1'))}`);
}

async function runSideBySide(ours: number, theirs: number, resp: 2 | 3): Promise<void> {
  const a = await RawClient.connect(ours);
  const b = await RawClient.connect(theirs);
  try {
    if (resp === 3) {
      await a.command('HELLO', '3');
      await b.command('HELLO', '3');
    }
    for (const [args, timed] of SCRIPT) {
      const bufs = args.map((x) => Buffer.from(x, 'latin1'));
      const [x, y] = await Promise.all([a.command(...bufs), b.command(...bufs)]);
      compare(args, timed === TIMED, x, y);
    }
  } finally {
    a.close();
    b.close();
  }
}

redisTest(test, 'consumer group commands answer as redis-server 7.0.15 does, byte for byte (times within a tolerance), RESP2 and RESP3', async () => {
  assert.ok(redis !== null, 'redis-server started');
  await runSideBySide(srv.port, redis.port, 2);
  await runSideBySide(srv.port, redis.port, 3);
});

/** Waits until `n` clients are blocked (INFO clients). */
async function waitBlocked(r: ReturnType<TestClients['connect']>, n: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const info = await r.info('clients');
    if (new RegExp(`blocked_clients:${n}\\r`).test(info)) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`${n} clients never blocked: ${(await r.info("clients")).replace(/\r\n/g, " ")}`);
}

test('XREADGROUP BLOCK: woken by XADD, one entry per reader of a group, the other group served too; DEL and XGROUP DESTROY wake it with Redis\' errors', async () => {
  {
    const r = clients.connect({ port: srv.port });
    await r.flushall();
    const a = clients.connect({ port: srv.port });
    const b = clients.connect({ port: srv.port });
    const c = clients.connect({ port: srv.port });
    await r.xgroup('CREATE', 'bs', 'g', '$', 'MKSTREAM');
    await r.xgroup('CREATE', 'bs', 'h', '$');
    const first = a.xreadgroup('GROUP', 'g', 'alice', 'BLOCK', 0, 'STREAMS', 'bs', '>');
    const second = b.xreadgroup('GROUP', 'g', 'bob', 'COUNT', 5, 'BLOCK', 0, 'STREAMS', 'bs', '>');
    const other = c.xreadgroup('GROUP', 'h', 'carol', 'BLOCK', 0, 'STREAMS', 'bs', '>');
    await waitBlocked(r, 3);
    await r.xadd('bs', '1-1', 'k', 'v');
    // alice blocked first and gets the entry; carol's group h gets it too; bob waits for the next.
    assert.equal(await first, [['bs', [['1-1', ['k', 'v']]]]]);
    assert.equal(await other, [['bs', [['1-1', ['k', 'v']]]]]);
    await waitBlocked(r, 1);
    await r.xadd('bs', '2-1', 'k2', 'v2');
    assert.equal(await second, [['bs', [['2-1', ['k2', 'v2']]]]]);
    assert.equal(await r.xpending('bs', 'g'), [2, '1-1', '2-1', [['alice', '1'], ['bob', '1']]]);
    // Timeout, and inside MULTI an answer at once.
    assert.is(await a.xreadgroup('GROUP', 'g', 'alice', 'BLOCK', 30, 'STREAMS', 'bs', '>'), null);
    assert.equal(await r.multi().xreadgroup('GROUP', 'g', 'alice', 'BLOCK', 0, 'STREAMS', 'bs', '>').exec(), [[null, null]]);
    // The group destroyed, the stream deleted or replaced: the blocked reader gets Redis' error.
    const destroyed = a.xreadgroup('GROUP', 'g', 'alice', 'BLOCK', 0, 'STREAMS', 'bs', '>').catch((e: Error) => e.message);
    await waitBlocked(r, 1);
    await r.xgroup('DESTROY', 'bs', 'g');
    assert.is(await destroyed, 'NOGROUP the consumer group this client was blocked on no longer exists');
    await r.xgroup('SETID', 'bs', 'h', '$');
    const deleted = a.xreadgroup('GROUP', 'h', 'alice', 'BLOCK', 0, 'STREAMS', 'bs', '>').catch((e: Error) => e.message);
    await waitBlocked(r, 1);
    await r.del('bs');
    assert.is(await deleted, 'UNBLOCKED the stream key no longer exists');
    await r.xgroup('CREATE', 'bs', 'g', '$', 'MKSTREAM');
    const replaced = a.xreadgroup('GROUP', 'g', 'alice', 'BLOCK', 0, 'STREAMS', 'bs', '>').catch((e: Error) => e.message);
    await waitBlocked(r, 1);
    await r.set('bs', 'now a string');
    assert.is(await replaced, 'UNBLOCKED the stream key no longer exists');
  }
});

/** The keyspace events one server publishes while `run` sends commands to it. */
async function eventsOf(port: number, run: (r: ReturnType<TestClients['connect']>) => Promise<void>): Promise<string[]> {
  const r = clients.connect({ port });
  const sub = clients.connect({ port });
  await r.config('SET', 'notify-keyspace-events', 'KEA');
  await r.flushall();
  const seen: string[] = [];
  sub.on('pmessage', (_pattern: string, channel: string, message: string) => seen.push(`${channel} ${message}`));
  await sub.psubscribe('__key*__:*');
  await run(r);
  await r.set('end-marker', '1');
  for (let i = 0; i < 200 && !seen.some((e) => e.endsWith(' end-marker')); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  return seen;
}

async function groupEvents(r: ReturnType<TestClients['connect']>): Promise<void> {
  await r.xgroup('CREATE', 'es', 'g', '$', 'MKSTREAM');
  await r.xgroup('CREATE', 'es', 'g', '$').catch(() => undefined);
  await r.xgroup('CREATECONSUMER', 'es', 'g', 'c1');
  await r.xgroup('CREATECONSUMER', 'es', 'g', 'c1');
  await r.xadd('es', '1-1', 'a', 'b');
  await r.xreadgroup('GROUP', 'g', 'c2', 'STREAMS', 'es', '>');
  await r.xgroup('SETID', 'es', 'g', '0');
  await r.xclaim('es', 'g', 'c3', 0, '1-1');
  await r.xautoclaim('es', 'g', 'c4', 0, '0');
  await r.xack('es', 'g', '1-1');
  await r.xpending('es', 'g');
  await r.xgroup('DELCONSUMER', 'es', 'g', 'c1');
  await r.xgroup('DELCONSUMER', 'es', 'g', 'nobody');
  await r.xgroup('DESTROY', 'es', 'g');
  await r.xgroup('DESTROY', 'es', 'g');
}

redisTest(test, 'keyspace events of the group commands are redis-server\'s, in order', async () => {
  assert.ok(redis !== null, 'redis-server started');
  const theirs = await eventsOf(redis.port, groupEvents);
  const ours = await eventsOf(srv.port, groupEvents);
  assert.ok(theirs.some((e) => e.includes('xgroup-createconsumer')), theirs.join('\n'));
  assert.equal(ours, theirs);
});

test('after SIGKILL with appendfsync always, every acknowledged XREADGROUP, XACK, XCLAIM and XGROUP change is there', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stratakv-groups-kill-'));
  let server: TestServer = await startServer({ dir, args: ['--appendfsync', 'always'] });
  try {
    const r = clients.connect({ port: server.port });
    await r.xgroup('CREATE', 'ks', 'g', '0', 'MKSTREAM');
    await r.xgroup('CREATE', 'ks', 'gone', '0');
    const pipe = r.pipeline();
    for (let i = 1; i <= 300; i++) pipe.xadd('ks', `${i}-0`, 'f', String(i));
    await pipe.exec();
    // Pending: ID -> [owner, deliveries], kept as the replies say.
    const model = new Map<string, [string, number]>();
    for (let i = 0; i < 15; i++) {
      const consumer = `c${i % 3}`;
      const got = (await r.xreadgroup('GROUP', 'g', consumer, 'COUNT', 10, 'STREAMS', 'ks', '>')) as Array<[string, Array<[string, string[]]>]>;
      for (const [id] of got[0][1]) model.set(id, [consumer, 1]);
      const ids = [...model.keys()];
      const acked = ids.filter((_, k) => k % 3 === 0).slice(0, 4);
      assert.is(await r.xack('ks', 'g', ...acked), acked.length);
      for (const id of acked) model.delete(id);
      const claim = ids.filter((id) => model.has(id)).slice(0, 2);
      const claimed = (await r.xclaim('ks', 'g', 'claimer', 0, ...claim, 'JUSTID')) as string[];
      assert.equal(claimed, claim);
      for (const id of claim) model.set(id, ['claimer', (model.get(id) as [string, number])[1]]);
    }
    await r.xgroup('DESTROY', 'ks', 'gone');
    await r.xgroup('CREATECONSUMER', 'ks', 'g', 'idle-one');
    await server.kill();
    server = await startServer({ dir, port: server.port, args: ['--appendfsync', 'always'] });
    const again = clients.connect({ port: server.port });
    const pending = (await again.xpending('ks', 'g', '-', '+', 1000)) as Array<[string, string, number, number]>;
    assert.equal(pending.map(([id, owner, , n]) => [id, owner, n]), [...model].sort((x, y) => Number(x[0].split('-')[0]) - Number(y[0].split('-')[0])).map(([id, [owner, n]]) => [id, owner, n]));
    const groups = (await again.xinfo('GROUPS', 'ks')) as unknown[][];
    assert.is(groups.length, 1);
    assert.equal(groups[0].slice(0, 8), ['name', 'g', 'consumers', 5, 'pending', model.size, 'last-delivered-id', '150-0']);
    assert.equal(groups[0].slice(8), ['entries-read', 150, 'lag', 150]);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('redis-py (Debian): a consumer-group worker loop reads, acknowledges, and a second worker reclaims what the first left pending', async () => {
  const probe = existsSync('/usr/bin/python3') ? await runProcess('/usr/bin/python3', ['-c', 'import redis']) : null;
  if (probe === null || probe.code !== 0) {
    console.log('  (no python3-redis: the redis-py loop is not run)');
    return;
  }
  const script = `
from redis import Redis
r = Redis(port=${srv.port}, decode_responses=True)
r.delete('jobs')
r.xgroup_create('jobs', 'workers', id='0', mkstream=True)
for i in range(20):
    r.xadd('jobs', {'n': str(i)})
done = []
# worker a takes 5 and dies without acknowledging; worker b works the rest, then claims a's.
taken = r.xreadgroup('workers', 'a', {'jobs': '>'}, count=5)
assert len(taken[0][1]) == 5
while True:
    got = r.xreadgroup('workers', 'b', {'jobs': '>'}, count=4, block=50)
    if not got:
        break
    for _, entries in got:
        for id, fields in entries:
            done.append(int(fields['n']))
            r.xack('jobs', 'workers', id)
summary = r.xpending('jobs', 'workers')
assert summary['pending'] == 5 and summary['consumers'] == [{'name': 'a', 'pending': 5}], summary
cursor, claimed, deleted = r.xautoclaim('jobs', 'workers', 'b', min_idle_time=0, start_id='0-0', count=10)
assert cursor == '0-0' and deleted == [] and len(claimed) == 5, (cursor, claimed, deleted)
for id, fields in claimed:
    done.append(int(fields['n']))
    r.xack('jobs', 'workers', id)
assert sorted(done) == list(range(20)), done
assert r.xpending('jobs', 'workers')['pending'] == 0
info = r.xinfo_groups('jobs')[0]
assert info['name'] == 'workers' and info['consumers'] == 2 and info['pending'] == 0 and info['lag'] == 0, info
assert sorted(c['name'] for c in r.xinfo_consumers('jobs', 'workers')) == ['a', 'b']
print('ok')
`;
  const res = await runProcess('/usr/bin/python3', ['-c', script], undefined, 30_000);
  assert.is(res.stdout.trim(), 'ok', res.stderr);
});

test.run();
