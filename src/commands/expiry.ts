/**
 * Expiry commands: EXPIRE PEXPIRE EXPIREAT PEXPIREAT (NX XX GT LT) TTL PTTL EXPIRETIME
 * PEXPIRETIME PERSIST.
 *
 * The expire time lives in the value's header (see src/keyspace/encoding.ts), so changing it
 * rewrites the value; the keyspace moves the key's expiry index entry in the same batch.
 */
import type { CommandContext, CommandHandlers } from './types.js';
import { NO_EXPIRE, binaryKey, expireAt, expireAtExact, withExpire } from '../keyspace/encoding.js';
import { ERR_NOT_INTEGER, INT64_MAX, INT64_MIN, argIs, cString, parseIntegerArg } from '../keyspace/numbers.js';
import { durable, notify, retryAfter } from './command-support.js';
import { NOTIFY_GENERIC } from '../pubsub/keyspace-events.js';

const OPT_NX = 1;
const OPT_XX = 2;
const OPT_GT = 4;
const OPT_LT = 8;

type Handler = (ctx: CommandContext, argv: Buffer[]) => void | Promise<void>;

/**
 * Redis' expireGenericCommand. `baseTime` is 0 for the *AT forms and now otherwise; the time
 * arithmetic is done in bigint so that the overflow checks match Redis' exactly.
 */
function expireGeneric(ctx: CommandContext, argv: Buffer[], name: string, inSeconds: boolean, absolute: boolean, self: Handler): void | Promise<void> {
  let flags = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j];
    if (argIs(opt, 'nx')) flags |= OPT_NX;
    else if (argIs(opt, 'xx')) flags |= OPT_XX;
    else if (argIs(opt, 'gt')) flags |= OPT_GT;
    else if (argIs(opt, 'lt')) flags |= OPT_LT;
    // addReplyErrorFormat: CR and LF at the end of the message are trimmed.
    else return ctx.reply.error(`ERR Unsupported option ${cString(opt).replace(/[\r\n]+$/, '')}`);
  }
  if ((flags & OPT_NX) !== 0 && (flags & (OPT_XX | OPT_GT | OPT_LT)) !== 0) {
    return ctx.reply.error('ERR NX and XX, GT or LT options at the same time are not compatible');
  }
  if ((flags & OPT_GT) !== 0 && (flags & OPT_LT) !== 0) {
    return ctx.reply.error('ERR GT and LT options at the same time are not compatible');
  }
  const parsed = parseIntegerArg(argv[2]);
  if (parsed === undefined) return ctx.reply.error(ERR_NOT_INTEGER);
  const invalid = `ERR invalid expire time in '${name}' command`;
  let when = BigInt(parsed);
  if (inSeconds) {
    if (when > INT64_MAX / 1000n || when < INT64_MIN / 1000n) return ctx.reply.error(invalid);
    when *= 1000n;
  }
  const now = Date.now();
  const base = absolute ? 0n : BigInt(now);
  if (when > INT64_MAX - base) return ctx.reply.error(invalid);
  when += base;

  const ks = ctx.server.keyspace;
  const db = ctx.client.db;
  const key = binaryKey(argv[1]);
  const value = ks.lookupWrite(db, key);
  if (value instanceof Promise) return retryAfter(value, self, ctx, argv);
  if (value === null) return ctx.reply.integer(0);
  if (flags !== 0) {
    const current = expireAtExact(value);
    const hasTtl = current !== NO_EXPIRE;
    if ((flags & OPT_NX) !== 0 && hasTtl) return ctx.reply.integer(0);
    if ((flags & OPT_XX) !== 0 && !hasTtl) return ctx.reply.integer(0);
    // No TTL counts as an infinite one: GT never beats it, LT always does.
    if ((flags & OPT_GT) !== 0 && (!hasTtl || when <= BigInt(current))) return ctx.reply.integer(0);
    if ((flags & OPT_LT) !== 0 && hasTtl && when >= BigInt(current)) return ctx.reply.integer(0);
  }
  let write: Promise<unknown>;
  if (when <= BigInt(now)) {
    write = ks.remove(db, key, value);
    notify(ctx, NOTIFY_GENERIC, 'del', key);
  } else {
    write = ks.store(db, key, withExpire(value, Number(when)), value);
    // Redis answers before this one (and after the 'del' above).
    ctx.reply.integer(1);
    notify(ctx, NOTIFY_GENERIC, 'expire', key);
    return durable(write);
  }
  ctx.reply.integer(1);
  return durable(write);
}

function expireCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  return expireGeneric(ctx, argv, 'expire', true, false, expireCommand);
}

function pexpireCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  return expireGeneric(ctx, argv, 'pexpire', false, false, pexpireCommand);
}

function expireatCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  return expireGeneric(ctx, argv, 'expireat', true, true, expireatCommand);
}

function pexpireatCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  return expireGeneric(ctx, argv, 'pexpireat', false, true, pexpireatCommand);
}

/** Redis' ttlGenericCommand: -2 missing, -1 no TTL, else remaining (or absolute) time, seconds rounded. */
function ttlGeneric(ctx: CommandContext, argv: Buffer[], inMs: boolean, absolute: boolean, self: Handler): void | Promise<void> {
  const value = ctx.server.keyspace.lookupRead(ctx.client.db, binaryKey(argv[1]));
  if (value instanceof Promise) return retryAfter(value, self, ctx, argv);
  if (value === null) return ctx.reply.integer(-2);
  const expire = expireAtExact(value);
  if (expire === NO_EXPIRE) return ctx.reply.integer(-1);
  if (typeof expire === 'number') {
    let ttl = absolute ? expire : expire - Date.now();
    if (ttl < 0) ttl = 0;
    return ctx.reply.integer(inMs ? ttl : Math.floor((ttl + 500) / 1000));
  }
  let ttl = absolute ? expire : expire - BigInt(Date.now());
  if (ttl < 0n) ttl = 0n;
  ctx.reply.integer(inMs ? ttl : (ttl + 500n) / 1000n);
}

function ttlCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  return ttlGeneric(ctx, argv, false, false, ttlCommand);
}

function pttlCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  return ttlGeneric(ctx, argv, true, false, pttlCommand);
}

function expiretimeCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  return ttlGeneric(ctx, argv, false, true, expiretimeCommand);
}

function pexpiretimeCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  return ttlGeneric(ctx, argv, true, true, pexpiretimeCommand);
}

function persistCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const ks = ctx.server.keyspace;
  const db = ctx.client.db;
  const key = binaryKey(argv[1]);
  const value = ks.lookupWrite(db, key);
  if (value instanceof Promise) return retryAfter(value, persistCommand, ctx, argv);
  if (value === null || expireAt(value) === NO_EXPIRE) return ctx.reply.integer(0);
  const write = ks.store(db, key, withExpire(value, NO_EXPIRE), value);
  notify(ctx, NOTIFY_GENERIC, 'persist', key);
  ctx.reply.integer(1);
  return durable(write);
}

/** Handlers by command name; the metadata is in ../command-table/expiry.ts. */
export const expiryHandlers: CommandHandlers = {
  expire: expireCommand,
  pexpire: pexpireCommand,
  expireat: expireatCommand,
  pexpireat: pexpireatCommand,
  ttl: ttlCommand,
  pttl: pttlCommand,
  expiretime: expiretimeCommand,
  pexpiretime: pexpiretimeCommand,
  persist: persistCommand,
};
