/**
 * Transactions: MULTI EXEC DISCARD WATCH UNWATCH.
 *
 * Queueing is the dispatcher's job (it answers +QUEUED, and flags the transaction when a command
 * is refused while queueing). EXEC runs the queue through ServerControl.runQueued. Atomicity: the
 * queue runs inside one engine atomic section (Db.atomic), so all its writes are one WAL record
 * and a crash, even a torn write, keeps all of them or none, also when a queued command has to
 * wait for the disk in the middle (the section stays open until the last command is done). A
 * transaction that writes takes the dispatcher's exclusive lock when it waits (as Redis, nothing
 * else runs meanwhile): no other client sees a partial transaction, and no other client's write
 * joins the section, whose writes are acknowledged only with EXEC's reply. Before running the
 * queue EXEC reads every key it names into memory, so that the queue usually runs in one
 * synchronous stretch. WATCH is the keyspace's: it flags `client.watchDirty` on modification.
 */
import { aclRefusal } from './acl-support.js';
import { FLAG_WRITE } from '../command-table/registry.js';
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
    // The checks in runExec run after the wait: a watched key may change meanwhile.
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
  // Blocking commands in the queue answer at once, as their non-blocking forms (Redis'
  // CLIENT_DENY_BLOCKING), until the queue has run (not until its write is durable).
  const run = (): void | Promise<void> => {
    server.blocking.enterTransaction(client);
    const leave = (): void => server.blocking.leaveTransaction(client);
    let pending: void | Promise<void>;
    try {
      pending = runQueue(ctx, queue, 0);
    } catch (err) {
      leave();
      throw err;
    }
    if (pending === undefined) return leave();
    return pending.finally(leave);
  };
  if (!queue.some(({ entry }) => (entry.flagBits & FLAG_WRITE) !== 0)) return run();
  // The promise says when the transaction's record is durable; the connection holds EXEC's reply until then.
  return server.db.atomic(run);
}

/** Runs the queue from `from`, synchronously until a command has to wait, then after each wait. */
function runQueue(ctx: CommandContext, queue: readonly QueuedCommand[], from: number): void | Promise<void> {
  for (let i = from; i < queue.length; i++) {
    // Checked again as Redis' execCommand does: the user's rules may have changed since queueing.
    const refusal = aclRefusal(ctx, queue[i].entry, queue[i].argv, 'exec');
    if (refusal !== null) {
      ctx.reply.error(refusal);
      continue;
    }
    const pending = ctx.server.control.runQueued(ctx, queue[i]);
    if (pending !== undefined) return pending.then(() => runQueue(ctx, queue, i + 1));
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

/** Handlers by command name; the metadata is in ../command-table/transactions.ts. */
export const transactionHandlers: CommandHandlers = {
  multi,
  exec,
  discard,
  watch,
  unwatch,
};
