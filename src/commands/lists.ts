/**
 * List commands: LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN LINDEX LSET LRANGE LTRIM LREM LINSERT
 * LPOS LMOVE RPOPLPUSH LMPOP (the blocking forms are in ./blocking.ts, over the pieces exported here).
 *
 * Each handler checks its arguments in the order Redis 7.0's t_list.c does (so the same bad
 * command gets the same error), opens its list (src/types/collection.ts) and uses
 * src/types/list.ts. Commands that touch the ends or one index (pushes, small pops, LINDEX, LSET,
 * LMOVE) are synchronous unless a read needs the disk (then they return retryAfter(...) having
 * written nothing). Commands that walk (LRANGE, LPOS, LINSERT, LREM, big pops and trims) read a
 * snapshot asynchronously: the dispatcher holds their keys meanwhile, so nothing else writes them;
 * they reply once their write is durable.
 */
import type { CommandContext, CommandHandler, CommandHandlers } from './types.js';
import { ValueType, binaryKey } from '../keyspace/encoding.js';
import { encodeMeta } from '../keyspace/collection-encoding.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE, INT64_MIN, argIs, parseIntegerArg, type Int64 } from '../keyspace/numbers.js';
import { durable, notify, notifyCollection, retryAfter } from './command-support.js';
import { NOTIFY_LIST } from '../pubsub/keyspace-events.js';
import type { KeyspaceBatch } from '../keyspace/keyspace.js';
import type { BinaryKey } from '../engine/types.js';
import { WRONG_TYPE, openCollection, openOrCreate, type Collection } from '../types/collection.js';
import {
  End, absoluteIndex, deleteDead, insertAt, insertShiftsHead, planRemoval, popEnd, push, readAt, readWindow, rebuildKept, removeAt, scan, setAt,
  trimEnds, trimRebuilds, type DeadRange,
} from '../types/list.js';

const ERR_NOT_POSITIVE = 'ERR value is out of range, must be positive';

/** Pops of at most this many elements read them with point lookups, synchronously when cached; more are read by a walk. */
const SYNC_POP_MAX = 64;

/** LEFT / RIGHT (any case), or undefined (Redis answers a syntax error). */
export function parseEnd(arg: Buffer): End | undefined {
  if (argIs(arg, 'left')) return End.Head;
  if (argIs(arg, 'right')) return End.Tail;
  return undefined;
}

/**
 * Redis' getPositiveLongFromObjectOrReply / getRangeLongFromObjectOrReply: an integer from `min`
 * on, else `message` (which Redis also answers for a non-integer when the caller gives one).
 */
function parseAtLeast(arg: Buffer, min: number, message: string, notInteger: string = message): Int64 | string {
  const value = parseIntegerArg(arg);
  if (value === undefined) return notInteger;
  if (value < min) return message;
  return value;
}

/** An Int64 as a number for comparisons against lengths (beyond 2^53 it only needs to stay beyond). */
function approx(value: Int64): number {
  return Number(value);
}

/**
 * The list again, as it is now, after an asynchronous read (null if it is gone or another
 * incarnation: with the key held by the dispatcher, it can only have expired meanwhile). Resolves
 * in the same step as its last lookup, so the caller can stage and commit before anything else runs.
 */
async function reopen(list: Collection): Promise<Collection | null> {
  for (;;) {
    const now = openCollection(list.ks, list.db, list.key, ValueType.List, false);
    if (now instanceof Promise) {
      await now;
      continue;
    }
    if (now === null || now === WRONG_TYPE || now.meta.version !== list.meta.version) return null;
    return now;
  }
}

function replyArray(ctx: CommandContext, values: ReadonlyArray<Buffer | null>): void {
  ctx.reply.arrayHeader(values.length);
  for (const v of values) ctx.reply.bulk(v);
}

// ---------------------------------------------------------------- pushes

