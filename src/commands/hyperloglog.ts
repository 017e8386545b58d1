/**
 * HyperLogLog commands: PFADD PFCOUNT PFMERGE PFDEBUG PFSELFTEST.
 *
 * A HyperLogLog is a string holding Redis' own representation (src/types/hyperloglog.ts), so these
 * handlers are string commands: look the key up, check it is a HyperLogLog as Redis'
 * isHLLObjectOrReply does, edit a copy of the payload, store the whole value back (it keeps its
 * expire time). The checks, writes, events and replies come in Redis' order:
 *
 * - PFADD and PFMERGE signal the key (WATCH) and send the string event 'pfadd' (PFMERGE too, as
 *   Redis 7.0 does) when they changed it. PFADD stopped by a corrupt value keeps what the elements
 *   before it changed (Redis edits the value in place), without an event.
 * - PFCOUNT of one key writes a freshly computed cardinality back into the value's cache: a write
 *   that signals WATCHers but sends no event, as Redis' signalModifiedKey without notify.
 *   PFCOUNT of several keys merges into a temporary and writes nothing.
 * - Redis turns the value into a raw string (dbUnshareStringValue) before it reads or edits it,
 *   which OBJECT ENCODING shows when the HyperLogLog was SET as a short (embstr) string; that change
 *   is written without signalling anyone, as Redis makes it. So is PFDEBUG's conversion to dense.
 */
import type { CommandContext, CommandHandlers } from './types.js';
import type { BinaryKey } from '../engine/types.js';
import { NO_EXPIRE, StringEncodingHint, binaryKey, encodeString, expireAt, payload, stringEncoding } from '../keyspace/encoding.js';
import { ERR_WRONGTYPE, cString } from '../keyspace/numbers.js';
import { durable, isString, notify, retryAfter } from './command-support.js';
import { NOTIFY_STRING } from '../pubsub/keyspace-events.js';
import {
  ERR_INVALID_HLL,
  ERR_NOT_HLL,
  HLL_REGISTERS,
  Hll,
  HllEncoding,
  cacheValid,
  cachedCardinality,
  countPayload,
  countRegisters,
  decodeSparse,
  denseAddChanges,
  denseRegisters,
  isHllPayload,
  mergeInto,
  selfTest,
} from '../types/hyperloglog.js';

/** The error isHLLObjectOrReply answers for `value`, or null when it is a HyperLogLog. */
function notHllError(value: Buffer): string | null {
  if (!isString(value)) return ERR_WRONGTYPE;
  return isHllPayload(payload(value)) ? null : ERR_NOT_HLL;
}

/** A string value holding `bytes`, raw (as Redis keeps every HyperLogLog it wrote), with `expire`. */
function hllValue(bytes: Buffer, expire: number): Buffer {
  return encodeString(bytes, expire, StringEncodingHint.Raw);
}

/**
 * dbUnshareStringValue: a value that OBJECT ENCODING would call embstr becomes raw, written
 * without signalling WATCHers (Redis changes only how it keeps the value). Undefined when there is
 * nothing to change.
 */
function unshare(ctx: CommandContext, key: BinaryKey, value: Buffer): Promise<unknown> | undefined {
  if (stringEncoding(value) === 'raw') return undefined;
  return putUnsignalled(ctx, key, hllValue(payload(value), expireAt(value)), value);
}

function putUnsignalled(ctx: CommandContext, key: BinaryKey, value: Buffer, previous: Buffer): Promise<unknown> {
  return ctx.server.keyspace.batch().putUnwatched(ctx.client.db, key, value, previous).commit();
}

// ---------------------------------------------------------------- PFADD

function pfaddCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const ks = ctx.server.keyspace;
  const db = ctx.client.db;
  const key = binaryKey(argv[1]);
  const previous = ks.lookupWrite(db, key);
  if (previous instanceof Promise) return retryAfter(previous, pfaddCommand, ctx, argv);
  let hll: Hll;
  let updated = 0;
  if (previous === null) {
    hll = Hll.create();
    updated++;
  } else {
    const error = notHllError(previous);
    if (error !== null) return ctx.reply.error(error);
    const bytes = payload(previous);
    if (bytes[4] === HllEncoding.Dense && !denseAddChanges(bytes, argv, 2)) {
      ctx.reply.integer(0);
      return durable(unshare(ctx, key, previous));
    }
    hll = Hll.from(bytes);
  }
  const maxBytes = ctx.server.config.hllSparseMaxBytes;
  for (let j = 2; j < argv.length; j++) {
    const result = hll.add(argv[j], maxBytes);
    if (result === 1) updated++;
    else if (result === -1) {
      ctx.reply.error(ERR_INVALID_HLL);
      // previous is not null here: a new HyperLogLog is never corrupt.
      return durable(keepPartialEdit(ctx, key, hll, previous as Buffer));
    }
  }
  if (updated === 0) {
    ctx.reply.integer(0);
    return durable(unshare(ctx, key, previous as Buffer));
  }
  hll.invalidateCache();
  const expire = previous === null ? NO_EXPIRE : expireAt(previous);
  const write = ks.store(db, key, hllValue(hll.bytes(), expire), previous);
  notify(ctx, NOTIFY_STRING, 'pfadd', key);
  ctx.reply.integer(1);
  return durable(write);
}

/** What a PFADD that met a corrupt value leaves: the edits made before it, unsignalled (Redis edits in place). */
function keepPartialEdit(ctx: CommandContext, key: BinaryKey, hll: Hll, previous: Buffer): Promise<unknown> | undefined {
  const before = payload(previous);
  if (stringEncoding(previous) === 'raw' && hll.bytes().equals(before)) return undefined;
  return putUnsignalled(ctx, key, hllValue(hll.bytes(), expireAt(previous)), previous);
}

// ---------------------------------------------------------------- PFCOUNT

function pfcountCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  if (argv.length > 2) return pfcountMany(ctx, argv);
  const ks = ctx.server.keyspace;
  const db = ctx.client.db;
  const key = binaryKey(argv[1]);
  const value = ks.lookupRead(db, key);
  if (value === null) return ctx.reply.integer(0);
  if (value instanceof Promise) return retryAfter(value, pfcountCommand, ctx, argv);
  const error = notHllError(value);
  if (error !== null) return ctx.reply.error(error);
  const bytes = payload(value);
  if (cacheValid(bytes)) {
    ctx.reply.integer(cachedCardinality(bytes));
    return durable(unshare(ctx, key, value));
  }
  const card = countPayload(bytes);
  if (card === null) {
    ctx.reply.error(ERR_INVALID_HLL);
    return durable(unshare(ctx, key, value));
  }
  // The value is a string: the cache written back is a change every reader can see (signalModifiedKey), but no event.
  const hll = Hll.from(bytes);
  hll.setCachedCardinality(card);
  const write = ks.store(db, key, hllValue(hll.bytes(), expireAt(value)), value);
  ctx.reply.integer(card);
  return durable(write);
}

/**
 * Redis' loop over the keys of PFCOUNT (several keys) and PFMERGE: each key in turn is looked up
 * for reading (hits, misses, 'keymiss' events in key order), checked, and merged into `max`
 * (register i = the largest register i of all), stopping at the first that is not a HyperLogLog
 * or is corrupt. The keys are first read together, so that only a value evicted in between makes
 * a second disk read. Returns the values looked up, an error text, or a Promise (run the command
 * again).
 */
function mergeSources(ctx: CommandContext, argv: Buffer[], max: Uint8Array): (Buffer | null)[] | string | Promise<unknown> {
  const ks = ctx.server.keyspace;
  const db = ctx.client.db;
  const keys: BinaryKey[] = [];
  for (let j = 1; j < argv.length; j++) keys.push(binaryKey(argv[j]));
  const warm = ks.lookupMany(db, keys, false);
  if (warm instanceof Promise) return warm;
  const values: (Buffer | null)[] = [];
  for (const key of keys) {
    const value = ks.lookupRead(db, key);
    if (value instanceof Promise) return value;
    values.push(value);
    if (value === null) continue;
    const error = notHllError(value);
    if (error !== null) return error;
    if (!mergeInto(max, payload(value))) return ERR_INVALID_HLL;
  }
  return values;
}

function pfcountMany(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const max = new Uint8Array(HLL_REGISTERS);
  const values = mergeSources(ctx, argv, max);
  if (values instanceof Promise) return retryAfter(values, pfcountCommand, ctx, argv);
  if (typeof values === 'string') return ctx.reply.error(values);
  ctx.reply.integer(countRegisters(max));
}

// ---------------------------------------------------------------- PFMERGE

function pfmergeCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const max = new Uint8Array(HLL_REGISTERS);
  const values = mergeSources(ctx, argv, max);
  if (values instanceof Promise) return retryAfter(values, pfmergeCommand, ctx, argv);
  if (typeof values === 'string') return ctx.reply.error(values);
  // If any source is dense, so is the result (Redis converts the destination first).
  let useDense = false;
  for (const value of values) if (value !== null && payload(value)[4] === HllEncoding.Dense) useDense = true;
  // The destination is the first key, already read (and checked) above.
  const ks = ctx.server.keyspace;
  const db = ctx.client.db;
  const key = binaryKey(argv[1]);
  const previous = values[0];
  const hll = previous === null ? Hll.create() : Hll.from(payload(previous));
  // Cannot fail: the destination's registers were just merged, so its opcodes cover 16384 of them.
  if (useDense) hll.toDense();
  const maxBytes = ctx.server.config.hllSparseMaxBytes;
  for (let j = 0; j < HLL_REGISTERS; j++) {
    if (max[j] !== 0) hll.set(j, max[j], maxBytes);
  }
  hll.invalidateCache();
  const expire = previous === null ? NO_EXPIRE : expireAt(previous);
  const write = ks.store(db, key, hllValue(hll.bytes(), expire), previous);
  notify(ctx, NOTIFY_STRING, 'pfadd', key);
  ctx.reply.ok();
  return durable(write);
}

// ---------------------------------------------------------------- PFDEBUG, PFSELFTEST

function pfdebugCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const ks = ctx.server.keyspace;
  const db = ctx.client.db;
  const key = binaryKey(argv[2]);
  const value = ks.lookupWrite(db, key);
  if (value === null) return ctx.reply.error('ERR The specified key does not exist');
  if (value instanceof Promise) return retryAfter(value, pfdebugCommand, ctx, argv);
  const error = notHllError(value);
  if (error !== null) return ctx.reply.error(error);
  const unshared = unshare(ctx, key, value);
  const bytes = payload(value);
  const reply = ctx.reply;
  switch (argv[1].toString('latin1').toLowerCase()) {
    case 'getreg': {
      const converted = toDense(ctx, key, value);
      if (converted === null) {
        reply.error(ERR_INVALID_HLL);
        return durable(unshared);
      }
      const registers = denseRegisters(converted.bytes);
      reply.arrayHeader(registers.length);
      for (const r of registers) reply.integer(r);
      return durable(converted.write ?? unshared);
    }
    case 'decode':
      if (bytes[4] !== HllEncoding.Sparse) reply.error('ERR HLL encoding is not sparse');
      else reply.bulk(decodeSparse(bytes));
      return durable(unshared);
    case 'encoding':
      reply.simple(bytes[4] === HllEncoding.Dense ? 'dense' : 'sparse');
      return durable(unshared);
    case 'todense': {
      const converted = toDense(ctx, key, value);
      if (converted === null) reply.error(ERR_INVALID_HLL);
      else reply.integer(converted.write === undefined ? 0 : 1);
      return durable(converted?.write ?? unshared);
    }
    default: {
      reply.error(`ERR Unknown PFDEBUG subcommand '${cString(argv[1])}'`);
      return durable(unshared);
    }
  }
}

/**
 * PFDEBUG GETREG's and TODENSE's conversion of a sparse value: the dense payload and its write
 * (none when it was dense already), or null when the sparse value is corrupt. Redis counts the
 * change for replication but signals nobody.
 */
function toDense(ctx: CommandContext, key: BinaryKey, value: Buffer): { bytes: Buffer; write: Promise<unknown> | undefined } | null {
  const bytes = payload(value);
  if (bytes[4] === HllEncoding.Dense) return { bytes, write: undefined };
  const hll = Hll.from(bytes);
  if (!hll.toDense()) return null;
  const stored = hllValue(hll.bytes(), expireAt(value));
  return { bytes: payload(stored), write: putUnsignalled(ctx, key, stored, value) };
}

function pfselftestCommand(ctx: CommandContext): void {
  const failure = selfTest(ctx.server.config.hllSparseMaxBytes);
  if (failure !== null) return ctx.reply.error(`ERR ${failure}`);
  ctx.reply.ok();
}

/** Handlers by command name; the metadata is in ../command-table/hyperloglog.ts. */
export const hyperloglogHandlers: CommandHandlers = {
  pfadd: pfaddCommand,
  pfcount: pfcountCommand,
  pfmerge: pfmergeCommand,
  pfdebug: pfdebugCommand,
  pfselftest: pfselftestCommand,
};
