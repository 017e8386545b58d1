/**
 * Generic key commands: DEL UNLINK EXISTS TYPE RENAME RENAMENX COPY KEYS SCAN RANDOMKEY TOUCH
 * OBJECT (ENCODING REFCOUNT IDLETIME FREQ HELP).
 *
 * They work on any value type through the keyspace (type tag, expire time and payload travel
 * together in one engine value). Types added later that keep members under their own engine
 * keys will need RENAME/COPY/MOVE/DEL to carry those along.
 */
import type { CommandContext, CommandHandlers } from './types.js';
import type { BinaryKey } from '../engine/types.js';
import { TYPE_NAMES, binaryKey, payloadOffset, valueType } from '../keyspace/encoding.js';
import { objectEncoding } from '../keyspace/collection-encoding.js';
import { isCollectionValue, writeCollectionCopy } from '../types/collection.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, argIs, parseInt32Arg, parseInt64, parseIntegerArg } from '../keyspace/numbers.js';
import { durable, notify, retryAfter } from './command-support.js';
import { NOTIFY_GENERIC, NOTIFY_NEW } from '../pubsub/keyspace-events.js';
import { parseCursor } from '../keyspace/scan-cursors.js';
import { matchingKeys, randomKey, scanPage } from '../keyspace/scan.js';
import { TimeSlice } from '../util/time-slice.js';
import { redisOnlyValue } from '../config/config.js';

const ERR_SAME_OBJECT = 'ERR source and destination objects are the same';
const ERR_DB_RANGE = 'ERR DB index is out of range';

function keysOf(argv: Buffer[], from: number): BinaryKey[] {
  const keys: BinaryKey[] = new Array<BinaryKey>(argv.length - from);
  for (let i = from; i < argv.length; i++) keys[i - from] = binaryKey(argv[i]);
  return keys;
}

// ---------------------------------------------------------------- DEL / UNLINK / EXISTS / TOUCH / TYPE

function delCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const ks = ctx.server.keyspace;
  const db = ctx.client.db;
  const keys = keysOf(argv, 1);
  const values = ks.lookupMany(db, keys, false);
  if (values instanceof Promise) return retryAfter(values, delCommand, ctx, argv);
  if (keys.length === 1) {
    const value = values[0];
    if (value === null) return ctx.reply.integer(0);
    const write = ks.remove(db, keys[0], value);
    notify(ctx, NOTIFY_GENERIC, 'del', keys[0]);
    ctx.reply.integer(1);
    return durable(write);
  }
  const batch = ks.batch();
  const seen = new Set<BinaryKey>();
  let deleted = 0;
  for (let i = 0; i < keys.length; i++) {
    const value = values[i];
    if (value === null || seen.has(keys[i])) continue;
    seen.add(keys[i]);
    batch.delete(db, keys[i], value);
    notify(ctx, NOTIFY_GENERIC, 'del', keys[i]);
    deleted++;
  }
  const write = deleted === 0 ? undefined : batch.commit();
  ctx.reply.integer(deleted);
  return durable(write);
}

/** EXISTS and TOUCH: how many of the keys exist, repeats counted. */
function countExisting(ctx: CommandContext, argv: Buffer[], self: (ctx: CommandContext, argv: Buffer[]) => void | Promise<void>): void | Promise<void> {
  const values = ctx.server.keyspace.lookupMany(ctx.client.db, keysOf(argv, 1), true);
  if (values instanceof Promise) return retryAfter(values, self, ctx, argv);
  let count = 0;
  for (const value of values) if (value !== null) count++;
  ctx.reply.integer(count);
}

function existsCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  return countExisting(ctx, argv, existsCommand);
}

function touchCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  return countExisting(ctx, argv, touchCommand);
}

function typeCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const value = ctx.server.keyspace.lookupRead(ctx.client.db, binaryKey(argv[1]));
  if (value instanceof Promise) return retryAfter(value, typeCommand, ctx, argv);
  ctx.reply.simple(value === null ? 'none' : TYPE_NAMES[valueType(value)] ?? 'unknown');
}

// ---------------------------------------------------------------- RENAME / COPY

