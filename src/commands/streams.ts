/**
 * Stream commands: XADD XLEN XRANGE XREVRANGE XDEL XTRIM XREAD (BLOCK too) XSETID XINFO
 * (STREAM, GROUPS, CONSUMERS, HELP). The consumer group commands are in ./stream-groups.ts; XINFO
 * reads their records (src/types/stream-groups.ts) here.
 *
 * Each handler checks its arguments in the order of Redis 7.0's t_stream.c (so the same bad
 * command gets the same error) and uses src/types/stream.ts. XADD without a trim and XLEN are
 * synchronous; commands that read entries walk a snapshot asynchronously while the dispatcher
 * holds their keys, and reply once their write is durable.
 *
 * XREAD BLOCK waits in the blocking registry (src/blocking/registry.ts) like BLPOP: an XADD to a
 * key it waits on runs it again. The IDs it waits after are fixed when it first blocks (`$` is
 * the last ID then), kept per block in `blockedAfter`.
 */
import type { CommandContext, CommandHandler, CommandHandlers } from './types.js';
import type { BinaryKey } from '../engine/types.js';
import type { Block } from '../blocking/registry.js';
import { ValueType, binaryKey } from '../keyspace/encoding.js';
import { encodeMeta, type StreamKeyId } from '../keyspace/collection-encoding.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE, argIs, cString, parseIntegerArg } from '../keyspace/numbers.js';
import { durable, retryAfter } from './command-support.js';
import { NOTIFY_STREAM } from '../pubsub/keyspace-events.js';
import { replyHelp } from './connection.js';
import { WRONG_TYPE, openCollection, openOrCreate, type Collection } from '../types/collection.js';
import {
  STREAM_ID_MAX, STREAM_ID_ZERO, deleteBelow, deleteEntries, idParts, idText, nextId, noteAppend, parseStreamId, previousId, putEntry, readRange,
  streamId, streamState, trim, trimMayRemove, type ParsedId, type StreamEntry, type TrimRequest,
} from '../types/stream.js';
import { ENTRIES_READ_INVALID, groupLag, readConsumers, readGroup, readGroups, walkPel, type Group } from '../types/stream-groups.js';

export const ERR_INVALID_ID = 'ERR Invalid stream ID specified as stream command argument';
const ERR_ID_TOO_SMALL = 'ERR The ID specified in XADD is equal or smaller than the target stream top item';
const ERR_NO_SUCH_KEY = 'ERR no such key';
/** Entries a blocked XREAD without COUNT gets when served (Redis' XREAD_BLOCKED_DEFAULT_COUNT). */
export const BLOCKED_DEFAULT_COUNT = 1000;

export function openStream(ctx: CommandContext, key: BinaryKey, forRead: boolean): Collection | null | typeof WRONG_TYPE | Promise<unknown> {
  return openCollection(ctx.server.keyspace, ctx.client.db, key, ValueType.Stream, forRead);
}

/**
 * Whether the stream is still the one a command opened, after an asynchronous read (with the
 * key held by the dispatcher it can only have expired meanwhile; the command then runs again).
 */
export async function unchanged(stream: Collection): Promise<boolean> {
  for (;;) {
    const now = openCollection(stream.ks, stream.db, stream.key, ValueType.Stream, false);
    if (now instanceof Promise) {
      await now;
      continue;
    }
    return stream.exists ? now !== null && now !== WRONG_TYPE && now.meta.version === stream.meta.version : now === null;
  }
}

export function replyEntries(ctx: CommandContext, entries: readonly StreamEntry[]): void {
  const r = ctx.reply;
  r.arrayHeader(entries.length);
  for (const e of entries) replyEntry(ctx, e);
}

export function replyEntry(ctx: CommandContext, e: StreamEntry): void {
  const r = ctx.reply;
  r.arrayHeader(2);
  r.bulkText(idText(e.id));
  r.arrayHeader(e.pairs.length);
  for (const p of e.pairs) r.bulk(p);
}

// ---------------------------------------------------------------- XADD / XTRIM arguments

interface AddOrTrimArgs {
  trim: TrimRequest | null;
  noMkStream: boolean;
  /** XADD: the ID argument's index (argv.length when none came), and the ID unless `*`. */
  idIndex: number;
  id: ParsedId | null;
}