function pushCommand(end: End, onlyIfExists: boolean): CommandHandler {
  const handler = (ctx: CommandContext, argv: Buffer[]): void | Promise<void> => {
    const ks = ctx.server.keyspace;
    const key = binaryKey(argv[1]);
    const list = onlyIfExists ? openCollection(ks, ctx.client.db, key, ValueType.List, false) : openOrCreate(ks, ctx.client.db, key, ValueType.List);
    if (list instanceof Promise) return retryAfter(list, handler, ctx, argv);
    if (list === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
    if (list === null) return ctx.reply.integer(0);
    const batch = ks.batch();
    for (let i = 2; i < argv.length; i++) push(list, batch, end, argv[i]);
    const write = list.commit(batch);
    ctx.reply.integer(list.meta.count);
    notify(ctx, NOTIFY_LIST, pushEvent(end), key);
    return durable(write);
  };
  return handler;
}

function pushEvent(end: End): string {
  return end === End.Head ? 'lpush' : 'rpush';
}

function popEvent(end: End): string {
  return end === End.Head ? 'lpop' : 'rpop';
}

// ---------------------------------------------------------------- pops

/** The indexes of the `k` elements at one end, in the order they are popped. */
export function endIndexes(length: number, end: End, k: number): number[] {
  const out: number[] = new Array<number>(k);
  for (let i = 0; i < k; i++) out[i] = end === End.Head ? i : length - 1 - i;
  return out;
}

/**
 * Pops `k` elements (1..count) at `end` and answers with them, in pop order, through `answer`.
 * Up to SYNC_POP_MAX they are read by point lookups (`retry` runs the command again when one needs
 * the disk); more are read by a walk, and the pop is written once that is done.
 */
export function popElements(ctx: CommandContext, list: Collection, end: End, k: number, answer: (values: ReadonlyArray<Buffer | null>) => void, retry: () => void | Promise<void>): void | Promise<void> {
  if (k <= SYNC_POP_MAX) {
    const values = readAt(list, endIndexes(list.meta.count, end, k));
    if (values instanceof Promise) return values.then(retry);
    const batch = list.ks.batch();
    popEnd(list, batch, end, k);
    const write = list.commit(batch);
    answer(values);
    notifyCollection(ctx, NOTIFY_LIST, popEvent(end), list);
    return durable(write);
  }
  return popLater(ctx, list, end, k, answer);
}

async function popLater(ctx: CommandContext, list: Collection, end: End, k: number, answer: (values: ReadonlyArray<Buffer | null>) => void): Promise<void> {
  const n = list.meta.count;
  const values = end === End.Head ? await readWindow(list, 0, k) : await readWindow(list, n - k, n, true);
  const current = await reopen(list);
  if (current === null) return answer([]);
  const batch = current.ks.batch();
  const dead = popEnd(current, batch, end, k);
  const write = current.commit(batch);
  notifyCollection(ctx, NOTIFY_LIST, popEvent(end), current);
  await write;
  await deleteDead(current.ks, dead);
  answer(values);
}

/** LPOP / RPOP key [count]: the count is checked before the key, as Redis does. */
function popCommand(end: End): CommandHandler {
  const handler = (ctx: CommandContext, argv: Buffer[]): void | Promise<void> => {
    if (argv.length > 3) return ctx.reply.error(`ERR wrong number of arguments for '${end === End.Head ? 'lpop' : 'rpop'}' command`);
    const hasCount = argv.length === 3;
    let count = 0;
    if (hasCount) {
      const parsed = parseAtLeast(argv[2], 0, ERR_NOT_POSITIVE);
      if (typeof parsed === 'string') return ctx.reply.error(parsed);
      count = approx(parsed);
    }
    const list = openCollection(ctx.server.keyspace, ctx.client.db, binaryKey(argv[1]), ValueType.List, false);
    if (list instanceof Promise) return retryAfter(list, handler, ctx, argv);
    if (list === null) return hasCount ? ctx.reply.nullArray() : ctx.reply.nullBulk();
    if (list === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
    if (hasCount && count === 0) return ctx.reply.arrayHeader(0);
    const retry = (): void | Promise<void> => handler(ctx, argv);
    if (!hasCount) return popElements(ctx, list, end, 1, (values) => ctx.reply.bulk(values[0] ?? null), retry);
    return popElements(ctx, list, end, Math.min(count, list.meta.count), (values) => replyArray(ctx, values), retry);
  };
  return handler;
}

/** What LMPOP and BLMPOP were asked. */
export interface LmpopRequest {
  /** argv indexes of the keys. */
  readonly firstKey: number;
  readonly endKey: number;
  readonly end: End;
  /** 1 when no COUNT was given. */
  readonly count: number;
}

/**
 * `numkeys key... LEFT|RIGHT [COUNT count]` from argv[at] on, checked as Redis'
 * lmpopGenericCommand: numkeys, then where, then COUNT (once). The request, or the error text.
 */
export function parseLmpop(argv: readonly Buffer[], at: number): LmpopRequest | string {
  const numkeys = parseAtLeast(argv[at], 1, 'ERR numkeys should be greater than 0');
  if (typeof numkeys === 'string') return numkeys;
  const whereAt = approx(numkeys) + at + 1;
  if (whereAt >= argv.length) return ERR_SYNTAX;
  const end = parseEnd(argv[whereAt]);
  if (end === undefined) return ERR_SYNTAX;
  let count = -1;
  for (let j = whereAt + 1; j < argv.length; j++) {
    if (count === -1 && argIs(argv[j], 'count') && j + 1 < argv.length) {
      const parsed = parseAtLeast(argv[++j], 1, 'ERR count should be greater than 0');
      if (typeof parsed === 'string') return parsed;
      count = approx(parsed);
    } else {
      return ERR_SYNTAX;
    }
  }
  return { firstKey: at + 1, endKey: whereAt, end, count: count === -1 ? 1 : count };
}

/** What a multi-key list pop does when no key holds a list, and whether keys of another type are skipped. */
export interface ListPopShape {
  /** Keys of another type count as empty instead of answering WRONGTYPE (a blocked command's retry). */
  readonly skipWrongType: boolean;
  /** A key tried before the others (a blocked command's retry: the key whose write woke it), or null. */
  readonly first: BinaryKey | null;
  /** No key holds a list: answer, or block. */
  empty(ctx: CommandContext): void;
  /** Called just before the popped elements are answered. */
  served(): void;
}

const LMPOP_SHAPE: ListPopShape = { skipWrongType: false, first: null, empty: (ctx) => ctx.reply.nullArray(), served: () => undefined };

/**
 * The pop of LMPOP and BLMPOP: the first key holding a list is popped and answered as
 * [key, [elements]]; keys after it are not looked at; a key of another type before it answers
 * WRONGTYPE (unless the shape skips it).
 */
export function lmpopFrom(ctx: CommandContext, argv: Buffer[], self: CommandHandler, request: LmpopRequest, shape: ListPopShape): void | Promise<void> {
  const ks = ctx.server.keyspace;
  const order: number[] = [];
  for (let i = request.firstKey; i < request.endKey; i++) order.push(i);
  if (shape.first !== null) {
    const at = order.findIndex((i) => binaryKey(argv[i]) === shape.first);
    if (at > 0) order.unshift(...order.splice(at, 1));
  }
  for (const i of order) {
    const list = openCollection(ks, ctx.client.db, binaryKey(argv[i]), ValueType.List, false);
    if (list instanceof Promise) return retryAfter(list, self, ctx, argv);
    if (list === null) continue;
    if (list === WRONG_TYPE) {
      if (shape.skipWrongType) continue;
      return ctx.reply.error(ERR_WRONGTYPE);
    }
    const answer = (values: ReadonlyArray<Buffer | null>): void => {
      shape.served();
      ctx.reply.arrayHeader(2);
      ctx.reply.bulk(argv[i]);
      replyArray(ctx, values);
    };
    return popElements(ctx, list, request.end, Math.min(request.count, list.meta.count), answer, () => self(ctx, argv));
  }
  shape.empty(ctx);
}

function lmpopCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const request = parseLmpop(argv, 1);
  if (typeof request === 'string') return ctx.reply.error(request);
  return lmpopFrom(ctx, argv, lmpopCommand, request, LMPOP_SHAPE);
}

/**
 * LMOVE source destination LEFT|RIGHT LEFT|RIGHT and RPOPLPUSH (and their blocking forms), as
 * Redis' lmoveGenericCommand: a missing source answers through `shape.empty` (nil, or block)
 * before the destination is looked at; then the destination must be a list (or absent). Moving
 * within one list rotates it. One batch writes both.
 */
export function moveCommand(ctx: CommandContext, argv: Buffer[], from: End, to: End, self: CommandHandler, shape: ListPopShape = LMOVE_SHAPE): void | Promise<void> {
  const ks = ctx.server.keyspace;
  const db = ctx.client.db;
  const sourceKey = binaryKey(argv[1]);
  const source = openCollection(ks, db, sourceKey, ValueType.List, false);
  if (source instanceof Promise) return retryAfter(source, self, ctx, argv);
  if (source === null || (source === WRONG_TYPE && shape.skipWrongType)) return shape.empty(ctx);
  if (source === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  const destinationKey = binaryKey(argv[2]);
  const destination = destinationKey === sourceKey ? source : openOrCreate(ks, db, destinationKey, ValueType.List);
  if (destination instanceof Promise) return retryAfter(destination, self, ctx, argv);
  if (destination === WRONG_TYPE) {
    shape.served();
    return ctx.reply.error(ERR_WRONGTYPE);
  }
  const values = readAt(source, endIndexes(source.meta.count, from, 1));
  if (values instanceof Promise) return retryAfter(values, self, ctx, argv);
  const value = values[0];
  if (value === null) return shape.empty(ctx);
  const batch = ks.batch();
  popEnd(source, batch, from, 1);
  push(destination, batch, to, value);
  if (destination !== source) source.stage(batch);
  const write = destination.commit(batch);
  // As lmoveGenericCommand: the push first, then the pop, then the source's deletion if emptied.
  notify(ctx, NOTIFY_LIST, pushEvent(to), destinationKey);
  shape.served();
  ctx.reply.bulk(value);
  notifyCollection(ctx, NOTIFY_LIST, popEvent(from), source);
  return durable(write);
}

const LMOVE_SHAPE: ListPopShape = { skipWrongType: false, first: null, empty: (ctx) => ctx.reply.nullBulk(), served: () => undefined };

function lmoveCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const from = parseEnd(argv[3]);
  const to = parseEnd(argv[4]);
  if (from === undefined || to === undefined) return ctx.reply.error(ERR_SYNTAX);
  return moveCommand(ctx, argv, from, to, lmoveCommand);
}

function rpoplpushCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  return moveCommand(ctx, argv, End.Tail, End.Head, rpoplpushCommand);
}

