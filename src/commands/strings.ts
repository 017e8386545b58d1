/**
 * String commands: GET SET (EX PX EXAT PXAT NX XX KEEPTTL GET) SETNX SETEX PSETEX GETSET GETDEL
 * GETEX MGET MSET MSETNX APPEND STRLEN GETRANGE SUBSTR SETRANGE INCR DECR INCRBY DECRBY
 * INCRBYFLOAT LCS, and beyond Redis 7.0: SET's IFEQ/IFNE/IFDEQ/IFDNE, MSETEX, DELEX and DIGEST
 * (Redis 8.4), DELIFEQ (Valkey 9.0).
 *
 * Every handler follows the keyspace's pattern (see src/keyspace/keyspace.ts): look up, and if
 * the lookup returned a Promise, return retryAfter(...) having written nothing; otherwise decide,
 * stage the write, write the reply, and return the write's durability promise. Argument checks
 * happen in the order Redis makes them, so the same bad command gets the same error.
 */
import type { CommandContext, CommandHandler, CommandHandlers } from './types.js';
import type { BinaryKey } from '../engine/types.js';
import {
  NO_EXPIRE,
  StringEncodingHint,
  ValueType,
  allocateValue,
  binaryKey,
  encodeString,
  encodeStringFromLatin1,
  expireAt,
  payload,
  payloadLength,
  payloadOffset,
} from '../keyspace/encoding.js';
import {
  ERR_NOT_INTEGER,
  ERR_SYNTAX,
  ERR_WRONGTYPE,
  INT64_MIN,
  addInt64,
  argIs,
  int64Text,
  parseInt64,
  parseIntegerArg,
  type Int64,
} from '../keyspace/numbers.js';
import { addLongDouble, formatLongDouble, parseLongDouble, type LongDouble } from '../keyspace/long-double.js';
import { ExpireUnit, durable, isString, notify, parseExpireTime, retryAfter, storeValue } from './command-support.js';
import { NOTIFY_EXPIRED, NOTIFY_GENERIC, NOTIFY_NEW, NOTIFY_STRING } from '../pubsub/keyspace-events.js';
import { DIGEST_LENGTH, ERR_DIGEST_LENGTH, digestMatches, stringDigest } from '../types/string-digest.js';

const ERR_OVERFLOW = 'ERR increment or decrement would overflow';
const ERR_NOT_FLOAT = 'ERR value is not a valid float';
const ERR_STRING_TOO_LONG = 'ERR string exceeds maximum allowed size (proto-max-bulk-len)';

// ---------------------------------------------------------------- GET family

function getCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const value = ctx.server.keyspace.lookupRead(ctx.client.db, binaryKey(argv[1]));
  if (value === null) return ctx.reply.nullBulk();
  if (value instanceof Promise) return retryAfter(value, getCommand, ctx, argv);
  if (!isString(value)) return ctx.reply.error(ERR_WRONGTYPE);
  ctx.reply.bulk(payload(value));
}

function getdelCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const ks = ctx.server.keyspace;
  const db = ctx.client.db;
  const key = binaryKey(argv[1]);
  const value = ks.lookupRead(db, key);
  if (value === null) return ctx.reply.nullBulk();
  if (value instanceof Promise) return retryAfter(value, getdelCommand, ctx, argv);
  if (!isString(value)) return ctx.reply.error(ERR_WRONGTYPE);
  // Redis answers first, then deletes and notifies (a RESP3 client subscribed to its own keys sees that order).
  ctx.reply.bulk(payload(value));
  const write = ks.remove(db, key, value);
  notify(ctx, NOTIFY_GENERIC, 'del', key);
  return durable(write);
}

function getsetCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const ks = ctx.server.keyspace;
  const db = ctx.client.db;
  const key = binaryKey(argv[1]);
  const previous = ks.lookupRead(db, key);
  if (previous instanceof Promise) return retryAfter(previous, getsetCommand, ctx, argv);
  if (previous !== null && !isString(previous)) return ctx.reply.error(ERR_WRONGTYPE);
  ctx.reply.bulk(previous === null ? null : payload(previous));
  const write = ks.store(db, key, encodeString(argv[2], NO_EXPIRE, StringEncodingHint.ByContent), previous);
  notify(ctx, NOTIFY_STRING, 'set', key);
  return durable(write);
}

function mgetCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const keys: BinaryKey[] = new Array<BinaryKey>(argv.length - 1);
  for (let i = 1; i < argv.length; i++) keys[i - 1] = binaryKey(argv[i]);
  const values = ctx.server.keyspace.lookupMany(ctx.client.db, keys, true);
  if (values instanceof Promise) return retryAfter(values, mgetCommand, ctx, argv);
  const reply = ctx.reply;
  reply.arrayHeader(values.length);
  for (const value of values) {
    if (value === null || !isString(value)) reply.nullBulk();
    else reply.bulk(payload(value));
  }
}

function strlenCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const value = ctx.server.keyspace.lookupRead(ctx.client.db, binaryKey(argv[1]));
  if (value === null) return ctx.reply.integer(0);
  if (value instanceof Promise) return retryAfter(value, strlenCommand, ctx, argv);
  if (!isString(value)) return ctx.reply.error(ERR_WRONGTYPE);
  ctx.reply.integer(payloadLength(value));
}

function getrangeCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const startArg = parseIntegerArg(argv[2]);
  if (startArg === undefined) return ctx.reply.error(ERR_NOT_INTEGER);
  const endArg = parseIntegerArg(argv[3]);
  if (endArg === undefined) return ctx.reply.error(ERR_NOT_INTEGER);
  const value = ctx.server.keyspace.lookupRead(ctx.client.db, binaryKey(argv[1]));
  if (value === null) return ctx.reply.bulk(EMPTY);
  if (value instanceof Promise) return retryAfter(value, getrangeCommand, ctx, argv);
  if (!isString(value)) return ctx.reply.error(ERR_WRONGTYPE);
  // Beyond 2^53 only the sign matters once clamped to the length, so doubles are exact enough.
  let start = Number(startArg);
  let end = Number(endArg);
  const length = payloadLength(value);
  if (start < 0 && end < 0 && start > end) return ctx.reply.bulk(EMPTY);
  if (start < 0) start = length + start;
  if (end < 0) end = length + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= length) end = length - 1;
  if (start > end || length === 0) return ctx.reply.bulk(EMPTY);
  const offset = payloadOffset(value);
  ctx.reply.bulk(value.subarray(offset + start, offset + end + 1));
}

const EMPTY = Buffer.alloc(0);

// ---------------------------------------------------------------- SET family

// Option bits of Redis' parseExtendedStringArgumentsOrReply.
const OPT_NX = 1;
const OPT_XX = 2;
const OPT_GET = 4;
const OPT_KEEPTTL = 8;
const OPT_PERSIST = 16;
const OPT_EX = 32;
const OPT_PX = 64;
const OPT_EXAT = 128;
const OPT_PXAT = 256;
const OPT_ANY_EXPIRE = OPT_EX | OPT_PX | OPT_EXAT | OPT_PXAT;
// Redis 8.4's compare-and-set conditions (SET only), each with an argument.
const OPT_IFEQ = 512;
const OPT_IFNE = 1024;
const OPT_IFDEQ = 2048;
const OPT_IFDNE = 4096;
const OPT_ANY_IF = OPT_IFEQ | OPT_IFNE | OPT_IFDEQ | OPT_IFDNE;
/** The one condition SET may carry: NX, XX or one of the IF* (Redis 8.4 makes them exclusive). */
const OPT_ANY_CONDITION = OPT_NX | OPT_XX | OPT_ANY_IF;

/** Which command's options are parsed: each accepts a different subset. */
const enum OptionsOf {
  Set,
  Getex,
  /** MSETEX: SET's NX/XX and expirations, without GET and the IF* conditions. */
  Msetex,
}

/** The expire argument found by the last parseStringOptions call (module scratch: parsing is synchronous). */
let parsedExpireArg: Buffer | null = null;
/** The argument of the IF* condition found by the last parseStringOptions call. */
let parsedMatchArg: Buffer | null = null;

/** An IF* token as its option bit, or 0. */
function ifCondition(opt: Buffer): number {
  if (opt.length < 4 || (opt[0] | 0x20) !== 0x69 || (opt[1] | 0x20) !== 0x66) return 0; // not "if..."
  if (argIs(opt, 'ifeq')) return OPT_IFEQ;
  if (argIs(opt, 'ifne')) return OPT_IFNE;
  if (argIs(opt, 'ifdeq')) return OPT_IFDEQ;
  if (argIs(opt, 'ifdne')) return OPT_IFDNE;
  return 0;
}

/**
 * SET's, GETEX's and MSETEX's options with Redis' exact acceptance rules (a repeated EX is
 * allowed and the last one wins; conflicting options are a syntax error). Returns the option
 * bits, or -1.
 */