/** Redis' streamParseAddOrTrimArgsOrReply: the options, or the error text. */
function parseAddOrTrim(argv: readonly Buffer[], xadd: boolean): AddOrTrimArgs | string {
  let strategy: TrimRequest['strategy'] | null = null;
  let approx = false;
  let maxlen = 0;
  let minid = STREAM_ID_ZERO;
  let limit = 0;
  let limitGiven = false;
  let noMkStream = false;
  let id: ParsedId | null = null;
  let i = 2;
  for (; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    const opt = argv[i];
    if (xadd && opt.length === 1 && opt[0] === 0x2a) break;
    const trimWord = more > 0 ? (argIs(opt, 'maxlen') ? 'maxlen' : argIs(opt, 'minid') ? 'minid' : null) : null;
    if (trimWord !== null) {
      if (strategy !== null) return 'ERR syntax error, MAXLEN and MINID options at the same time are not compatible';
      approx = false;
      const next = argv[i + 1];
      if (more >= 2 && next.length === 1 && (next[0] === 0x7e || next[0] === 0x3d)) {
        approx = next[0] === 0x7e;
        i++;
      }
      if (trimWord === 'maxlen') {
        const n = parseIntegerArg(argv[i + 1]);
        if (n === undefined) return ERR_NOT_INTEGER;
        if (n < 0) return 'ERR The MAXLEN argument must be >= 0.';
        maxlen = Number(n);
      } else {
        const parsed = parseStreamId(argv[i + 1], true, 0n);
        if (parsed === undefined) return ERR_INVALID_ID;
        minid = parsed.id;
      }
      i++;
      strategy = trimWord;
    } else if (more > 0 && argIs(opt, 'limit')) {
      const n = parseIntegerArg(argv[i + 1]);
      if (n === undefined) return ERR_NOT_INTEGER;
      if (n < 0) return 'ERR The LIMIT argument must be >= 0.';
      limit = Number(n);
      limitGiven = true;
      i++;
    } else if (xadd && argIs(opt, 'nomkstream')) {
      noMkStream = true;
    } else if (xadd) {
      const parsed = parseStreamId(opt, true, 0n, true);
      if (parsed === undefined) return ERR_INVALID_ID;
      id = parsed;
      break;
    } else {
      return ERR_SYNTAX;
    }
  }
  if (limit !== 0 && strategy === null) return 'ERR syntax error, LIMIT cannot be used without specifying a trimming strategy';
  if (!xadd && strategy === null) return 'ERR syntax error, XTRIM must be called with a trimming strategy';
  if (limitGiven) {
    if (!approx) return 'ERR syntax error, LIMIT cannot be used without the special ~ option';
  } else {
    // Without LIMIT, `~` trims at most 100 nodes' worth (100 * stream-node-max-entries); `=` has no limit.
    limit = approx ? 10_000 : 0;
  }
  return { trim: strategy === null ? null : { strategy, maxlen, minid, approx, limit }, noMkStream, idIndex: i, id };
}

/**
 * The ID XADD gives its entry after `last`, or the error text: not above it (Redis' EDOM), or
 * `ms-*` with ms the last ID's and its sequence exhausted (7.0.15 answers the ERANGE text then).
 */
function addedId(last: StreamKeyId, requested: ParsedId | null): StreamKeyId | string {
  let id: StreamKeyId | undefined;
  if (requested === null) {
    const [ms] = idParts(last);
    const now = BigInt(Date.now());
    id = now > ms ? streamId(now, 0n) : nextId(last);
  } else if (requested.seqGiven) {
    id = requested.id;
  } else {
    const [lastMs, lastSeq] = idParts(last);
    if (lastMs === requested.ms && lastSeq === 0xffff_ffff_ffff_ffffn) return 'ERR Elements are too large to be stored';
    id = lastMs === requested.ms ? nextId(last) : requested.id;
  }
  return id !== undefined && id > last ? id : ERR_ID_TOO_SMALL;
}

/**
 * A stream command's keyspace event. Some run on after an await, outside the dispatcher's call,
 * so the publisher (whose RESP3 connection gets its own events in Redis' place) is set here.
 */
export function notifyStream(ctx: CommandContext, event: string, key: BinaryKey): void {
  const events = ctx.server.keyspace.events;
  const outer = events.publisher;
  events.publisher = ctx.client;
  try {
    events.notify(NOTIFY_STREAM, event, key, ctx.client.db);
  } finally {
    events.publisher = outer;
  }
}

// ---------------------------------------------------------------- XADD

function xaddCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const args = parseAddOrTrim(argv, true);
  if (typeof args === 'string') return ctx.reply.error(args);
  const fieldPos = args.idIndex + 1;
  const fields = argv.length - fieldPos;
  if (fields < 2 || fields % 2 === 1) return ctx.reply.error("ERR wrong number of arguments for 'xadd' command");
  if (args.id !== null && args.id.seqGiven && args.id.id === STREAM_ID_ZERO) return ctx.reply.error('ERR The ID specified in XADD must be greater than 0-0');
  const ks = ctx.server.keyspace;
  const key = binaryKey(argv[1]);
  const stream = args.noMkStream ? openStream(ctx, key, false) : openOrCreate(ks, ctx.client.db, key, ValueType.Stream);
  if (stream instanceof Promise) return retryAfter(stream, xaddCommand, ctx, argv);
  if (stream === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  if (stream === null) return ctx.reply.nullBulk();
  const s = streamState(stream);
  if (s.lastId === STREAM_ID_MAX) return ctx.reply.error('ERR The stream has exhausted the last possible ID, unable to add more items');
  const id = addedId(s.lastId, args.id);
  if (id.length !== 16) return ctx.reply.error(id);
  const node = noteAppend(stream, id);
  const request = args.trim;
  if (request === null || !trimMayRemove(stream, request)) {
    const batch = ks.batch();
    putEntry(stream, batch, id, node, argv, fieldPos);
    const write = stream.commit(batch);
    ctx.reply.bulkText(idText(id));
    notifyStream(ctx, 'xadd', key);
    return durable(write);
  }
  return (async () => {
    const batch = ks.batch();
    const result = await trim(stream, batch, request, { id, node });
    if (!(await unchanged(stream))) return xaddCommand(ctx, argv);
    if (result.emptied) stream.meta.version = ks.versions.next();
    // A stream with groups is emptied in place: the entry trimmed away with the rest is not written.
    else if (stream.meta.count > 0) putEntry(stream, batch, id, node, argv, fieldPos);
    await stream.commit(batch);
    await deleteBelow(ks, result.deadRange);
    // Redis 7.0: the reply, then 'xadd', then 'xtrim' when the trim removed something.
    ctx.reply.bulkText(idText(id));
    notifyStream(ctx, 'xadd', key);
    if (result.deleted > 0) notifyStream(ctx, 'xtrim', key);
  })();
}

// ---------------------------------------------------------------- XTRIM / XDEL / XLEN

function xtrimCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const args = parseAddOrTrim(argv, false);
  if (typeof args === 'string') return ctx.reply.error(args);
  const stream = openStream(ctx, binaryKey(argv[1]), false);
  if (stream instanceof Promise) return retryAfter(stream, xtrimCommand, ctx, argv);
  if (stream === null) return ctx.reply.integer(0);
  if (stream === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  const request = args.trim;
  if (request === null || !trimMayRemove(stream, request)) return ctx.reply.integer(0);
  return (async () => {
    const ks = stream.ks;
    const batch = ks.batch();
    const result = await trim(stream, batch, request);
    if (!(await unchanged(stream))) return xtrimCommand(ctx, argv);
    if (result.deleted > 0) {
      if (result.emptied) stream.meta.version = ks.versions.next();
      await stream.commit(batch);
      await deleteBelow(ks, result.deadRange);
      notifyStream(ctx, 'xtrim', stream.key);
    }
    ctx.reply.integer(result.deleted);
  })();
}

/** XDEL key id [id ...]: the key first (a missing one deletes nothing, whatever the IDs), then every ID, then the deletions. */
function xdelCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const stream = openStream(ctx, binaryKey(argv[1]), false);
  if (stream instanceof Promise) return retryAfter(stream, xdelCommand, ctx, argv);
  if (stream === null) return ctx.reply.integer(0);
  if (stream === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  const ids: StreamKeyId[] = [];
  for (let i = 2; i < argv.length; i++) {
    const parsed = parseStreamId(argv[i], true, 0n);
    if (parsed === undefined) return ctx.reply.error(ERR_INVALID_ID);
    ids.push(parsed.id);
  }
  return (async () => {
    const batch = stream.ks.batch();
    const deleted = await deleteEntries(stream, batch, ids);
    if (!(await unchanged(stream))) return xdelCommand(ctx, argv);
    if (deleted > 0) {
      await stream.commit(batch);
      notifyStream(ctx, 'xdel', stream.key);
    }
    ctx.reply.integer(deleted);
  })();
}

function xlenCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const stream = openStream(ctx, binaryKey(argv[1]), true);
  if (stream instanceof Promise) return retryAfter(stream, xlenCommand, ctx, argv);
  if (stream === null) return ctx.reply.integer(0);
  if (stream === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  ctx.reply.integer(stream.meta.count);
}