function renameGeneric(ctx: CommandContext, argv: Buffer[], onlyIfAbsent: boolean, self: (ctx: CommandContext, argv: Buffer[]) => void | Promise<void>): void | Promise<void> {
  const ks = ctx.server.keyspace;
  const db = ctx.client.db;
  const source = binaryKey(argv[1]);
  const target = binaryKey(argv[2]);
  const values = ks.lookupMany(db, [source, target], false);
  if (values instanceof Promise) return retryAfter(values, self, ctx, argv);
  const [value, existing] = values;
  if (value === null) return ctx.reply.error('ERR no such key');
  if (source === target) return onlyIfAbsent ? ctx.reply.integer(0) : ctx.reply.ok();
  if (existing !== null && onlyIfAbsent) return ctx.reply.integer(0);
  if (isCollectionValue(value)) {
    // Members are stored under their key's name: they move by copy (the dispatcher holds both keys).
    return writeCollectionCopy(ks, value, db, source, db, target, (batch, meta) => {
      batch.put(db, target, meta, existing).delete(db, source, value);
      notifyRename(ctx, source, target, existing);
      return batch;
    }).then(() => {
      if (onlyIfAbsent) ctx.reply.integer(1);
      else ctx.reply.ok();
    });
  }
  // The value keeps its expire time: it travels in the value's header.
  const write = ks.batch().put(db, target, value, existing).delete(db, source, value).commit();
  notifyRename(ctx, source, target, existing);
  if (onlyIfAbsent) ctx.reply.integer(1);
  else ctx.reply.ok();
  return durable(write);
}

/** RENAME's events, as Redis' renameGenericCommand: the target is deleted and added again ('new' even when it existed). */
function notifyRename(ctx: CommandContext, source: BinaryKey, target: BinaryKey, existing: Buffer | null): void {
  if (existing !== null) notify(ctx, NOTIFY_NEW, 'new', target);
  notify(ctx, NOTIFY_GENERIC, 'rename_from', source);
  notify(ctx, NOTIFY_GENERIC, 'rename_to', target);
}

function renameCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  return renameGeneric(ctx, argv, false, renameCommand);
}

function renamenxCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  return renameGeneric(ctx, argv, true, renamenxCommand);
}

function copyCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const ks = ctx.server.keyspace;
  const sourceDb = ctx.client.db;
  let targetDb = sourceDb;
  let replace = false;
  for (let j = 3; j < argv.length; j++) {
    if (argIs(argv[j], 'replace')) replace = true;
    else if (argIs(argv[j], 'db') && j < argv.length - 1) {
      const parsed = parseInt32Arg(argv[++j]);
      if (typeof parsed === 'string') return ctx.reply.error(parsed);
      if (parsed < 0 || parsed >= ks.databases) return ctx.reply.error(ERR_DB_RANGE);
      targetDb = parsed;
    } else return ctx.reply.error(ERR_SYNTAX);
  }
  const source = binaryKey(argv[1]);
  const target = binaryKey(argv[2]);
  if (sourceDb === targetDb && source === target) return ctx.reply.error(ERR_SAME_OBJECT);
  const value = ks.lookupRead(sourceDb, source);
  if (value instanceof Promise) return retryAfter(value, copyCommand, ctx, argv);
  if (value === null) return ctx.reply.integer(0);
  const existing = ks.lookupWrite(targetDb, target);
  if (existing instanceof Promise) return retryAfter(existing, copyCommand, ctx, argv);
  if (existing !== null && !replace) return ctx.reply.integer(0);
  if (isCollectionValue(value)) {
    return writeCollectionCopy(ks, value, sourceDb, source, targetDb, target, (batch, meta) => {
      batch.put(targetDb, target, meta, existing);
      notifyCopy(ctx, targetDb, target, existing);
      return batch;
    }).then(() => ctx.reply.integer(1));
  }
  const write = ks.store(targetDb, target, value, existing);
  notifyCopy(ctx, targetDb, target, existing);
  ctx.reply.integer(1);
  return durable(write);
}

/** COPY's events: a replaced target is deleted and added again ('new'), then 'copy_to'. */
function notifyCopy(ctx: CommandContext, db: number, target: BinaryKey, existing: Buffer | null): void {
  const events = ctx.server.keyspace.events;
  if (existing !== null) events.notify(NOTIFY_NEW, 'new', target, db);
  events.notify(NOTIFY_GENERIC, 'copy_to', target, db);
}

// ---------------------------------------------------------------- KEYS / SCAN / RANDOMKEY

async function keysCommand(ctx: CommandContext, argv: Buffer[]): Promise<void> {
  const keys = await matchingKeys(ctx.server.keyspace, ctx.client.db, binaryKey(argv[1]));
  // A million keys take a quarter of a second to write out: in slices, as the walk was.
  await ctx.reply.bulkArrayInSlices(keys, new TimeSlice());
}

function scanCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const cursor = parseCursor(argv[1]);
  if (cursor === undefined) return ctx.reply.error('ERR invalid cursor');
  let count = 10;
  let pattern: BinaryKey | null = null;
  let type: string | null = null;
  for (let i = 2; i < argv.length; i += 2) {
    const opt = argv[i];
    const hasValue = i + 1 < argv.length;
    if (hasValue && argIs(opt, 'count')) {
      const parsed = parseIntegerArg(argv[i + 1]);
      if (parsed === undefined) return ctx.reply.error(ERR_NOT_INTEGER);
      if (parsed < 1) return ctx.reply.error(ERR_SYNTAX);
      count = typeof parsed === 'bigint' ? Number.MAX_SAFE_INTEGER : parsed;
    } else if (hasValue && argIs(opt, 'match')) {
      pattern = binaryKey(argv[i + 1]);
    } else if (hasValue && argIs(opt, 'type')) {
      type = binaryKey(argv[i + 1]);
    } else {
      return ctx.reply.error(ERR_SYNTAX);
    }
  }
  return runScan(ctx, cursor, count, pattern, type);
}

async function runScan(ctx: CommandContext, cursor: string, count: number, pattern: BinaryKey | null, type: string | null): Promise<void> {
  const page = await scanPage(ctx.server.keyspace, ctx.client.db, cursor, { count, pattern, type });
  // The cursor must be durable before a client can rely on it (a crash must not forget it).
  if (page.durable !== undefined) await page.durable;
  const reply = ctx.reply;
  reply.arrayHeader(2);
  reply.bulk(page.cursor);
  reply.bulkArray(page.keys);
}

async function randomkeyCommand(ctx: CommandContext): Promise<void> {
  const key = await randomKey(ctx.server.keyspace, ctx.client.db);
  ctx.reply.bulk(key);
}

// ---------------------------------------------------------------- OBJECT

/** Redis shares the integer objects 0..9999, whose REFCOUNT reads as INT_MAX. */
const SHARED_INTEGERS = 10000;
const SHARED_REFCOUNT = 2147483647;

const OBJECT_HELP = [
  'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
  'HELP',
  '    Prints this help.',
];

/** OBJECT subcommands share the lookup: a missing key answers a null bulk. */
function objectLookup(ctx: CommandContext, argv: Buffer[], self: (ctx: CommandContext, argv: Buffer[]) => void | Promise<void>): Buffer | null | Promise<void> {
  const value = ctx.server.keyspace.lookupRead(ctx.client.db, binaryKey(argv[2]), false);
  if (value instanceof Promise) return retryAfter(value, self, ctx, argv);
  if (value === null) ctx.reply.nullBulk();
  return value;
}

function objectEncodingCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const value = objectLookup(ctx, argv, objectEncodingCommand);
  if (value === null || value instanceof Promise) return value ?? undefined;
  ctx.reply.bulk(objectEncoding(value));
}

function objectRefcountCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const value = objectLookup(ctx, argv, objectRefcountCommand);
  if (value === null || value instanceof Promise) return value ?? undefined;
  let refcount = 1;
  if (objectEncoding(value) === 'int') {
    const n = parseInt64(value, payloadOffset(value), value.length);
    if (typeof n === 'number' && n >= 0 && n < SHARED_INTEGERS) refcount = SHARED_REFCOUNT;
  }
  ctx.reply.integer(refcount);
}

/** Access times are not tracked (it would turn every read into a write), so every key reads as just used. */
function objectIdletimeCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const value = objectLookup(ctx, argv, objectIdletimeCommand);
  if (value === null || value instanceof Promise) return value ?? undefined;
  // Under an LFU maxmemory-policy Redis keeps frequencies instead of access times, and says so.
  if (redisOnlyValue(ctx.server.config, 'maxmemory-policy').includes('lfu')) {
    ctx.reply.error('ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.');
    return;
  }
  ctx.reply.integer(0);
}

/** There is no LFU eviction policy, so FREQ always answers Redis' error for that case. */
function objectFreqCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const value = objectLookup(ctx, argv, objectFreqCommand);
  if (value === null || value instanceof Promise) return value ?? undefined;
  ctx.reply.error(
    'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
  );
}

function objectHelpCommand(ctx: CommandContext): void {
  ctx.reply.arrayHeader(OBJECT_HELP.length);
  for (const line of OBJECT_HELP) ctx.reply.simple(line);
}

/** Handlers by command name; the metadata is in ../command-table/keys.ts. */
export const keyHandlers: CommandHandlers = {
  del: delCommand,
  unlink: delCommand,
  exists: existsCommand,
  type: typeCommand,
  rename: renameCommand,
  renamenx: renamenxCommand,
  copy: copyCommand,
  keys: keysCommand,
  scan: scanCommand,
  randomkey: randomkeyCommand,
  touch: touchCommand,
  'object|freq': objectFreqCommand,
  'object|help': objectHelpCommand,
  'object|encoding': objectEncodingCommand,
  'object|idletime': objectIdletimeCommand,
  'object|refcount': objectRefcountCommand,
};
