/**
 * The dispatcher: from a request's argv to a handler call, with every rule Redis applies on the
 * way, in Redis' order: lookup (unknown command / subcommand), arity, authentication, the disk
 * failure refusal, RESP2 subscribed mode, MULTI queueing, client pause, write backpressure
 * (db.writeDelay), key locks, then the call, and after it the bookkeeping (commandstats, latency
 * histograms and monitor, errorstats, slowlog, MONITOR).
 *
 * The hot path (a known command, no transaction, nothing in flight) allocates nothing of its own:
 * the lookup hashes the argv[0] bytes, flags are bit tests, timing is one performance.now() per command.
 *
 * What a handler returns decides the ordering (see CommandHandler in commands/types.ts):
 * - void: done.
 * - a Promise with the reply complete: a durability promise, given to the DurabilityBarrier; the
 *   connection goes on, its replies wait at flush time.
 * - a Promise with the reply incomplete: the command is in flight. Its keys are locked until it
 *   settles and execute() returns a promise the connection waits for before its next command.
 * - void, having blocked the client (a blocking pop found nothing: src/blocking/registry.ts):
 *   execute() returns a promise that settles when the wait is over (whileBlocked); no key is
 *   locked meanwhile. The command runs again, through execute(), each time a key it waits on may
 *   have become ready, and is accounted for once, when it is served or its wait ends.
 */
import { performance } from 'node:perf_hooks';
import type { Command, CommandContext, Commands, QueuedCommand, ServerContext } from '../commands/types.js';
import {
  FLAG_ADMIN, FLAG_ALLOW_BUSY, FLAG_ALLOWED_WHILE_SUBSCRIBED, FLAG_DENIED_ON_WRITE_FAILURE, FLAG_FAST, FLAG_MAY_REPLICATE, FLAG_NOAUTH, FLAG_NOMULTI, FLAG_RUNS_IN_MULTI,
  FLAG_READONLY, FLAG_RUNS_SCRIPT, FLAG_RUNS_TRANSACTION, FLAG_SKIP_SLOWLOG,
  FLAG_WHOLE_KEYSPACE, FLAG_WRITE, FLAG_LOADING, FLAG_STALE,
} from '../command-table/registry.js';
import { misconfError } from '../commands/command-support.js';
import { aclRefusal } from '../commands/acl-support.js';
import { redisOnlyValue } from '../config/config.js';
import type { ReplyWriter } from '../protocol/reply.js';
import type { CommandLatency } from './command-latency.js';
import type { LatencyMonitor } from './latency-monitor.js';
import type { DurabilityBarrier } from './durability.js';
import { redactSecrets } from './redaction.js';
import { busyError } from '../scripting/busy.js';
import { KeyLocks, LockMode, type LockHold } from './key-locks.js';
import type { Block } from '../blocking/registry.js';
import type { SlowLog } from './slowlog.js';
import { cString } from '../keyspace/numbers.js';

/** What the dispatcher needs from the server besides the ServerContext. */
export interface DispatchEnvironment {
  readonly slowlog: SlowLog;
  readonly errorStats: Map<string, number>;
  /** Per-command histograms (latency-tracking). */
  readonly commandLatency: CommandLatency;
  /** Takes `command` / `fast-command` samples past latency-monitor-threshold. */
  readonly latencyMonitor: LatencyMonitor;
  /** Non-empty while clients are in MONITOR mode. */
  readonly monitorCount: number;
  feedMonitors(ctx: CommandContext, argv: readonly Buffer[]): void;
  /** Resolves when a CLIENT PAUSE affecting this command ends, or undefined when not paused. */
  pauseFor(isWrite: boolean): Promise<void> | undefined;
  readonly replication: ReplicationFeed;
}

/** What the dispatcher tells replication (src/replication/replication.ts) and asks it. */
export interface ReplicationFeed {
  /** True when refusal() must be asked (a replica, a load in progress, min-replicas-to-write). */
  readonly gated: boolean;
  refusal(client: CommandContext['client'], isWrite: boolean, allowedLoading: boolean, allowedStale: boolean): string | null;
  /** A write that changed the data, in the order it completed (key locks order writes to the same keys). */
  propagate(db: number, argv: readonly Buffer[], now: number, reply: () => Buffer | null): void;
  /** EXEC and scripts: the writes between go out as one MULTI ... EXEC. */
  beginGroup(): void;
  endGroup(): void;
}