// ---------------------------------------------------------------- XRANGE / XREVRANGE

/** Redis' streamParseIntervalIDOrReply: `(id` is exclusive (strict ID), otherwise `-`, `+` and IDs. */
export function parseInterval(arg: Buffer, missingSeq: bigint): { id: StreamKeyId; exclusive: boolean } | undefined {
  const exclusive = arg.length > 1 && arg[0] === 0x28;
  const parsed = exclusive ? parseStreamId(arg.subarray(1), true, missingSeq) : parseStreamId(arg, false, missingSeq);
  return parsed === undefined ? undefined : { id: parsed.id, exclusive };
}

function rangeCommand(reverse: boolean): CommandHandler {
  const handler = (ctx: CommandContext, argv: Buffer[]): void | Promise<void> => {
    const start = parseInterval(reverse ? argv[3] : argv[2], 0n);
    if (start === undefined) return ctx.reply.error(ERR_INVALID_ID);
    const from = start.exclusive ? nextId(start.id) : start.id;
    if (from === undefined) return ctx.reply.error('ERR invalid start ID for the interval');
    const end = parseInterval(reverse ? argv[2] : argv[3], 0xffff_ffff_ffff_ffffn);
    if (end === undefined) return ctx.reply.error(ERR_INVALID_ID);
    const to = end.exclusive ? previousId(end.id) : end.id;
    if (to === undefined) return ctx.reply.error('ERR invalid end ID for the interval');
    let count = -1;
    for (let j = 4; j < argv.length; j++) {
      if (argIs(argv[j], 'count') && j + 1 < argv.length) {
        const n = parseIntegerArg(argv[++j]);
        if (n === undefined) return ctx.reply.error(ERR_NOT_INTEGER);
        count = n < 0 ? 0 : Number(n);
      } else {
        return ctx.reply.error(ERR_SYNTAX);
      }
    }
    const stream = openStream(ctx, binaryKey(argv[1]), true);
    if (stream instanceof Promise) return retryAfter(stream, handler, ctx, argv);
    if (stream === null) return ctx.reply.arrayHeader(0);
    if (stream === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
    if (count === 0) return ctx.reply.nullArray();
    return readRange(stream, from, to, count === -1 ? 0 : count, reverse).then((entries) => replyEntries(ctx, entries));
  };
  return handler;
}

// ---------------------------------------------------------------- XREAD

/** The IDs a blocked XREAD waits after, fixed when it blocked (`$` resolved then). */
const blockedAfter = new WeakMap<Block, StreamKeyId[]>();

/** What XREAD and XREADGROUP say, parsed by one parser as Redis' xreadCommand parses both. */
export interface XreadArgs {
  /** Entries per stream; 0: all. */
  count: number;
  /** BLOCK in ms (0: forever), or -1 without BLOCK. */
  blockMs: number;
  /** Index of the first key. */
  keysAt: number;
  streams: number;
  /** XREADGROUP's NOACK, GROUP group consumer (null without GROUP). */
  noack: boolean;
  group: Buffer | null;
  consumer: Buffer | null;
}

/**
 * XREAD [COUNT count] [BLOCK ms] STREAMS key [key ...] id [id ...], and with `forGroup`
 * XREADGROUP's GROUP group consumer and NOACK too (XREAD refuses them with Redis' texts).
 * XREADGROUP's own check that GROUP was given comes after, in its command.
 */
export function parseXread(argv: readonly Buffer[], forGroup: boolean): XreadArgs | string {
  let count = 0;
  let blockMs = -1;
  let noack = false;
  let group: Buffer | null = null;
  let consumer: Buffer | null = null;
  for (let i = 1; i < argv.length; i++) {
    const more = argv.length - i - 1;
    const o = argv[i];
    if (more > 0 && argIs(o, 'block')) {
      const n = parseIntegerArg(argv[++i]);
      if (n === undefined) return 'ERR timeout is not an integer or out of range';
      if (n < 0) return 'ERR timeout is negative';
      blockMs = Number(n);
    } else if (more > 0 && argIs(o, 'count')) {
      const n = parseIntegerArg(argv[++i]);
      if (n === undefined) return ERR_NOT_INTEGER;
      count = n < 0 ? 0 : Number(n);
    } else if (more > 0 && argIs(o, 'streams')) {
      const rest = argv.length - i - 1;
      if (rest % 2 !== 0) return "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.";
      return { count, blockMs, keysAt: i + 1, streams: rest / 2, noack, group, consumer };
    } else if (more >= 2 && argIs(o, 'group')) {
      if (!forGroup) return 'ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.';
      group = argv[i + 1];
      consumer = argv[i + 2];
      i += 2;
    } else if (argIs(o, 'noack')) {
      if (!forGroup) return 'ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.';
      noack = true;
    } else {
      return ERR_SYNTAX;
    }
  }
  return ERR_SYNTAX;
}

function xreadCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const blocking = ctx.server.blocking;
  if (blocking.isGone(ctx.client)) return ctx.reply.nullArray();
  const args = parseXread(argv, false);
  if (typeof args === 'string') return ctx.reply.error(args);
  const block = blocking.blockOf(ctx.client);
  const retry = block !== undefined;
  const keys: BinaryKey[] = [];
  const streams: Array<Collection | null> = [];
  const after: StreamKeyId[] = [];
  for (let i = 0; i < args.streams; i++) {
    const key = binaryKey(argv[args.keysAt + i]);
    const found = openStream(ctx, key, true);
    if (found instanceof Promise) return retryAfter(found, xreadCommand, ctx, argv);
    // A blocked client is served only from streams: a key that changed type is waited on still.
    if (found === WRONG_TYPE && !retry) return ctx.reply.error(ERR_WRONGTYPE);
    const stream = found === WRONG_TYPE ? null : found;
    keys.push(key);
    streams.push(stream);
    const idArg = argv[args.keysAt + args.streams + i];
    if (idArg.length === 1 && idArg[0] === 0x24) {
      after.push(stream === null ? STREAM_ID_ZERO : streamState(stream).lastId);
      continue;
    }
    if (idArg.length === 1 && idArg[0] === 0x3e) return ctx.reply.error('ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.');
    const parsed = parseStreamId(idArg, true, 0n);
    if (parsed === undefined) return ctx.reply.error(ERR_INVALID_ID);
    after.push(parsed.id);
  }
  if (retry) return serveBlocked(ctx, block, keys, streams, args.count === 0 ? BLOCKED_DEFAULT_COUNT : args.count);
  // Streams that may have entries after their ID; read asynchronously if any.
  const candidates: number[] = [];
  for (let i = 0; i < streams.length; i++) {
    const stream = streams[i];
    if (stream !== null && stream.meta.count > 0 && streamState(stream).lastId > after[i]) candidates.push(i);
  }
  const answer = (found: ReadonlyArray<readonly [number, StreamEntry[]]>): void => {
    if (found.length > 0) return replyStreams(ctx, argv, args.keysAt, found);
    if (args.blockMs === -1 || !blocking.mayBlock(ctx.client)) return ctx.reply.nullArray();
    blocking.block(ctx.client, keys, args.blockMs === 0 ? 0 : Date.now() + args.blockMs);
    const now = blocking.blockOf(ctx.client);
    if (now !== undefined) blockedAfter.set(now, after);
  };
  if (candidates.length === 0) return answer([]);
  return (async () => {
    const found: Array<readonly [number, StreamEntry[]]> = [];
    for (const i of candidates) {
      const from = nextId(after[i]);
      if (from === undefined) continue;
      const entries = await readRange(streams[i] as Collection, from, STREAM_ID_MAX, args.count);
      if (entries.length > 0) found.push([i, entries]);
    }
    answer(found);
  })();
}