// ---------------------------------------------------------------- one index

function llenCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const list = openCollection(ctx.server.keyspace, ctx.client.db, binaryKey(argv[1]), ValueType.List, true);
  if (list instanceof Promise) return retryAfter(list, llenCommand, ctx, argv);
  if (list === null) return ctx.reply.integer(0);
  if (list === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  ctx.reply.integer(list.meta.count);
}

/** LINDEX key index: the key is checked before the index, as Redis does. */
function lindexCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const list = openCollection(ctx.server.keyspace, ctx.client.db, binaryKey(argv[1]), ValueType.List, true);
  if (list instanceof Promise) return retryAfter(list, lindexCommand, ctx, argv);
  if (list === null) return ctx.reply.nullBulk();
  if (list === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  const index = parseIntegerArg(argv[2]);
  if (index === undefined) return ctx.reply.error(ERR_NOT_INTEGER);
  const at = absoluteIndex(list.meta.count, index);
  if (at === undefined) return ctx.reply.nullBulk();
  const values = readAt(list, [at]);
  if (values instanceof Promise) return retryAfter(values, lindexCommand, ctx, argv);
  ctx.reply.bulk(values[0]);
}

/** LSET key index element: the key, then the index, as Redis does. */
function lsetCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const ks = ctx.server.keyspace;
  const list = openCollection(ks, ctx.client.db, binaryKey(argv[1]), ValueType.List, false);
  if (list instanceof Promise) return retryAfter(list, lsetCommand, ctx, argv);
  if (list === null) return ctx.reply.error('ERR no such key');
  if (list === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  const index = parseIntegerArg(argv[2]);
  if (index === undefined) return ctx.reply.error(ERR_NOT_INTEGER);
  const at = absoluteIndex(list.meta.count, index);
  if (at === undefined) return ctx.reply.error('ERR index out of range');
  const batch = ks.batch();
  setAt(list, batch, at, argv[3]);
  const write = list.commit(batch);
  ctx.reply.ok();
  notify(ctx, NOTIFY_LIST, 'lset', list.key);
  return durable(write);
}

