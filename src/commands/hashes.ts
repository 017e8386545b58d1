/**
 * Hash commands: HSET HSETNX HMSET HGET HMGET HDEL HLEN HSTRLEN HEXISTS HKEYS HVALS HGETALL
 * HINCRBY HINCRBYFLOAT HRANDFIELD HSCAN.
 *
 * Each handler checks its arguments in the order Redis' t_hash.c does (so the same bad command
 * gets the same error), opens the hash (src/types/collection.ts), reads the fields it names, and
 * writes the members and the metadata in one batch. A read that needs the disk makes the handler
 * return retryAfter(...) having written nothing; walks over every field read a snapshot. Random
 * fields (HRANDFIELD) are picked without reading the hash, synchronously while its pick tree
 * (types/member-random.ts) holds what they need, as SRANDMEMBER's.
 */
import type { CommandContext, CommandHandlers } from './types.js';
import type { ServerConfig } from '../config/config.js';
import { ValueType, binaryKey } from '../keyspace/encoding.js';
import { ERR_NOT_INTEGER, ERR_WRONGTYPE, addInt64, int64Text, parseInt64, parseIntegerArg, type Int64 } from '../keyspace/numbers.js';
import { addLongDouble, formatLongDouble, parseLongDouble, type LongDouble } from '../keyspace/long-double.js';
import { durable, memberScanCommand, notifyCollection, parseRandomCount, replyTooBig, retryAfter, whenReady, type ScanOptions } from './command-support.js';
import { NOTIFY_HASH } from '../pubsub/keyspace-events.js';
import { WRONG_TYPE, openCollection, openOrCreate, type Collection } from '../types/collection.js';
import { allFields, deleteField, fieldValue, randomFields, readFields, readFieldsForWrite, scanFields, setField, type FieldEntry, type HashEncodingLimits } from '../types/hash.js';

const ERR_HASH_NOT_INTEGER = 'ERR hash value is not an integer';
const ERR_HASH_NOT_FLOAT = 'ERR hash value is not a float';
const ERR_OVERFLOW = 'ERR increment or decrement would overflow';
const ERR_NOT_FLOAT = 'ERR value is not a valid float';

function limitsOf(config: ServerConfig): HashEncodingLimits {
  return { maxEntries: config.hashMaxListpackEntries, maxValue: config.hashMaxListpackValue };
}

// ---------------------------------------------------------------- writes

/** HSET and HMSET: field/value pairs; HSET answers how many fields are new, HMSET +OK. */
function setPairs(ctx: CommandContext, argv: Buffer[], self: (ctx: CommandContext, argv: Buffer[]) => void | Promise<void>, replyOk: boolean): void | Promise<void> {
  if (argv.length % 2 === 1) return ctx.reply.error(`ERR wrong number of arguments for '${replyOk ? 'hmset' : 'hset'}' command`);
  const ks = ctx.server.keyspace;
  const hash = openOrCreate(ks, ctx.client.db, binaryKey(argv[1]), ValueType.Hash);
  if (hash instanceof Promise) return retryAfter(hash, self, ctx, argv);
  if (hash === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  const fields: Buffer[] = [];
  for (let i = 2; i < argv.length; i += 2) fields.push(argv[i]);
  const batch = ks.batch();
  const existing = readFieldsForWrite(hash, batch, fields);
  if (existing instanceof Promise) return retryAfter(existing, self, ctx, argv);
  const limits = limitsOf(ctx.server.config);
  const before = hash.meta.count;
  // The same field twice in one command: the second write is an overwrite of the first.
  const seen = new Set<BinaryKeyText>();
  for (let i = 0; i < fields.length; i++) {
    const name = binaryKey(fields[i]);
    const found = seen.has(name) ? EXISTS : existing[i];
    seen.add(name);
    setField(hash, batch, fields[i], argv[3 + 2 * i], found, limits);
  }
  const write = hash.commit(batch);
  if (replyOk) ctx.reply.ok();
  else ctx.reply.integer(hash.meta.count - before);
  notifyCollection(ctx, NOTIFY_HASH, 'hset', hash);
  return durable(write);
}

type BinaryKeyText = string;
/** Stands for "this field exists" where only its existence matters. */
const EXISTS = Buffer.alloc(1);

function hsetCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  return setPairs(ctx, argv, hsetCommand, false);
}

function hmsetCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  return setPairs(ctx, argv, hmsetCommand, true);
}

function hsetnxCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const ks = ctx.server.keyspace;
  const hash = openOrCreate(ks, ctx.client.db, binaryKey(argv[1]), ValueType.Hash);
  if (hash instanceof Promise) return retryAfter(hash, hsetnxCommand, ctx, argv);
  if (hash === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  const batch = ks.batch();
  const existing = readFieldsForWrite(hash, batch, [argv[2]]);
  if (existing instanceof Promise) return retryAfter(existing, hsetnxCommand, ctx, argv);
  if (existing[0] !== null) return ctx.reply.integer(0);
  setField(hash, batch, argv[2], argv[3], null, limitsOf(ctx.server.config));
  const write = hash.commit(batch);
  ctx.reply.integer(1);
  notifyCollection(ctx, NOTIFY_HASH, 'hset', hash);
  return durable(write);
}

function hdelCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const ks = ctx.server.keyspace;
  const hash = openCollection(ks, ctx.client.db, binaryKey(argv[1]), ValueType.Hash, false);
  if (hash === null) return ctx.reply.integer(0);
  if (hash instanceof Promise) return retryAfter(hash, hdelCommand, ctx, argv);
  if (hash === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  const fields = argv.slice(2);
  const batch = ks.batch();
  const existing = readFieldsForWrite(hash, batch, fields);
  if (existing instanceof Promise) return retryAfter(existing, hdelCommand, ctx, argv);
  const deleted = new Set<BinaryKeyText>();
  for (let i = 0; i < fields.length; i++) {
    const name = binaryKey(fields[i]);
    if (existing[i] === null || deleted.has(name)) continue;
    deleted.add(name);
    deleteField(hash, batch, fields[i], existing[i] as Buffer);
  }
  if (deleted.size === 0) return ctx.reply.integer(0);
  const write = hash.commit(batch);
  notifyCollection(ctx, NOTIFY_HASH, 'hdel', hash);
  ctx.reply.integer(deleted.size);
  return durable(write);
}

function hincrbyCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const increment = parseIntegerArg(argv[3]);
  if (increment === undefined) return ctx.reply.error(ERR_NOT_INTEGER);
  const ks = ctx.server.keyspace;
  const hash = openOrCreate(ks, ctx.client.db, binaryKey(argv[1]), ValueType.Hash);
  if (hash instanceof Promise) return retryAfter(hash, hincrbyCommand, ctx, argv);
  if (hash === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  const batch = ks.batch();
  const existing = readFieldsForWrite(hash, batch, [argv[2]]);
  if (existing instanceof Promise) return retryAfter(existing, hincrbyCommand, ctx, argv);
  let current: Int64 = 0;
  const stored = existing[0];
  if (stored !== null) {
    const value = fieldValue(stored);
    const parsed = parseInt64(value, 0, value.length);
    if (parsed === undefined) return ctx.reply.error(ERR_HASH_NOT_INTEGER);
    current = parsed;
  }
  const next = addInt64(current, increment);
  if (next === undefined) return ctx.reply.error(ERR_OVERFLOW);
  // HINCRBY keeps the field's TTL (Redis' HASH_SET_KEEP_TTL).
  setField(hash, batch, argv[2], Buffer.from(int64Text(next), 'latin1'), stored, limitsOf(ctx.server.config), true);
  const write = hash.commit(batch);
  ctx.reply.integer(next);
  notifyCollection(ctx, NOTIFY_HASH, 'hincrby', hash);
  return durable(write);
}

const ZERO: LongDouble = { infinite: false, negative: false, significand: 0n, exponent: 0 };

function hincrbyfloatCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const increment = parseLongDouble(binaryKey(argv[3]));
  if (increment === undefined) return ctx.reply.error(ERR_NOT_FLOAT);
  if (increment.infinite) return ctx.reply.error('ERR value is NaN or Infinity');
  const ks = ctx.server.keyspace;
  const hash = openOrCreate(ks, ctx.client.db, binaryKey(argv[1]), ValueType.Hash);
  if (hash instanceof Promise) return retryAfter(hash, hincrbyfloatCommand, ctx, argv);
  if (hash === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  const batch = ks.batch();
  const existing = readFieldsForWrite(hash, batch, [argv[2]]);
  if (existing instanceof Promise) return retryAfter(existing, hincrbyfloatCommand, ctx, argv);
  let current: LongDouble | undefined = ZERO;
  const stored = existing[0];
  if (stored !== null) current = parseLongDouble(binaryKey(fieldValue(stored)));
  if (current === undefined) return ctx.reply.error(ERR_HASH_NOT_FLOAT);
  const sum = addLongDouble(current, increment);
  if (sum === undefined) return ctx.reply.error('ERR increment would produce NaN or Infinity');
  const text = formatLongDouble(sum);
  setField(hash, batch, argv[2], Buffer.from(text, 'latin1'), stored, limitsOf(ctx.server.config), true);
  const write = hash.commit(batch);
  ctx.reply.bulk(text);
  notifyCollection(ctx, NOTIFY_HASH, 'hincrbyfloat', hash);
  return durable(write);
}

// ---------------------------------------------------------------- reads

function hgetCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const hash = openCollection(ctx.server.keyspace, ctx.client.db, binaryKey(argv[1]), ValueType.Hash, true);
  if (hash === null) return ctx.reply.nullBulk();
  if (hash instanceof Promise) return retryAfter(hash, hgetCommand, ctx, argv);
  if (hash === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  const found = readFields(hash, [argv[2]]);
  if (found instanceof Promise) return retryAfter(found, hgetCommand, ctx, argv);
  ctx.reply.bulk(found[0] === null ? null : fieldValue(found[0]));
}

function hmgetCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const hash = openCollection(ctx.server.keyspace, ctx.client.db, binaryKey(argv[1]), ValueType.Hash, true);
  if (hash instanceof Promise) return retryAfter(hash, hmgetCommand, ctx, argv);
  if (hash === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  const fields = argv.slice(2);
  const found = hash === null ? fields.map(() => null) : readFields(hash, fields);
  if (found instanceof Promise) return retryAfter(found, hmgetCommand, ctx, argv);
  ctx.reply.arrayHeader(found.length);
  for (const stored of found) ctx.reply.bulk(stored === null ? null : fieldValue(stored));
}

function hlenCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const hash = openCollection(ctx.server.keyspace, ctx.client.db, binaryKey(argv[1]), ValueType.Hash, true);
  if (hash === null) return ctx.reply.integer(0);
  if (hash instanceof Promise) return retryAfter(hash, hlenCommand, ctx, argv);
  if (hash === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  ctx.reply.integer(hash.meta.count);
}

function hstrlenCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const hash = openCollection(ctx.server.keyspace, ctx.client.db, binaryKey(argv[1]), ValueType.Hash, true);
  if (hash === null) return ctx.reply.integer(0);
  if (hash instanceof Promise) return retryAfter(hash, hstrlenCommand, ctx, argv);
  if (hash === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  const found = readFields(hash, [argv[2]]);
  if (found instanceof Promise) return retryAfter(found, hstrlenCommand, ctx, argv);
  ctx.reply.integer(found[0] === null ? 0 : fieldValue(found[0]).length);
}

function hexistsCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const hash = openCollection(ctx.server.keyspace, ctx.client.db, binaryKey(argv[1]), ValueType.Hash, true);
  if (hash === null) return ctx.reply.integer(0);
  if (hash instanceof Promise) return retryAfter(hash, hexistsCommand, ctx, argv);
  if (hash === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  const found = readFields(hash, [argv[2]]);
  if (found instanceof Promise) return retryAfter(found, hexistsCommand, ctx, argv);
  ctx.reply.integer(found[0] === null ? 0 : 1);
}

const enum Part {
  Keys = 1,
  Values = 2,
  Both = 3,
}

