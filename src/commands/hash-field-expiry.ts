/**
 * Hash-field expiration: Redis 7.4's HEXPIRE HPEXPIRE HEXPIREAT HPEXPIREAT HTTL HPTTL HEXPIRETIME
 * HPEXPIRETIME HPERSIST and Redis 8.0's HGETEX HSETEX HGETDEL (docs/format.md, "Hash field
 * expiration"; metadata in ../command-table/hashes.ts).
 *
 * Each handler checks its arguments in the order of Redis 8's t_hash.c (the key's type first,
 * except HSETEX, which parses everything before its lookup), with its error texts, then reads the
 * fields it names and writes the changes in one batch. A field named twice sees what the first
 * mention did (`Staged`). Times are taken once per command (Redis' commandTimeSnapshot). Expired
 * fields never reach a handler: the lookup reclaims them first (types/hash-field-expiry.ts).
 */
import type { CommandContext, CommandHandler, CommandHandlers } from './types.js';
import type { ServerConfig } from '../config/config.js';
import { NO_EXPIRE, ValueType, binaryKey } from '../keyspace/encoding.js';
import { ERR_NOT_INTEGER, ERR_WRONGTYPE, argIs, parseIntegerArg } from '../keyspace/numbers.js';
import { durable, notifyEmptied, retryAfter } from './command-support.js';
import { NOTIFY_GENERIC, NOTIFY_HASH } from '../pubsub/keyspace-events.js';
import { WRONG_TYPE, openCollection, openOrCreate, type Collection } from '../types/collection.js';
import { deleteField, fieldExpireAt, fieldValue, markFieldTtls, readFields, readFieldsForWrite, setFieldExpire, writeField, type HashEncodingLimits } from '../types/hash.js';
import type { KeyspaceBatch } from '../keyspace/keyspace.js';
import { encodeMeta } from '../keyspace/collection-encoding.js';

/** Redis' HFE_MAX_ABS_TIME_MSEC: EB_EXPIRE_TIME_MAX (2^48 - 1) >> 2. */
const MAX_ABS_TIME_MS = 70368744177663;

const ERR_FIELDS_MISSING = 'ERR Mandatory argument FIELDS is missing or not at the right position';
const ERR_NUMFIELDS_POSITIVE = 'ERR Number of fields must be a positive integer';
const ERR_NUMFIELDS_GREATER = 'ERR Parameter `numFields` should be greater than 0';
const ERR_NUMFIELDS_MATCH = 'ERR The `numfields` parameter must match the number of arguments';

/** Per-field replies (Redis' SetExRes, GetExpireTimeRes, SetPersistRes). */
const NO_FIELD = -2;
const NO_TTL = -1;
const CONDITION_NOT_MET = 0;
const DONE = 1;
const DELETED = 2;

const enum Unit {
  Seconds,
  Milliseconds,
}

const enum Cond {
  None,
  NX,
  XX,
  GT,
  LT,
}

function limitsOf(config: ServerConfig): HashEncodingLimits {
  return { maxEntries: config.hashMaxListpackEntries, maxValue: config.hashMaxListpackValue };
}

/**
 * Redis' parseExpireTime of t_hash.c: the absolute time in ms, or the error text. `base` is the
 * command's time for relative times, 0 for absolute ones.
 */
function parseFieldExpire(arg: Buffer, unit: Unit, base: number, command: string): number | string {
  const parsed = parseIntegerArg(arg);
  if (parsed === undefined) return ERR_NOT_INTEGER;
  const invalid = `ERR invalid expire time in '${command}' command`;
  if (parsed < 0) return 'ERR invalid expire time, must be >= 0';
  let ms = typeof parsed === 'bigint' ? Infinity : parsed;
  if (unit === Unit.Seconds) {
    if (ms > Math.floor(MAX_ABS_TIME_MS / 1000)) return invalid;
    ms *= 1000;
  }
  if (ms > MAX_ABS_TIME_MS - base) return invalid;
  return ms + base;
}

/**
 * `FIELDS numfields field...` from argv[at]: the fields, or the error text. `positive` is the
 * numfields error of the command (HEXPIRE's differs from the others').
 */