// ---------------------------------------------------------------- ranges

/**
 * start and stop as Redis' addListRangeReply / ltrimCommand resolve them against a list of
 * `length`: the inclusive index window, or undefined when it is empty.
 */
function resolveRange(length: number, start: Int64, stop: Int64): readonly [number, number] | undefined {
  let s = approx(start);
  let e = approx(stop);
  if (s < 0) s = length + s;
  if (e < 0) e = length + e;
  if (s < 0) s = 0;
  if (s > e || s >= length) return undefined;
  if (e >= length) e = length - 1;
  return [s, e];
}

function lrangeCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const start = parseIntegerArg(argv[2]);
  const stop = parseIntegerArg(argv[3]);
  if (start === undefined || stop === undefined) return ctx.reply.error(ERR_NOT_INTEGER);
  const list = openCollection(ctx.server.keyspace, ctx.client.db, binaryKey(argv[1]), ValueType.List, true);
  if (list instanceof Promise) return retryAfter(list, lrangeCommand, ctx, argv);
  if (list === null) return ctx.reply.arrayHeader(0);
  if (list === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  const range = resolveRange(list.meta.count, start, stop);
  if (range === undefined) return ctx.reply.arrayHeader(0);
  return readWindow(list, range[0], range[1] + 1).then((values) => replyArray(ctx, values));
}