/**
 * Redis' text for an unknown command: name and the first arguments, each quoted, capped at 128
 * chars. Redis formats them with `%.*s`, which also stops at a NUL.
 */
export function unknownCommandError(argv: readonly Buffer[]): string {
  let args = '';
  for (let i = 1; i < argv.length && args.length < 128; i++) args += `'${cString(argv[i], 128 - args.length)}' `;
  return `ERR unknown command '${cString(argv[0], 128)}', with args beginning with: ${args}`;
}

function errorCode(message: string): string {
  const space = message.indexOf(' ');
  return space < 0 ? message : message.slice(0, space);
}

export class Dispatcher {
  readonly locks = new KeyLocks();
  /**
   * The end time of the previous call in this synchronous stretch, which is the start time of the
   * next: one clock read per command instead of two. Reset by beginBatch() whenever a connection
   * starts running requests after waiting.
   */
  private clock = 0;
  /**
   * Error replies of commands EXEC ran, per connection, not yet set against EXEC's own count: each
   * error is counted once, when its command runs, and EXEC fails only by its own (as Redis counts).
   */
  private readonly execErrors = new Map<ReplyWriter, number>();
  /** Set by invoke when a request run by retryAfterLocks keeps its granted locks (it went asynchronous). */
  private grantTaken = false;

  constructor(
    private readonly server: ServerContext,
    private readonly table: Commands,
    private readonly barrier: DurabilityBarrier,
    private readonly env: DispatchEnvironment,
  ) {}

  /**
   * Runs one request for the client of `ctx`. Returns undefined when done (the reply is written,
   * perhaps awaiting durability), or a promise (never rejecting) the connection must wait for
   * before its next request.
   */
  execute(ctx: CommandContext, argv: Buffer[], admitted = false): Promise<void> | undefined {
    return this.run(ctx, argv, admitted, null);
  }

