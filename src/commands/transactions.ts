/**
 * Transactions: MULTI EXEC DISCARD WATCH UNWATCH.
 *
 * Queueing is the dispatcher's job (it answers +QUEUED, and flags the transaction when a command
 * is refused while queueing). EXEC runs the queue through ServerControl.runQueued. Atomicity: the
 * queued commands run back to back in one synchronous stretch unless one must wait for the disk;
 * in that case EXEC returns a promise with its reply unfinished, and the dispatcher locks the keys
 * of every queued command until it settles, so no other client sees a partial transaction or
 * changes what it reads. Before running the queue EXEC reads every key it names into memory, so
 * that the queue's writes are issued in one synchronous stretch and so share one WAL group: a
 * wait for the disk between two of them would let a crash keep the first and lose the second; the
 * stretch runs as one engine atomic section, so its writes are one WAL record. WATCH is the
 * keyspace's: it flags `client.watchDirty` on modification.
 */
import type { ClientState, CommandContext, CommandHandlers, QueuedCommand, ServerContext } from './types.js';

function endTransaction(client: ClientState, server: ServerContext): void {
  client.multi = null;
  client.multiFailed = false;
  if (client.watchedKeys > 0) server.keyspace.unwatchAll(client);
  client.watchDirty = false;
}

function multi(ctx: CommandContext): void {
  if (ctx.client.multi !== null) {
    ctx.reply.error('ERR MULTI calls can not be nested');
    return;
  }
  ctx.client.multi = [];
  ctx.client.multiFailed = false;
  ctx.reply.ok();
}

function discard(ctx: CommandContext): void {
  if (ctx.client.multi === null) {
    ctx.reply.error('ERR DISCARD without MULTI');
    return;
  }
  endTransaction(ctx.client, ctx.server);
  ctx.reply.ok();
}

function exec(ctx: CommandContext): void | Promise<void> {
  const queue = ctx.client.multi;
  if (queue !== null && !ctx.client.multiFailed) {
    const warming = readQueuedKeys(ctx, queue);
    // The checks below run after the wait: a watched key may change meanwhile.
    if (warming !== undefined) return warming.then(() => runExec(ctx), () => runExec(ctx));
  }
  return runExec(ctx);
}

/**
 * Starts reading every key the queue names that is not in memory; undefined when all are. Once
 * it resolves the blocks are cached and the queue runs without waiting (unless the cache evicts
 * them first, which runRest still handles, only without the single-group guarantee).
 */
function readQueuedKeys(ctx: CommandContext, queue: readonly QueuedCommand[]): Promise<unknown> | undefined {
  const { db, keyspace } = ctx.server;
  // A SELECT inside the queue makes later keys belong to another database: they are just not warmed.
  const prefix = keyspace.dataPrefix(ctx.client.db);
  let reads: Array<Promise<unknown>> | null = null;
  for (const { entry, argv } of queue) {
    for (const i of entry.keyIndexes(argv)) {
      const value = db.get(prefix + argv[i].toString('latin1'));
      if (value instanceof Promise) (reads ??= []).push(value);
    }
  }
  return reads === null ? undefined : Promise.all(reads);
}

function runExec(ctx: CommandContext): void | Promise<void> {
  const { client, server, reply } = ctx;
  const queue = client.multi;
  if (queue === null) {
    reply.error('ERR EXEC without MULTI');
    return;
  }
  if (client.multiFailed) {
    endTransaction(client, server);
    reply.error('EXECABORT Transaction discarded because of previous errors.');
    return;
  }
  // A watched key whose TTL ran out since WATCH counts as modified, even if not yet deleted.
  server.keyspace.touchExpiredWatches(client);
  if (client.watchDirty) {
    endTransaction(client, server);
    reply.nullArray();
    return;
  }
  // Leave MULTI state before running the commands, so they execute instead of being queued again.
  endTransaction(client, server);
  reply.arrayHeader(queue.length);
  // One atomic section: the queue's writes become one WAL record, so not even a torn write at a
  // crash can keep part of the transaction.
  let waitingAt = -1;
  let waiting: Promise<void> | undefined;
  server.db.atomic(() => {
    for (let i = 0; i < queue.length; i++) {
      const pending = server.control.runQueued(ctx, queue[i]);
      if (pending !== undefined) {
        waiting = pending;
        waitingAt = i;
        return;
      }
    }
  });
  if (waiting !== undefined) return runRest(ctx, queue, waitingAt + 1, waiting);
}

/** Continues a transaction after one of its commands had to wait for the disk. */
async function runRest(ctx: CommandContext, queue: readonly QueuedCommand[], from: number, pending: Promise<void>): Promise<void> {
  await pending;
  for (let i = from; i < queue.length; i++) {
    const next = ctx.server.control.runQueued(ctx, queue[i]);
    if (next !== undefined) await next;
  }
}

function watch(ctx: CommandContext, argv: Buffer[]): void {
  const { client, server, reply } = ctx;
  if (client.multi !== null) {
    reply.error('ERR WATCH inside MULTI is not allowed');
    return;
  }
  for (let i = 1; i < argv.length; i++) server.keyspace.watch(client.db, argv[i].toString('latin1'), client);
  reply.ok();
}

function unwatch(ctx: CommandContext): void {
  const { client, server } = ctx;
  if (client.watchedKeys > 0) server.keyspace.unwatchAll(client);
  client.watchDirty = false;
  ctx.reply.ok();
}

/** Handlers by command name; the metadata is in ./table/transactions.ts. */
export const transactionHandlers: CommandHandlers = {
  multi,
  exec,
  discard,
  watch,
  unwatch,
};