/**
 * LTRIM key start stop. Trimming everything deletes the key (its elements go with their version,
 * to the garbage record); keeping few of many copies what stays under a new version
 * (trimRebuilds); otherwise the trimmed ends are deleted. Redis counts the key as modified (WATCH)
 * even when nothing was trimmed.
 */
function ltrimCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const start = parseIntegerArg(argv[2]);
  const stop = parseIntegerArg(argv[3]);
  if (start === undefined || stop === undefined) return ctx.reply.error(ERR_NOT_INTEGER);
  const ks = ctx.server.keyspace;
  const list = openCollection(ks, ctx.client.db, binaryKey(argv[1]), ValueType.List, false);
  if (list instanceof Promise) return retryAfter(list, ltrimCommand, ctx, argv);
  if (list === null) return ctx.reply.ok();
  if (list === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  const n = list.meta.count;
  const range = resolveRange(n, start, stop);
  const batch = ks.batch();
  if (range === undefined) {
    list.meta.count = 0;
  } else {
    const left = range[0];
    const right = n - range[1] - 1;
    if (trimRebuilds(n - left - right, left + right)) return trimByRebuild(ctx, list, left, n - right);
    const dead = trimEnds(list, batch, left, right);
    if (dead.some((range) => range !== undefined)) return trimLater(ctx, list, batch, dead);
  }
  const write = list.commit(batch);
  notifyCollection(ctx, NOTIFY_LIST, 'ltrim', list);
  ctx.reply.ok();
  return durable(write);
}

/** A trim too big for one batch: the change, then the rest of the trimmed elements (deleteDead), then the reply. */
async function trimLater(ctx: CommandContext, list: Collection, batch: KeyspaceBatch, dead: ReadonlyArray<DeadRange | undefined>): Promise<void> {
  const write = list.commit(batch);
  notifyCollection(ctx, NOTIFY_LIST, 'ltrim', list);
  await write;
  for (const range of dead) await deleteDead(list.ks, range);
  ctx.reply.ok();
}