  /** `granted`: the locks this request was granted after waiting for them (see retryAfterLocks). */
  private run(ctx: CommandContext, argv: Buffer[], admitted: boolean, granted: LockHold | null): Promise<void> | undefined {
    const reply = ctx.reply;
    const client = ctx.client;
    let entry = this.table.lookup(argv[0]);
    if (entry === undefined) return this.reject(ctx, null, unknownCommandError(argv));
    if (!entry.arityOk(argv.length)) return this.reject(ctx, entry, entry.arityError);
    // A container with arity -1 (COMMAND) may come alone: then the container itself runs.
    if (entry.subcommands !== null && argv.length > 1) {
      const sub = entry.subcommands.lookup(argv[1]);
      if (sub === undefined) {
        return this.reject(ctx, entry, `ERR unknown subcommand '${cString(argv[1], 128)}'. Try ${entry.fullName.toUpperCase()} HELP.`);
      }
      if (!sub.arityOk(argv.length)) return this.reject(ctx, sub, sub.arityError);
      entry = sub;
    }
    // Redis checks protected commands (MODULE LOAD ...) right after the arity, before anything else.
    if (entry.protectedBy !== null && !protectedActionAllowed(redisOnlyValue(this.server.config, entry.protectedBy), client.addr)) {
      return this.reject(ctx, entry, protectedCommandError(entry.parent?.fullName ?? entry.fullName, entry.protectedBy));
    }
    const flags = entry.flagBits;
    if (!client.authenticated && (flags & FLAG_NOAUTH) === 0 && this.server.acl.authRequired) return this.reject(ctx, entry, 'NOAUTH Authentication required.');
    // Redis' order: a command MULTI may not queue is refused as such, before its permissions.
    if (client.multi !== null && (flags & FLAG_NOMULTI) !== 0) return this.reject(ctx, entry, 'ERR Command not allowed inside a transaction');
    // ACL: an unrestricted user (the default user as shipped) costs this one test.
    const user = client.user;
    if (user !== null && !user.unrestricted) {
      const refusal = aclRefusal(ctx, entry, argv, 'toplevel');
      if (refusal !== null) return this.reject(ctx, entry, refusal);
    }
    // A script past busy-reply-threshold yields to the event loop now and then: meanwhile only
    // what Redis lets through runs (SCRIPT KILL, SHUTDOWN NOSAVE ...), past the script's locks.
    // A blocked pop woken by the script's writes is not a new request: it waits for the script's lock.
    let busyBypass = false;
    const busy = this.server.control.scriptBusy;
    if (busy !== false && !this.server.blocking.isRetry(client)) {
      if ((flags & FLAG_ALLOW_BUSY) === 0) return this.reject(ctx, entry, busyError(busy));
      busyBypass = true;
    }
    const isWrite = (flags & FLAG_WRITE) !== 0 || ((flags & FLAG_RUNS_TRANSACTION) !== 0 && this.transactionHas(client.multi, FLAG_WRITE));
    // As Redis refuses writes (and PING) while its AOF cannot be written, until the disk recovers.
    const writeFailure = this.server.db.writeFailure;
    if (writeFailure !== null && (isWrite || (flags & FLAG_DENIED_ON_WRITE_FAILURE) !== 0)) return this.reject(ctx, entry, misconfError(writeFailure));
    // READONLY on a replica, NOREPLICAS under min-replicas-to-write, -LOADING during a full sync's load, MASTERDOWN.
    const replication = this.env.replication;
    if (replication.gated) {
      const refusal = replication.refusal(client, isWrite, (flags & FLAG_LOADING) !== 0, (flags & FLAG_STALE) !== 0);
      if (refusal !== null) return this.reject(ctx, entry, refusal);
    }
    // A RESP2 connection that subscribed carries messages that a reply could not be told apart
    // from; a RESP3 one gets them as pushes and may run anything.
    if ((flags & FLAG_ALLOWED_WHILE_SUBSCRIBED) === 0 && client.resp === 2 && client.subscriptions.active) {
      return this.reject(ctx, entry, `ERR Can't execute '${entry.fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`);
    }
    if (client.multi !== null) {
      if ((flags & FLAG_RUNS_IN_MULTI) === 0) {
        client.multi.push({ entry, argv });
        reply.simple('QUEUED');
        return undefined;
      }
    }
    // CLIENT PAUSE WRITE holds what Redis would replicate: writes, and PUBLISH.
    const pausedAsWrite = isWrite || (flags & FLAG_MAY_REPLICATE) !== 0 || ((flags & FLAG_RUNS_TRANSACTION) !== 0 && this.transactionHas(client.multi, FLAG_MAY_REPLICATE));
    const paused = this.env.pauseFor(pausedAsWrite);
    if (paused !== undefined) return this.retryAfter(paused, ctx, argv, admitted);
    // Engine backpressure is asked once per write: a write that waited its turn goes.
    if (isWrite && !admitted) {
      const delay = this.server.db.writeDelay();
      if (delay !== undefined) return this.retryAfter(delay, ctx, argv, true);
    }
    if (granted === null && !this.locks.idle && !busyBypass) {
      const names = this.lockNames(client.db, entry, argv, client.multi);
      const mode = isWrite ? LockMode.Write : LockMode.Shared;
      const exclusive = this.isExclusive(entry, client.multi);
      if (this.locks.conflicts(names, mode, exclusive)) return this.retryAfterLocks(this.locks.wait(names, mode, exclusive), ctx, argv, isWrite || admitted);
    }
    return this.invoke(ctx, entry, argv, true, granted);
  }

  /** Starts timing a synchronous run of requests (a read batch, or a resumption after a wait). */
  beginBatch(): void {
    this.clock = performance.now();
  }

  /** Runs a command queued by MULTI (EXEC holds the transaction's locks). Never rejects. */
  runQueued(ctx: CommandContext, cmd: QueuedCommand): Promise<void> | undefined {
    this.clock = performance.now();
    return this.invoke(ctx, cmd.entry, cmd.argv, false, null);
  }

  // ------------------------------------------------------------------------------------------

