/**
 * Sorted-set commands: ZADD ZINCRBY ZREM ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK ZCOUNT ZLEXCOUNT,
 * the ZRANGE family (ZRANGE ZRANGESTORE ZREVRANGE Z[REV]RANGEBYSCORE Z[REV]RANGEBYLEX),
 * ZREMRANGEBYRANK/SCORE/LEX, ZPOPMIN ZPOPMAX ZMPOP, ZRANDMEMBER, ZUNION ZINTER ZDIFF and their
 * *STORE forms, ZINTERCARD, ZSCAN. The blocking forms (BZPOPMIN, BZPOPMAX, BZMPOP) are in
 * ./blocking.ts, over popGeneric and parseZmpop exported here.
 *
 * Each handler checks its arguments in the order Redis 7.0's t_zset.c does, so that the same bad
 * command gets the same error, and replies in Redis' shapes: scores are doubles (RESP3 `,`,
 * RESP2 a bulk string, `%.17g`), and WITHSCORES pairs are flat in RESP2 and nested arrays in RESP3.
 *
 * Two ways of running, as for hashes. Commands that touch named members (ZADD, ZREM, ZSCORE...)
 * read those few records synchronously (a read that needs the disk makes them return
 * retryAfter(...) having written nothing) and write one batch. Commands over ranges walk a
 * snapshot asynchronously (src/types/zset.ts, ZSetReader) while the dispatcher holds their keys;
 * those that then write (ZPOP*, ZREMRANGEBY*, the *STORE forms) check, in the same synchronous
 * step as their write, that the keys still hold what they opened (an expiry may have removed
 * one meanwhile: the expiry cycle does not wait for key locks), and otherwise run again.
 */
import type { CommandContext, CommandHandler, CommandHandlers } from './types.js';
import type { BatchOp, BinaryKey } from '../engine/types.js';
import type { ServerConfig } from '../config/config.js';
import type { ReplyWriter } from '../protocol/reply.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import { formatDouble } from '../protocol/reply.js';
import { ValueType, binaryKey, valueType } from '../keyspace/encoding.js';
import { decodeMeta, encodeMeta, newMeta } from '../keyspace/collection-encoding.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE, argIs, parseIntegerArg } from '../keyspace/numbers.js';
import { listpackScoreText, parseRangeDouble, parseStrictDouble } from '../keyspace/strtod.js';
import { globMatch } from '../util/glob.js';
import { durable, memberScanCommand, notifyCollection, notifyStore, parseRandomCount, replyTooBig, retryAfter, whenReady, type ScanOptions } from './command-support.js';
import { Collection, WRONG_TYPE, openCollection, scanFilter } from '../types/collection.js';
import { NOTIFY_ZSET } from '../pubsub/keyspace-events.js';
import {
  SetOpInput, ZSetReader, isBig, putMember, randomScored, rankSuffix, readScores, removeEntries, removeMember, writeResult,
  type LexBound, type LexRange, type ScoreRange, type ScoredMember, type Window, type ZSetLimits,
} from '../types/zset.js';
import { prepareRankIndex } from '../types/zset-rank.js';

const ERR_NOT_FLOAT = 'ERR value is not a valid float';
const ERR_NAN = 'ERR resulting score is not a number (NaN)';
const ERR_MINMAX_FLOAT = 'ERR min or max is not a float';
const ERR_MINMAX_LEX = 'ERR min or max not valid string range item';
const ERR_POSITIVE = 'ERR value is out of range, must be positive';

function limitsOf(config: ServerConfig): ZSetLimits {
  return { maxEntries: config.zsetMaxListpackEntries, maxValue: config.zsetMaxListpackValue, rankBucket: config.zsetRankBucketSize };
}

// ---------------------------------------------------------------- arguments

/** getLongFromObject: a 64-bit integer, as a number; beyond 2^53 it is clamped to ±2^62, far past any count or rank. */
function longArg(arg: Buffer): number | undefined {
  const v = parseIntegerArg(arg);
  if (v === undefined) return undefined;
  return typeof v === 'number' ? v : v > 0n ? 2 ** 62 : -(2 ** 62);
}

/** zslParseRange: '(' makes a bound open; strtod as is otherwise (see parseRangeDouble). */
function parseScoreRange(minArg: Buffer, maxArg: Buffer): ScoreRange | undefined {
  const min = binaryKey(minArg);
  const max = binaryKey(maxArg);
  const minExclusive = min.charCodeAt(0) === 0x28;
  const maxExclusive = max.charCodeAt(0) === 0x28;
  const lo = parseRangeDouble(min, minExclusive ? 1 : 0);
  const hi = parseRangeDouble(max, maxExclusive ? 1 : 0);
  if (lo === undefined || hi === undefined) return undefined;
  return { min: lo, max: hi, minExclusive, maxExclusive };
}

/** zslParseLexRangeItem: '-' or '+' alone, or '(' / '[' before a member. */
function parseLexBound(arg: Buffer): LexBound | undefined {
  const first = arg[0];
  // C reads the argument up to its NUL: "+" followed by a NUL byte is still "+".
  const alone = arg.length === 1 || arg[1] === 0;
  if (first === 0x2b) return alone ? { kind: 'plus' } : undefined;
  if (first === 0x2d) return alone ? { kind: 'minus' } : undefined;
  if (first === 0x28 || first === 0x5b) return { kind: 'value', value: binaryKey(arg, 1), exclusive: first === 0x28 };
  return undefined;
}

function parseLexRange(minArg: Buffer, maxArg: Buffer): LexRange | undefined {
  const min = parseLexBound(minArg);
  const max = parseLexBound(maxArg);
  return min === undefined || max === undefined ? undefined : { min, max };
}

/** Normalized 0-based ranks [start, end] for a set of `count` members, or null when the range is empty (Redis' index sanitizing). */
function rankRange(start: number, end: number, count: number): [number, number] | null {
  if (start < 0) start = count + start;
  if (end < 0) end = count + end;
  if (start < 0) start = 0;
  if (start > end || start >= count) return null;
  if (end >= count) end = count - 1;
  return [start, end];
}

// ---------------------------------------------------------------- replies

/**
 * Members, with their scores when asked: flat pairs in RESP2, [member, score] arrays in RESP3
 * (or as `nested` says: ZPOP* and ZMPOP decide otherwise).
 */
