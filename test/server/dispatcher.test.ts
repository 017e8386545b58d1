/**
 * The dispatcher's ordering and atomicity rules, tested in-process with test-only commands whose
 * handlers go asynchronous on purpose (the data families rarely do, and never on demand):
 * replies in request order, key locks making read-modify-write atomic across connections, the
 * durability barrier holding replies (of every connection) until writes settle, and EXEC locking
 * all its keys while one of its commands waits.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultConfig } from '../../src/config/config.js';
import { Db } from '../../src/engine/db.js';
import { Keyspace } from '../../src/keyspace/keyspace.js';
import { allCommands } from '../../src/commands/index.js';
import type { CommandContext, CommandSpec } from '../../src/commands/types.js';
import { Server } from '../../src/server/server.js';
import { Logger } from '../../src/util/logger.js';
import { RawClient, encodeCommand, sleep } from '../e2e/helpers.js';
import { waitFor } from '../support/wait.js';

/** The test's own key/value state, so handlers can await between read and write. */
const model = new Map<string, number>();
/** Durability promises handed out by `durablewrite`, resolved by the test. */
const pendingWrites: Array<() => void> = [];
/** Keys a `slowincr` or `gatedincr` is waiting on right now (between its read and its write). */
const waitingOn = new Set<string>();
/** Gates `gatedincr` waits for, opened by the test. */
const gates: Array<() => void> = [];

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function spec(name: string, arity: number, flags: string[], keys: [number, number, number], handler: CommandSpec['handler']): CommandSpec {
  return { name, arity, flags, firstKey: keys[0], lastKey: keys[1], step: keys[2], group: 'server', summary: 'test', since: '0.0.0', handler };
}

const testCommands: CommandSpec[] = [
  // Read, wait, write: atomic only if the dispatcher locks the key while it waits.
  spec('slowincr', 3, ['write'], [1, 1, 1], async (ctx: CommandContext, argv: Buffer[]) => {
    const key = argv[1].toString();
    const before = model.get(key) ?? 0;
    waitingOn.add(key);
    await delay(Number(argv[2].toString()));
    waitingOn.delete(key);
    model.set(key, before + 1);
    ctx.reply.integer(before + 1);
  }),
  // Read, wait for the test to open the gate, write: holds its key's lock for as long as the test wants.
  spec('gatedincr', 2, ['write'], [1, 1, 1], async (ctx: CommandContext, argv: Buffer[]) => {
    const key = argv[1].toString();
    const before = model.get(key) ?? 0;
    waitingOn.add(key);
    await new Promise<void>((resolve) => gates.push(resolve));
    waitingOn.delete(key);
    model.set(key, before + 1);
    ctx.reply.integer(before + 1);
  }),
  spec('peek', 2, ['readonly', 'fast'], [1, 1, 1], (ctx, argv) => {
    ctx.reply.integer(model.get(argv[1].toString()) ?? 0);
  }),
  // Writes and replies at once, then returns a durability promise the test resolves.
  spec('durablewrite', 2, ['write'], [1, 1, 1], (ctx, argv) => {
    model.set(argv[1].toString(), 1);
    ctx.reply.ok();
    return new Promise<void>((resolve) => pendingWrites.push(resolve));
  }),
  spec('boom', 1, [], [0, 0, 0], async () => {
    await delay(1);
    throw new Error('exploded');
  }),
  spec('throwsync', 1, [], [0, 0, 0], () => {
    throw new Error('sync failure');
  }),
];

let dir: string;
let db: Db;
let keyspace: Keyspace;
let server: Server;

test.before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'stratakv-dispatch-'));
  db = await Db.open({ dir });
  keyspace = await Keyspace.open(db, { databases: 16 });
  const config = defaultConfig();
  config.port = 0;
  config.bind = ['127.0.0.1'];
  server = new Server({
    config, db, keyspace, logger: new Logger('warning', '/dev/null'), commands: [...allCommands, ...testCommands],
    onShutdown: async () => {},
  });
  await server.listen();
});