function parseStringOptions(argv: Buffer[], from: number, of: OptionsOf): number {
  let flags = 0;
  parsedExpireArg = null;
  parsedMatchArg = null;
  const setLike = of !== OptionsOf.Getex;
  for (let j = from; j < argv.length; j++) {
    const opt = argv[j];
    const hasNext = j < argv.length - 1;
    let condition: number;
    if (setLike && argIs(opt, 'nx') && (flags & (OPT_XX | OPT_ANY_IF)) === 0) flags |= OPT_NX;
    else if (setLike && argIs(opt, 'xx') && (flags & (OPT_NX | OPT_ANY_IF)) === 0) flags |= OPT_XX;
    else if (of === OptionsOf.Set && argIs(opt, 'get')) flags |= OPT_GET;
    else if (setLike && argIs(opt, 'keepttl') && (flags & (OPT_PERSIST | OPT_ANY_EXPIRE)) === 0) flags |= OPT_KEEPTTL;
    else if (!setLike && argIs(opt, 'persist') && (flags & (OPT_ANY_EXPIRE | OPT_KEEPTTL)) === 0) flags |= OPT_PERSIST;
    else if (hasNext && argIs(opt, 'ex') && (flags & (OPT_KEEPTTL | OPT_PERSIST | OPT_EXAT | OPT_PX | OPT_PXAT)) === 0) {
      flags |= OPT_EX;
      parsedExpireArg = argv[++j];
    } else if (hasNext && argIs(opt, 'px') && (flags & (OPT_KEEPTTL | OPT_PERSIST | OPT_EX | OPT_EXAT | OPT_PXAT)) === 0) {
      flags |= OPT_PX;
      parsedExpireArg = argv[++j];
    } else if (hasNext && argIs(opt, 'exat') && (flags & (OPT_KEEPTTL | OPT_PERSIST | OPT_EX | OPT_PX | OPT_PXAT)) === 0) {
      flags |= OPT_EXAT;
      parsedExpireArg = argv[++j];
    } else if (hasNext && argIs(opt, 'pxat') && (flags & (OPT_KEEPTTL | OPT_PERSIST | OPT_EX | OPT_EXAT | OPT_PX)) === 0) {
      flags |= OPT_PXAT;
      parsedExpireArg = argv[++j];
    } else if (of === OptionsOf.Set && hasNext && (flags & OPT_ANY_CONDITION) === 0 && (condition = ifCondition(opt)) !== 0) {
      flags |= condition;
      parsedMatchArg = argv[++j];
    } else {
      return -1;
    }
  }
  return flags;
}

/** The absolute expire time the parsed options ask for, NO_EXPIRE when none, or an error text. */
function optionExpireTime(flags: number, commandName: string): number | string {
  if ((flags & OPT_ANY_EXPIRE) === 0 || parsedExpireArg === null) return NO_EXPIRE;
  const unit = (flags & (OPT_EX | OPT_EXAT)) !== 0 ? ExpireUnit.Seconds : ExpireUnit.Milliseconds;
  return parseExpireTime(parsedExpireArg, unit, (flags & (OPT_EX | OPT_PX)) !== 0, commandName);
}

/** SET key value, the hot path: no options to parse. */
function plainSet(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const ks = ctx.server.keyspace;
  const db = ctx.client.db;
  const key = binaryKey(argv[1]);
  const previous = ks.lookupWrite(db, key);
  if (previous instanceof Promise) return retryAfter(previous, setCommand, ctx, argv);
  const write = ks.store(db, key, encodeString(argv[2], NO_EXPIRE, StringEncodingHint.ByContent), previous);
  notify(ctx, NOTIFY_STRING, 'set', key);
  ctx.reply.ok();
  return durable(write);
}

/**
 * SET with options. The order of Redis 8.4's setGenericCommand: the expire time is checked, GET
 * answers (or refuses a non-string), then NX/XX/IFEQ/IFDEQ against the key's existence, then an
 * IF* condition against the existing value (a non-string one is WRONGTYPE, a digest of the wrong
 * length an error). A condition that fails answers nil, or the GET reply already given.
 */
function setCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  if (argv.length === 3) return plainSet(ctx, argv);
  const flags = parseStringOptions(argv, 3, OptionsOf.Set);
  if (flags < 0) return ctx.reply.error(ERR_SYNTAX);
  const matchArg = parsedMatchArg;
  let expire = optionExpireTime(flags, 'set');
  if (typeof expire === 'string') return ctx.reply.error(expire);
  const ks = ctx.server.keyspace;
  const db = ctx.client.db;
  const key = binaryKey(argv[1]);
  const withGet = (flags & OPT_GET) !== 0;
  const previous = withGet ? ks.lookupRead(db, key) : ks.lookupWrite(db, key);
  if (previous instanceof Promise) return retryAfter(previous, setCommand, ctx, argv);
  if (withGet && previous !== null && !isString(previous)) return ctx.reply.error(ERR_WRONGTYPE);
  const found = previous !== null;
  let refused = ((flags & OPT_NX) !== 0 && found) || ((flags & (OPT_XX | OPT_IFEQ | OPT_IFDEQ)) !== 0 && !found);
  if (!refused && found && matchArg !== null) {
    if (!isString(previous)) return ctx.reply.error(ERR_WRONGTYPE);
    const holds = conditionHolds(flags, payload(previous), matchArg);
    if (typeof holds === 'string') return ctx.reply.error(holds);
    refused = !holds;
  }
  if (refused) {
    if (withGet) ctx.reply.bulk(previous === null ? null : payload(previous));
    else ctx.reply.nullBulk();
    return;
  }
  if ((flags & OPT_KEEPTTL) !== 0 && previous !== null) expire = expireAt(previous);
  // SET ... GET answers before it writes, as Redis does; plain SET after its events.
  if (withGet) ctx.reply.bulk(previous === null ? null : payload(previous));
  const write = storeValue(ks, db, key, encodeString(argv[2], expire, StringEncodingHint.ByContent), previous);
  notifySet(ctx, key, previous, (flags & OPT_ANY_EXPIRE) !== 0 ? expire : NO_EXPIRE);
  if (!withGet) ctx.reply.ok();
  return durable(write);
}