  /**
   * `lock` is false for a command EXEC runs (it holds the transaction's locks). `granted`: locks
   * already held for this request, kept if it goes asynchronous (its caller releases them otherwise).
   */
  private invoke(ctx: CommandContext, entry: Command, argv: Buffer[], lock: boolean, granted: LockHold | null): Promise<void> | undefined {
    const reply = ctx.reply;
    if (this.env.monitorCount > 0 && (entry.flagBits & FLAG_ADMIN) === 0 && !this.server.blocking.isRetry(ctx.client)) this.env.feedMonitors(ctx, redactSecrets(entry.redact, argv));
    ctx.client.lastCommand = entry.fullName;
    // EXEC leaves MULTI state before running its queue; its locks come from the queue as it was.
    const queued = ctx.client.multi;
    const before = reply.position;
    const errorsBefore = reply.errors;
    const t0 = this.clock;
    // Replication: a write is propagated once done if it changed the data (the sequence number
    // moved) and did not fail; EXEC and scripts (top level) group what their commands propagate.
    const writes = (entry.flagBits & FLAG_WRITE) !== 0;
    const seqBefore = writes ? this.server.db.lastSequence : 0;
    const startedAt = writes ? Date.now() : 0;
    const grouping = lock && (entry.flagBits & (FLAG_RUNS_TRANSACTION | FLAG_RUNS_SCRIPT)) !== 0;
    if (grouping) this.env.replication.beginGroup();
    let result: void | Promise<void>;
    // Keyspace notifications the command sends belong to its client's own stream (EXEC nests this).
    const events = this.server.keyspace.events;
    const outerPublisher = events.publisher;
    events.publisher = ctx.client;
    try {
      // Only a container that cannot run without a subcommand lacks a handler, and arity keeps it from getting here.
      result = entry.handler === null ? reply.error(entry.arityError) : entry.handler(ctx, argv);
    } catch (err) {
      result = undefined;
      this.handlerFailed(ctx, entry, err);
    } finally {
      events.publisher = outerPublisher;
    }
    const t1 = performance.now();
    this.clock = t1;
    if ((writes || grouping) && (result === undefined || reply.completeSince(before))) {
      const block = this.server.blocking.size === 0 ? undefined : this.server.blocking.blockOf(ctx.client);
      if (writes && block === undefined && reply.errors === errorsBefore && this.server.db.lastSequence !== seqBefore) {
        this.env.replication.propagate(ctx.client.db, argv, startedAt, () => reply.bytesSince(before));
      }
      if (grouping) this.env.replication.endGroup();
    }
    if (result === undefined) {
      if (this.server.blocking.size !== 0) {
        const block = this.server.blocking.blockOf(ctx.client);
        // A retry that found nothing is still waiting: the loop below accounts for it later.
        if (block !== undefined) return block.looping ? undefined : this.whileBlocked(ctx, entry, argv, block, errorsBefore);
      }
      this.account(ctx, entry, argv, t1 - t0, errorsBefore, !lock);
      return undefined;
    }
    if (reply.completeSince(before)) {
      // The barrier counts promises that settle in write order. Inside EXEC's atomic section a
      // write's promise resolves at once, before it is durable; EXEC's own promise stands for it.
      if (!this.server.db.inAtomicSection) this.barrier.track(result);
      this.account(ctx, entry, argv, t1 - t0, errorsBefore, !lock);
      return undefined;
    }
    let hold: LockHold | null = null;
    if (granted !== null) {
      hold = granted;
      this.grantTaken = true;
    } else if (lock) {
      hold = this.locks.acquire(this.lockNames(ctx.client.db, entry, argv, queued), this.lockMode(entry, queued), this.isExclusive(entry, queued));
    }
    return this.settle(result, ctx, entry, argv, t0, errorsBefore, hold, !lock, writes ? seqBefore : -1, startedAt, grouping, before);
  }

  private async settle(
    result: Promise<void>, ctx: CommandContext, entry: Command, argv: Buffer[], t0: number, errorsBefore: number, hold: LockHold | null, fromExec: boolean,
    seqBefore: number, startedAt: number, grouping: boolean, replyFrom: number,
  ): Promise<void> {
    try {
      await result;
    } catch (err) {
      this.handlerFailed(ctx, entry, err);
    } finally {
      // Propagated before the locks go: no later write to these keys can go out ahead of it.
      const blocked = this.server.blocking.size !== 0 && this.server.blocking.blockOf(ctx.client) !== undefined;
      if (seqBefore >= 0 && !blocked && ctx.reply.errors === errorsBefore && this.server.db.lastSequence !== seqBefore) {
        this.env.replication.propagate(ctx.client.db, argv, startedAt, () => ctx.reply.bytesSince(replyFrom));
      }
      if (grouping) this.env.replication.endGroup();
      if (hold !== null) this.locks.release(hold);
    }
    // A command that blocked after a read (its keys are released above, as they must be while it waits).
    const block = this.server.blocking.size === 0 ? undefined : this.server.blocking.blockOf(ctx.client);
    if (block !== undefined) {
      if (!block.looping) await this.whileBlocked(ctx, entry, argv, block, errorsBefore);
      return;
    }
    this.account(ctx, entry, argv, performance.now() - t0, errorsBefore, fromExec);
  }

