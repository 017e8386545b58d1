/**
 * Small pieces every data command family shares: re-running a command after a disk read, the
 * string-type check, storing a value whose expire time may already have passed; and, with Redis'
 * checks and error texts, expire-time arguments, the arguments of SSCAN/HSCAN/ZSCAN, the counts
 * of ZRANDMEMBER/HRANDFIELD and replies too big to build. (In commands/, not keyspace/: it speaks
 * in handlers and command contexts, which the keyspace below knows nothing of.)
 */
import type { BinaryKey, SequenceNumber } from '../engine/types.js';
import type { CommandContext, CommandHandler } from './types.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import { NO_EXPIRE, ValueType, binaryKey, expireAt, valueType } from '../keyspace/encoding.js';
import { parseCursor } from '../keyspace/scan-cursors.js';
import { WRONG_TYPE, openCollection, type Collection } from '../types/collection.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE, INT64_MAX, argIs, parseInt64, parseIntegerArg, type Int64 } from '../keyspace/numbers.js';
import { NOTIFY_GENERIC } from '../pubsub/keyspace-events.js';

/**
 * A lookup needed the disk: once the read has warmed the cache, run the whole command again
 * (nothing was replied yet). Allocates a closure only on this slow path.
 */
export function retryAfter(pending: Promise<unknown>, handler: CommandHandler, ctx: CommandContext, argv: Buffer[]): Promise<void> {
  return pending.then(() => {
    // The run again is the same command: its keyspace notifications are its client's (see KeyspaceEvents.publisher).
    const events = ctx.server.keyspace.events;
    events.publisher = ctx.client;
    try {
      return handler(ctx, argv);
    } finally {
      events.publisher = null;
    }
  });
}

/** Sends a keyspace notification about `key` in the client's database (Redis' notifyKeyspaceEvent; see src/pubsub/keyspace-events.ts). */
export function notify(ctx: CommandContext, type: number, event: string, key: BinaryKey): void {
  ctx.server.keyspace.events.notify(type, event, key, ctx.client.db);
}

/**
 * A collection command's event, then 'del' when the command emptied the collection (Redis deletes
 * an empty collection and says so after the command's own event). Call after collection.stage/commit.
 */
export function notifyCollection(ctx: CommandContext, type: number, event: string, collection: Collection): void {
  ctx.server.keyspace.events.notify(type, event, collection.key, collection.db);
  notifyEmptied(ctx, collection);
}

/** 'del' when the command emptied the collection (it is deleted). */
export function notifyEmptied(ctx: CommandContext, collection: Collection): void {
  if (collection.meta.count === 0 && collection.previous !== null) ctx.server.keyspace.events.notify(NOTIFY_GENERIC, 'del', collection.key, collection.db);
}

/**
 * A STORE command's events (SINTERSTORE, ZUNIONSTORE, SORT ... STORE...): its own event when it
 * wrote a result, 'del' when an empty result deleted the destination, nothing when there was
 * neither a result nor a destination.
 */
export function notifyStore(ctx: CommandContext, type: number, event: string, key: BinaryKey, stored: boolean, previous: Buffer | null): void {
  if (stored) notify(ctx, type, event, key);
  else if (previous !== null) notify(ctx, NOTIFY_GENERIC, 'del', key);
}

export function isString(value: Buffer): boolean {
  return valueType(value) === ValueType.String;
}

/**
 * Stores `value` unless its expire time has already passed, in which case the key is deleted
 * instead (as Redis 7 does for EXAT/PXAT in the past): the index never gets an entry the active
 * cycle's watermark is already beyond.
 */
export function storeValue(ks: Keyspace, db: number, key: BinaryKey, value: Buffer, previous: Buffer | null): Promise<SequenceNumber> | undefined {
  const expire = expireAt(value);
  if (expire !== NO_EXPIRE && expire <= Date.now()) {
    if (previous !== null) return ks.remove(db, key, previous);
    // Redis stored it, which WATCH and CLIENT TRACKING see as a modification.
    ks.signalModified(db, key);
    return undefined;
  }
  return ks.store(db, key, value, previous);
}

/**
 * A durability promise as a handler's return value. The dispatcher only waits for it and never
 * reads its value, so the sequence number it resolves to is passed through as is rather than
 * paying for a `.then()` per write.
 */
export function durable(write: Promise<unknown>): Promise<void>;
export function durable(write: Promise<unknown> | undefined): Promise<void> | undefined;
export function durable(write: Promise<unknown> | undefined): Promise<void> | undefined {
  return write as Promise<void> | undefined;
}

export const enum ExpireUnit {
  Seconds,
  Milliseconds,
}

/**
 * Redis' getExpireMillisecondsOrReply (SET EX/PX/EXAT/PXAT, SETEX, PSETEX, GETEX): the absolute
 * expire time in ms, or the error text. `relative` adds the current time (EX/PX).
 */
export function parseExpireTime(arg: Buffer, unit: ExpireUnit, relative: boolean, commandName: string): number | string {
  const parsed = parseInt64(arg, 0, arg.length);
  if (parsed === undefined) return ERR_NOT_INTEGER;
  let ms = typeof parsed === 'bigint' ? parsed : BigInt(parsed);
  const invalid = `ERR invalid expire time in '${commandName}' command`;
  if (ms <= 0n || (unit === ExpireUnit.Seconds && ms > INT64_MAX / 1000n)) return invalid;
  if (unit === ExpireUnit.Seconds) ms *= 1000n;
  if (relative) ms += BigInt(Date.now());
  // C's signed overflow wraps to a negative time, which Redis then refuses.
  if (ms > INT64_MAX) return invalid;
  return Number(ms);
}

/** The options of SSCAN, HSCAN and ZSCAN: COUNT (default 10) and MATCH (null: none). */
export interface ScanOptions {
  count: number;
  pattern: BinaryKey | null;
}