test.after(async () => {
  await server.close();
  await keyspace.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

test('replies stay in request order when a command goes asynchronous', async () => {
  const c = await RawClient.connect(server.tcpPort);
  c.write(Buffer.concat([encodeCommand(['PING', 'a']), encodeCommand(['SLOWINCR', 'order', '40']), encodeCommand(['PING', 'b']), encodeCommand(['PEEK', 'order'])]));
  assert.is((await c.readReplies(4)).toString(), '$1\r\na\r\n:1\r\n$1\r\nb\r\n:1\r\n');
  c.close();
});

test('key locks make read-wait-write atomic across connections, other keys are not held up', async () => {
  model.delete('hot');
  const clients = await Promise.all(Array.from({ length: 8 }, () => RawClient.connect(server.tcpPort)));
  const other = await RawClient.connect(server.tcpPort);
  const done = clients.map(async (c) => {
    for (let i = 0; i < 5; i++) await c.command('SLOWINCR', 'hot', '2');
  });
  // A different key is served while 'held' stays locked until the test opens the gate (a global
  // lock would hang the PEEK).
  const holder = await RawClient.connect(server.tcpPort);
  holder.write(encodeCommand(['GATEDINCR', 'held']));
  await waitFor("GATEDINCR to hold 'held'", () => waitingOn.has('held'));
  assert.is((await other.command('PEEK', 'cold')).toString(), ':0\r\n');
  gates.shift()?.();
  assert.is((await holder.readReply()).toString(), ':1\r\n');
  await Promise.all(done);
  assert.is(model.get('hot'), 40, 'no lost update');
  for (const c of [...clients, other, holder]) c.close();
});

test('a reply waits for its durability promise; the connection keeps executing; others wait too', async () => {
  const writer = await RawClient.connect(server.tcpPort);
  const reader = await RawClient.connect(server.tcpPort);
  model.delete('d1');
  writer.write(Buffer.concat([encodeCommand(['DURABLEWRITE', 'd1']), encodeCommand(['PEEK', 'd1'])]));
  await waitFor('DURABLEWRITE to hand out its durability promise', () => pendingWrites.length === 1);
  assert.is(model.get('d1'), 1, 'executed at once');
  reader.write(encodeCommand(['PEEK', 'd1']));
  // That nothing is sent can only be checked by waiting a while: a late reply makes the check
  // weaker, never wrong.
  await sleep(30);
  // Nothing may have been sent yet: neither the writer's replies nor the reader's (it saw the write).
  const early = await Promise.race([writer.readReply(50).then(() => 'reply', () => 'none'), sleep(60).then(() => 'none')]);
  assert.is(early, 'none');
  pendingWrites.shift()?.();
  assert.is((await writer.readReplies(2)).toString(), '+OK\r\n:1\r\n');
  assert.is((await reader.readReply()).toString(), ':1\r\n');
  writer.close();
  reader.close();
});

test('EXEC holds the keys of its queued commands while one of them waits', async () => {
  model.delete('tx');
  const a = await RawClient.connect(server.tcpPort);
  const b = await RawClient.connect(server.tcpPort);
  a.write(Buffer.concat([encodeCommand(['MULTI']), encodeCommand(['GATEDINCR', 'tx']), encodeCommand(['SLOWINCR', 'tx', '1']), encodeCommand(['EXEC'])]));
  assert.is((await a.readReplies(3)).toString(), '+OK\r\n+QUEUED\r\n+QUEUED\r\n');
  await waitFor("EXEC's GATEDINCR to be waiting", () => waitingOn.has('tx'));
  b.write(encodeCommand(['PEEK', 'tx']));
  // Let the PEEK reach the server while EXEC still holds 'tx' (were it late, the test would
  // only be weaker, never wrong), then let EXEC finish.
  await sleep(20);
  gates.shift()?.();
  const execReply = (await a.readReply()).toString();
  assert.is(execReply, '*2\r\n:1\r\n:2\r\n');
  assert.is((await b.readReply()).toString(), ':2\r\n', 'the reader saw the whole transaction, not half of it');
  a.close();
  b.close();
});

test('handler failures become error replies and the connection goes on', async () => {
  const c = await RawClient.connect(server.tcpPort);
  assert.is((await c.command('BOOM')).toString(), '-ERR exploded\r\n');
  assert.is((await c.command('THROWSYNC')).toString(), '-ERR sync failure\r\n');
  assert.is((await c.command('PING')).toString(), '+PONG\r\n');
  c.close();
});

test('commandstats count calls and failures; errorstats count by code', async () => {
  const c = await RawClient.connect(server.tcpPort);
  await c.command('CONFIG', 'RESETSTAT');
  await c.command('PEEK', 'x');
  await c.command('PEEK');
  await c.command('NOPE');
  const info = (await c.command('INFO', 'commandstats')).toString();
  assert.match(info, /cmdstat_peek:calls=1,usec=\d+,usec_per_call=[\d.]+,rejected_calls=1,failed_calls=0/);
  const errors = (await c.command('INFO', 'errorstats')).toString();
  assert.match(errors, /errorstat_ERR:count=2/);
  c.close();
});

test.run();