/**
 * Whether SET's IF* condition holds for the current string `value`, or the error for a digest
 * argument that is not 16 characters long (checked only here, when there is a value to compare:
 * Redis answers a missing key without looking at the digest).
 */
function conditionHolds(flags: number, value: Buffer, matchArg: Buffer): boolean | string {
  if ((flags & OPT_IFEQ) !== 0) return value.equals(matchArg);
  if ((flags & OPT_IFNE) !== 0) return !value.equals(matchArg);
  if (matchArg.length !== DIGEST_LENGTH) return ERR_DIGEST_LENGTH;
  return digestMatches(value, matchArg) === ((flags & OPT_IFDEQ) !== 0);
}

/**
 * SET's events with an expire time ('set', then 'expire'). Redis keeps a key set with a time already
 * past and expires it at its next access; storeValue never stores it, so the events Redis would send
 * then ('new' when created, and 'expired') are sent now.
 */
function notifySet(ctx: CommandContext, key: BinaryKey, previous: Buffer | null, expire: number): void {
  const events = ctx.server.keyspace.events;
  if (events.flags === 0) return;
  const stored = expire === NO_EXPIRE || expire > Date.now();
  if (!stored && previous === null) notify(ctx, NOTIFY_NEW, 'new', key);
  notify(ctx, NOTIFY_STRING, 'set', key);
  if (expire === NO_EXPIRE) return;
  notify(ctx, NOTIFY_GENERIC, 'expire', key);
  if (!stored) notify(ctx, NOTIFY_EXPIRED, 'expired', key);
}

function setnxCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const ks = ctx.server.keyspace;
  const db = ctx.client.db;
  const key = binaryKey(argv[1]);
  const previous = ks.lookupWrite(db, key);
  if (previous instanceof Promise) return retryAfter(previous, setnxCommand, ctx, argv);
  if (previous !== null) return ctx.reply.integer(0);
  const write = ks.store(db, key, encodeString(argv[2], NO_EXPIRE, StringEncodingHint.ByContent), null);
  notify(ctx, NOTIFY_STRING, 'set', key);
  ctx.reply.integer(1);
  return durable(write);
}

function setWithExpire(ctx: CommandContext, argv: Buffer[], unit: ExpireUnit, name: string, self: CommandHandler): void | Promise<void> {
  const expire = parseExpireTime(argv[2], unit, true, name);
  if (typeof expire === 'string') return ctx.reply.error(expire);
  const ks = ctx.server.keyspace;
  const db = ctx.client.db;
  const key = binaryKey(argv[1]);
  const previous = ks.lookupWrite(db, key);
  if (previous instanceof Promise) return retryAfter(previous, self, ctx, argv);
  const write = storeValue(ks, db, key, encodeString(argv[3], expire, StringEncodingHint.ByContent), previous);
  notifySet(ctx, key, previous, expire);
  ctx.reply.ok();
  return durable(write);
}

function setexCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  return setWithExpire(ctx, argv, ExpireUnit.Seconds, 'setex', setexCommand);
}

function psetexCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  return setWithExpire(ctx, argv, ExpireUnit.Milliseconds, 'psetex', psetexCommand);
}

function getexCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const flags = parseStringOptions(argv, 2, OptionsOf.Getex);
  if (flags < 0) return ctx.reply.error(ERR_SYNTAX);
  const ks = ctx.server.keyspace;
  const db = ctx.client.db;
  const key = binaryKey(argv[1]);
  const value = ks.lookupRead(db, key);
  if (value === null) return ctx.reply.nullBulk();
  if (value instanceof Promise) return retryAfter(value, getexCommand, ctx, argv);
  if (!isString(value)) return ctx.reply.error(ERR_WRONGTYPE);
  // As Redis' getexCommand: the options' shape first, then the key and its type, then the value.
  const expire = optionExpireTime(flags, 'getex');
  if (typeof expire === 'string') return ctx.reply.error(expire);
  ctx.reply.bulk(payload(value));
  let write: Promise<unknown> | undefined;
  if (expire !== NO_EXPIRE) {
    write = storeValue(ks, db, key, withExpireTime(value, expire), value);
    notify(ctx, NOTIFY_GENERIC, expire <= Date.now() ? 'del' : 'expire', key);
  } else if ((flags & OPT_PERSIST) !== 0 && expireAt(value) !== NO_EXPIRE) {
    write = ks.store(db, key, withExpireTime(value, NO_EXPIRE), value);
    notify(ctx, NOTIFY_GENERIC, 'persist', key);
  }
  return durable(write);
}

