/**
 * SORT and SORT_RO over lists, sets and sorted sets, as Redis 7.0's sort.c does them: options
 * parsed and checked in its order (its texts), then the source read, weighed (by itself or by the
 * keys a BY pattern names), sorted, cut by LIMIT and answered, each element or what its GET
 * patterns name, or stored as a list (STORE).
 *
 * Memory: sorting needs every element at once, so SORT holds the whole collection (and each
 * element's weight) in memory while it runs, O(N) as in Redis; only `BY nosort` over a list or a
 * sorted set reads just the LIMIT window. Elements are read by engine walks at a snapshot, pattern
 * keys by lookups (waiting for the disk where they must). BY/GET read keys the arguments do not
 * name, so both commands hold the whole keyspace (table/sort.ts): nothing changes under a SORT,
 * which is as atomic as Redis' is.
 *
 * Ordering, as Redis' sortCompare: numeric by weight (strtod; a missing BY key weighs 0), ties
 * broken by the elements' bytes; ALPHA by the elements' or BY values' bytes (Redis' strcoll in the
 * C locale: byte order up to the first NUL; memcmp order with STORE), elements without a BY value
 * first. Redis sorts with glibc's qsort, a stable merge sort, as Array.prototype.sort is; with BY
 * and a LIMIT it uses its own partial quicksort, done here the same way (src/util/pqsort.ts), so
 * elements of equal weight end where Redis puts them, given the same input order: a list's. A set
 * or sorted set comes in its hash order in Redis, which is not reproduced (its ties then differ).
 */
import type { CommandContext, CommandHandler, CommandHandlers } from './types.js';
import type { BinaryKey } from '../engine/types.js';
import { ValueType, binaryKey, payload, valueType } from '../keyspace/encoding.js';
import { MemberTag, MetaFlag, decodeMeta, encodeMeta, encodePosition, newMeta } from '../keyspace/collection-encoding.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE, argIs, parseIntegerArg, toBigInt } from '../keyspace/numbers.js';
import { strtod } from '../keyspace/strtod.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import { notifyStore, retryAfter } from './command-support.js';
import { NOTIFY_LIST } from '../pubsub/keyspace-events.js';
import { Collection, VersionBuilder } from '../types/collection.js';
import { readWindow } from '../types/list.js';
import { membersInSetOrder } from '../types/set.js';
import { ZSetReader, isBig } from '../types/zset.js';
import { fieldValue, readFields } from '../types/hash.js';
import { partialQuicksort } from '../util/pqsort.js';

const EMPTY = Buffer.alloc(0);
const ERR_NOT_DOUBLE = "ERR One or more scores can't be converted into double";

/** The smallest normal double: glibc's strtod sets ERANGE below it (Redis then refuses the weight). */
const MIN_NORMAL = 2.2250738585072014e-308;

/** A SORT command's options, as sortCommandGeneric leaves them after its parse. */
interface SortRequest {
  desc: boolean;
  alpha: boolean;
  limitStart: bigint;
  /** Negative: to the end. */
  limitCount: bigint;
  by: Buffer | null;
  /** BY a pattern without '*' (nosort): sticky, as in Redis, whatever BY comes later. */
  dontSort: boolean;
  gets: Buffer[];
  store: Buffer | null;
}

// ---------------------------------------------------------------- patterns (C strings)

/** Where C sees the end of `bytes`: its first NUL (Redis hands patterns to strchr/strstr). */
function cLength(bytes: Buffer): number {
  const nul = bytes.indexOf(0);
  return nul < 0 ? bytes.length : nul;
}

/** The pattern's '*' before its first NUL, or -1. */
function starOf(pattern: Buffer): number {
  const star = pattern.indexOf(0x2a);
  return star >= 0 && star < cLength(pattern) ? star : -1;
}

/** `GET #`: the element itself (anything after a NUL does not count, as in Redis). */
function isSelf(pattern: Buffer): boolean {
  return pattern.length > 0 && pattern[0] === 0x23 && (pattern.length === 1 || pattern[1] === 0);
}

/**
 * Redis' lookupKeyByPattern: the first '*' replaced by the element names a key; `key->field`
 * after the '*' (the field not empty) reads a hash field, otherwise the key must hold a string.
 * Anything else (no '*', no key, another type, no field) is null. A Promise: wait, then ask again.
 */