/** XREAD's reply: per stream with entries, its name and entries (RESP3: a map). */
function replyStreams(ctx: CommandContext, argv: readonly Buffer[], keysAt: number, found: ReadonlyArray<readonly [number, StreamEntry[]]>): void {
  const r = ctx.reply;
  const resp3 = ctx.client.resp === 3;
  if (resp3) r.mapHeader(found.length);
  else r.arrayHeader(found.length);
  for (const [i, entries] of found) {
    if (!resp3) r.arrayHeader(2);
    r.bulk(argv[keysAt + i]);
    replyEntries(ctx, entries);
  }
}

/**
 * A blocked XREAD running again: served from one stream, the one whose write woke it first, with
 * what came after the IDs fixed when it blocked (as Redis serves a blocked reader from the key
 * that became ready, one stream per reply); nothing there, it waits on.
 */
function serveBlocked(ctx: CommandContext, block: Block, keys: readonly BinaryKey[], streams: ReadonlyArray<Collection | null>, count: number): void | Promise<void> {
  const after = blockedAfter.get(block);
  if (after === undefined) return;
  const ready = ctx.server.blocking.readyKeyOf(ctx.client);
  const order = keys.map((_, i) => i);
  const at = ready === null ? -1 : keys.indexOf(ready);
  if (at > 0) order.unshift(...order.splice(at, 1));
  return (async () => {
    for (const i of order) {
      const stream = streams[i];
      if (stream === null || stream.meta.count === 0 || streamState(stream).lastId <= after[i]) continue;
      const from = nextId(after[i]);
      if (from === undefined) continue;
      const entries = await readRange(stream, from, STREAM_ID_MAX, count);
      if (entries.length === 0) continue;
      ctx.server.blocking.release(ctx.client);
      // Reading writes nothing, so pass the wake-up on: every reader blocked on the stream is served, as in Redis.
      ctx.server.blocking.keyWritten(ctx.client.db, keys[i]);
      const r = ctx.reply;
      if (ctx.client.resp === 3) r.mapHeader(1);
      else {
        r.arrayHeader(1);
        r.arrayHeader(2);
      }
      r.bulk(keys[i]);
      replyEntries(ctx, entries);
      return;
    }
    if (ready !== null) ctx.server.blocking.passOn(ctx.client, ready);
  })();
}