  /**
   * A blocked command's wait: each time a key it waits on may be ready the command runs again,
   * as a new request would (pause, backpressure, key locks, the durability barrier for its pop);
   * served, it has left the registry. Timed out or unblocked, it answers here (Redis'
   * replyToBlockedClientTimedOut: a null array, also for BLMOVE); cancelled (the client is going
   * away), it answers nothing.
   */
  private async whileBlocked(ctx: CommandContext, entry: Command, argv: Buffer[], block: Block, errorsBefore: number): Promise<void> {
    block.looping = true;
    const blocking = this.server.blocking;
    for (;;) {
      const event = await block.next();
      if (event === 'ready') {
        const errors = ctx.reply.errors;
        this.beginBatch();
        const pending = this.execute(ctx, argv);
        if (pending !== undefined) await pending;
        if (blocking.blockOf(ctx.client) !== block) return;
        // Refused or failed (MISCONF, a disk error): it answered, its wait is over.
        if (ctx.reply.errors !== errors) {
          blocking.release(ctx.client);
          return;
        }
        continue;
      }
      blocking.release(ctx.client);
      if (event === 'cancelled') return;
      if (event === 'timeout') ctx.reply.nullArray();
      else ctx.reply.error('UNBLOCKED client unblocked via CLIENT UNBLOCK');
      this.account(ctx, entry, argv, 0, errorsBefore, false);
      return;
    }
  }

  private handlerFailed(ctx: CommandContext, entry: Command, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    this.server.logger.warning(`command '${entry.fullName}' failed: ${err instanceof Error && err.stack ? err.stack : message}`);
    ctx.reply.error(/^[A-Z]+ /.test(message) ? message : `ERR ${message}`);
  }

  private account(ctx: CommandContext, entry: Command, argv: Buffer[], elapsedMs: number, errorsBefore: number, fromExec: boolean): void {
    const usec = elapsedMs * 1000;
    entry.calls++;
    entry.usec += usec;
    this.server.stats.totalCommandsProcessed++;
    const config = this.server.config;
    if (config.latencyTracking) this.env.commandLatency.record(entry.fullName, elapsedMs);
    if (config.latencyMonitorThreshold > 0) this.env.latencyMonitor.addIfNeeded((entry.flagBits & FLAG_FAST) !== 0 ? 'fast-command' : 'command', elapsedMs);
    const reply = ctx.reply;
    const tracking = this.server.tracking;
    if (tracking.clients !== 0) {
      const client = ctx.client;
      if ((entry.flagBits & FLAG_READONLY) !== 0) {
        // A read inside a script counts for the script's caller, with the keys the script declared (Redis 7.0's rule).
        const caller = client.scriptCaller;
        if (caller) {
          if (caller.client.tracking !== null) tracking.remember(caller.client, caller.keys);
        } else if (client.tracking !== null) {
          tracking.remember(client, entry.keyIndexes(argv).map((i) => argv[i]));
        }
      }
      // The end of a top-level command: its client's own invalidations follow its reply.
      if (!fromExec) tracking.afterCommand(client, client.multi !== null || entry.fullName.startsWith('client|'));
    }
    let errors = reply.errors - errorsBefore;
    if (errors > 0 && fromExec) {
      this.execErrors.set(reply, (this.execErrors.get(reply) ?? 0) + errors);
    } else if (errors > 0 && (entry.flagBits & FLAG_RUNS_TRANSACTION) !== 0) {
      errors -= this.execErrors.get(reply) ?? 0;
      this.execErrors.delete(reply);
    }
    if (errors > 0) {
      entry.failedCalls++;
      if (reply.lastErrorCounted) this.countError(reply.lastError);
    }
    const threshold = config.slowlogLogSlowerThan;
    // EXEC is skip_slowlog, as in Redis: the queued commands are logged each on its own.
    if (threshold >= 0 && usec >= threshold && (entry.flagBits & FLAG_SKIP_SLOWLOG) === 0) {
      this.env.slowlog.add(redactSecrets(entry.redact, argv), usec, ctx.client.addr, ctx.client.name, config.slowlogMaxLen);
    }
  }

  private reject(ctx: CommandContext, entry: Command | null, message: string): undefined {
    const client = ctx.client;
    if (entry !== null && (entry.flagBits & FLAG_RUNS_TRANSACTION) !== 0) {
      // Redis' execCommandAbort: whatever refuses EXEC (arity, NOAUTH, MISCONF...) discards the
      // transaction, in MULTI or not, and says so: with the refusal's text (a code other than ERR
      // kept, as Redis' shared error objects carry theirs and its formatted errors have none).
      message = `EXECABORT Transaction discarded because of: ${message.startsWith('ERR ') ? message.slice(4) : message}`;
      client.multi = null;
      client.multiFailed = false;
      if (client.watchedKeys > 0) this.server.keyspace.unwatchAll(client);
      client.watchDirty = false;
    }
    ctx.reply.error(message);
    if (entry !== null) entry.rejectedCalls++;
    this.countError(message);
    if (client.multi !== null) client.multiFailed = true;
    return undefined;
  }