function patternValue(ks: Keyspace, db: number, pattern: Buffer, element: Buffer): Buffer | null | Promise<unknown> {
  if (isSelf(pattern)) return element;
  const star = starOf(pattern);
  if (star < 0) return null;
  const end = cLength(pattern);
  const arrow = pattern.indexOf('->', star + 1, 'latin1');
  const field = arrow >= 0 && arrow + 2 < end ? pattern.subarray(arrow + 2) : null;
  const keyEnd = field === null ? pattern.length : arrow;
  const key = binaryKey(pattern, 0, star) + binaryKey(element) + binaryKey(pattern, star + 1, keyEnd);
  const value = ks.lookupRead(db, key);
  if (value === null || value instanceof Promise) return value;
  const type = valueType(value);
  if (field === null) return type === ValueType.String ? payload(value) : null;
  if (type !== ValueType.Hash) return null;
  const found = readFields(new Collection(ks, db, key, value, decodeMeta(value)), [field]);
  if (found instanceof Promise) return found;
  return found[0] === null ? null : fieldValue(found[0]);
}

/** patternValue now when it is in memory, else a Promise of it (lookupPattern): no await per cached lookup. */
function patternSoon(ks: Keyspace, db: number, pattern: Buffer, element: Buffer): Buffer | null | Promise<Buffer | null> {
  const found = patternValue(ks, db, pattern, element);
  return found instanceof Promise ? lookupPattern(ks, db, pattern, element) : found;
}

/** patternValue, waiting for the disk as often as it must. */
async function lookupPattern(ks: Keyspace, db: number, pattern: Buffer, element: Buffer): Promise<Buffer | null> {
  for (;;) {
    const value = patternValue(ks, db, pattern, element);
    if (!(value instanceof Promise)) return value;
    await value;
  }
}

// ---------------------------------------------------------------- options

/** sortCommandGeneric's parse: the first bad option answers (LIMIT's integers, then syntax). */
function parseRequest(argv: readonly Buffer[], readOnly: boolean): SortRequest | string {
  const req: SortRequest = { desc: false, alpha: false, limitStart: 0n, limitCount: -1n, by: null, dontSort: false, gets: [], store: null };
  for (let j = 2; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const arg = argv[j];
    if (argIs(arg, 'asc')) req.desc = false;
    else if (argIs(arg, 'desc')) req.desc = true;
    else if (argIs(arg, 'alpha')) req.alpha = true;
    else if (argIs(arg, 'limit') && left >= 2) {
      const start = parseIntegerArg(argv[j + 1]);
      const count = parseIntegerArg(argv[j + 2]);
      if (start === undefined || count === undefined) return ERR_NOT_INTEGER;
      req.limitStart = toBigInt(start);
      req.limitCount = toBigInt(count);
      j += 2;
    } else if (!readOnly && argIs(arg, 'store') && left >= 1) {
      req.store = argv[++j];
    } else if (argIs(arg, 'by') && left >= 1) {
      req.by = argv[++j];
      if (starOf(req.by) < 0) req.dontSort = true;
    } else if (argIs(arg, 'get') && left >= 1) {
      req.gets.push(argv[++j]);
    } else {
      return ERR_SYNTAX;
    }
  }
  return req;
}

/**
 * LIMIT against `length` elements, as Redis clamps it: the inclusive window [start, end], empty
 * when end < start. Computed in bigints: offsets and counts are any C long.
 */
function window(length: number, req: SortRequest): { start: number; end: number } {
  const n = BigInt(length);
  let start = req.limitStart < 0n ? 0n : req.limitStart;
  let end = req.limitCount < 0n ? n - 1n : start + req.limitCount - 1n;
  if (start >= n) {
    start = n - 1n;
    end = n - 2n;
  }
  if (end >= n) end = n - 1n;
  return { start: Number(start), end: Number(end) };
}

// ---------------------------------------------------------------- weights and order

/** A weight as Redis reads it with strtod: the whole C string (to a NUL), no ERANGE, not NaN. */
function numericWeight(bytes: Buffer): number | undefined {
  const text = bytes.toString('latin1');
  const r = strtod(text);
  if (r.end < text.length && text.charCodeAt(r.end) !== 0) return undefined;
  if (Number.isNaN(r.value) || r.outOfRange) return undefined;
  if (r.value !== 0 && Math.abs(r.value) < MIN_NORMAL) return undefined;
  return r.value;
}

/**
 * What ALPHA compares of a value, as a latin1 string (one char per byte, so JS string order is
 * byte order, and much cheaper than comparing Buffers): the bytes up to the first NUL, as strcoll
 * in the C locale (strcmp) sees them; all of them with STORE, where Redis compares with memcmp.
 */
function alphaKey(value: Buffer, stored: boolean): string {
  return (stored ? value : value.subarray(0, cLength(value))).toString('latin1');
}

