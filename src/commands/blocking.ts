/**
 * The blocking pops: BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP BZPOPMIN BZPOPMAX BZMPOP.
 *
 * Each checks its arguments in the order of Redis 7.0's t_list.c / t_zset.c, then does what its
 * non-blocking form does (the pops of ./lists.ts and ./sorted-sets.ts), except when no key has
 * anything: then it blocks the client in the registry (src/blocking/registry.ts) and replies
 * nothing; the dispatcher waits for the registry and runs the command again when a key it waits
 * on is written, or answers the timeout. Inside a transaction it answers at once instead, as its
 * non-blocking form would for an empty key.
 *
 * A command running again for a blocked client (a retry) is the same handler: it finds the client
 * in the registry, skips keys of another type (Redis only serves a waiter from a key of its type)
 * and, when it pops, releases the block before answering. Finding the keys still empty, it leaves
 * the block where it was in the queue. A command of a client that is gone (disconnected or killed
 * while its retry waited for a lock or the disk) pops nothing: the element would reach nobody.
 */
import type { CommandContext, CommandHandler, CommandHandlers } from './types.js';
import type { BinaryKey } from '../engine/types.js';
import { ValueType, binaryKey } from '../keyspace/encoding.js';
import { ERR_SYNTAX, ERR_WRONGTYPE } from '../keyspace/numbers.js';
import { parseLongDouble } from '../keyspace/long-double.js';
import { retryAfter } from './command-support.js';
import { WRONG_TYPE, openCollection } from '../types/collection.js';
import { End } from '../types/list.js';
import { lmpopFrom, moveCommand, parseEnd, parseLmpop, popElements, type ListPopShape } from './lists.js';
import { parseZmpop, popGeneric, type ZPopShape } from './sorted-sets.js';

const ERR_TIMEOUT_NOT_FLOAT = 'ERR timeout is not a float or out of range';
const ERR_TIMEOUT_NEGATIVE = 'ERR timeout is negative';

/** 2^63: a C long long holds less; converting more (or an infinity) gives LLONG_MIN on x86-64. */
const LLONG_LIMIT = 2 ** 63;

/**
 * Redis 7.0's getTimeoutFromObjectOrReply in seconds: a long double (string2ld: no spaces, no NaN,
 * hex and exponents allowed), times 1000, rounded up, as a long long. What does not fit a long
 * long becomes LLONG_MIN there, hence "negative" for an infinity or a huge value; -0.0001 rounds
 * up to 0, which waits forever. The wait in ms (0: forever), or the error text.
 */
export function parseTimeout(arg: Buffer): number | string {
  const parsed = parseLongDouble(arg.toString('latin1'));
  if (parsed === undefined) return ERR_TIMEOUT_NOT_FLOAT;
  if (parsed.infinite) return ERR_TIMEOUT_NEGATIVE;
  if (parsed.significand === 0n) return 0;
  const magnitude = Number(parsed.significand) * 2 ** parsed.exponent * 1000;
  if (!(magnitude < LLONG_LIMIT)) return ERR_TIMEOUT_NEGATIVE;
  if (parsed.negative) {
    // ceil of a negative value: above -1 it is (minus) zero, which means no timeout.
    const ms = Math.ceil(-magnitude);
    return ms === 0 ? 0 : ERR_TIMEOUT_NEGATIVE;
  }
  // A positive value too small for a double still rounds up to 1 ms.
  return Math.max(1, Math.ceil(magnitude));
}

/** Blocks the client (or, inside a transaction, answers as the non-blocking form would). */
function blockOrAnswer(ctx: CommandContext, keys: readonly BinaryKey[], waitMs: number, answerEmpty: () => void): void {
  const blocking = ctx.server.blocking;
  if (!blocking.mayBlock(ctx.client)) return answerEmpty();
  blocking.block(ctx.client, keys, waitMs === 0 ? 0 : Date.now() + waitMs);
}

function retrying(ctx: CommandContext): boolean {
  return ctx.server.blocking.isBlocked(ctx.client);
}

/** The shape of a blocking pop: a retry skips other types; an empty key blocks; serving releases. */
function blockingShape(ctx: CommandContext, keys: readonly BinaryKey[], waitMs: number, answerEmpty: (ctx: CommandContext) => void): ListPopShape & ZPopShape {
  return {
    keyed: 'flat',
    skipWrongType: retrying(ctx),
    first: ctx.server.blocking.readyKeyOf(ctx.client),
    empty: () => blockOrAnswer(ctx, keys, waitMs, () => answerEmpty(ctx)),
    served: () => ctx.server.blocking.release(ctx.client),
  };
}

// ---------------------------------------------------------------- BLPOP / BRPOP

/**
 * BLPOP / BRPOP key [key ...] timeout (blockingPopGenericCommand): the timeout first, then the
 * first key holding a list is popped, answered as [key, element]; a key of another type before
 * it answers WRONGTYPE.
 */