function parseFields(argv: Buffer[], at: number, numfieldsError: string): Buffer[] | string {
  if (at >= argv.length || !argIs(argv[at], 'fields')) return ERR_FIELDS_MISSING;
  const n = at + 1 < argv.length ? parseIntegerArg(argv[at + 1]) : undefined;
  if (n === undefined || n < 1) return numfieldsError;
  if (BigInt(n) !== BigInt(argv.length - at - 2)) return ERR_NUMFIELDS_MATCH;
  return argv.slice(at + 2);
}

/**
 * The fields as the command goes: what readFields found, then what the command wrote to each
 * (null: deleted), so that a field named twice sees the first change.
 */
class Staged {
  private readonly written = new Map<string, Buffer | null>();

  constructor(private readonly found: readonly (Buffer | null)[]) {}

  get(i: number, field: Buffer): Buffer | null {
    const name = binaryKey(field);
    return this.written.has(name) ? (this.written.get(name) as Buffer | null) : this.found[i];
  }

  set(field: Buffer, record: Buffer | null): void {
    this.written.set(binaryKey(field), record);
  }
}

/**
 * Commits the batch when the command changed fields; otherwise writes only a metadata change
 * nobody watches (a hash turned listpackex), if any. Returns the write to await, if any.
 */
function commitHash(hash: Collection, batch: KeyspaceBatch, changed: boolean, flagsBefore: number): Promise<unknown> | undefined {
  if (changed) return hash.commit(batch);
  if (hash.exists && hash.meta.flags !== flagsBefore) {
    const ks = hash.ks;
    return ks.batch().putUnwatched(hash.db, hash.key, encodeMeta(hash.meta), hash.previous).commit();
  }
  return undefined;
}

/** The field was deleted because its new time has passed (Redis counts it as an expired subkey). */
function deleteExpiredNow(ctx: CommandContext, hash: Collection, batch: KeyspaceBatch, field: Buffer, record: Buffer, staged: Staged): void {
  deleteField(hash, batch, field, record);
  staged.set(field, null);
  ctx.server.keyspace.stats.expiredSubkeys++;
}

// ---------------------------------------------------------------- HEXPIRE and friends