interface Weighed {
  element: Buffer;
  score: number;
  /** ALPHA: the key compared (alphaKey of the element or of its BY value; null: no BY value). */
  key: string | null;
}

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Redis' sortCompare for the request's mode. */
function comparator(req: SortRequest): (a: Weighed, b: Weighed) => number {
  const sign = req.desc ? -1 : 1;
  if (!req.alpha) {
    return (a, b) => sign * (a.score > b.score ? 1 : a.score < b.score ? -1 : Buffer.compare(a.element, b.element));
  }
  return (a, b) => {
    // Without a BY value (only with BY): first; two without are equal.
    if (a.key === null || b.key === null) return sign * (a.key === b.key ? 0 : a.key === null ? -1 : 1);
    return sign * compareStrings(a.key, b.key);
  };
}

// ---------------------------------------------------------------- the source

type Source = { type: ValueType.List | ValueType.Set | ValueType.ZSet; collection: Collection } | null;

const ENCODING_BIG: number = MetaFlag.BigEncoding;

/**
 * Redis converts a listpack sorted set to a skiplist before sorting it (zsetConvert, even for
 * SORT_RO): its OBJECT ENCODING says so afterwards. Written as the metadata flag, with no WATCH
 * touch (Redis does not signal the key either). A flag the disk refused to write is no reason to
 * fail the sort (SORT_RO reads while writes are refused): the set just keeps its encoding.
 */
function convertSortedSet(z: Collection): Promise<unknown> | undefined {
  if (isBig(z) || !z.exists) return undefined;
  z.meta.flags |= ENCODING_BIG;
  const batch = z.ks.batch();
  batch.putUnwatched(z.db, z.key, encodeMeta(z.meta), z.previous);
  return batch.commit().catch(() => undefined);
}

/**
 * The elements to sort: all of them in the order Redis loads them (list order; a set in its
 * iteration order; a sorted set by score), or, for BY nosort over a list or sorted set, just the
 * LIMIT window in native order (reversed for DESC), as Redis reads it directly.
 */
async function loadElements(source: Source, dontSort: boolean, desc: boolean, start: number, end: number): Promise<Buffer[]> {
  if (source === null) return [];
  const c = source.collection;
  const n = c.meta.count;
  if (source.type === ValueType.List) {
    if (!dontSort) return readWindow(c, 0, n);
    if (end < start) return [];
    return desc ? readWindow(c, n - 1 - end, n - start, true) : readWindow(c, start, end + 1);
  }
  if (source.type === ValueType.Set) {
    return (await membersInSetOrder(c)).map((m: BinaryKey) => Buffer.from(m, 'latin1'));
  }
  const reader = new ZSetReader(c);
  try {
    const all = dontSort ? (end < start ? [] : await reader.all(desc, { offset: start, limit: end - start + 1 })) : await reader.all();
    return all.map((s) => Buffer.from(s.member, 'latin1'));
  } finally {
    reader.close();
  }
}

// ---------------------------------------------------------------- the command

function sortCommand(readOnly: boolean): CommandHandler {
  const handler = (ctx: CommandContext, argv: Buffer[]): void | Promise<void> => {
    const req = parseRequest(argv, readOnly);
    if (typeof req === 'string') return ctx.reply.error(req);
    const ks = ctx.server.keyspace;
    const db = ctx.client.db;
    const key = binaryKey(argv[1]);
    const value = ks.lookupRead(db, key);
    if (value instanceof Promise) return retryAfter(value, handler, ctx, argv);
    let source: Source = null;
    if (value !== null) {
      const type = valueType(value);
      if (type !== ValueType.List && type !== ValueType.Set && type !== ValueType.ZSet) return ctx.reply.error(ERR_WRONGTYPE);
      source = { type, collection: new Collection(ks, db, key, value, decodeMeta(value)) };
    }
    // Redis sorts a set stored without sorting (its iteration order is its own), by its bytes.
    if (req.dontSort && source?.type === ValueType.Set && req.store !== null) {
      req.dontSort = false;
      req.alpha = true;
      req.by = null;
    }
    const converted = source?.type === ValueType.ZSet ? convertSortedSet(source.collection) : undefined;
    return run(ctx, req, source, converted);
  };
  return handler;
}