// ---------------------------------------------------------------- XSETID

function xsetidCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const id = parseStreamId(argv[2], true, 0n);
  if (id === undefined) return ctx.reply.error(ERR_INVALID_ID);
  let entriesAdded: bigint | null = null;
  let maxDeleted = STREAM_ID_ZERO;
  for (let i = 3; i < argv.length; i += 2) {
    const more = argv.length - 1 - i;
    if (more > 0 && argIs(argv[i], 'entriesadded')) {
      const n = parseIntegerArg(argv[i + 1]);
      if (n === undefined) return ctx.reply.error(ERR_NOT_INTEGER);
      if (n < 0) return ctx.reply.error('ERR entries_added must be positive');
      entriesAdded = BigInt(n);
    } else if (more > 0 && argIs(argv[i], 'maxdeletedid')) {
      const parsed = parseStreamId(argv[i + 1], true, 0n);
      if (parsed === undefined) return ctx.reply.error(ERR_INVALID_ID);
      if (id.id < parsed.id) return ctx.reply.error('ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id');
      maxDeleted = parsed.id;
    } else {
      return ctx.reply.error(ERR_SYNTAX);
    }
  }
  const stream = openStream(ctx, binaryKey(argv[1]), false);
  if (stream instanceof Promise) return retryAfter(stream, xsetidCommand, ctx, argv);
  if (stream === null) return ctx.reply.error(ERR_NO_SUCH_KEY);
  if (stream === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  const s = streamState(stream);
  // 7.0.15 checks the top item and entries_added (for a stream with entries), and an ID below the
  // stream's own max_deleted_entry_id is accepted (only a MAXDELETEDID argument above it is refused).
  const apply = (): void | Promise<void> => {
    s.lastId = id.id;
    if (entriesAdded !== null) s.entriesAdded = entriesAdded;
    if (maxDeleted !== STREAM_ID_ZERO) s.maxDeletedId = maxDeleted;
    // Redis 7.0.15's XSETID does not signal the key as modified: a WATCH on it survives (so here too).
    const write = stream.ks.batch().putUnwatched(stream.db, stream.key, encodeMeta(stream.meta), stream.previous).commit();
    ctx.reply.ok();
    notifyStream(ctx, 'xsetid', stream.key);
    return durable(write);
  };
  if (stream.meta.count === 0) return apply();
  return (async () => {
    const [last] = await readRange(stream, STREAM_ID_ZERO, STREAM_ID_MAX, 1, true);
    if (!(await unchanged(stream))) return xsetidCommand(ctx, argv);
    if (last !== undefined && id.id < last.id) return ctx.reply.error('ERR The ID specified in XSETID is smaller than the target stream top item');
    if (entriesAdded !== null && BigInt(stream.meta.count) > entriesAdded) return ctx.reply.error('ERR The entries_added specified in XSETID is smaller than the target stream length');
    return apply();
  })();
}

// ---------------------------------------------------------------- XINFO

const XINFO_HELP = [
  'XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CONSUMERS <key> <groupname>',
  '    Show consumers of <groupname>.',
  'GROUPS <key>',
  '    Show the stream consumer groups.',
  'STREAM <key> [FULL [COUNT <count>]',
  '    Show information about the stream.',
  'HELP',
  '    Prints this help.',
];