/** HEXPIRE, HPEXPIRE, HEXPIREAT, HPEXPIREAT key time [NX | XX | GT | LT] FIELDS numfields field... */
function hexpireCommand(name: string, unit: Unit, relative: boolean): CommandHandler {
  const handler = (ctx: CommandContext, argv: Buffer[]): void | Promise<void> => {
    const ks = ctx.server.keyspace;
    const hash = openCollection(ks, ctx.client.db, binaryKey(argv[1]), ValueType.Hash, false);
    if (hash instanceof Promise) return retryAfter(hash, handler, ctx, argv);
    if (hash === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
    const now = Date.now();
    const expire = parseFieldExpire(argv[2], unit, relative ? now : 0, name);
    if (typeof expire === 'string') return ctx.reply.error(expire);
    let cond = Cond.None;
    if (argIs(argv[3], 'nx')) cond = Cond.NX;
    else if (argIs(argv[3], 'xx')) cond = Cond.XX;
    else if (argIs(argv[3], 'gt')) cond = Cond.GT;
    else if (argIs(argv[3], 'lt')) cond = Cond.LT;
    const fields = parseFields(argv, cond === Cond.None ? 3 : 4, ERR_NUMFIELDS_GREATER);
    if (typeof fields === 'string') return ctx.reply.error(fields);
    if (hash === null) return replyAll(ctx, fields.length, NO_FIELD);
    const batch = ks.batch();
    const found = readFieldsForWrite(hash, batch, fields);
    if (found instanceof Promise) return retryAfter(found, handler, ctx, argv);
    const flagsBefore = hash.meta.flags;
    markFieldTtls(hash);
    const staged = new Staged(found);
    const results: number[] = [];
    let updated = 0;
    let deleted = 0;
    for (let i = 0; i < fields.length; i++) {
      const record = staged.get(i, fields[i]);
      if (record === null) {
        results.push(NO_FIELD);
        continue;
      }
      const prev = fieldExpireAt(record);
      const met =
        prev === NO_EXPIRE
          ? cond !== Cond.XX && cond !== Cond.GT // for a field without a TTL, LT is met (Redis)
          : !((cond === Cond.GT && prev >= expire) || (cond === Cond.LT && prev <= expire) || cond === Cond.NX);
      if (!met) {
        results.push(CONDITION_NOT_MET);
      } else if (expire <= now) {
        deleteExpiredNow(ctx, hash, batch, fields[i], record, staged);
        results.push(DELETED);
        deleted++;
      } else {
        staged.set(fields[i], setFieldExpire(hash, batch, fields[i], record, expire));
        results.push(DONE);
        updated++;
      }
    }
    const write = commitHash(hash, batch, updated + deleted > 0, flagsBefore);
    ctx.reply.arrayHeader(results.length);
    for (const r of results) ctx.reply.integer(r);
    if (updated + deleted > 0) {
      ks.events.notify(NOTIFY_HASH, deleted > 0 ? 'hdel' : 'hexpire', hash.key, hash.db);
      notifyEmptied(ctx, hash);
    }
    return durable(write);
  };
  return handler;
}

function replyAll(ctx: CommandContext, n: number, value: number): void {
  ctx.reply.arrayHeader(n);
  for (let i = 0; i < n; i++) ctx.reply.integer(value);
}

/** HTTL, HPTTL (relative to now), HEXPIRETIME, HPEXPIRETIME: per field, -2 no field, -1 no TTL. */
function httlCommand(unit: Unit, relative: boolean): CommandHandler {
  const handler = (ctx: CommandContext, argv: Buffer[]): void | Promise<void> => {
    const hash = openCollection(ctx.server.keyspace, ctx.client.db, binaryKey(argv[1]), ValueType.Hash, true);
    if (hash instanceof Promise) return retryAfter(hash, handler, ctx, argv);
    if (hash === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
    const fields = parseFields(argv, 2, ERR_NUMFIELDS_POSITIVE);
    if (typeof fields === 'string') return ctx.reply.error(fields);
    if (hash === null) return replyAll(ctx, fields.length, NO_FIELD);
    const found = readFields(hash, fields);
    if (found instanceof Promise) return retryAfter(found, handler, ctx, argv);
    const base = relative ? Date.now() : 0;
    ctx.reply.arrayHeader(found.length);
    for (const record of found) {
      if (record === null) ctx.reply.integer(NO_FIELD);
      else {
        const expire = fieldExpireAt(record);
        if (expire === NO_EXPIRE) ctx.reply.integer(NO_TTL);
        else ctx.reply.integer(unit === Unit.Seconds ? Math.floor((expire + 999 - base) / 1000) : expire - base);
      }
    }
  };
  return handler;
}

/** HPERSIST key FIELDS numfields field...: per field, -2 no field, -1 no TTL, 1 TTL removed. */
function hpersistCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const ks = ctx.server.keyspace;
  const hash = openCollection(ks, ctx.client.db, binaryKey(argv[1]), ValueType.Hash, false);
  if (hash instanceof Promise) return retryAfter(hash, hpersistCommand, ctx, argv);
  if (hash === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  const fields = parseFields(argv, 2, ERR_NUMFIELDS_POSITIVE);
  if (typeof fields === 'string') return ctx.reply.error(fields);
  if (hash === null) return replyAll(ctx, fields.length, NO_FIELD);
  const batch = ks.batch();
  const found = readFieldsForWrite(hash, batch, fields);
  if (found instanceof Promise) return retryAfter(found, hpersistCommand, ctx, argv);
  const staged = new Staged(found);
  const results: number[] = [];
  let changed = 0;
  for (let i = 0; i < fields.length; i++) {
    const record = staged.get(i, fields[i]);
    if (record === null) results.push(NO_FIELD);
    else if (fieldExpireAt(record) === NO_EXPIRE) results.push(NO_TTL);
    else {
      staged.set(fields[i], setFieldExpire(hash, batch, fields[i], record, NO_EXPIRE));
      results.push(DONE);
      changed++;
    }
  }
  const write = changed > 0 ? hash.commit(batch) : undefined;
  ctx.reply.arrayHeader(results.length);
  for (const r of results) ctx.reply.integer(r);
  if (changed > 0) ks.events.notify(NOTIFY_HASH, 'hpersist', hash.key, hash.db);
  return durable(write);
}

// ---------------------------------------------------------------- HGETDEL, HGETEX, HSETEX

/** HGETDEL key FIELDS numfields field...: the values (nil: no such field), each found field deleted. */
function hgetdelCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const ks = ctx.server.keyspace;
  const hash = openCollection(ks, ctx.client.db, binaryKey(argv[1]), ValueType.Hash, false);
  if (hash instanceof Promise) return retryAfter(hash, hgetdelCommand, ctx, argv);
  if (hash === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  const fields = parseFields(argv, 2, ERR_NUMFIELDS_POSITIVE);
  if (typeof fields === 'string') return ctx.reply.error(fields);
  if (hash === null) return replyNulls(ctx, fields.length);
  const batch = ks.batch();
  const found = readFieldsForWrite(hash, batch, fields);
  if (found instanceof Promise) return retryAfter(found, hgetdelCommand, ctx, argv);
  const staged = new Staged(found);
  let deleted = 0;
  ctx.reply.arrayHeader(fields.length);
  for (let i = 0; i < fields.length; i++) {
    const record = staged.get(i, fields[i]);
    ctx.reply.bulk(record === null ? null : fieldValue(record));
    if (record === null) continue;
    deleteField(hash, batch, fields[i], record);
    staged.set(fields[i], null);
    deleted++;
  }
  if (deleted === 0) return;
  const write = hash.commit(batch);
  ks.events.notify(NOTIFY_HASH, 'hdel', hash.key, hash.db);
  notifyEmptied(ctx, hash);
  return durable(write);
}

function replyNulls(ctx: CommandContext, n: number): void {
  ctx.reply.arrayHeader(n);
  for (let i = 0; i < n; i++) ctx.reply.nullBulk();
}

const enum Expiry {
  None,
  EX,
  PX,
  EXAT,
  PXAT,
  PERSIST,
  KEEPTTL,
}

/** HGETEX key [EX s | PX ms | EXAT t | PXAT t | PERSIST] FIELDS numfields field...: the values, with the TTLs changed. */
function hgetexCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const ks = ctx.server.keyspace;
  const hash = openCollection(ks, ctx.client.db, binaryKey(argv[1]), ValueType.Hash, false);
  if (hash instanceof Promise) return retryAfter(hash, hgetexCommand, ctx, argv);
  if (hash === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  let cond = Expiry.None;
  if (argIs(argv[2], 'ex')) cond = Expiry.EX;
  else if (argIs(argv[2], 'px')) cond = Expiry.PX;
  else if (argIs(argv[2], 'exat')) cond = Expiry.EXAT;
  else if (argIs(argv[2], 'pxat')) cond = Expiry.PXAT;
  else if (argIs(argv[2], 'persist')) cond = Expiry.PERSIST;
  const now = Date.now();
  let expire = NO_EXPIRE;
  let fieldsAt = 2;
  if (cond === Expiry.PERSIST) fieldsAt = 3;
  else if (cond !== Expiry.None) {
    fieldsAt = 4;
    const unit = cond === Expiry.EX || cond === Expiry.EXAT ? Unit.Seconds : Unit.Milliseconds;
    const parsed = parseFieldExpire(argv[3], unit, cond === Expiry.EX || cond === Expiry.PX ? now : 0, 'hgetex');
    if (typeof parsed === 'string') return ctx.reply.error(parsed);
    expire = parsed;
  }
  const fields = parseFields(argv, fieldsAt, ERR_NUMFIELDS_POSITIVE);
  if (typeof fields === 'string') return ctx.reply.error(fields);
  if (hash === null) return replyNulls(ctx, fields.length);
  const batch = ks.batch();
  const found = readFieldsForWrite(hash, batch, fields);
  if (found instanceof Promise) return retryAfter(found, hgetexCommand, ctx, argv);
  const flagsBefore = hash.meta.flags;
  if (cond !== Expiry.None) markFieldTtls(hash);
  const staged = new Staged(found);
  let updated = 0;
  let deleted = 0;
  ctx.reply.arrayHeader(fields.length);
  for (let i = 0; i < fields.length; i++) {
    const record = staged.get(i, fields[i]);
    ctx.reply.bulk(record === null ? null : fieldValue(record));
    if (record === null || cond === Expiry.None) continue;
    if (cond === Expiry.PERSIST) {
      if (fieldExpireAt(record) === NO_EXPIRE) continue; // nothing to persist: not counted, as Redis
      staged.set(fields[i], setFieldExpire(hash, batch, fields[i], record, NO_EXPIRE));
      updated++;
    } else if (expire <= now) {
      deleteExpiredNow(ctx, hash, batch, fields[i], record, staged);
      deleted++;
    } else {
      staged.set(fields[i], setFieldExpire(hash, batch, fields[i], record, expire));
      updated++;
    }
  }
  const write = commitHash(hash, batch, updated + deleted > 0, flagsBefore);
  if (updated > 0) ks.events.notify(NOTIFY_HASH, cond === Expiry.PERSIST ? 'hpersist' : 'hexpire', hash.key, hash.db);
  else if (deleted > 0) ks.events.notify(NOTIFY_HASH, 'hdel', hash.key, hash.db);
  if (updated + deleted > 0) notifyEmptied(ctx, hash);
  return durable(write);
}

/** What HSETEX was asked, once its arguments checked out. */
interface HsetexArgs {
  onlyIfNone: boolean;
  onlyIfAll: boolean;
  expiry: Expiry;
  expire: number;
  firstField: number;
  count: number;
}

const ERR_HSETEX_ARITY = "ERR wrong number of arguments for 'hsetex' command";

/** Redis 8's hsetexParseArgs, in its order: the arguments, or the error text. */
function parseHsetex(argv: Buffer[], now: number): HsetexArgs | string {
  const out: HsetexArgs = { onlyIfNone: false, onlyIfAll: false, expiry: Expiry.None, expire: NO_EXPIRE, firstField: -1, count: 0 };
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i];
    if (argIs(arg, 'fields')) {
      if (i >= argv.length - 3) return ERR_HSETEX_ARITY;
      const n = parseIntegerArg(argv[i + 1]);
      if (n === undefined || n < 1 || n > 0x7fffffff) return 'ERR invalid number of fields';
      const remaining = argv.length - i - 2;
      if (remaining % 2 !== 0 || Number(n) !== remaining / 2) return ERR_HSETEX_ARITY;
      out.firstField = i + 2;
      out.count = Number(n);
      return out;
    }
    const expiry = argIs(arg, 'ex')
      ? Expiry.EX
      : argIs(arg, 'px')
        ? Expiry.PX
        : argIs(arg, 'exat')
          ? Expiry.EXAT
          : argIs(arg, 'pxat')
            ? Expiry.PXAT
            : argIs(arg, 'keepttl')
              ? Expiry.KEEPTTL
              : Expiry.None;
    if (expiry !== Expiry.None) {
      if (out.expiry !== Expiry.None) return 'ERR Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified';
      out.expiry = expiry;
      if (expiry === Expiry.KEEPTTL) continue;
      if (i >= argv.length - 1) return 'ERR missing expire time';
      i++;
      const unit = expiry === Expiry.EX || expiry === Expiry.EXAT ? Unit.Seconds : Unit.Milliseconds;
      const parsed = parseFieldExpire(argv[i], unit, expiry === Expiry.EX || expiry === Expiry.PX ? now : 0, 'hsetex');
      if (typeof parsed === 'string') return parsed;
      out.expire = parsed;
    } else if (argIs(arg, 'fxx') || argIs(arg, 'fnx')) {
      if (out.onlyIfAll || out.onlyIfNone) return 'ERR Only one of FXX or FNX arguments can be specified';
      if (argIs(arg, 'fxx')) out.onlyIfAll = true;
      else out.onlyIfNone = true;
    } else {
      return `ERR unknown argument: ${binaryKey(arg)}`;
    }
  }
  // Unreachable with HSETEX's arity (a FIELDS clause or an error comes first), as in Redis.
  return ERR_HSETEX_ARITY;
}