async function trimByRebuild(ctx: CommandContext, list: Collection, from: number, to: number): Promise<void> {
  const builder = await rebuildKept(list, from, to);
  const current = await reopen(list);
  if (current === null) {
    await builder.abandon();
    return ctx.reply.ok();
  }
  const batch = current.ks.batch();
  builder.finish(batch);
  batch.put(current.db, current.key, encodeMeta(builder.target.meta), current.previous);
  const write = batch.commit();
  notify(ctx, NOTIFY_LIST, 'ltrim', current.key);
  await write;
  ctx.reply.ok();
}

// ---------------------------------------------------------------- walks

/** LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len], with Redis' checks and texts, in its order. */
function lposCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  let rank: Int64 = 1;
  let count = -1; // -1: no COUNT option
  let maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const more = j + 1 < argv.length;
    if (more && argIs(argv[j], 'rank')) {
      const parsed = parseIntegerArg(argv[++j]);
      if (parsed === undefined) return ctx.reply.error(ERR_NOT_INTEGER);
      if (parsed === 0) {
        return ctx.reply.error("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list");
      }
      rank = parsed;
    } else if (more && argIs(argv[j], 'count')) {
      const parsed = parseAtLeast(argv[++j], 0, "ERR COUNT can't be negative");
      if (typeof parsed === 'string') return ctx.reply.error(parsed);
      count = approx(parsed);
    } else if (more && argIs(argv[j], 'maxlen')) {
      const parsed = parseAtLeast(argv[++j], 0, "ERR MAXLEN can't be negative");
      if (typeof parsed === 'string') return ctx.reply.error(parsed);
      maxlen = approx(parsed);
    } else {
      return ctx.reply.error(ERR_SYNTAX);
    }
  }
  const from = rank < 0 ? End.Tail : End.Head;
  let wanted = Math.abs(approx(rank));
  if (rank === INT64_MIN) {
    // Redis 7.0 negates the rank in a C long: -LONG_MIN stays LONG_MIN, so every match from the
    // tail qualifies (as RANK -1) and the COUNT check `matches - rank + 1 >= count` overflows
    // and never stops the walk: every match comes.
    wanted = 1;
    if (count > 0) count = 0;
  }
  const list = openCollection(ctx.server.keyspace, ctx.client.db, binaryKey(argv[1]), ValueType.List, true);
  if (list instanceof Promise) return retryAfter(list, lposCommand, ctx, argv);
  if (list === null) return count !== -1 ? ctx.reply.arrayHeader(0) : ctx.reply.nullBulk();
  if (list === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  const element = argv[2];
  const found: number[] = [];
  let matches = 0;
  let scanned = 0;
  return scan(list, from, (value, index) => {
    if (maxlen !== 0 && scanned >= maxlen) return false;
    scanned++;
    if (!value.equals(element)) return true;
    matches++;
    if (matches < wanted) return true;
    found.push(index);
    // Without COUNT the first match at the rank answers; COUNT 0 takes every match.
    return count !== -1 && (count === 0 || matches - wanted + 1 < count);
  }).then(() => {
    if (count !== -1) {
      ctx.reply.arrayHeader(found.length);
      for (const i of found) ctx.reply.integer(i);
    } else if (found.length > 0) {
      ctx.reply.integer(found[0]);
    } else {
      ctx.reply.nullBulk();
    }
  });
}

/**
 * LINSERT key BEFORE|AFTER pivot element: walks from the head to the first pivot, keeping the
 * elements of the head half it passes (those move if the insertion shifts the head side), then
 * inserts by shifting the shorter side (list.ts, insertAt). -1 when there is no pivot.
 */
function linsertCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  let after: boolean;
  if (argIs(argv[2], 'after')) after = true;
  else if (argIs(argv[2], 'before')) after = false;
  else return ctx.reply.error(ERR_SYNTAX);
  const list = openCollection(ctx.server.keyspace, ctx.client.db, binaryKey(argv[1]), ValueType.List, false);
  if (list instanceof Promise) return retryAfter(list, linsertCommand, ctx, argv);
  if (list === null) return ctx.reply.integer(0);
  if (list === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  return insertLater(ctx, list, argv[3], argv[4], after);
}

