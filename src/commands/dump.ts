/**
 * DUMP, RESTORE and RESTORE-ASKING: a key moved as Redis 7.0's serialization (RDB version 10 with
 * a CRC-64 footer), so payloads go between redis-server and StrataKV both ways. The bytes are
 * src/rdb's; reading a key into them and writing a decoded payload as a key, src/types/dump.ts.
 *
 * RESTORE checks the whole payload before it writes anything, then writes the key, its members
 * and its metadata in one batch (a fresh version, as any new key). IDLETIME and FREQ are checked
 * as Redis checks them and otherwise have no effect: StrataKV tracks neither (OBJECT IDLETIME
 * answers 0, OBJECT FREQ Redis' error for a server without an LFU policy).
 */
import type { CommandContext, CommandHandlers } from './types.js';
import { NO_EXPIRE, binaryKey } from '../keyspace/encoding.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, argIs, parseIntegerArg } from '../keyspace/numbers.js';
import { durable, notify, retryAfter } from './command-support.js';
import { NOTIFY_GENERIC, NOTIFY_NEW } from '../pubsub/keyspace-events.js';
import { sealPayload, verifyPayload } from '../rdb/payload.js';
import { decodeObject, type RdbValue } from '../rdb/object.js';
import { RdbError } from '../rdb/reader-error.js';
import { intsetLimit } from '../types/set.js';
import { serializeValue, stageRestore, type RestoreLimits } from '../types/dump.js';
import type { ServerConfig } from '../config/config.js';
import { migrateCommand } from './migrate.js';

const ERR_BUSYKEY = 'BUSYKEY Target key name already exists.';
const ERR_TTL = 'ERR Invalid TTL value, must be >= 0';
const ERR_IDLETIME = 'ERR Invalid IDLETIME value, must be >= 0';
const ERR_FREQ = 'ERR Invalid FREQ value, must be >= 0 and <= 255';
const ERR_PAYLOAD = 'ERR DUMP payload version or checksum are wrong';
const ERR_BAD_DATA = 'ERR Bad data format';
const INT64_MAX = 2n ** 63n - 1n;

async function dumpCommand(ctx: CommandContext, argv: Buffer[]): Promise<void> {
  const ks = ctx.server.keyspace;
  const key = binaryKey(argv[1]);
  let value = ks.lookupRead(ctx.client.db, key);
  while (value instanceof Promise) {
    await value;
    value = ks.lookupRead(ctx.client.db, key);
  }
  if (value === null) return ctx.reply.nullBulk();
  ctx.reply.bulk(sealPayload(await serializeValue(ks, ctx.client.db, key, value)));
}

function limitsOf(config: ServerConfig): RestoreLimits {
  return {
    hash: { maxEntries: config.hashMaxListpackEntries, maxValue: config.hashMaxListpackValue },
    zset: { maxEntries: config.zsetMaxListpackEntries, maxValue: config.zsetMaxListpackValue, rankBucket: config.zsetRankBucketSize },
    maxIntset: intsetLimit(config.setMaxIntsetEntries),
  };
}

/** The options after the payload, checked as Redis' restoreCommand does (first error wins). */
function parseOptions(argv: Buffer[]): { replace: boolean; absttl: boolean } | string {
  let replace = false;
  let absttl = false;
  let idle = false;
  let freq = false;
  for (let j = 4; j < argv.length; j++) {
    const additional = argv.length - j - 1;
    if (argIs(argv[j], 'replace')) replace = true;
    else if (argIs(argv[j], 'absttl')) absttl = true;
    else if (argIs(argv[j], 'idletime') && additional >= 1 && !freq) {
      const v = parseIntegerArg(argv[++j]);
      if (v === undefined) return ERR_NOT_INTEGER;
      if (v < 0) return ERR_IDLETIME;
      idle = true;
    } else if (argIs(argv[j], 'freq') && additional >= 1 && !idle) {
      const v = parseIntegerArg(argv[++j]);
      if (v === undefined) return ERR_NOT_INTEGER;
      if (v < 0 || v > 255) return ERR_FREQ;
      freq = true;
    } else return ERR_SYNTAX;
  }
  return { replace, absttl };
}

function restoreCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const options = parseOptions(argv);
  if (typeof options === 'string') return ctx.reply.error(options);
  const ks = ctx.server.keyspace;
  const db = ctx.client.db;
  const key = binaryKey(argv[1]);
  const existing = ks.lookupWrite(db, key);
  if (existing instanceof Promise) return retryAfter(existing, restoreCommand, ctx, argv);
  if (existing !== null && !options.replace) return ctx.reply.error(ERR_BUSYKEY);
  const ttlArg = parseIntegerArg(argv[2]);
  if (ttlArg === undefined) return ctx.reply.error(ERR_NOT_INTEGER);
  if (ttlArg < 0) return ctx.reply.error(ERR_TTL);
  const payload = argv[3];
  if (!verifyPayload(payload)) return ctx.reply.error(ERR_PAYLOAD);
  let value: RdbValue;
  try {
    value = decodeObject(payload);
  } catch (err) {
    if (err instanceof RdbError) return ctx.reply.error(ERR_BAD_DATA);
    throw err;
  }
  const now = Date.now();
  let expire = NO_EXPIRE;
  let expired = false;
  if (ttlArg !== 0 && ttlArg !== 0n) {
    const at = options.absttl ? BigInt(ttlArg) : BigInt(ttlArg) + BigInt(now);
    // Past INT64_MAX Redis' sum wraps negative: a time long gone.
    expired = at > INT64_MAX || at <= BigInt(now);
    expire = Number(at);
  }
  if (expired) {
    // Redis drops the value; a replaced key is deleted.
    if (existing === null) return ctx.reply.ok();
    const write = ks.remove(db, key, existing);
    notify(ctx, NOTIFY_GENERIC, 'del', key);
    ctx.reply.ok();
    return durable(write);
  }
  const batch = ks.batch();
  // Redis deletes the old value and adds the new one: 'new' even when the key existed.
  if (existing !== null) notify(ctx, NOTIFY_NEW, 'new', key);
  stageRestore(ks, batch, db, key, existing, value, expire, limitsOf(ctx.server.config));
  const write = batch.commit();
  notify(ctx, NOTIFY_GENERIC, 'restore', key);
  ctx.reply.ok();
  return durable(write);
}

/** Handlers by command name; the metadata is in ../command-table/dump.ts. */
export const dumpHandlers: CommandHandlers = {
  dump: dumpCommand,
  restore: restoreCommand,
  'restore-asking': restoreCommand,
  migrate: migrateCommand,
};