/** HSETEX key [FNX | FXX] [EX s | PX ms | EXAT t | PXAT t | KEEPTTL] FIELDS numfields field value...: 1 if set, 0 if FNX/FXX said no. */
function hsetexCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const now = Date.now();
  const args = parseHsetex(argv, now);
  if (typeof args === 'string') return ctx.reply.error(args);
  const ks = ctx.server.keyspace;
  const key = binaryKey(argv[1]);
  const existingHash = openCollection(ks, ctx.client.db, key, ValueType.Hash, false);
  if (existingHash instanceof Promise) return retryAfter(existingHash, hsetexCommand, ctx, argv);
  if (existingHash === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  if (existingHash === null && args.onlyIfAll) return ctx.reply.integer(0);
  const hash = existingHash ?? openOrCreate(ks, ctx.client.db, key, ValueType.Hash);
  if (hash instanceof Promise) return retryAfter(hash, hsetexCommand, ctx, argv);
  if (hash === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  const fields: Buffer[] = [];
  for (let i = 0; i < args.count; i++) fields.push(argv[args.firstField + 2 * i]);
  const batch = ks.batch();
  const found = readFieldsForWrite(hash, batch, fields);
  if (found instanceof Promise) return retryAfter(found, hsetexCommand, ctx, argv);
  if (args.onlyIfAll || args.onlyIfNone) {
    const present = found.filter((f) => f !== null).length;
    if ((args.onlyIfNone && present > 0) || (args.onlyIfAll && present < fields.length)) return ctx.reply.integer(0);
  }
  const setExpiry = args.expiry !== Expiry.None && args.expiry !== Expiry.KEEPTTL;
  if (setExpiry) markFieldTtls(hash);
  const limits = limitsOf(ctx.server.config);
  const staged = new Staged(found);
  let updated = 0;
  let deleted = 0;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    const value = argv[args.firstField + 2 * i + 1];
    const record = staged.get(i, field);
    if (setExpiry && args.expire <= now) {
      // Set, then deleted at once because its time has passed (Redis: HSETEX_DELETED).
      if (record !== null) deleteExpiredNow(ctx, hash, batch, field, record, staged);
      else ctx.server.keyspace.stats.expiredSubkeys++;
      deleted++;
      continue;
    }
    const expire = setExpiry ? args.expire : args.expiry === Expiry.KEEPTTL && record !== null ? fieldExpireAt(record) : NO_EXPIRE;
    staged.set(field, writeField(hash, batch, field, value, record, expire, limits));
    if (setExpiry) updated++;
  }
  const write = hash.commit(batch);
  ctx.reply.integer(1);
  ks.events.notify(NOTIFY_HASH, 'hset', hash.key, hash.db);
  if (deleted > 0 || updated > 0) ks.events.notify(NOTIFY_HASH, deleted > 0 ? 'hdel' : 'hexpire', hash.key, hash.db);
  // Redis created the key, then deletes it when every field it set had a past time.
  if (hash.meta.count === 0) ks.events.notify(NOTIFY_GENERIC, 'del', hash.key, hash.db);
  return durable(write);
}

/** Handlers by command name; the metadata is in ../command-table/hashes.ts. */
export const hashFieldExpiryHandlers: CommandHandlers = {
  hexpire: hexpireCommand('hexpire', Unit.Seconds, true),
  hpexpire: hexpireCommand('hpexpire', Unit.Milliseconds, true),
  hexpireat: hexpireCommand('hexpireat', Unit.Seconds, false),
  hpexpireat: hexpireCommand('hpexpireat', Unit.Milliseconds, false),
  httl: httlCommand(Unit.Seconds, true),
  hpttl: httlCommand(Unit.Milliseconds, true),
  hexpiretime: httlCommand(Unit.Seconds, false),
  hpexpiretime: httlCommand(Unit.Milliseconds, false),
  hpersist: hpersistCommand,
  hgetdel: hgetdelCommand,
  hgetex: hgetexCommand,
  hsetex: hsetexCommand,
};