function subcommandSyntaxError(ctx: CommandContext, argv: readonly Buffer[]): void {
  ctx.reply.error(`ERR unknown subcommand or wrong number of arguments for '${cString(argv[1], 128)}'. Try XINFO HELP.`);
}

/** The stream XINFO's subcommands look at: ERR no such key when there is none. */
function xinfoStream(ctx: CommandContext, argv: Buffer[], self: CommandHandler): Collection | void | Promise<void> {
  const stream = openStream(ctx, binaryKey(argv[2]), true);
  if (stream instanceof Promise) return retryAfter(stream, self, ctx, argv);
  if (stream === null) return ctx.reply.error(ERR_NO_SUCH_KEY);
  if (stream === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  return stream;
}

function xinfoStreamCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const stream = xinfoStream(ctx, argv, xinfoStreamCommand);
  if (stream === undefined || stream instanceof Promise) return stream;
  let full = false;
  let count = 10;
  const options = argv.length - 3;
  if (options !== 0) {
    if ((options !== 1 && options !== 3) || !argIs(argv[3], 'full')) return subcommandSyntaxError(ctx, argv);
    full = true;
    if (options === 3) {
      if (!argIs(argv[4], 'count')) return subcommandSyntaxError(ctx, argv);
      const n = parseIntegerArg(argv[5]);
      if (n === undefined) return ctx.reply.error(ERR_NOT_INTEGER);
      count = n < 0 ? 10 : Number(n);
    }
  }
  return (async () => {
    const first = full ? await readRange(stream, STREAM_ID_ZERO, STREAM_ID_MAX, count) : await readRange(stream, STREAM_ID_ZERO, STREAM_ID_MAX, 1);
    const last = full ? [] : await readRange(stream, STREAM_ID_ZERO, STREAM_ID_MAX, 1, true);
    const s = streamState(stream);
    const r = ctx.reply;
    r.mapHeader(full ? 9 : 10);
    r.bulkText('length');
    r.integer(stream.meta.count);
    r.bulkText('radix-tree-keys');
    r.integer(s.nodes);
    r.bulkText('radix-tree-nodes');
    r.integer(radixTreeNodes(s.nodes));
    r.bulkText('last-generated-id');
    r.bulkText(idText(s.lastId));
    r.bulkText('max-deleted-entry-id');
    r.bulkText(idText(s.maxDeletedId));
    r.bulkText('entries-added');
    r.integer(s.entriesAdded);
    r.bulkText('recorded-first-entry-id');
    r.bulkText(idText(s.firstId));
    if (full) {
      r.bulkText('entries');
      replyEntries(ctx, first);
      r.bulkText('groups');
      const groups = await readGroups(stream);
      r.arrayHeader(groups.length);
      for (const g of groups) await replyGroupFull(ctx, stream, g, count);
      return;
    }
    r.bulkText('groups');
    r.integer(s.groups);
    r.bulkText('first-entry');
    if (first.length === 0) r.nullBulk();
    else replyEntry(ctx, first[0]);
    r.bulkText('last-entry');
    if (last.length === 0) r.nullBulk();
    else replyEntry(ctx, last[0]);
  })();
}

/**
 * XINFO's radix-tree-nodes: the nodes of Redis' radix tree over its listpack keys. Exact for up to
 * one listpack (an empty tree has 1 node, one key makes 2); beyond, an estimate (one inner node
 * per key), as the tree's shape depends on the keys' bytes.
 */
function radixTreeNodes(keys: number): number {
  return keys === 0 ? 1 : keys + 1;
}

/** A group's entries-read and lag as XINFO prints them (nil when unknown). */
function replyReadAndLag(ctx: CommandContext, stream: Collection, g: Group): void {
  const r = ctx.reply;
  r.bulkText('entries-read');
  if (g.entriesRead === ENTRIES_READ_INVALID) r.nullBulk();
  else r.integer(g.entriesRead);
  r.bulkText('lag');
  const lag = groupLag(stream, g);
  if (lag === null) r.nullBulk();
  else r.integer(lag);
}

/**
 * One group of XINFO STREAM FULL: its fields, the first `count` entries of its PEL (0: all) and
 * each consumer with the first `count` of its own. Times are absolute ms, as Redis prints them.
 */