function blockingPop(end: End): CommandHandler {
  const handler = (ctx: CommandContext, argv: Buffer[]): void | Promise<void> => {
    if (ctx.server.blocking.isGone(ctx.client)) return ctx.reply.nullArray();
    const waitMs = parseTimeout(argv[argv.length - 1]);
    if (typeof waitMs === 'string') return ctx.reply.error(waitMs);
    const skipWrongType = retrying(ctx);
    const keys: BinaryKey[] = [];
    for (let i = 1; i < argv.length - 1; i++) keys.push(binaryKey(argv[i]));
    // A retry tries first the key whose write woke it (argument indexes, in the order tried).
    const first = ctx.server.blocking.readyKeyOf(ctx.client);
    const order = keys.map((_, j) => j + 1);
    const at = first === null ? -1 : keys.indexOf(first);
    if (at > 0) order.unshift(...order.splice(at, 1));
    for (const i of order) {
      const key = keys[i - 1];
      const list = openCollection(ctx.server.keyspace, ctx.client.db, key, ValueType.List, false);
      if (list instanceof Promise) return retryAfter(list, handler, ctx, argv);
      if (list === null) continue;
      if (list === WRONG_TYPE) {
        if (skipWrongType) continue;
        return ctx.reply.error(ERR_WRONGTYPE);
      }
      const answer = (values: ReadonlyArray<Buffer | null>): void => {
        ctx.server.blocking.release(ctx.client);
        ctx.reply.arrayHeader(2);
        ctx.reply.bulk(argv[i]);
        ctx.reply.bulk(values[0] ?? null);
      };
      return popElements(ctx, list, end, 1, answer, () => handler(ctx, argv));
    }
    blockOrAnswer(ctx, keys, waitMs, () => ctx.reply.nullArray());
  };
  return handler;
}

// ---------------------------------------------------------------- BLMOVE / BRPOPLPUSH

/**
 * BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout and BRPOPLPUSH (blmoveGenericCommand):
 * the directions, then the timeout; an empty source blocks (a nil inside a transaction).
 */
function blockingMove(ctx: CommandContext, argv: Buffer[], from: End, to: End, timeoutArg: Buffer, self: CommandHandler): void | Promise<void> {
  if (ctx.server.blocking.isGone(ctx.client)) return ctx.reply.nullBulk();
  const waitMs = parseTimeout(timeoutArg);
  if (typeof waitMs === 'string') return ctx.reply.error(waitMs);
  const shape = blockingShape(ctx, [binaryKey(argv[1])], waitMs, (c) => c.reply.nullBulk());
  return moveCommand(ctx, argv, from, to, self, shape);
}

function blmoveCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const from = parseEnd(argv[3]);
  const to = parseEnd(argv[4]);
  if (from === undefined || to === undefined) return ctx.reply.error(ERR_SYNTAX);
  return blockingMove(ctx, argv, from, to, argv[5], blmoveCommand);
}

function brpoplpushCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  return blockingMove(ctx, argv, End.Tail, End.Head, argv[3], brpoplpushCommand);
}

// ---------------------------------------------------------------- BLMPOP

/** BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]: the request, then the timeout (lmpopGenericCommand). */
function blmpopCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  if (ctx.server.blocking.isGone(ctx.client)) return ctx.reply.nullArray();
  const request = parseLmpop(argv, 2);
  if (typeof request === 'string') return ctx.reply.error(request);
  const waitMs = parseTimeout(argv[1]);
  if (typeof waitMs === 'string') return ctx.reply.error(waitMs);
  const keys: BinaryKey[] = [];
  for (let i = request.firstKey; i < request.endKey; i++) keys.push(binaryKey(argv[i]));
  return lmpopFrom(ctx, argv, blmpopCommand, request, blockingShape(ctx, keys, waitMs, (c) => c.reply.nullArray()));
}

// ---------------------------------------------------------------- BZPOPMIN / BZPOPMAX / BZMPOP

/** BZPOPMIN / BZPOPMAX key [key ...] timeout: the timeout first; served as [key, member, score]. */
function blockingZpop(max: boolean): CommandHandler {
  const handler = (ctx: CommandContext, argv: Buffer[]): void | Promise<void> => {
    if (ctx.server.blocking.isGone(ctx.client)) return ctx.reply.nullArray();
    const waitMs = parseTimeout(argv[argv.length - 1]);
    if (typeof waitMs === 'string') return ctx.reply.error(waitMs);
    const keys: BinaryKey[] = [];
    for (let i = 1; i < argv.length - 1; i++) keys.push(binaryKey(argv[i]));
    return popGeneric(ctx, argv, handler, keys, max, -1, blockingShape(ctx, keys, waitMs, (c) => c.reply.nullArray()));
  };
  return handler;
}

/** BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]: the request, then the timeout (zmpopGenericCommand). */
function bzmpopCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  if (ctx.server.blocking.isGone(ctx.client)) return ctx.reply.nullArray();
  const request = parseZmpop(argv, 2);
  if (typeof request === 'string') return ctx.reply.error(request);
  const waitMs = parseTimeout(argv[1]);
  if (typeof waitMs === 'string') return ctx.reply.error(waitMs);
  const shape: ZPopShape = { ...blockingShape(ctx, request.keys, waitMs, (c) => c.reply.nullArray()), keyed: 'nested' };
  return popGeneric(ctx, argv, bzmpopCommand, request.keys, request.max, request.count, shape);
}

/** Handlers by command name; the metadata is in ../command-table/blocking.ts. */
export const blockingHandlers: CommandHandlers = {
  blpop: blockingPop(End.Head),
  brpop: blockingPop(End.Tail),
  blmove: blmoveCommand,
  brpoplpush: brpoplpushCommand,
  blmpop: blmpopCommand,
  bzpopmin: blockingZpop(false),
  bzpopmax: blockingZpop(true),
  bzmpop: bzmpopCommand,
};