/**
 * MATCH and COUNT from argv[from] on, as Redis' scanGenericCommand checks them (after the key's
 * lookup and type check): the options, or the error text to answer. A COUNT beyond 2^53 is as
 * good as unbounded.
 */
export function parseScanOptions(argv: readonly Buffer[], from: number): ScanOptions | string {
  let count = 10;
  let pattern: BinaryKey | null = null;
  for (let i = from; i < argv.length; i += 2) {
    const hasValue = i + 1 < argv.length;
    if (hasValue && argIs(argv[i], 'count')) {
      const parsed = parseIntegerArg(argv[i + 1]);
      if (parsed === undefined) return ERR_NOT_INTEGER;
      if (parsed < 1) return ERR_SYNTAX;
      count = typeof parsed === 'bigint' ? Number.MAX_SAFE_INTEGER : parsed;
    } else if (hasValue && argIs(argv[i], 'match')) {
      pattern = binaryKey(argv[i + 1]);
    } else {
      return ERR_SYNTAX;
    }
  }
  return { count, pattern };
}

/** A member scan's page, once its arguments and key checked out: it replies. */
export type MemberScan = (ctx: CommandContext, collection: Collection, cursor: string, options: ScanOptions) => Promise<void>;

const EMPTY_SCAN = Buffer.from('*2\r\n$1\r\n0\r\n*0\r\n', 'latin1');

/**
 * SSCAN, HSCAN and ZSCAN (key cursor [MATCH pattern] [COUNT count]), checked in the order of
 * Redis' *scanCommand: the cursor, then the key (a missing one is an empty, finished scan), then
 * the options (scanGenericCommand); `page` answers.
 */
export function memberScanCommand(type: ValueType, page: MemberScan): CommandHandler {
  const handler = (ctx: CommandContext, argv: Buffer[]): void | Promise<void> => {
    const cursor = parseCursor(argv[2]);
    if (cursor === undefined) return ctx.reply.error('ERR invalid cursor');
    const collection = openCollection(ctx.server.keyspace, ctx.client.db, binaryKey(argv[1]), type, true);
    if (collection instanceof Promise) return retryAfter(collection, handler, ctx, argv);
    if (collection === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
    if (collection === null) return ctx.reply.raw(EMPTY_SCAN);
    const options = parseScanOptions(argv, 3);
    if (typeof options === 'string') return ctx.reply.error(options);
    return page(ctx, collection, cursor, options);
  };
  return handler;
}

/** The smallest reply bytes per element (an empty bulk string), to see a hopeless count before building its reply. */
const MIN_ELEMENT_BYTES = 6;

/**
 * A count whose reply could not fit the client's output buffer (client-output-buffer-limit's
 * hard limit, or what a JavaScript array can hold): Redis would start building it and drop the
 * client once over the limit (or run out of memory); we drop the client at once, with Redis' log line.
 */
export function replyTooBig(ctx: CommandContext, elements: Int64): boolean {
  const hard = ctx.server.config.clientOutputBufferLimit.normal.hardBytes;
  const n = Number(elements);
  if (n <= 0xffff_ffff && (hard === 0 || n * MIN_ELEMENT_BYTES <= hard)) return false;
  const c = ctx.client;
  ctx.server.logger.warning(`Client id=${c.id} addr=${c.addr} scheduled to be closed ASAP for overcoming of output buffer limits.`);
  c.closeAfterReply();
  return true;
}

/** `then` on a value now, or once its Promise settles (random picks answer either way). */
export function whenReady<T>(value: T | Promise<T>, then: (v: T) => void | Promise<void>): void | Promise<void> {
  return value instanceof Promise ? value.then(then) : then(value);
}

export const ERR_RANDOM_COUNT_RANGE = `ERR value is out of range, value must between ${-INT64_MAX} and ${INT64_MAX}`;

/** What ZRANDMEMBER and HRANDFIELD were asked: a count (null: none), and whether WITHSCORES / WITHVALUES came with it. */
export interface RandomCount {
  count: Int64 | null;
  withValues: boolean;
}

/**
 * `key [count [word]]` of ZRANDMEMBER (word WITHSCORES) and HRANDFIELD (WITHVALUES), checked in
 * the order of Redis' zrandmemberCommand / hrandfieldCommand, before the key is looked up: the
 * count within ±LONG_MAX, then the word, then, with the word, within ±LONG_MAX/2 (the reply counts
 * twice). The request, or the error text.
 */
export function parseRandomCount(argv: readonly Buffer[], word: string): RandomCount | string {
  if (argv.length < 3) return { count: null, withValues: false };
  const count = parseIntegerArg(argv[2]);
  if (count === undefined) return ERR_NOT_INTEGER;
  if (count < -INT64_MAX) return ERR_RANDOM_COUNT_RANGE;
  if (argv.length > 4 || (argv.length === 4 && !argIs(argv[3], word))) return ERR_SYNTAX;
  const withValues = argv.length === 4;
  if (withValues && (count < -INT64_MAX / 2n || count > INT64_MAX / 2n)) return 'ERR value is out of range';
  return { count, withValues };
}

/** strerror() texts Redis would print for the errors a disk gives. */
const STRERROR: Record<string, string> = {
  ENOSPC: 'No space left on device',
  EIO: 'Input/output error',
  EDQUOT: 'Disk quota exceeded',
  EROFS: 'Read-only file system',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EBADF: 'Bad file descriptor',
};

/** Redis' reply while its AOF cannot be written: `-MISCONF Errors writing to the AOF file: <strerror>`. */
export function misconfError(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = (code !== undefined && STRERROR[code]) || error.message;
  return `MISCONF Errors writing to the AOF file: ${reason}`;
}