/** HKEYS, HVALS, HGETALL: every field, in field byte order (Redis leaves the order undefined). */
function walkCommand(part: Part): (ctx: CommandContext, argv: Buffer[]) => void | Promise<void> {
  const handler = (ctx: CommandContext, argv: Buffer[]): void | Promise<void> => {
    const hash = openCollection(ctx.server.keyspace, ctx.client.db, binaryKey(argv[1]), ValueType.Hash, true);
    if (hash instanceof Promise) return retryAfter(hash, handler, ctx, argv);
    if (hash === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
    if (hash === null) {
      if (part === Part.Both) ctx.reply.mapHeader(0);
      else ctx.reply.arrayHeader(0);
      return;
    }
    return allFields(hash).then((entries) => {
      const r = ctx.reply;
      if (part === Part.Both) r.mapHeader(entries.length);
      else r.arrayHeader(entries.length);
      for (const [field, value] of entries) {
        if ((part & Part.Keys) !== 0) r.bulk(field);
        if ((part & Part.Values) !== 0) r.bulk(value);
      }
    });
  };
  return handler;
}

// ---------------------------------------------------------------- HRANDFIELD, HSCAN

/**
 * HRANDFIELD key [count [WITHVALUES]], in the order of Redis' hrandfieldCommand: the count and
 * WITHVALUES are checked before the key. With a count the reply is an array, even empty and even
 * in RESP3: distinct fields for a positive count (the whole hash once it reaches the size),
 * `-count` fields with repeats for a negative one.
 */
function hrandfieldCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const request = parseRandomCount(argv, 'withvalues');
  if (typeof request === 'string') return ctx.reply.error(request);
  const hash = openCollection(ctx.server.keyspace, ctx.client.db, binaryKey(argv[1]), ValueType.Hash, true);
  if (hash instanceof Promise) return retryAfter(hash, hrandfieldCommand, ctx, argv);
  if (hash === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  const { count, withValues } = request;
  if (count === null) {
    if (hash === null) return ctx.reply.nullBulk();
    return whenReady(randomFields(hash, 1, true, false), (picked) => ctx.reply.bulk(picked.length === 0 ? null : picked[0][0]));
  }
  if (hash === null || count === 0) return ctx.reply.arrayHeader(0);
  if (count < 0) {
    const n = Number(-count);
    if (replyTooBig(ctx, withValues ? 2 * n : n)) return;
    return whenReady(randomFields(hash, n, false, withValues), (picked) => replyFields(ctx, picked, withValues));
  }
  if (count >= hash.meta.count) return allFields(hash).then((all) => replyFields(ctx, all, withValues));
  return whenReady(randomFields(hash, Number(count), true, withValues), (picked) => replyFields(ctx, picked, withValues));
}

/** Fields, with their values when asked: flat pairs in RESP2, [field, value] arrays in RESP3. */
function replyFields(ctx: CommandContext, entries: readonly FieldEntry[], withValues: boolean): void {
  const r = ctx.reply;
  if (!withValues) {
    r.arrayHeader(entries.length);
    for (const [field] of entries) r.bulk(field);
    return;
  }
  const nested = r.resp === 3;
  r.arrayHeader(nested ? entries.length : entries.length * 2);
  for (const [field, value] of entries) {
    if (nested) r.arrayHeader(2);
    r.bulk(field);
    r.bulk(value);
  }
}

/**
 * HSCAN's pages (memberScanCommand checks the arguments): types/hash.ts, scanFields. Field and
 * value pairs, flat, in RESP3 too.
 */
async function hscanPage(ctx: CommandContext, hash: Collection, cursor: string, options: ScanOptions): Promise<void> {
  const page = await scanFields(hash, cursor, options.count, options.pattern);
  // The cursor must be durable before a client can rely on it (a crash must not forget it).
  if (page.durable !== undefined) await page.durable;
  const r = ctx.reply;
  r.arrayHeader(2);
  r.bulk(page.cursor);
  r.arrayHeader(page.fields.length * 2);
  for (const [field, value] of page.fields) {
    r.bulk(field);
    r.bulk(value);
  }
}

// ---------------------------------------------------------------- handlers

/** Handlers by command name; the metadata is in ../command-table/hashes.ts. */
export const hashHandlers: CommandHandlers = {
  hset: hsetCommand,
  hsetnx: hsetnxCommand,
  hmset: hmsetCommand,
  hget: hgetCommand,
  hmget: hmgetCommand,
  hdel: hdelCommand,
  hlen: hlenCommand,
  hstrlen: hstrlenCommand,
  hexists: hexistsCommand,
  hkeys: walkCommand(Part.Keys),
  hvals: walkCommand(Part.Values),
  hgetall: walkCommand(Part.Both),
  hincrby: hincrbyCommand,
  hincrbyfloat: hincrbyfloatCommand,
  hrandfield: hrandfieldCommand,
  hscan: memberScanCommand(ValueType.Hash, hscanPage),
};