async function replyGroupFull(ctx: CommandContext, stream: Collection, g: Group, count: number): Promise<void> {
  const r = ctx.reply;
  const pel: Array<[StreamKeyId, string, number, bigint]> = [];
  await walkPel(stream, g, null, STREAM_ID_ZERO, STREAM_ID_MAX, ({ id, entry }) => {
    pel.push([id, entry.consumer, entry.deliveryTime, entry.deliveryCount]);
    return count === 0 || pel.length < count;
  });
  const consumers = await readConsumers(stream, g);
  const owned: Array<Array<[StreamKeyId, number, bigint]>> = [];
  for (const c of consumers) {
    const mine: Array<[StreamKeyId, number, bigint]> = [];
    if (c.pending > 0) {
      await walkPel(stream, g, c.name, STREAM_ID_ZERO, STREAM_ID_MAX, ({ id, entry }) => {
        mine.push([id, entry.deliveryTime, entry.deliveryCount]);
        return count === 0 || mine.length < count;
      });
    }
    owned.push(mine);
  }
  r.mapHeader(7);
  r.bulkText('name');
  r.bulk(Buffer.from(g.name, 'latin1'));
  r.bulkText('last-delivered-id');
  r.bulkText(idText(g.lastId));
  replyReadAndLag(ctx, stream, g);
  r.bulkText('pel-count');
  r.integer(g.pel);
  r.bulkText('pending');
  r.arrayHeader(pel.length);
  for (const [id, owner, time, n] of pel) {
    r.arrayHeader(4);
    r.bulkText(idText(id));
    r.bulk(Buffer.from(owner, 'latin1'));
    r.integer(time);
    r.integer(n);
  }
  r.bulkText('consumers');
  r.arrayHeader(consumers.length);
  consumers.forEach((c, i) => {
    r.mapHeader(4);
    r.bulkText('name');
    r.bulk(Buffer.from(c.name, 'latin1'));
    r.bulkText('seen-time');
    r.integer(c.seenTime);
    r.bulkText('pel-count');
    r.integer(c.pending);
    r.bulkText('pending');
    r.arrayHeader(owned[i].length);
    for (const [id, time, n] of owned[i]) {
      r.arrayHeader(3);
      r.bulkText(idText(id));
      r.integer(time);
      r.integer(n);
    }
  });
}

function xinfoGroupsCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const stream = xinfoStream(ctx, argv, xinfoGroupsCommand);
  if (stream === undefined || stream instanceof Promise) return stream;
  return (async () => {
    const groups = await readGroups(stream);
    const r = ctx.reply;
    r.arrayHeader(groups.length);
    for (const g of groups) {
      r.mapHeader(6);
      r.bulkText('name');
      r.bulk(Buffer.from(g.name, 'latin1'));
      r.bulkText('consumers');
      r.integer(g.consumers);
      r.bulkText('pending');
      r.integer(g.pel);
      r.bulkText('last-delivered-id');
      r.bulkText(idText(g.lastId));
      replyReadAndLag(ctx, stream, g);
    }
  })();
}

/** XINFO CONSUMERS key group: name, pending and idle (ms since seen) of each consumer, by name. */
function xinfoConsumersCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const stream = xinfoStream(ctx, argv, xinfoConsumersCommand);
  if (stream === undefined || stream instanceof Promise) return stream;
  return (async () => {
    const group = await readGroup(stream, binaryKey(argv[3]));
    if (group === undefined) return ctx.reply.error(`NOGROUP No such consumer group '${cString(argv[3])}' for key name '${cString(argv[2])}'`);
    const consumers = await readConsumers(stream, group);
    const now = Date.now();
    const r = ctx.reply;
    r.arrayHeader(consumers.length);
    for (const c of consumers) {
      r.mapHeader(3);
      r.bulkText('name');
      r.bulk(Buffer.from(c.name, 'latin1'));
      r.bulkText('pending');
      r.integer(c.pending);
      r.bulkText('idle');
      r.integer(Math.max(0, now - c.seenTime));
    }
  })();
}


/** Handlers by command name; the metadata is in ../command-table/streams.ts. */
export const streamHandlers: CommandHandlers = {
  xadd: xaddCommand,
  xlen: xlenCommand,
  xrange: rangeCommand(false),
  xrevrange: rangeCommand(true),
  xdel: xdelCommand,
  xtrim: xtrimCommand,
  xread: xreadCommand,
  xsetid: xsetidCommand,
  'xinfo|stream': xinfoStreamCommand,
  'xinfo|groups': xinfoGroupsCommand,
  'xinfo|consumers': xinfoConsumersCommand,
  'xinfo|help': (ctx) => replyHelp(ctx, XINFO_HELP),
};