  private countError(message: string): void {
    this.server.stats.totalErrorReplies++;
    const code = errorCode(message);
    this.env.errorStats.set(code, (this.env.errorStats.get(code) ?? 0) + 1);
  }

  /**
   * Runs the request again holding the locks it waited for (or, granted null, checking again
   * for itself). The grant is this request's own: it does not queue behind later waiters. If the
   * run ends without going asynchronous (served at once, refused, or waiting for something else),
   * the grant goes back at once.
   */
  private async retryAfterLocks(wait: Promise<LockHold | null>, ctx: CommandContext, argv: Buffer[], admitted: boolean): Promise<void> {
    const granted = await wait;
    this.beginBatch();
    this.grantTaken = false;
    let next: Promise<void> | undefined;
    try {
      next = this.run(ctx, argv, admitted, granted);
    } finally {
      if (granted !== null && !this.grantTaken) this.locks.release(granted);
      this.grantTaken = false;
    }
    if (next !== undefined) await next;
  }

  /** Runs the request again once `wait` settles; `admitted`: it has passed the engine's write backpressure. */
  private async retryAfter(wait: Promise<void>, ctx: CommandContext, argv: Buffer[], admitted: boolean): Promise<void> {
    try {
      await wait;
    } catch {
      // a failed delay only means we try again now
    }
    this.beginBatch();
    const next = this.execute(ctx, argv, admitted);
    if (next !== undefined) await next;
  }

  /** Whether a queued command has one of `bits`. */
  private transactionHas(multi: QueuedCommand[] | null, bits: number): boolean {
    if (multi === null) return false;
    for (const q of multi) if ((q.entry.flagBits & bits) !== 0) return true;
    return false;
  }

  /** Shared for a command (or transaction) that does not write. */
  private lockMode(entry: Command, multi: QueuedCommand[] | null): LockMode {
    const writes = (entry.flagBits & FLAG_WRITE) !== 0 || ((entry.flagBits & FLAG_RUNS_TRANSACTION) !== 0 && this.transactionHas(multi, FLAG_WRITE));
    return writes ? LockMode.Write : LockMode.Shared;
  }

  private isExclusive(entry: Command, multi: QueuedCommand[] | null): boolean {
    const flags = entry.flagBits;
    if ((flags & FLAG_RUNS_TRANSACTION) !== 0 && multi !== null) {
      // A transaction that writes runs as one engine atomic section, which no other client's
      // write may join (Db.atomic): while it waits, it holds everything.
      return this.transactionHas(multi, FLAG_WRITE) || multi.some((q) => this.isExclusive(q.entry, null));
    }
    // A script may touch any key, and nothing may run between its commands.
    return (flags & (FLAG_WHOLE_KEYSPACE | FLAG_RUNS_SCRIPT)) !== 0 || ((flags & FLAG_WRITE) !== 0 && !entry.hasKeys);
  }

  private lockNames(db: number, entry: Command, argv: Buffer[], multi: QueuedCommand[] | null): string[] {
    const names: string[] = [];
    if ((entry.flagBits & FLAG_RUNS_TRANSACTION) !== 0 && multi !== null) {
      for (const q of multi) {
        for (const i of q.entry.keyIndexes(q.argv)) names.push(KeyLocks.lockName(db, q.argv[i]));
      }
      return names;
    }
    for (const i of entry.keyIndexes(argv)) names.push(KeyLocks.lockName(db, argv[i]));
    return names;
  }
}

/** Redis' allowProtectedAction: the parameter says yes, or local and the client is on loopback. */
function protectedActionAllowed(setting: string, addr: string): boolean {
  if (setting === 'yes') return true;
  if (setting !== 'local') return false;
  const host = addr.slice(0, addr.lastIndexOf(':'));
  return host === '127.0.0.1' || host === '::1' || host === '::ffff:127.0.0.1' || host.startsWith('/');
}

function protectedCommandError(command: string, parameter: string): string {
  return `ERR ${command.toUpperCase()} command not allowed. If the ${parameter} option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.`;
}
