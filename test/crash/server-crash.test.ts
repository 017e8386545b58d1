/**
 * The real server SIGKILLed at random moments under concurrent write load, strings and
 * collections (short version of `npm run bench:crash-loop`, see crash-run.ts and
 * crash-collections.ts): with appendfsync always no acknowledged write is lost, and every hash,
 * set and sorted set holds exactly what its acknowledged writes (and maybe the one in flight) made; with everysec nothing acknowledged more than 2 s before the kill; never a transaction or
 * MSET half applied, counters never below their acknowledged increments, no orphan or temp file
 * left behind once the restarted server is idle. A 1 MB memtable makes kills land in flushes and
 * compactions. `SEED=n` replays a run's op mix and kill times.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultConfig } from '../../src/config/config.js';
import { Db } from '../../src/engine/db.js';
import type { BatchOp, SequenceNumber } from '../../src/engine/types.js';
import { Keyspace } from '../../src/keyspace/keyspace.js';
import { allCommands } from '../../src/commands/index.js';
import type { CommandSpec } from '../../src/commands/types.js';
import { Server } from '../../src/server/server.js';
import { Logger } from '../../src/util/logger.js';
import { RawClient, encodeCommand, sleep } from '../e2e/helpers.js';
import { formatReport, runCrashLoop, type CrashLoopOptions } from './crash-run.js';
import { waitFor } from '../support/wait.js';

const seed = process.env.SEED !== undefined ? Number(process.env.SEED) : Math.floor(Math.random() * 2 ** 31);

const common: Omit<CrashLoopOptions, 'cycles' | 'fsync' | 'minRunMs' | 'maxRunMs'> = {
  clients: 16,
  depth: 4,
  counters: 8,
  collectionClients: 4,
  memtableSize: '1mb',
  seed,
  lossWindowMs: 2000,
  earlierSampleOps: Infinity,
};

test('appendfsync always: 8 kills under load lose no acknowledged write', async () => {
  const report = await runCrashLoop({ ...common, cycles: 8, fsync: 'always', minRunMs: 200, maxRunMs: 1200 });
  console.log(formatReport(report));
  assert.equal(report.failures, [], `SEED=${seed}`);
  assert.is(report.cycles, 8);
  assert.ok(report.ackedChecked > 1000, `the load made progress (SEED=${seed})`);
  assert.ok(report.collectionOpsChecked > 100, `the collection clients made progress (SEED=${seed})`);
  assert.is(report.lost, 0);
});

test('appendfsync everysec: 4 kills under load lose nothing acknowledged more than 2 s before', async () => {
  // Cycles outlast the window, so some acknowledged writes are old enough to be owed.
  const report = await runCrashLoop({ ...common, cycles: 4, fsync: 'everysec', minRunMs: 2300, maxRunMs: 3000, earlierSampleOps: 20_000 });
  console.log(formatReport(report));
  assert.equal(report.failures, [], `SEED=${seed}`);
  assert.is(report.cycles, 4);
  assert.is(report.lostBeyondWindow, 0);
});

/**
 * What the crash loop found first: EXEC ran its queue one command at a time, and a command that
 * had to read its key from disk resumed the queue in a later event-loop turn, so the
 * transaction's writes went into two WAL groups and a kill between them kept only the first.
 */