async function run(ctx: CommandContext, req: SortRequest, source: Source, converted: Promise<unknown> | undefined): Promise<void> {
  const ks = ctx.server.keyspace;
  const db = ctx.client.db;
  const { start, end } = window(source === null ? 0 : source.collection.meta.count, req);
  const elements = await loadElements(source, req.dontSort, req.desc, start, end);
  let chosen: Buffer[];
  let notDouble = false;
  if (req.dontSort) {
    // A list or sorted set came as its window already; a set came whole, in its own order.
    chosen = source?.type === ValueType.Set ? elements.slice(start, end + 1) : elements;
  } else {
    const weighed: Weighed[] = new Array<Weighed>(elements.length);
    for (let i = 0; i < elements.length; i++) {
      const element = elements[i];
      const item: Weighed = { element, score: 0, key: null };
      weighed[i] = item;
      let by: Buffer | null = element;
      if (req.by !== null) {
        // Straight from memory when it is there: an await per element would cost more than the lookup.
        const found = patternSoon(ks, db, req.by, element);
        by = found instanceof Promise ? await found : found;
      }
      if (by === null) continue;
      if (req.alpha) {
        item.key = alphaKey(by, req.store !== null);
      } else {
        const score = numericWeight(by);
        if (score === undefined) notDouble = true;
        else item.score = score;
      }
    }
    // Redis: a partial quicksort with BY and a LIMIT window short of everything, else glibc's
    // qsort, a stable merge sort (so is Array.prototype.sort; both give the one stable order).
    if (req.by !== null && (start !== 0 || end !== weighed.length - 1)) partialQuicksort(weighed, comparator(req), start, end);
    else weighed.sort(comparator(req));
    chosen = [];
    for (let i = start; i <= end; i++) chosen.push(weighed[i].element);
  }
  if (converted !== undefined) await converted;
  if (notDouble) return ctx.reply.error(ERR_NOT_DOUBLE);
  if (req.store === null) return answer(ctx, req, chosen);
  const count = await store(ctx, req, chosen, req.store);
  ctx.reply.integer(count);
}

/** Each element, or what each GET pattern names for it (nil: nothing). */
async function answer(ctx: CommandContext, req: SortRequest, chosen: readonly Buffer[]): Promise<void> {
  const ks = ctx.server.keyspace;
  const db = ctx.client.db;
  if (req.gets.length === 0) {
    ctx.reply.arrayHeader(chosen.length);
    for (const element of chosen) ctx.reply.bulk(element);
    return;
  }
  const values: Array<Buffer | null> = [];
  for (const element of chosen) {
    for (const get of req.gets) {
      const found = patternSoon(ks, db, get, element);
      values.push(found instanceof Promise ? await found : found);
    }
  }
  ctx.reply.arrayHeader(values.length);
  for (const v of values) ctx.reply.bulk(v);
}

/**
 * STORE: the result as a new list over whatever `destination` holds (its TTL goes too), or the
 * destination deleted when the result is empty. GET patterns that name nothing store "". The
 * list is written in bounded batches (VersionBuilder) and named by the last one.
 */
async function store(ctx: CommandContext, req: SortRequest, chosen: readonly Buffer[], destination: Buffer): Promise<number> {
  const ks = ctx.server.keyspace;
  const db = ctx.client.db;
  const key = binaryKey(destination);
  const builder = new VersionBuilder(ks, db, key, newMeta(ValueType.List, ks.versions.next()));
  const prefix = builder.target.prefix(MemberTag.ListElement);
  let count = 0;
  // Resolves at once unless a full batch went out (VersionBuilder.put).
  const put = (value: Buffer): Promise<unknown> | undefined => builder.put(prefix + encodePosition(count++), value);
  try {
    for (const element of chosen) {
      if (req.gets.length === 0) {
        const wait = put(element);
        if (wait !== undefined) await wait;
        continue;
      }
      for (const get of req.gets) {
        const found = patternSoon(ks, db, get, element);
        const wait = put((found instanceof Promise ? await found : found) ?? EMPTY);
        if (wait !== undefined) await wait;
      }
    }
    for (;;) {
      const previous = ks.lookupWrite(db, key);
      if (previous instanceof Promise) {
        await previous;
        continue;
      }
      if (count === 0 && previous === null) return 0;
      const meta = builder.target.meta;
      meta.count = count;
      meta.tail = count;
      const batch = ks.batch();
      builder.finish(batch);
      if (count > 0) batch.put(db, key, encodeMeta(meta), previous);
      else batch.delete(db, key, previous);
      batch.touch(db, key);
      const write = batch.commit();
      notifyStore(ctx, NOTIFY_LIST, 'sortstore', key, count > 0, previous);
      await write;
      return count;
    }
  } catch (err) {
    await builder.abandon().catch(() => undefined);
    throw err;
  }
}

/** Handlers by command name; the metadata is in ../command-table/sort.ts. */
export const sortHandlers: CommandHandlers = {
  sort: sortCommand(false),
  sort_ro: sortCommand(true),
};