/** A copy of a value with another expire time. */
function withExpireTime(value: Buffer, expire: number): Buffer {
  const start = payloadOffset(value);
  const { value: out, offset } = allocateValue(ValueType.String, encodingHintOf(value), expire, value.length - start);
  value.copy(out, offset, start);
  return out;
}

function encodingHintOf(value: Buffer): StringEncodingHint {
  return ((value[0] >>> 4) & 3) as StringEncodingHint;
}

function msetCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  return msetGeneric(ctx, argv, false, msetCommand);
}

function msetnxCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  return msetGeneric(ctx, argv, true, msetnxCommand);
}

function msetGeneric(ctx: CommandContext, argv: Buffer[], onlyIfNoneExist: boolean, self: CommandHandler): void | Promise<void> {
  if (argv.length % 2 === 0) {
    return ctx.reply.error(`ERR wrong number of arguments for '${onlyIfNoneExist ? 'msetnx' : 'mset'}' command`);
  }
  const ks = ctx.server.keyspace;
  const db = ctx.client.db;
  const keys: BinaryKey[] = [];
  for (let i = 1; i < argv.length; i += 2) keys.push(binaryKey(argv[i]));
  const previous = ks.lookupMany(db, keys, false);
  if (previous instanceof Promise) return retryAfter(previous, self, ctx, argv);
  if (onlyIfNoneExist) {
    for (const value of previous) if (value !== null) return ctx.reply.integer(0);
  }
  const batch = ks.batch();
  for (let i = 0; i < keys.length; i++) {
    batch.put(db, keys[i], encodeString(argv[2 * i + 2], NO_EXPIRE, StringEncodingHint.ByContent), previous[i]);
    notify(ctx, NOTIFY_STRING, 'set', keys[i]);
  }
  const write = batch.commit();
  if (onlyIfNoneExist) ctx.reply.integer(1);
  else ctx.reply.ok();
  return durable(write);
}

/**
 * MSETEX numkeys key value [key value ...] [NX | XX] [EX | PX | EXAT | PXAT | KEEPTTL] (Redis
 * 8.4): MSET with SET's condition and expiration for all keys, in one atomic batch; 1 when the
 * keys were set, 0 when NX/XX refused them all.
 */
function msetexCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const numkeys = parseInt64(argv[1], 0, argv[1].length);
  if (numkeys === undefined || numkeys < 1 || numkeys > INT32_MAX) return ctx.reply.error(ERR_NUMKEYS);
  const count = Number(numkeys);
  const optionsFrom = 2 + 2 * count;
  if (optionsFrom > argv.length) return ctx.reply.error(ERR_KEY_VALUE_PAIRS);
  const flags = parseStringOptions(argv, optionsFrom, OptionsOf.Msetex);
  if (flags < 0) return ctx.reply.error(ERR_SYNTAX);
  const expire = optionExpireTime(flags, 'msetex');
  if (typeof expire === 'string') return ctx.reply.error(expire);
  const ks = ctx.server.keyspace;
  const db = ctx.client.db;
  const keys: BinaryKey[] = new Array<BinaryKey>(count);
  for (let i = 0; i < count; i++) keys[i] = binaryKey(argv[2 + 2 * i]);
  const previous = ks.lookupMany(db, keys, false);
  if (previous instanceof Promise) return retryAfter(previous, msetexCommand, ctx, argv);
  if ((flags & OPT_NX) !== 0 && previous.some((value) => value !== null)) return ctx.reply.integer(0);
  if ((flags & OPT_XX) !== 0 && previous.some((value) => value === null)) return ctx.reply.integer(0);
  const keepTtl = (flags & OPT_KEEPTTL) !== 0;
  const now = Date.now();
  const batch = ks.batch();
  for (let i = 0; i < count; i++) {
    const before = previous[i];
    const expireTime = keepTtl && before !== null ? expireAt(before) : expire;
    // As storeValue: a time already past deletes the key rather than storing it.
    if (expireTime !== NO_EXPIRE && expireTime <= now) {
      if (before !== null) batch.delete(db, keys[i], before);
      else ks.signalModified(db, keys[i]);
    } else {
      batch.put(db, keys[i], encodeString(argv[3 + 2 * i], expireTime, StringEncodingHint.ByContent), before);
    }
    notifySet(ctx, keys[i], before, (flags & OPT_ANY_EXPIRE) !== 0 ? expire : NO_EXPIRE);
  }
  const write = batch.empty ? undefined : batch.commit();
  ctx.reply.integer(1);
  return durable(write);
}

const INT32_MAX = 2147483647;
const ERR_NUMKEYS = 'ERR invalid numkeys value';
const ERR_KEY_VALUE_PAIRS = 'ERR wrong number of key-value pairs';

// ---------------------------------------------------------------- compare-and-delete, digests