test('EXEC issues all its writes in one event-loop turn even when a key must be read from disk', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stratakv-exec-turn-'));
  const open = async (): Promise<{ db: Db; keyspace: Keyspace; server: Server }> => {
    const db = await Db.open({ dir });
    const keyspace = await Keyspace.open(db, { databases: 16 });
    const config = defaultConfig();
    config.port = 0;
    config.bind = ['127.0.0.1'];
    const server = new Server({ config, db, keyspace, logger: new Logger('warning', '/dev/null'), commands: allCommands, onShutdown: async () => {} });
    await server.listen();
    return { db, keyspace, server };
  };
  const close = async (s: { db: Db; keyspace: Keyspace; server: Server }): Promise<void> => {
    await s.server.close();
    await s.keyspace.close();
    await s.db.close();
  };
  let s: { db: Db; keyspace: Keyspace; server: Server } | null = null;
  let ticking = true;
  try {
    // Enough keys for many table blocks, so the block holding `cold` is not one that opening reads.
    s = await open();
    let c = await RawClient.connect(s.server.tcpPort);
    const mset = ['MSET'];
    for (let i = 0; i < 2000; i++) mset.push(`key:${String(i).padStart(5, '0')}`, 'x'.repeat(100));
    assert.is((await c.command(...mset)).toString(), '+OK\r\n');
    c.close();
    await close(s); // flushes the memtable to a table
    s = null;

    s = await open(); // an empty block cache: reading key:01000 waits for the disk
    let turn = 0;
    const tick = (): void => {
      turn++;
      if (ticking) setImmediate(tick);
    };
    tick();
    const writeTurns: number[] = [];
    const db = s.db;
    const write = db.write.bind(db);
    db.write = (ops: readonly BatchOp[]): Promise<SequenceNumber> => {
      writeTurns.push(turn);
      return write(ops);
    };
    c = await RawClient.connect(s.server.tcpPort);
    c.write(Buffer.concat([
      encodeCommand(['MULTI']),
      encodeCommand(['SET', 'fresh:a', '1']),
      encodeCommand(['SET', 'key:01000', '2']),
      encodeCommand(['SET', 'fresh:b', '3']),
      encodeCommand(['EXEC']),
    ]));
    assert.is((await c.readReplies(5)).toString(), '+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*3\r\n+OK\r\n+OK\r\n+OK\r\n');
    c.close();
    assert.is(writeTurns.length, 3, 'one engine write per SET');
    assert.ok(writeTurns.every((t) => t === writeTurns[0]), `writes in turns ${writeTurns.join(', ')}: the transaction was split`);
  } finally {
    ticking = false;
    if (s !== null) await close(s);
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * The second thing the crash loop found: a connection waiting for durability sent, when the wait
 * ended, every reply in its buffer, including EXEC results written meanwhile by a transaction
 * that had resumed after a wait, for writes issued after the wait began (acknowledged before
 * their fsync; lost by a kill right after).
 */
test('replies written while a durability wait was running wait for their own writes', async () => {
  const held: Array<() => void> = [];
  const heldWrite: CommandSpec = {
    name: 'heldwrite', arity: 2, flags: ['write'], firstKey: 1, lastKey: 1, step: 1, group: 'server', summary: 'test', since: '0.0.0',
    handler: (ctx) => {
      ctx.reply.ok();
      return new Promise<void>((resolve) => held.push(resolve));
    },
  };
  const slowPing: CommandSpec = {
    name: 'slowping', arity: 1, flags: [], firstKey: 0, lastKey: 0, step: 0, group: 'server', summary: 'test', since: '0.0.0',
    handler: async (ctx) => {
      await sleep(30);
      ctx.reply.simple('PONG');
    },
  };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stratakv-held-reply-'));
  const db = await Db.open({ dir });
  const keyspace = await Keyspace.open(db, { databases: 16 });
  const config = defaultConfig();
  config.port = 0;
  config.bind = ['127.0.0.1'];
  const server = new Server({ config, db, keyspace, logger: new Logger('warning', '/dev/null'), commands: [...allCommands, heldWrite, slowPing], onShutdown: async () => {} });
  await server.listen();
  const c = await RawClient.connect(server.tcpPort);
  try {
    c.write(Buffer.concat([
      encodeCommand(['HELDWRITE', 'a']),
      encodeCommand(['MULTI']),
      encodeCommand(['SLOWPING']),
      encodeCommand(['HELDWRITE', 'b']),
      encodeCommand(['EXEC']),
    ]));
    // The transaction resumes and issues its write while the connection waits for `a`. Inside
    // EXEC's atomic section a write's promise no longer stands for its durability (EXEC's own
    // promise does), so the barrier ignores `b`'s; nothing leaves before `a` is durable.
    await waitFor('both writes to be issued', () => held.length === 2);
    const early = await c.readReplies(1, 150).then((r) => r.toString(), () => null);
    assert.is(early, null, 'a reply went out before the write issued before it was durable');
    held[0]();
    assert.is((await c.readReplies(5)).toString(), '+OK\r\n+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n+PONG\r\n+OK\r\n');
    held[1]();
  } finally {
    for (const resolve of held) resolve();
    c.close();
    await server.close();
    await keyspace.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * A command in flight may write its reply before its write is durable (ZUNIONSTORE: compute,
 * reply, then wait for the store's write inside its own promise, where the barrier cannot see it).
 * Replies of earlier commands may leave meanwhile; its own bytes only once it has settled.
 */
test('a reply written by a command still in flight waits for the command to settle', async () => {
  const held: Array<() => void> = [];
  const lateWrite: CommandSpec = {
    name: 'latewrite', arity: 1, flags: ['write'], firstKey: 0, lastKey: 0, step: 0, group: 'server', summary: 'test', since: '0.0.0',
    handler: async (ctx) => {
      // In flight, and replied within the same turn: before the connection's deferred flush runs.
      await Promise.resolve();
      ctx.reply.ok();
      await new Promise<void>((resolve) => held.push(resolve));
    },
  };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stratakv-late-reply-'));
  const db = await Db.open({ dir });
  const keyspace = await Keyspace.open(db, { databases: 16 });
  const config = defaultConfig();
  config.port = 0;
  config.bind = ['127.0.0.1'];
  const server = new Server({ config, db, keyspace, logger: new Logger('warning', '/dev/null'), commands: [...allCommands, lateWrite], onShutdown: async () => {} });
  await server.listen();
  const c = await RawClient.connect(server.tcpPort);
  try {
    c.write(Buffer.concat([encodeCommand(['PING']), encodeCommand(['LATEWRITE']), encodeCommand(['PING'])]));
    assert.is((await c.readReplies(1)).toString(), '+PONG\r\n', 'the reply before the command in flight leaves at once');
    await waitFor('the write to be held', () => held.length === 1);
    const early = await c.readReplies(1, 150).then((r) => r.toString(), () => null);
    assert.is(early, null, 'the reply of a command still in flight went out');
    held[0]();
    assert.is((await c.readReplies(2)).toString(), '+OK\r\n+PONG\r\n');
  } finally {
    for (const resolve of held) resolve();
    c.close();
    await server.close();
    await keyspace.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * EXEC's queue is one engine atomic section even when a queued command waits in the middle (a
 * ZUNIONSTORE walks its source in iterator batches): the writes before the wait and after it are
 * one WAL record. Before, the SET before the wait was logged and fsynced on its own, so a kill
 * during the wait kept `a` without `b`. The kill is modelled by copying the data directory while
 * the transaction waits: what a SIGKILL leaves is the files as the kernel has them.
 */
test('the files left while a transaction waits in the middle hold none of it', async () => {
  const held: Array<() => void> = [];
  const hold: CommandSpec = {
    name: 'hold', arity: 1, flags: [], firstKey: 0, lastKey: 0, step: 0, group: 'server', summary: 'test', since: '0.0.0',
    handler: async (ctx) => {
      await new Promise<void>((resolve) => held.push(resolve));
      ctx.reply.simple('HELD');
    },
  };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stratakv-exec-wait-'));
  const copy = `${dir}-killed`;
  const start = async (at: string): Promise<{ db: Db; keyspace: Keyspace; server: Server }> => {
    const db = await Db.open({ dir: at, fsync: 'always' });
    const keyspace = await Keyspace.open(db, { databases: 16 });
    const config = defaultConfig();
    config.port = 0;
    config.bind = ['127.0.0.1'];
    const server = new Server({ config, db, keyspace, logger: new Logger('warning', '/dev/null'), commands: [...allCommands, hold], onShutdown: async () => {} });
    await server.listen();
    return { db, keyspace, server };
  };
  const stop = async (s: { db: Db; keyspace: Keyspace; server: Server }): Promise<void> => {
    await s.server.close();
    await s.keyspace.close();
    await s.db.close();
  };
  const live = await start(dir);
  const c = await RawClient.connect(live.server.tcpPort);
  try {
    c.write(Buffer.concat([
      encodeCommand(['MULTI']),
      encodeCommand(['SET', 'a', '1']),
      encodeCommand(['HOLD']),
      encodeCommand(['SET', 'b', '1']),
      encodeCommand(['EXEC']),
    ]));
    await waitFor('the transaction to wait', () => held.length === 1);
    await sleep(100); // time enough for a record of `a` alone to reach the file
    cpSync(dir, copy, { recursive: true });
    held[0]();
    assert.is((await c.readReplies(5)).toString(), '+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*3\r\n+OK\r\n+HELD\r\n+OK\r\n');
    assert.is((await c.command('MGET', 'a', 'b')).toString(), '*2\r\n$1\r\n1\r\n$1\r\n1\r\n');
    const killed = await start(copy);
    const k = await RawClient.connect(killed.server.tcpPort);
    assert.is((await k.command('MGET', 'a', 'b')).toString(), '*2\r\n$-1\r\n$-1\r\n', 'the files kept part of a transaction');
    k.close();
    await stop(killed);
  } finally {
    for (const resolve of held) resolve();
    c.close();
    await stop(live);
    rmSync(dir, { recursive: true, force: true });
    rmSync(copy, { recursive: true, force: true });
  }
});

test.run();