function replyMembers(r: ReplyWriter, entries: readonly ScoredMember[], withScores: boolean, nested: boolean = r.resp === 3): void {
  if (!withScores) {
    r.arrayHeader(entries.length);
    for (const e of entries) r.bulk(e.member);
    return;
  }
  r.arrayHeader(nested ? entries.length : entries.length * 2);
  for (const e of entries) {
    if (nested) r.arrayHeader(2);
    r.bulk(e.member);
    r.double(e.score);
  }
}

/**
 * Whether (db, key) still holds `previous` (null: still absent). Run in the synchronous step
 * that writes, after an asynchronous read: a false answer (or a value that must come from the
 * disk) makes the command run again.
 */
export function unchanged(ks: Keyspace, db: number, key: BinaryKey, previous: Buffer | null): boolean {
  const now = ks.lookupWrite(db, key);
  if (now instanceof Promise) return false;
  return previous === null ? now === null : now !== null && now.equals(previous);
}

// ---------------------------------------------------------------- ZADD / ZINCRBY

const enum AddFlag {
  Incr = 1,
  Nx = 2,
  Xx = 4,
  Gt = 8,
  Lt = 16,
  Ch = 32,
}

/** ZADD and ZINCRBY (which is ZADD with INCR, option parsing included, as in Redis). */
function zaddGeneric(ctx: CommandContext, argv: Buffer[], initial: number, self: CommandHandler): void | Promise<void> {
  let flags = initial;
  let at = 2;
  for (; at < argv.length; at++) {
    const opt = argv[at];
    if (argIs(opt, 'nx')) flags |= AddFlag.Nx;
    else if (argIs(opt, 'xx')) flags |= AddFlag.Xx;
    else if (argIs(opt, 'ch')) flags |= AddFlag.Ch;
    else if (argIs(opt, 'incr')) flags |= AddFlag.Incr;
    else if (argIs(opt, 'gt')) flags |= AddFlag.Gt;
    else if (argIs(opt, 'lt')) flags |= AddFlag.Lt;
    else break;
  }
  const incr = (flags & AddFlag.Incr) !== 0;
  const nx = (flags & AddFlag.Nx) !== 0;
  const xx = (flags & AddFlag.Xx) !== 0;
  const gt = (flags & AddFlag.Gt) !== 0;
  const lt = (flags & AddFlag.Lt) !== 0;
  const pairs = argv.length - at;
  if (pairs === 0 || pairs % 2 === 1) return ctx.reply.error(ERR_SYNTAX);
  const elements = pairs / 2;
  if (nx && xx) return ctx.reply.error('ERR XX and NX options at the same time are not compatible');
  if ((gt && nx) || (lt && nx) || (gt && lt)) return ctx.reply.error('ERR GT, LT, and/or NX options at the same time are not compatible');
  if (incr && elements > 1) return ctx.reply.error('ERR INCR option supports a single increment-element pair');
  const scores: number[] = [];
  const members: BinaryKey[] = [];
  for (let j = 0; j < elements; j++) {
    const score = parseStrictDouble(binaryKey(argv[at + 2 * j]));
    if (score === undefined) return ctx.reply.error(ERR_NOT_FLOAT);
    scores.push(score);
    members.push(binaryKey(argv[at + 2 * j + 1]));
  }
  const ks = ctx.server.keyspace;
  const key = binaryKey(argv[1]);
  const existing = openCollection(ks, ctx.client.db, key, ValueType.ZSet, false);
  if (existing instanceof Promise) return retryAfter(existing, self, ctx, argv);
  if (existing === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  if (existing === null && xx) return incr ? ctx.reply.nullBulk() : ctx.reply.integer(0);
  const z = existing ?? new Collection(ks, ctx.client.db, key, null, newMeta(ValueType.ZSet, ks.versions.next()));
  const current = readScores(z, members);
  if (current instanceof Promise) return retryAfter(current, self, ctx, argv);

  // Elements apply in order (ZADD k 1 a 2 a adds, then updates): scores seen so far by member.
  // First what changes, then (once the rank index is ready for it) the writes.
  const scoreNow = new Map<BinaryKey, number | null>();
  const changes: Array<{ member: BinaryKey; score: number; before: number | null }> = [];
  let added = 0;
  let updated = 0;
  let processed = 0;
  let last = 0;
  for (let j = 0; j < elements; j++) {
    const member = members[j];
    const before = scoreNow.has(member) ? (scoreNow.get(member) as number | null) : current[j];
    let score = scores[j];
    if (before !== null) {
      if (nx) continue;
      if (incr) {
        score += before;
        if (Number.isNaN(score)) return ctx.reply.error(ERR_NAN);
      }
      if ((lt && score >= before) || (gt && score <= before)) continue;
      processed++;
      last = score;
      if (score !== before) {
        changes.push({ member, score, before });
        scoreNow.set(member, score);
        updated++;
      }
    } else if (!xx) {
      changes.push({ member, score, before: null });
      scoreNow.set(member, score);
      processed++;
      added++;
      last = score;
    }
  }
  const reply = (): void => {
    if (incr) {
      if (processed > 0) ctx.reply.double(last);
      else ctx.reply.nullBulk();
    } else {
      ctx.reply.integer((flags & AddFlag.Ch) !== 0 ? added + updated : added);
    }
  };
  if (added + updated === 0) return reply();
  const limits = limitsOf(ctx.server.config);
  const ready = prepareRankIndex(z, limits.rankBucket, changes.map((c) => rankSuffix(c.member, c.score)));
  if (ready !== null) return retryAfter(ready, self, ctx, argv);
  const batch = ks.batch();
  for (const c of changes) putMember(z, batch, c.member, c.score, c.before, limits);
  const write = z.commit(batch);
  reply();
  notifyCollection(ctx, NOTIFY_ZSET, incr ? 'zincr' : 'zadd', z);
  return durable(write);
}

/** ZADD; GEOADD (./geo.ts) calls it with the arguments it builds, as Redis' geoaddCommand does. */
export function zaddCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  return zaddGeneric(ctx, argv, 0, zaddCommand);
}

function zincrbyCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  return zaddGeneric(ctx, argv, AddFlag.Incr, zincrbyCommand);
}

// ---------------------------------------------------------------- ZREM / ZCARD / ZSCORE / ZMSCORE

function zremCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const ks = ctx.server.keyspace;
  const z = openCollection(ks, ctx.client.db, binaryKey(argv[1]), ValueType.ZSet, false);
  if (z === null) return ctx.reply.integer(0);
  if (z instanceof Promise) return retryAfter(z, zremCommand, ctx, argv);
  if (z === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  const members: BinaryKey[] = [];
  for (let i = 2; i < argv.length; i++) members.push(binaryKey(argv[i]));
  const scores = readScores(z, members);
  if (scores instanceof Promise) return retryAfter(scores, zremCommand, ctx, argv);
  if (scores.every((s) => s === null)) return ctx.reply.integer(0);
  const ready = prepareRankIndex(z, ctx.server.config.zsetRankBucketSize, []);
  if (ready !== null) return retryAfter(ready, zremCommand, ctx, argv);
  const batch = ks.batch();
  const removed = new Set<BinaryKey>();
  for (let i = 0; i < members.length; i++) {
    const score = scores[i];
    if (score === null || removed.has(members[i])) continue;
    removed.add(members[i]);
    removeMember(z, batch, members[i], score);
  }
  if (removed.size === 0) return ctx.reply.integer(0);
  const write = z.commit(batch);
  notifyCollection(ctx, NOTIFY_ZSET, 'zrem', z);
  ctx.reply.integer(removed.size);
  return durable(write);
}

function zcardCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const z = openCollection(ctx.server.keyspace, ctx.client.db, binaryKey(argv[1]), ValueType.ZSet, true);
  if (z === null) return ctx.reply.integer(0);
  if (z instanceof Promise) return retryAfter(z, zcardCommand, ctx, argv);
  if (z === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  ctx.reply.integer(z.meta.count);
}

function zscoreCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const z = openCollection(ctx.server.keyspace, ctx.client.db, binaryKey(argv[1]), ValueType.ZSet, true);
  if (z === null) return ctx.reply.nullBulk();
  if (z instanceof Promise) return retryAfter(z, zscoreCommand, ctx, argv);
  if (z === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  const found = readScores(z, [binaryKey(argv[2])]);
  if (found instanceof Promise) return retryAfter(found, zscoreCommand, ctx, argv);
  if (found[0] === null) ctx.reply.nullBulk();
  else ctx.reply.double(found[0]);
}

function zmscoreCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const z = openCollection(ctx.server.keyspace, ctx.client.db, binaryKey(argv[1]), ValueType.ZSet, true);
  if (z instanceof Promise) return retryAfter(z, zmscoreCommand, ctx, argv);
  if (z === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  const members: BinaryKey[] = [];
  for (let i = 2; i < argv.length; i++) members.push(binaryKey(argv[i]));
  const found = z === null ? members.map(() => null) : readScores(z, members);
  if (found instanceof Promise) return retryAfter(found, zmscoreCommand, ctx, argv);
  ctx.reply.arrayHeader(found.length);
  for (const score of found) {
    if (score === null) ctx.reply.nullBulk();
    else ctx.reply.double(score);
  }
}

// ---------------------------------------------------------------- ZRANK / ZREVRANK / ZCOUNT / ZLEXCOUNT

function rankCommand(reverse: boolean): CommandHandler {
  const handler = (ctx: CommandContext, argv: Buffer[]): void | Promise<void> => {
    const z = openCollection(ctx.server.keyspace, ctx.client.db, binaryKey(argv[1]), ValueType.ZSet, true);
    if (z === null) return ctx.reply.nullBulk();
    if (z instanceof Promise) return retryAfter(z, handler, ctx, argv);
    if (z === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
    const member = binaryKey(argv[2]);
    const found = readScores(z, [member]);
    if (found instanceof Promise) return retryAfter(found, handler, ctx, argv);
    const score = found[0];
    if (score === null) return ctx.reply.nullBulk();
    return withReader(z, async (reader) => {
      const rank = await reader.rankOf(member, score);
      ctx.reply.integer(reverse ? z.meta.count - 1 - rank : rank);
    });
  };
  return handler;
}

/** Runs `work` with a reader of `z`, closing it afterwards. */
export async function withReader<T>(z: Collection, work: (reader: ZSetReader) => Promise<T>): Promise<T> {
  const reader = new ZSetReader(z);
  try {
    return await work(reader);
  } finally {
    reader.close();
  }
}

function zcountCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const range = parseScoreRange(argv[2], argv[3]);
  if (range === undefined) return ctx.reply.error(ERR_MINMAX_FLOAT);
  const z = openCollection(ctx.server.keyspace, ctx.client.db, binaryKey(argv[1]), ValueType.ZSet, true);
  if (z === null) return ctx.reply.integer(0);
  if (z instanceof Promise) return retryAfter(z, zcountCommand, ctx, argv);
  if (z === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  return withReader(z, async (reader) => {
    ctx.reply.integer(await reader.countByScore(range));
  });
}

function zlexcountCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const range = parseLexRange(argv[2], argv[3]);
  if (range === undefined) return ctx.reply.error(ERR_MINMAX_LEX);
  const z = openCollection(ctx.server.keyspace, ctx.client.db, binaryKey(argv[1]), ValueType.ZSet, true);
  if (z === null) return ctx.reply.integer(0);
  if (z instanceof Promise) return retryAfter(z, zlexcountCommand, ctx, argv);
  if (z === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  return withReader(z, async (reader) => {
    ctx.reply.integer(await reader.countByLex(range));
  });
}

// ---------------------------------------------------------------- the ZRANGE family

const enum RangeType {
  Auto,
  Rank,
  Score,
  Lex,
}

const enum Direction {
  Auto,
  Forward,
  Reverse,
}

/** Which form of zrangeGenericCommand a command is: where its source key is, whether it stores, and what it fixes. */
interface RangeForm {
  keyIndex: number;
  store: boolean;
  type: RangeType;
  direction: Direction;
}

/** A parsed range request: what to read and how to answer. */
interface RangeRequest {
  type: RangeType.Rank | RangeType.Score | RangeType.Lex;
  reverse: boolean;
  withScores: boolean;
  window: Window;
  start: number;
  end: number;
  score?: ScoreRange;
  lex?: LexRange;
}

/** Redis' zrangeGenericCommand steps 1 and 2: options, then the range; an error text or the request. */
function parseRangeRequest(argv: Buffer[], form: RangeForm): RangeRequest | string {
  let type = form.type;
  let direction = form.direction;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = form.keyIndex + 3; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const opt = argv[j];
    if (!form.store && argIs(opt, 'withscores')) withScores = true;
    else if (argIs(opt, 'limit') && left >= 2) {
      const o = longArg(argv[j + 1]);
      const l = o === undefined ? undefined : longArg(argv[j + 2]);
      if (o === undefined || l === undefined) return ERR_NOT_INTEGER;
      offset = o;
      limit = l;
      j += 2;
    } else if (direction === Direction.Auto && argIs(opt, 'rev')) direction = Direction.Reverse;
    else if (type === RangeType.Auto && argIs(opt, 'bylex')) type = RangeType.Lex;
    else if (type === RangeType.Auto && argIs(opt, 'byscore')) type = RangeType.Score;
    else return ERR_SYNTAX;
  }
  const reverse = direction === Direction.Reverse;
  const kind = type === RangeType.Auto ? RangeType.Rank : type;
  if (limit !== -1 && kind === RangeType.Rank) return 'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX';
  if (withScores && kind === RangeType.Lex) return 'ERR syntax error, WITHSCORES not supported in combination with BYLEX';
  let minArg = argv[form.keyIndex + 1];
  let maxArg = argv[form.keyIndex + 2];
  // By score or lex, a reverse range is written max first.
  if (reverse && kind !== RangeType.Rank) [minArg, maxArg] = [maxArg, minArg];
  const request: RangeRequest = { type: kind, reverse, withScores, window: { offset, limit }, start: 0, end: 0 };
  if (kind === RangeType.Rank) {
    const start = longArg(minArg);
    const end = start === undefined ? undefined : longArg(maxArg);
    if (start === undefined || end === undefined) return ERR_NOT_INTEGER;
    request.start = start;
    request.end = end;
  } else if (kind === RangeType.Score) {
    request.score = parseScoreRange(minArg, maxArg);
    if (request.score === undefined) return ERR_MINMAX_FLOAT;
  } else {
    request.lex = parseLexRange(minArg, maxArg);
    if (request.lex === undefined) return ERR_MINMAX_LEX;
  }
  return request;
}

