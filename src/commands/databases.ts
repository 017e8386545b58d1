/**
 * Database commands: SELECT MOVE SWAPDB FLUSHDB FLUSHALL DBSIZE.
 *
 * FLUSHDB/FLUSHALL/SWAPDB are one small metadata write each (the keyspace remaps databases to
 * namespaces; see src/keyspace/keyspace.ts): the flushed keys are gone for every reader at once,
 * and the engine reclaims their disk space in the background within seconds. With an explicit
 * SYNC the reply waits for that reclamation (only this client waits; others go on), which is
 * the closest thing to Redis freeing the memory before it replies.
 */
import { isCollectionValue, writeCollectionCopy } from '../types/collection.js';
import type { CommandContext, CommandHandlers } from './types.js';
import { binaryKey } from '../keyspace/encoding.js';
import { ERR_SYNTAX, argIs, parseInt32Arg } from '../keyspace/numbers.js';
import { durable, retryAfter } from './command-support.js';
import type { BinaryKey } from '../engine/types.js';
import { NOTIFY_GENERIC } from '../pubsub/keyspace-events.js';

const ERR_DB_RANGE = 'ERR DB index is out of range';

function selectCommand(ctx: CommandContext, argv: Buffer[]): void {
  const index = parseInt32Arg(argv[1]);
  if (typeof index === 'string') return ctx.reply.error(index);
  if (index < 0 || index >= ctx.server.keyspace.databases) return ctx.reply.error(ERR_DB_RANGE);
  ctx.client.db = index;
  ctx.reply.ok();
}

function moveCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const ks = ctx.server.keyspace;
  const target = parseInt32Arg(argv[2]);
  if (typeof target === 'string') return ctx.reply.error(target);
  if (target < 0 || target >= ks.databases) return ctx.reply.error(ERR_DB_RANGE);
  const source = ctx.client.db;
  if (source === target) return ctx.reply.error('ERR source and destination objects are the same');
  const key = binaryKey(argv[1]);
  const value = ks.lookupWrite(source, key);
  if (value instanceof Promise) return retryAfter(value, moveCommand, ctx, argv);
  if (value === null) return ctx.reply.integer(0);
  const existing = ks.lookupWrite(target, key);
  if (existing instanceof Promise) return retryAfter(existing, moveCommand, ctx, argv);
  if (existing !== null) return ctx.reply.integer(0);
  if (isCollectionValue(value)) {
    // Members are stored under their database's namespace: they move by copy.
    return writeCollectionCopy(ks, value, source, key, target, key, (batch, meta) => {
      batch.put(target, key, meta, null).delete(source, key, value);
      notifyMove(ctx, key, source, target);
      return batch;
    }).then(() => ctx.reply.integer(1));
  }
  const write = ks.batch().put(target, key, value, null).delete(source, key, value).commit();
  notifyMove(ctx, key, source, target);
  ctx.reply.integer(1);
  return durable(write);
}

function notifyMove(ctx: CommandContext, key: BinaryKey, source: number, target: number): void {
  const events = ctx.server.keyspace.events;
  events.notify(NOTIFY_GENERIC, 'move_from', key, source);
  events.notify(NOTIFY_GENERIC, 'move_to', key, target);
}

function swapdbCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const ks = ctx.server.keyspace;
  const first = parseInt32Arg(argv[1], 'ERR invalid first DB index');
  if (typeof first === 'string') return ctx.reply.error(first);
  const second = parseInt32Arg(argv[2], 'ERR invalid second DB index');
  if (typeof second === 'string') return ctx.reply.error(second);
  if (first < 0 || first >= ks.databases || second < 0 || second >= ks.databases) return ctx.reply.error(ERR_DB_RANGE);
  const write = ks.swapDb(first, second);
  ctx.reply.ok();
  return durable(write);
}

/** The optional SYNC|ASYNC argument; false (after replying) when it is anything else. */
function flushModeOk(ctx: CommandContext, argv: Buffer[]): boolean {
  if (argv.length === 1) return true;
  if (argv.length === 2 && (argIs(argv[1], 'sync') || argIs(argv[1], 'async'))) return true;
  ctx.reply.error(ERR_SYNTAX);
  return false;
}

function flushdbCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  if (!flushModeOk(ctx, argv)) return;
  return flushReply(ctx, argv, ctx.server.keyspace.flushDb(ctx.client.db));
}

function flushallCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  if (!flushModeOk(ctx, argv)) return;
  return flushReply(ctx, argv, ctx.server.keyspace.flushAll());
}

/** +OK now (the write's durability still gates it), or with SYNC once the disk space is reclaimed too. */
function flushReply(ctx: CommandContext, argv: Buffer[], write: Promise<unknown>): Promise<void> {
  if (argv.length === 2 && argIs(argv[1], 'sync')) {
    return Promise.all([write, ctx.server.keyspace.reclaimDeadNamespaces()]).then(() => ctx.reply.ok());
  }
  ctx.reply.ok();
  return durable(write);
}

function dbsizeCommand(ctx: CommandContext): void {
  ctx.reply.integer(ctx.server.keyspace.dbsize(ctx.client.db));
}

/** Handlers by command name; the metadata is in ../command-table/databases.ts. */
export const databaseHandlers: CommandHandlers = {
  select: selectCommand,
  move: moveCommand,
  swapdb: swapdbCommand,
  flushdb: flushdbCommand,
  flushall: flushallCommand,
  dbsize: dbsizeCommand,
};