const ERR_DELEX_NOT_STRING = 'ERR Key should be of string type if conditions are specified';
const ERR_DELEX_CONDITION = 'ERR Invalid condition. Use IFEQ, IFNE, IFDEQ, or IFDNE';

/**
 * DELEX key [IFEQ v | IFNE v | IFDEQ digest | IFDNE digest] (Redis 8.4). Its checks, in Redis'
 * order: the argument count (a condition without its argument, or anything after it, is an
 * arity error), the key (missing: 0, whatever the condition says), no condition (deleted, any
 * type), a non-string key, the condition's name, the digest's length, the comparison.
 */
function delexCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  if (argv.length !== 2 && argv.length !== 4) return ctx.reply.error("ERR wrong number of arguments for 'delex' command");
  const ks = ctx.server.keyspace;
  const db = ctx.client.db;
  const key = binaryKey(argv[1]);
  const value = ks.lookupWrite(db, key);
  if (value === null) return ctx.reply.integer(0);
  if (value instanceof Promise) return retryAfter(value, delexCommand, ctx, argv);
  if (argv.length === 4) {
    if (!isString(value)) return ctx.reply.error(ERR_DELEX_NOT_STRING);
    const condition = ifCondition(argv[2]);
    if (condition === 0) return ctx.reply.error(ERR_DELEX_CONDITION);
    const holds = conditionHolds(condition, payload(value), argv[3]);
    if (typeof holds === 'string') return ctx.reply.error(holds);
    if (!holds) return ctx.reply.integer(0);
  }
  const write = ks.remove(db, key, value);
  notify(ctx, NOTIFY_GENERIC, 'del', key);
  ctx.reply.integer(1);
  return durable(write);
}

/** DELIFEQ key value (Valkey 9.0): deletes a string key holding exactly `value`; 1 or 0. */
function delifeqCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const ks = ctx.server.keyspace;
  const db = ctx.client.db;
  const key = binaryKey(argv[1]);
  const value = ks.lookupWrite(db, key);
  if (value === null) return ctx.reply.integer(0);
  if (value instanceof Promise) return retryAfter(value, delifeqCommand, ctx, argv);
  if (!isString(value)) return ctx.reply.error(ERR_WRONGTYPE);
  if (!payload(value).equals(argv[2])) return ctx.reply.integer(0);
  const write = ks.remove(db, key, value);
  notify(ctx, NOTIFY_GENERIC, 'del', key);
  ctx.reply.integer(1);
  return durable(write);
}

/** DIGEST key (Redis 8.4): the XXH3 digest of a string value as 16 hex digits (../types/string-digest.ts). */
function digestCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const value = ctx.server.keyspace.lookupRead(ctx.client.db, binaryKey(argv[1]));
  if (value === null) return ctx.reply.nullBulk();
  if (value instanceof Promise) return retryAfter(value, digestCommand, ctx, argv);
  if (!isString(value)) return ctx.reply.error(ERR_WRONGTYPE);
  ctx.reply.bulk(stringDigest(payload(value)));
}

// ---------------------------------------------------------------- in-place edits

function appendCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const ks = ctx.server.keyspace;
  const db = ctx.client.db;
  const key = binaryKey(argv[1]);
  const previous = ks.lookupWrite(db, key);
  if (previous instanceof Promise) return retryAfter(previous, appendCommand, ctx, argv);
  const tail = argv[2];
  if (previous === null) {
    const write = ks.store(db, key, encodeString(tail, NO_EXPIRE, StringEncodingHint.ByContent), null);
    notify(ctx, NOTIFY_STRING, 'append', key);
    ctx.reply.integer(tail.length);
    return durable(write);
  }
  if (!isString(previous)) return ctx.reply.error(ERR_WRONGTYPE);
  const start = payloadOffset(previous);
  const total = previous.length - start + tail.length;
  if (total > ctx.server.config.protoMaxBulkLen) return ctx.reply.error(ERR_STRING_TOO_LONG);
  const { value, offset } = allocateValue(ValueType.String, StringEncodingHint.Raw, expireAt(previous), total);
  previous.copy(value, offset, start);
  value.set(tail, offset + previous.length - start);
  const write = ks.store(db, key, value, previous);
  notify(ctx, NOTIFY_STRING, 'append', key);
  ctx.reply.integer(total);
  return durable(write);
}

function setrangeCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const offsetArg = parseIntegerArg(argv[2]);
  if (offsetArg === undefined) return ctx.reply.error(ERR_NOT_INTEGER);
  if (offsetArg < 0) return ctx.reply.error('ERR offset is out of range');
  const ks = ctx.server.keyspace;
  const db = ctx.client.db;
  const key = binaryKey(argv[1]);
  const previous = ks.lookupWrite(db, key);
  if (previous instanceof Promise) return retryAfter(previous, setrangeCommand, ctx, argv);
  const patch = argv[3];
  if (previous !== null && !isString(previous)) return ctx.reply.error(ERR_WRONGTYPE);
  const oldLength = previous === null ? 0 : payloadLength(previous);
  if (patch.length === 0) return ctx.reply.integer(oldLength);
  const at = Number(offsetArg);
  if (at + patch.length > ctx.server.config.protoMaxBulkLen) return ctx.reply.error(ERR_STRING_TOO_LONG);
  const total = Math.max(oldLength, at + patch.length);
  const expire = previous === null ? NO_EXPIRE : expireAt(previous);
  const { value, offset } = allocateValue(ValueType.String, StringEncodingHint.Raw, expire, total);
  if (previous !== null) previous.copy(value, offset, payloadOffset(previous));
  if (at > oldLength) value.fill(0, offset + oldLength, offset + at);
  value.set(patch, offset + at);
  const write = ks.store(db, key, value, previous);
  notify(ctx, NOTIFY_STRING, 'setrange', key);
  ctx.reply.integer(total);
  return durable(write);
}

// ---------------------------------------------------------------- counters

function incrDecr(ctx: CommandContext, argv: Buffer[], increment: Int64, self: CommandHandler): void | Promise<void> {
  const ks = ctx.server.keyspace;
  const db = ctx.client.db;
  const key = binaryKey(argv[1]);
  const previous = ks.lookupWrite(db, key);
  if (previous instanceof Promise) return retryAfter(previous, self, ctx, argv);
  let current: Int64 = 0;
  let expire = NO_EXPIRE;
  if (previous !== null) {
    if (!isString(previous)) return ctx.reply.error(ERR_WRONGTYPE);
    const parsed = parseInt64(previous, payloadOffset(previous), previous.length);
    if (parsed === undefined) return ctx.reply.error(ERR_NOT_INTEGER);
    current = parsed;
    expire = expireAt(previous);
  }
  const next = addInt64(current, increment);
  if (next === undefined) return ctx.reply.error(ERR_OVERFLOW);
  const write = ks.store(db, key, encodeStringFromLatin1(int64Text(next), expire, StringEncodingHint.ByContent), previous);
  notify(ctx, NOTIFY_STRING, 'incrby', key);
  ctx.reply.integer(next);
  return durable(write);
}

function incrCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  return incrDecr(ctx, argv, 1, incrCommand);
}

function decrCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  return incrDecr(ctx, argv, -1, decrCommand);
}

function incrbyCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const increment = parseIntegerArg(argv[2]);
  if (increment === undefined) return ctx.reply.error(ERR_NOT_INTEGER);
  return incrDecr(ctx, argv, increment, incrbyCommand);
}

function decrbyCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const decrement = parseIntegerArg(argv[2]);
  if (decrement === undefined) return ctx.reply.error(ERR_NOT_INTEGER);
  if (decrement === INT64_MIN) return ctx.reply.error('ERR decrement would overflow');
  return incrDecr(ctx, argv, typeof decrement === 'bigint' ? -decrement : -decrement, decrbyCommand);
}

function incrbyfloatCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const ks = ctx.server.keyspace;
  const db = ctx.client.db;
  const key = binaryKey(argv[1]);
  const previous = ks.lookupWrite(db, key);
  if (previous instanceof Promise) return retryAfter(previous, incrbyfloatCommand, ctx, argv);
  if (previous !== null && !isString(previous)) return ctx.reply.error(ERR_WRONGTYPE);
  let current: LongDouble | undefined = ZERO_LONG_DOUBLE;
  if (previous !== null) current = parseLongDouble(binaryKey(previous, payloadOffset(previous)));
  if (current === undefined) return ctx.reply.error(ERR_NOT_FLOAT);
  const increment = parseLongDouble(binaryKey(argv[2]));
  if (increment === undefined) return ctx.reply.error(ERR_NOT_FLOAT);
  const sum = addLongDouble(current, increment);
  if (sum === undefined) return ctx.reply.error('ERR increment would produce NaN or Infinity');
  const text = formatLongDouble(sum);
  const expire = previous === null ? NO_EXPIRE : expireAt(previous);
  const write = ks.store(db, key, encodeStringFromLatin1(text, expire, StringEncodingHint.NotInt), previous);
  notify(ctx, NOTIFY_STRING, 'incrbyfloat', key);
  ctx.reply.bulk(text);
  return durable(write);
}

const ZERO_LONG_DOUBLE: LongDouble = { infinite: false, negative: false, significand: 0n, exponent: 0 };

// ---------------------------------------------------------------- LCS

function lcsCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const ks = ctx.server.keyspace;
  const db = ctx.client.db;
  const found = ks.lookupMany(db, [binaryKey(argv[1]), binaryKey(argv[2])], true);
  if (found instanceof Promise) return retryAfter(found, lcsCommand, ctx, argv);
  const [first, second] = found;
  if ((first !== null && !isString(first)) || (second !== null && !isString(second))) {
    return ctx.reply.error('ERR The specified keys must contain string values');
  }
  let wantIdx = false;
  let wantLen = false;
  let withMatchLen = false;
  let minMatchLen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j];
    if (argIs(opt, 'idx')) wantIdx = true;
    else if (argIs(opt, 'len')) wantLen = true;
    else if (argIs(opt, 'withmatchlen')) withMatchLen = true;
    else if (argIs(opt, 'minmatchlen') && j < argv.length - 1) {
      const n = parseIntegerArg(argv[++j]);
      if (n === undefined) return ctx.reply.error(ERR_NOT_INTEGER);
      minMatchLen = n < 0 ? 0 : Number(n);
    } else return ctx.reply.error(ERR_SYNTAX);
  }
  if (wantIdx && wantLen) return ctx.reply.error('ERR If you want both the length and indexes, please just use IDX.');
  const a = first === null ? EMPTY : payload(first);
  const b = second === null ? EMPTY : payload(second);
  // Redis refuses a table bigger than proto-max-bulk-len (4 bytes a cell) before allocating it:
  // computing one of 64 KB x 8 KB here held the server for ~15 s.
  const cells = (a.length + 1) * (b.length + 1);
  if (cells * 4 > ctx.server.config.protoMaxBulkLen) return ctx.reply.error('ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len');
  let table: Uint32Array;
  try {
    table = new Uint32Array(cells);
  } catch {
    return ctx.reply.error('ERR Insufficient memory, failed allocating transient memory for LCS');
  }
  writeLcs(ctx, a, b, table, wantIdx, wantLen, withMatchLen, minMatchLen);
}

/** The dynamic-programming LCS and its reply, walking back from the end as Redis does (same ranges, same order). */
function writeLcs(ctx: CommandContext, a: Buffer, b: Buffer, table: Uint32Array, wantIdx: boolean, wantLen: boolean, withMatchLen: boolean, minMatchLen: number): void {
  const alen = a.length;
  const blen = b.length;
  const width = blen + 1;
  for (let i = 1; i <= alen; i++) {
    const row = i * width;
    const prev = row - width;
    const ai = a[i - 1];
    for (let j = 1; j <= blen; j++) {
      if (ai === b[j - 1]) table[row + j] = table[prev + j - 1] + 1;
      else {
        const up = table[prev + j];
        const left = table[row + j - 1];
        table[row + j] = up > left ? up : left;
      }
    }
  }
  const length = table[alen * width + blen];
  const reply = ctx.reply;
  if (wantLen && !wantIdx) return reply.integer(length);
  const result = Buffer.allocUnsafe(length);
  let idx = length;
  const ranges: number[] = [];
  let aStart = alen;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  let i = alen;
  let j = blen;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a[i - 1] === b[j - 1]) {
      result[idx - 1] = a[i - 1];
      if (aStart === alen) {
        aStart = i - 1;
        aEnd = i - 1;
        bStart = j - 1;
        bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      const up = table[(i - 1) * width + j];
      const left = table[i * width + j - 1];
      if (up > left) i--;
      else j--;
      if (aStart !== alen) emit = true;
    }
    if (emit) {
      const matchLen = aEnd - aStart + 1;
      if (minMatchLen === 0 || matchLen >= minMatchLen) ranges.push(aStart, aEnd, bStart, bEnd, matchLen);
      aStart = alen;
    }
  }
  if (!wantIdx) return reply.bulk(result);
  reply.mapHeader(2);
  reply.bulk('matches');
  reply.arrayHeader(ranges.length / 5);
  for (let r = 0; r < ranges.length; r += 5) {
    reply.arrayHeader(withMatchLen ? 3 : 2);
    reply.arrayHeader(2);
    reply.integer(ranges[r]);
    reply.integer(ranges[r + 1]);
    reply.arrayHeader(2);
    reply.integer(ranges[r + 2]);
    reply.integer(ranges[r + 3]);
    if (withMatchLen) reply.integer(ranges[r + 4]);
  }
  reply.bulk('len');
  reply.integer(length);
}

/** Handlers by command name; the metadata is in ../command-table/strings.ts. */
export const stringHandlers: CommandHandlers = {
  get: getCommand,
  set: setCommand,
  setnx: setnxCommand,
  setex: setexCommand,
  psetex: psetexCommand,
  getset: getsetCommand,
  getdel: getdelCommand,
  getex: getexCommand,
  mget: mgetCommand,
  mset: msetCommand,
  msetnx: msetnxCommand,
  append: appendCommand,
  strlen: strlenCommand,
  getrange: getrangeCommand,
  setrange: setrangeCommand,
  substr: getrangeCommand,
  incr: incrCommand,
  decr: decrCommand,
  incrby: incrbyCommand,
  decrby: decrbyCommand,
  incrbyfloat: incrbyfloatCommand,
  lcs: lcsCommand,
  msetex: msetexCommand,
  delex: delexCommand,
  delifeq: delifeqCommand,
  digest: digestCommand,
};