async function insertLater(ctx: CommandContext, list: Collection, pivot: Buffer, element: Buffer, after: boolean): Promise<void> {
  const n = list.meta.count;
  const passed: Buffer[] = [];
  let pivotAt = -1;
  await scan(list, End.Head, (value, index) => {
    if (value.equals(pivot)) {
      pivotAt = index;
      return false;
    }
    if (2 * index < n) passed.push(value);
    return true;
  });
  if (pivotAt < 0) return ctx.reply.integer(-1);
  const at = after ? pivotAt + 1 : pivotAt;
  // The pivot itself moves with the head side when inserting after it.
  if (after && insertShiftsHead(n, at)) passed.push(Buffer.from(pivot));
  const moved = insertShiftsHead(n, at) ? passed.slice(0, at) : await readWindow(list, at, n);
  const current = await reopen(list);
  if (current === null) return ctx.reply.integer(0);
  const batch = current.ks.batch();
  insertAt(current, batch, at, element, moved);
  const write = current.commit(batch);
  notify(ctx, NOTIFY_LIST, 'linsert', current.key);
  await write;
  ctx.reply.integer(current.meta.count);
}

/**
 * LREM key count element: walks from the head (count >= 0) or the tail (count < 0) collecting the
 * indexes of up to |count| matches (0: all), then closes the gaps moving the fewest elements
 * (list.ts, planRemoval), reading only those.
 */
function lremCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const count = parseIntegerArg(argv[2]);
  if (count === undefined) return ctx.reply.error(ERR_NOT_INTEGER);
  const list = openCollection(ctx.server.keyspace, ctx.client.db, binaryKey(argv[1]), ValueType.List, false);
  if (list instanceof Promise) return retryAfter(list, lremCommand, ctx, argv);
  if (list === null) return ctx.reply.integer(0);
  if (list === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  return removeLater(ctx, list, argv[3], count);
}

async function removeLater(ctx: CommandContext, list: Collection, element: Buffer, count: Int64): Promise<void> {
  const limit = Math.abs(approx(count));
  const removed: number[] = [];
  await scan(list, count < 0 ? End.Tail : End.Head, (value, index) => {
    if (value.equals(element)) removed.push(index);
    return limit === 0 || removed.length < limit;
  });
  if (removed.length === 0) return ctx.reply.integer(0);
  if (count < 0) removed.reverse();
  const n = list.meta.count;
  const plan = planRemoval(n, removed);
  const front = await readWindow(list, 0, plan.before);
  const back = await readWindow(list, plan.after, n);
  const current = await reopen(list);
  if (current === null) return ctx.reply.integer(0);
  const batch = current.ks.batch();
  const dead = removeAt(current, batch, removed, plan, front, back);
  const write = current.commit(batch);
  notifyCollection(ctx, NOTIFY_LIST, 'lrem', current);
  await write;
  for (const range of dead) await deleteDead(current.ks, range);
  ctx.reply.integer(removed.length);
}

// ---------------------------------------------------------------- handlers

/** Handlers by command name; the metadata is in ../command-table/lists.ts. */
export const listHandlers: CommandHandlers = {
  lpush: pushCommand(End.Head, false),
  rpush: pushCommand(End.Tail, false),
  lpushx: pushCommand(End.Head, true),
  rpushx: pushCommand(End.Tail, true),
  lpop: popCommand(End.Head),
  rpop: popCommand(End.Tail),
  lmpop: lmpopCommand,
  lmove: lmoveCommand,
  rpoplpush: rpoplpushCommand,
  llen: llenCommand,
  lindex: lindexCommand,
  lset: lsetCommand,
  lrange: lrangeCommand,
  ltrim: ltrimCommand,
  lrem: lremCommand,
  linsert: linsertCommand,
  lpos: lposCommand,
};