/** The members a range request names, in reply order; `rankLength` gets the rank range's length (for ZRANGESTORE's encoding). */
async function readRange(reader: ZSetReader, request: RangeRequest): Promise<{ entries: ScoredMember[]; rankLength: number }> {
  if (request.type === RangeType.Rank) {
    const count = reader.count;
    // A reverse rank counts from the last member: rank r is ascending rank count-1-r.
    const range = rankRange(request.start, request.end, count);
    if (range === null) return { entries: [], rankLength: 0 };
    const [start, end] = request.reverse ? [count - 1 - range[1], count - 1 - range[0]] : range;
    const entries = await reader.byRank(start, end);
    if (request.reverse) entries.reverse();
    return { entries, rankLength: end - start + 1 };
  }
  if (request.type === RangeType.Score) {
    const score = request.score as ScoreRange;
    // Redis' shortcut: an offset at or past the end finds nothing.
    if (request.window.offset > 0 && request.window.offset >= reader.count) return { entries: [], rankLength: 0 };
    return { entries: await reader.byScoreRange(score, request.reverse, request.window), rankLength: 0 };
  }
  return { entries: await reader.byLex(request.lex as LexRange, request.reverse, request.window), rankLength: 0 };
}

function rangeCommand(form: RangeForm): CommandHandler {
  const handler = (ctx: CommandContext, argv: Buffer[]): void | Promise<void> => {
    const request = parseRangeRequest(argv, form);
    if (typeof request === 'string') return ctx.reply.error(request);
    const ks = ctx.server.keyspace;
    const db = ctx.client.db;
    const source = openCollection(ks, db, binaryKey(argv[form.keyIndex]), ValueType.ZSet, true);
    if (source instanceof Promise) return retryAfter(source, handler, ctx, argv);
    if (source === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
    if (!form.store) {
      if (source === null) return ctx.reply.arrayHeader(0);
      return withReader(source, async (reader) => {
        const { entries } = await readRange(reader, request);
        replyMembers(ctx.reply, entries, request.withScores);
      });
    }
    const dst = binaryKey(argv[1]);
    const target = ks.lookupWrite(db, dst);
    if (target instanceof Promise) return retryAfter(target, handler, ctx, argv);
    if (source === null) return storeResult(ctx, dst, target, [], true, 'zrangestore');
    return withReader(source, (reader) => readRange(reader, request)).then(({ entries, rankLength }): void | Promise<void> => {
      if (!unchanged(ks, db, source.key, source.previous)) return handler(ctx, argv);
      const listpackFirst = !(request.type === RangeType.Rank && rankLength > ctx.server.config.zsetMaxListpackEntries);
      return storeResult(ctx, dst, target, entries, listpackFirst, 'zrangestore');
    });
  };
  return handler;
}

/**
 * Replaces `dst` (whatever it held: `previous`, read in this synchronous step) with a sorted set
 * of `entries`, or deletes it when there are none, and replies with the count.
 */
export function storeResult(ctx: CommandContext, dst: BinaryKey, previous: Buffer | null, entries: readonly ScoredMember[], listpackFirst: boolean, event: string): void | Promise<void> {
  const ks = ctx.server.keyspace;
  const db = ctx.client.db;
  if (!unchanged(ks, db, dst, previous)) return retryStore(ctx, dst, entries, listpackFirst, event);
  if (entries.length === 0) {
    ctx.reply.integer(0);
    notifyStore(ctx, NOTIFY_ZSET, event, dst, false, previous);
    if (previous === null) return;
    return durable(ks.batch().delete(db, dst, previous).commit());
  }
  const z = new Collection(ks, db, dst, null, newMeta(ValueType.ZSet, ks.versions.next()));
  const batch = ks.batch();
  writeResult(z, batch, entries, limitsOf(ctx.server.config), listpackFirst);
  batch.put(db, dst, encodeMeta(z.meta), previous);
  const write = batch.commit();
  ctx.reply.integer(entries.length);
  notifyStore(ctx, NOTIFY_ZSET, event, dst, true, previous);
  return durable(write);
}

/** The destination must come from the disk first: read it, then store. */
async function retryStore(ctx: CommandContext, dst: BinaryKey, entries: readonly ScoredMember[], listpackFirst: boolean, event: string): Promise<void> {
  const ks = ctx.server.keyspace;
  for (;;) {
    const now = ks.lookupWrite(ctx.client.db, dst);
    if (now instanceof Promise) {
      await now;
      continue;
    }
    return storeResult(ctx, dst, now, entries, listpackFirst, event);
  }
}

// ---------------------------------------------------------------- ZREMRANGEBYRANK / SCORE / LEX

function removeRangeCommand(type: RangeType.Rank | RangeType.Score | RangeType.Lex): CommandHandler {
  const handler = (ctx: CommandContext, argv: Buffer[]): void | Promise<void> => {
    let indexes: [number, number] = [0, 0];
    let score: ScoreRange | undefined;
    let lex: LexRange | undefined;
    if (type === RangeType.Rank) {
      const start = longArg(argv[2]);
      const end = start === undefined ? undefined : longArg(argv[3]);
      if (start === undefined || end === undefined) return ctx.reply.error(ERR_NOT_INTEGER);
      indexes = [start, end];
    } else if (type === RangeType.Score) {
      score = parseScoreRange(argv[2], argv[3]);
      if (score === undefined) return ctx.reply.error(ERR_MINMAX_FLOAT);
    } else {
      lex = parseLexRange(argv[2], argv[3]);
      if (lex === undefined) return ctx.reply.error(ERR_MINMAX_LEX);
    }
    const ks = ctx.server.keyspace;
    const z = openCollection(ks, ctx.client.db, binaryKey(argv[1]), ValueType.ZSet, false);
    if (z === null) return ctx.reply.integer(0);
    if (z instanceof Promise) return retryAfter(z, handler, ctx, argv);
    if (z === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
    let ranks: [number, number] | null = null;
    if (type === RangeType.Rank) {
      ranks = rankRange(indexes[0], indexes[1], z.meta.count);
      if (ranks === null) return ctx.reply.integer(0);
      // Every member: the key goes, and its records with the version (no need to read them).
      if (ranks[0] === 0 && ranks[1] === z.meta.count - 1) return removeAndReply(ctx, argv, handler, z, [], z.meta.count, REMOVE_RANGE_EVENTS[type]);
    }
    return withReader(z, (reader) => {
      if (ranks !== null) return reader.byRank(ranks[0], ranks[1]);
      if (score !== undefined) return reader.byScoreRange(score, false);
      return reader.byLex(lex as LexRange, false);
    }).then((entries): void | Promise<void> => {
      if (!unchanged(ks, ctx.client.db, z.key, z.previous)) return handler(ctx, argv);
      return removeAndReply(ctx, argv, handler, z, entries, entries.length, REMOVE_RANGE_EVENTS[type]);
    });
  };
  return handler;
}

const REMOVE_RANGE_EVENTS: Readonly<Record<RangeType.Rank | RangeType.Score | RangeType.Lex, string>> = {
  [RangeType.Rank]: 'zremrangebyrank',
  [RangeType.Score]: 'zremrangebyscore',
  [RangeType.Lex]: 'zremrangebylex',
};

/**
 * Removes `entries` and replies `removed`, their number; removing every member removes the key,
 * and no entries need be read for that. When the rank index must be read first, the command
 * (`self`) runs again.
 */
function removeAndReply(ctx: CommandContext, argv: Buffer[], self: CommandHandler, z: Collection, entries: readonly ScoredMember[], removed: number, event: string): void | Promise<void> {
  if (removed === 0) return ctx.reply.integer(0);
  if (removed < z.meta.count) {
    const ready = prepareRankIndex(z, ctx.server.config.zsetRankBucketSize, []);
    if (ready !== null) return retryAfter(ready, self, ctx, argv);
  }
  const batch = z.ks.batch();
  if (removed === z.meta.count) z.meta.count = 0;
  else removeEntries(z, batch, entries);
  const write = z.commit(batch);
  notifyCollection(ctx, NOTIFY_ZSET, event, z);
  ctx.reply.integer(removed);
  return durable(write);
}

// ---------------------------------------------------------------- ZPOPMIN / ZPOPMAX / ZMPOP

/**
 * How a pop answers (genericZpopCommand's emitkey / use_nested_array), and, for the blocking
 * pops, what happens when no key has members.
 */
export interface ZPopShape {
  /** 'none': ZPOPMIN/ZPOPMAX; 'flat': [key, member, score] (BZPOPMIN/BZPOPMAX); 'nested': [key, [[member, score]...]] (ZMPOP, BZMPOP). */
  readonly keyed: 'none' | 'flat' | 'nested';
  /** Keys of another type count as empty instead of answering WRONGTYPE (a blocked command's retry). */
  readonly skipWrongType: boolean;
  /** A key tried before the others (a blocked command's retry: the key whose write woke it), or null. */
  readonly first: BinaryKey | null;
  /** No key has members: answer, or block. */
  empty(ctx: CommandContext): void;
  /** Called just before the popped members are answered. */
  served(): void;
}

/** ZPOPMIN / ZPOPMAX: an empty (or missing) key answers an empty array. */
const ZPOP_SHAPE: ZPopShape = { keyed: 'none', skipWrongType: false, first: null, empty: (ctx) => ctx.reply.arrayHeader(0), served: () => undefined };
/** ZMPOP: a null when no key exists. */
const ZMPOP_SHAPE: ZPopShape = { keyed: 'nested', skipWrongType: false, first: null, empty: (ctx) => ctx.reply.nullArray(), served: () => undefined };

/**
 * genericZpopCommand: the first of `keys` that exists is popped (one of another type is an
 * error unless the shape skips it); `count` -1 pops one member and answers a flat pair.
 */
export function popGeneric(ctx: CommandContext, argv: Buffer[], self: CommandHandler, keys: readonly BinaryKey[], max: boolean, count: number, shape: ZPopShape): void | Promise<void> {
  const ks = ctx.server.keyspace;
  const db = ctx.client.db;
  let z: Collection | null = null;
  const first = shape.first;
  const order = first !== null && keys.includes(first) ? [first, ...keys.filter((k) => k !== first)] : keys;
  for (const key of order) {
    const found = openCollection(ks, db, key, ValueType.ZSet, false);
    if (found instanceof Promise) return retryAfter(found, self, ctx, argv);
    if (found === WRONG_TYPE) {
      if (shape.skipWrongType) continue;
      return ctx.reply.error(ERR_WRONGTYPE);
    }
    if (found !== null) {
      z = found;
      break;
    }
  }
  if (z === null) return shape.empty(ctx);
  if (count === 0) return ctx.reply.arrayHeader(0);
  const target = z;
  const wanted = count < 0 ? 1 : count;
  return withReader(target, (reader) => reader.all(max, { offset: 0, limit: wanted })).then((entries): void | Promise<void> => {
    if (!unchanged(ks, db, target.key, target.previous)) return self(ctx, argv);
    if (entries.length < target.meta.count) {
      const ready = prepareRankIndex(target, ctx.server.config.zsetRankBucketSize, []);
      if (ready !== null) return retryAfter(ready, self, ctx, argv);
    }
    const batch = ks.batch();
    removeEntries(target, batch, entries);
    const write = target.commit(batch);
    shape.served();
    const r = ctx.reply;
    if (shape.keyed === 'nested') {
      r.arrayHeader(2);
      r.bulk(target.key);
      // ZMPOP nests its pairs in RESP2 too.
      replyMembers(r, entries, true, true);
    } else if (shape.keyed === 'flat') {
      r.arrayHeader(1 + entries.length * 2);
      r.bulk(target.key);
      for (const e of entries) {
        r.bulk(e.member);
        r.double(e.score);
      }
    } else {
      // One member (no count) is a flat pair even in RESP3.
      replyMembers(r, entries, true, r.resp === 3 && count >= 0);
    }
    // Redis 7.0 sends 'zpopmin'/'zpopmax' while it writes the reply's array, so a RESP3 client
    // subscribed to its own keys gets the push inside the array; here it comes after the reply.
    notifyCollection(ctx, NOTIFY_ZSET, max ? 'zpopmax' : 'zpopmin', target);
    return durable(write);
  });
}

function popCommand(max: boolean): CommandHandler {
  const handler = (ctx: CommandContext, argv: Buffer[]): void | Promise<void> => {
    if (argv.length > 3) return ctx.reply.error(ERR_SYNTAX);
    let count = -1;
    if (argv.length === 3) {
      const parsed = longArg(argv[2]);
      if (parsed === undefined || parsed < 0) return ctx.reply.error(ERR_POSITIVE);
      count = parsed;
    }
    return popGeneric(ctx, argv, handler, [binaryKey(argv[1])], max, count, ZPOP_SHAPE);
  };
  return handler;
}

/** getRangeLongFromObjectOrReply(1, LONG_MAX) with its own message for anything else. */
function positiveArg(arg: Buffer): number | undefined {
  const v = parseIntegerArg(arg);
  if (v === undefined || v < 1) return undefined;
  return typeof v === 'number' ? v : 2 ** 62;
}

/** What ZMPOP and BZMPOP were asked. */
export interface ZmpopRequest {
  readonly keys: BinaryKey[];
  readonly max: boolean;
  /** 1 when no COUNT was given. */
  readonly count: number;
}

/**
 * `numkeys key... MIN|MAX [COUNT count]` from argv[at] on, checked in the order of Redis'
 * zmpopGenericCommand: the request, or the error text.
 */
export function parseZmpop(argv: readonly Buffer[], at: number): ZmpopRequest | string {
  const numkeys = positiveArg(argv[at]);
  if (numkeys === undefined) return 'ERR numkeys should be greater than 0';
  const whereAt = at + numkeys + 1;
  if (whereAt >= argv.length) return ERR_SYNTAX;
  let max: boolean;
  if (argIs(argv[whereAt], 'min')) max = false;
  else if (argIs(argv[whereAt], 'max')) max = true;
  else return ERR_SYNTAX;
  let count = -1;
  for (let j = whereAt + 1; j < argv.length; j++) {
    if (count === -1 && argIs(argv[j], 'count') && j < argv.length - 1) {
      const parsed = positiveArg(argv[++j]);
      if (parsed === undefined) return 'ERR count should be greater than 0';
      count = parsed;
    } else {
      return ERR_SYNTAX;
    }
  }
  const keys: BinaryKey[] = [];
  for (let i = at + 1; i < whereAt; i++) keys.push(binaryKey(argv[i]));
  return { keys, max, count: count === -1 ? 1 : count };
}

function zmpopCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const request = parseZmpop(argv, 1);
  if (typeof request === 'string') return ctx.reply.error(request);
  return popGeneric(ctx, argv, zmpopCommand, request.keys, request.max, request.count, ZMPOP_SHAPE);
}

// ---------------------------------------------------------------- ZRANDMEMBER

/**
 * ZRANDMEMBER key [count [WITHSCORES]]: each member equally likely, without reading the set
 * (randomScored); a distinct count that reaches the set's size answers the whole set in score
 * order, as Redis does.
 */
function zrandmemberCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const request = parseRandomCount(argv, 'withscores');
  if (typeof request === 'string') return ctx.reply.error(request);
  const { count, withValues: withScores } = request;
  const z = openCollection(ctx.server.keyspace, ctx.client.db, binaryKey(argv[1]), ValueType.ZSet, true);
  if (z instanceof Promise) return retryAfter(z, zrandmemberCommand, ctx, argv);
  if (z === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  if (count === null) {
    if (z === null) return ctx.reply.nullBulk();
    return whenReady(randomScored(z, 1, false), (picked) => ctx.reply.bulk(picked[0].member));
  }
  if (z === null || count === 0 || count === 0n) return ctx.reply.arrayHeader(0);
  if (count > 0) {
    // Distinct members stop at the set's size (a count beyond 2^53 included).
    if (count >= z.meta.count) return withReader(z, (reader) => reader.all()).then((all) => replyMembers(ctx.reply, all, withScores));
    return whenReady(randomScored(z, Number(count), true), (picked) => replyMembers(ctx.reply, picked, withScores));
  }
  const n = -count;
  if (replyTooBig(ctx, withScores ? BigInt(n) * 2n : n)) return;
  return whenReady(randomScored(z, Number(n), false), (picked) => replyMembers(ctx.reply, picked, withScores));
}

// ---------------------------------------------------------------- ZUNION / ZINTER / ZDIFF / *STORE / ZINTERCARD

const enum SetOp {
  Union,
  Inter,
  Diff,
}

const enum Aggregate {
  Sum,
  Min,
  Max,
}

/** zunionInterAggregate: a sum that comes out NaN (inf + -inf) is 0; min and max keep the target against a NaN. */
function aggregate(kind: Aggregate, target: number, value: number): number {
  if (kind === Aggregate.Sum) {
    const sum = target + value;
    return Number.isNaN(sum) ? 0 : sum;
  }
  if (kind === Aggregate.Min) return value < target ? value : target;
  return value > target ? value : target;
}

/** What a set-operation command is: which operation, and whether it stores or only counts. */
interface SetOpForm {
  name: string;
  op: SetOp;
  store: boolean;
  cardinality: boolean;
}

function setOpCommand(form: SetOpForm): CommandHandler {
  const handler = (ctx: CommandContext, argv: Buffer[]): void | Promise<void> => {
    const numkeysAt = form.store ? 2 : 1;
    const setnum = longArg(argv[numkeysAt]);
    if (setnum === undefined) return ctx.reply.error(ERR_NOT_INTEGER);
    if (setnum < 1) return ctx.reply.error(`ERR at least 1 input key is needed for '${form.name}' command`);
    if (setnum > argv.length - (numkeysAt + 1)) return ctx.reply.error(ERR_SYNTAX);
    const ks = ctx.server.keyspace;
    const db = ctx.client.db;
    const keys: BinaryKey[] = [];
    for (let i = 0; i < setnum; i++) keys.push(binaryKey(argv[numkeysAt + 1 + i]));
    // Redis reads (and type-checks) the inputs before it looks at the options; as reads (keyspace
    // hits and misses) even for the *STORE forms.
    const values = ks.lookupMany(db, keys, true);
    if (values instanceof Promise) return retryAfter(values, handler, ctx, argv);
    for (const v of values) {
      if (v !== null && valueType(v) !== ValueType.ZSet && valueType(v) !== ValueType.Set) return ctx.reply.error(ERR_WRONGTYPE);
    }
    const weights: number[] = keys.map(() => 1);
    let kind = Aggregate.Sum;
    let withScores = false;
    let limit = 0;
    const more = form.op !== SetOp.Diff && !form.cardinality;
    for (let j = numkeysAt + 1 + setnum; j < argv.length; ) {
      const remaining = argv.length - j;
      if (more && remaining >= setnum + 1 && argIs(argv[j], 'weights')) {
        j++;
        for (let i = 0; i < setnum; i++, j++) {
          const weight = parseStrictDouble(binaryKey(argv[j]));
          if (weight === undefined) return ctx.reply.error('ERR weight value is not a float');
          weights[i] = weight;
        }
      } else if (more && remaining >= 2 && argIs(argv[j], 'aggregate')) {
        const how = argv[j + 1];
        if (argIs(how, 'sum')) kind = Aggregate.Sum;
        else if (argIs(how, 'min')) kind = Aggregate.Min;
        else if (argIs(how, 'max')) kind = Aggregate.Max;
        else return ctx.reply.error(ERR_SYNTAX);
        j += 2;
      } else if (!form.store && !form.cardinality && argIs(argv[j], 'withscores')) {
        withScores = true;
        j++;
      } else if (form.cardinality && remaining >= 2 && argIs(argv[j], 'limit')) {
        const parsed = longArg(argv[j + 1]);
        if (parsed === undefined || parsed < 0) return ctx.reply.error("ERR LIMIT can't be negative");
        limit = parsed;
        j += 2;
      } else {
        return ctx.reply.error(ERR_SYNTAX);
      }
    }
    const collections = keys.map((key, i) => {
      const v = values[i];
      return v === null ? null : new Collection(ks, db, key, v, decodeMeta(v));
    });
    const dst = form.store ? binaryKey(argv[1]) : null;
    const target = dst === null ? null : ks.lookupWrite(db, dst);
    if (target instanceof Promise) return retryAfter(target, handler, ctx, argv);
    return computeSetOp(ks, form.op, collections, weights, kind, form.cardinality ? limit : -1).then((result): void | Promise<void> => {
      if (form.cardinality) return ctx.reply.integer(result.length);
      if (dst === null) return replyMembers(ctx.reply, result, withScores);
      for (let i = 0; i < keys.length; i++) {
        if (!unchanged(ks, db, keys[i], values[i])) return handler(ctx, argv);
      }
      return storeResult(ctx, dst, target, result, false, form.name);
    });
  };
  return handler;
}

/**
 * The result of a set operation, sorted by score then member (or, for ZINTERCARD, `limit` >= 0,
 * just enough members to count, unsorted). Inputs are read at one snapshot. As Redis: union and
 * intersection take the inputs from the smallest to the largest (a stable order, so equal sizes
 * keep their order: sums of doubles depend on it), the intersection walks the smallest and looks
 * its members up in the others, the difference keeps the first input's members found in no other.
 */
async function computeSetOp(ks: Keyspace, op: SetOp, collections: ReadonlyArray<Collection | null>, weights: readonly number[], kind: Aggregate, limit: number): Promise<ScoredMember[]> {
  const snapshot = ks.db.snapshot();
  try {
    const inputs = collections.map((c, i) => ({ input: new SetOpInput(c, snapshot), weight: weights[i] }));
    let result: Map<BinaryKey, number>;
    if (op === SetOp.Diff) result = await difference(inputs.map((x) => x.input));
    else {
      inputs.sort((a, b) => a.input.size - b.input.size);
      result = op === SetOp.Union ? await union(inputs, kind) : await intersection(inputs, kind, limit);
    }
    const out: ScoredMember[] = [];
    for (const [member, score] of result) out.push({ member, score });
    if (limit < 0) out.sort(byScoreThenMember);
    return out;
  } finally {
    snapshot.release();
  }
}

function byScoreThenMember(a: ScoredMember, b: ScoredMember): number {
  if (a.score !== b.score) return a.score < b.score ? -1 : 1;
  return a.member < b.member ? -1 : a.member > b.member ? 1 : 0;
}

interface WeightedInput {
  input: SetOpInput;
  weight: number;
}

async function union(inputs: readonly WeightedInput[], kind: Aggregate): Promise<Map<BinaryKey, number>> {
  const acc = new Map<BinaryKey, number>();
  for (const { input, weight } of inputs) {
    await input.forEach((member, stored) => {
      let score = weight * stored;
      if (Number.isNaN(score)) score = 0;
      const seen = acc.get(member);
      acc.set(member, seen === undefined ? score : aggregate(kind, seen, score));
    });
  }
  return acc;
}

/** `limit` > 0 stops at that many members (ZINTERCARD LIMIT). */
async function intersection(inputs: readonly WeightedInput[], kind: Aggregate, limit: number): Promise<Map<BinaryKey, number>> {
  const result = new Map<BinaryKey, number>();
  if (inputs[0].input.size === 0) return result;
  const candidates: ScoredMember[] = [];
  await inputs[0].input.forEach((member, score) => {
    candidates.push({ member, score });
  });
  for (const { member, score: stored } of candidates) {
    let score = inputs[0].weight * stored;
    if (Number.isNaN(score)) score = 0;
    let everywhere = true;
    for (let j = 1; j < inputs.length; j++) {
      const other = await inputs[j].input.scoreOf(member);
      if (other === null) {
        everywhere = false;
        break;
      }
      score = aggregate(kind, score, other * inputs[j].weight);
    }
    if (!everywhere) continue;
    result.set(member, score);
    if (limit > 0 && result.size >= limit) break;
  }
  return result;
}

/**
 * The first input's members that are in no other, with their scores. As Redis' zdiff picks an
 * algorithm by its estimated cost: look each member up in the others, or read the others whole
 * and strike their members out.
 */
async function difference(inputs: readonly SetOpInput[]): Promise<Map<BinaryKey, number>> {
  const result = new Map<BinaryKey, number>();
  const first = inputs[0];
  if (first.size === 0) return result;
  await first.forEach((member, score) => {
    result.set(member, score);
  });
  let othersSize = 0;
  for (let j = 1; j < inputs.length; j++) othersSize += inputs[j].size;
  if (first.size * (inputs.length - 1) <= othersSize) {
    for (const member of [...result.keys()]) {
      for (let j = 1; j < inputs.length; j++) {
        if ((await inputs[j].scoreOf(member)) !== null) {
          result.delete(member);
          break;
        }
      }
    }
    return result;
  }
  for (let j = 1; j < inputs.length && result.size > 0; j++) {
    await inputs[j].forEach((member) => {
      result.delete(member);
    });
  }
  return result;
}

// ---------------------------------------------------------------- ZSCAN

/**
 * ZSCAN's pages (memberScanCommand checks the arguments). A listpack-encoded set is answered
 * whole, in score order, with cursor 0 (Redis does the same, whatever the cursor), its scores as
 * the listpack holds them. A bigger one is paged in
 * member order, COUNT members per page; the cursor resumes after the page's last member (the
 * SCAN cursor store keeps it), so every member present for the whole scan is returned.
 */
function zscanPage(ctx: CommandContext, z: Collection, cursor: string, { count, pattern }: ScanOptions): Promise<void> {
  const ks = z.ks;
  const filter = scanFilter(pattern);
  const keep = (e: ScoredMember): boolean => filter === null || globMatch(filter, e.member);
  const big = isBig(z);
  return withReader(z, async (reader) => {
    let next = '0';
    let entries: ScoredMember[];
    let write: Promise<unknown> | undefined;
    if (!big) {
      entries = (await reader.all()).filter(keep);
    } else {
      const resume = cursor === '0' ? undefined : ks.cursors.resumeKey(cursor);
      const page = await reader.membersAfter(resume, count);
      if (page.more && page.entries.length > 0) {
        const ops: BatchOp[] = [];
        next = ks.cursors.create(page.entries[page.entries.length - 1].member, ops);
        write = ks.db.write(ops);
      }
      entries = page.entries.filter(keep);
    }
    // The cursor must be durable before a client relies on it (a crash must not forget it).
    if (write !== undefined) await write;
    const r = ctx.reply;
    r.arrayHeader(2);
    r.bulk(next);
    r.arrayHeader(entries.length * 2);
    for (const e of entries) {
      r.bulk(e.member);
      r.bulk(big ? formatDouble(e.score) : listpackScoreText(e.score, formatDouble));
    }
  });
}

// ---------------------------------------------------------------- handlers

/** Handlers by command name; the metadata is in ../command-table/sorted-sets.ts. */
export const sortedSetHandlers: CommandHandlers = {
  zadd: zaddCommand,
  zincrby: zincrbyCommand,
  zrem: zremCommand,
  zcard: zcardCommand,
  zscore: zscoreCommand,
  zmscore: zmscoreCommand,
  zrank: rankCommand(false),
  zrevrank: rankCommand(true),
  zcount: zcountCommand,
  zlexcount: zlexcountCommand,
  zrange: rangeCommand({ keyIndex: 1, store: false, type: RangeType.Auto, direction: Direction.Auto }),
  zrangestore: rangeCommand({ keyIndex: 2, store: true, type: RangeType.Auto, direction: Direction.Auto }),
  zrevrange: rangeCommand({ keyIndex: 1, store: false, type: RangeType.Rank, direction: Direction.Reverse }),
  zrangebyscore: rangeCommand({ keyIndex: 1, store: false, type: RangeType.Score, direction: Direction.Forward }),
  zrevrangebyscore: rangeCommand({ keyIndex: 1, store: false, type: RangeType.Score, direction: Direction.Reverse }),
  zrangebylex: rangeCommand({ keyIndex: 1, store: false, type: RangeType.Lex, direction: Direction.Forward }),
  zrevrangebylex: rangeCommand({ keyIndex: 1, store: false, type: RangeType.Lex, direction: Direction.Reverse }),
  zremrangebyrank: removeRangeCommand(RangeType.Rank),
  zremrangebyscore: removeRangeCommand(RangeType.Score),
  zremrangebylex: removeRangeCommand(RangeType.Lex),
  zpopmin: popCommand(false),
  zpopmax: popCommand(true),
  zmpop: zmpopCommand,
  zrandmember: zrandmemberCommand,
  zunion: setOpCommand({ name: 'zunion', op: SetOp.Union, store: false, cardinality: false }),
  zinter: setOpCommand({ name: 'zinter', op: SetOp.Inter, store: false, cardinality: false }),
  zdiff: setOpCommand({ name: 'zdiff', op: SetOp.Diff, store: false, cardinality: false }),
  zunionstore: setOpCommand({ name: 'zunionstore', op: SetOp.Union, store: true, cardinality: false }),
  zinterstore: setOpCommand({ name: 'zinterstore', op: SetOp.Inter, store: true, cardinality: false }),
  zdiffstore: setOpCommand({ name: 'zdiffstore', op: SetOp.Diff, store: true, cardinality: false }),
  zintercard: setOpCommand({ name: 'zintercard', op: SetOp.Inter, store: false, cardinality: true }),
  zscan: memberScanCommand(ValueType.ZSet, zscanPage),
};
