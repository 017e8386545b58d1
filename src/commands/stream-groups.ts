/**
 * Consumer group commands: XGROUP (CREATE SETID DESTROY CREATECONSUMER DELCONSUMER HELP),
 * XREADGROUP (BLOCK too), XACK, XPENDING, XCLAIM, XAUTOCLAIM. The records they change are those
 * of src/types/stream-groups.ts (docs/format.md, "Consumer groups").
 *
 * Each handler checks its arguments in the order of Redis 7.0's t_stream.c (so a bad command
 * gets the same error), then reads what it needs asynchronously while the dispatcher holds its
 * keys, and commits one batch. Group records are written without flagging WATCHers, as Redis
 * does not signal the key for them (only XGROUP CREATE MKSTREAM, which creates the stream, does).
 *
 * A blocked XREADGROUP waits in the blocking registry like XREAD, always for `>`, and is served
 * when it runs again from the first stream whose group has entries past its last-delivered-id
 * (the woken key first). Running again, it answers Redis' errors when its stream is gone or has
 * another type (-UNBLOCKED) or its group was destroyed (-NOGROUP); XGROUP DESTROY wakes it.
 */
import type { CommandContext, CommandHandlers } from './types.js';
import type { BinaryKey } from '../engine/types.js';
import { ValueType, binaryKey } from '../keyspace/encoding.js';
import { encodeMeta, type StreamKeyId } from '../keyspace/collection-encoding.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE, argIs, cString, parseIntegerArg } from '../keyspace/numbers.js';
import { retryAfter } from './command-support.js';
import { replyHelp } from './connection.js';
import { WRONG_TYPE, openOrCreate, type Collection } from '../types/collection.js';
import { STREAM_ID_MAX, STREAM_ID_ZERO, idText, nextId, parseStreamId, previousId, readRange, streamState, type StreamEntry } from '../types/stream.js';
import {
  ENTRIES_READ_INVALID, GroupEdit, advanceGroup, createGroup, destroyGroup, entryExists, pelBounds, putGroup, readConsumers, readGroup, walkPel,
  type Consumer, type Group, type PelItem,
} from '../types/stream-groups.js';
import { BLOCKED_DEFAULT_COUNT, ERR_INVALID_ID, notifyStream, openStream, parseInterval, parseXread, replyEntry, unchanged, type XreadArgs } from './streams.js';

const ERR_KEY_REQUIRED = 'ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.';

function noGroup(ctx: CommandContext, key: Buffer, group: Buffer): void {
  ctx.reply.error(`NOGROUP No such key '${cString(key)}' or consumer group '${cString(group)}'`);
}

/** Stages the stream's metadata (group count) without flagging WATCHers, unless it creates the stream. */
function stageMeta(stream: Collection, batch: ReturnType<Collection['ks']['batch']>): void {
  if (!stream.exists) stream.stage(batch);
  else batch.putUnwatched(stream.db, stream.key, encodeMeta(stream.meta), stream.previous);
}

/** An open that waits for the disk: the stream (null when missing), WRONG_TYPE, or a Promise to retry after. */
type Opened = Collection | null | typeof WRONG_TYPE;

function open(ctx: CommandContext, key: Buffer, forRead: boolean): Opened | Promise<unknown> {
  return openStream(ctx, binaryKey(key), forRead) as Opened | Promise<unknown>;
}

// ---------------------------------------------------------------- XGROUP

const XGROUP_HELP = [
  'XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CREATE <key> <groupname> <id|$> [option]',
  '    Create a new consumer group. Options are:',
  '    * MKSTREAM',
  '      Create the empty stream if it does not exist.',
  '    * ENTRIESREAD entries_read',
  "      Set the group's entries_read counter (internal use).",
  'CREATECONSUMER <key> <groupname> <consumer>',
  '    Create a new consumer in the specified group.',
  'DELCONSUMER <key> <groupname> <consumer>',
  '    Remove the specified consumer.',
  'DESTROY <key> <groupname>',
  '    Remove the specified group.',
  'SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]',
  '    Set the current group ID and entries_read counter.',
  'HELP',
  '    Prints this help.',
];

function xgroupSyntaxError(ctx: CommandContext, argv: readonly Buffer[]): void {
  ctx.reply.error(`ERR unknown subcommand or wrong number of arguments for '${cString(argv[1], 128)}'. Try XGROUP HELP.`);
}

/** ENTRIESREAD's value: -1 or a non-negative integer, or the error text. */
function parseEntriesRead(arg: Buffer): bigint | string {
  const n = parseIntegerArg(arg);
  if (n === undefined) return ERR_NOT_INTEGER;
  const v = BigInt(n);
  if (v < 0n && v !== ENTRIES_READ_INVALID) return 'ERR value for ENTRIESREAD must be positive or -1';
  return v;
}

/**
 * What every XGROUP subcommand does first (xgroupCommand): the options, then the key (another
 * type: WRONGTYPE; missing: an error unless MKSTREAM), then the group where it must exist.
 */
interface XgroupTarget {
  stream: Collection | null;
  group: Group | undefined;
}

async function xgroupTarget(ctx: CommandContext, argv: Buffer[], mkstream: boolean, groupRequired: boolean): Promise<XgroupTarget | undefined> {
  for (;;) {
    const found = open(ctx, argv[2], false);
    if (found instanceof Promise) {
      await found;
      continue;
    }
    if (found === WRONG_TYPE) {
      ctx.reply.error(ERR_WRONGTYPE);
      return undefined;
    }
    if (found === null && !mkstream) {
      ctx.reply.error(ERR_KEY_REQUIRED);
      return undefined;
    }
    const group = found === null ? undefined : await readGroup(found, binaryKey(argv[3]));
    if (found !== null && !(await unchanged(found))) return xgroupTarget(ctx, argv, mkstream, groupRequired);
    if (groupRequired && group === undefined) {
      ctx.reply.error(`NOGROUP No such consumer group '${cString(argv[3])}' for key name '${cString(argv[2])}'`);
      return undefined;
    }
    return { stream: found, group };
  }
}

/** The ID of XGROUP CREATE / SETID: `$` is the stream's last ID; CREATE takes strict IDs, SETID also `-` and `+`. */
function groupStartId(arg: Buffer, stream: Collection | null, strict: boolean): StreamKeyId | undefined {
  if (arg.length === 1 && arg[0] === 0x24) return stream === null ? STREAM_ID_ZERO : streamState(stream).lastId;
  return parseStreamId(arg, strict, 0n)?.id;
}

function xgroupCreateCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  let mkstream = false;
  let entriesRead = ENTRIES_READ_INVALID;
  for (let i = 5; i < argv.length; ) {
    if (argIs(argv[i], 'mkstream')) {
      mkstream = true;
      i++;
    } else if (argIs(argv[i], 'entriesread') && i + 1 < argv.length) {
      const v = parseEntriesRead(argv[i + 1]);
      if (typeof v === 'string') return ctx.reply.error(v);
      entriesRead = v;
      i += 2;
    } else {
      return xgroupSyntaxError(ctx, argv);
    }
  }
  return (async () => {
    const target = await xgroupTarget(ctx, argv, mkstream, false);
    if (target === undefined) return;
    // Options repeated past CREATE's 8 arguments: refused only here, after the key (as Redis' dispatch does).
    if (argv.length > 8) return xgroupSyntaxError(ctx, argv);
    const id = groupStartId(argv[4], target.stream, true);
    if (id === undefined) return ctx.reply.error(ERR_INVALID_ID);
    if (target.group !== undefined) return ctx.reply.error('BUSYGROUP Consumer Group name already exists');
    const ks = ctx.server.keyspace;
    let stream = target.stream;
    if (stream === null) {
      const created = openOrCreate(ks, ctx.client.db, binaryKey(argv[2]), ValueType.Stream);
      if (created instanceof Promise || created === WRONG_TYPE) throw new Error('stream vanished while held');
      stream = created;
    }
    const batch = ks.batch();
    createGroup(stream, batch, binaryKey(argv[3]), id, entriesRead);
    stageMeta(stream, batch);
    await batch.commit();
    ctx.reply.ok();
    notifyStream(ctx, 'xgroup-create', stream.key);
  })();
}

function xgroupSetidCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  let entriesRead = ENTRIES_READ_INVALID;
  // Options are read as CREATE's are (ENTRIESREAD may repeat); the count is checked after the key.
  for (let i = 5; i < argv.length; i += 2) {
    if (!argIs(argv[i], 'entriesread') || i + 1 >= argv.length) return xgroupSyntaxError(ctx, argv);
    const v = parseEntriesRead(argv[i + 1]);
    if (typeof v === 'string') return ctx.reply.error(v);
    entriesRead = v;
  }
  return (async () => {
    const target = await xgroupTarget(ctx, argv, false, true);
    if (target === undefined || target.stream === null || target.group === undefined) return;
    // More than ENTRIESREAD's pair: refused only here, after the key and the group (Redis' dispatch).
    if (argv.length !== 5 && argv.length !== 7) return xgroupSyntaxError(ctx, argv);
    const id = groupStartId(argv[4], target.stream, false);
    if (id === undefined) return ctx.reply.error(ERR_INVALID_ID);
    target.group.lastId = id;
    target.group.entriesRead = entriesRead;
    const batch = ctx.server.keyspace.batch();
    putGroup(target.stream, batch, target.group);
    await batch.commit();
    ctx.reply.ok();
    notifyStream(ctx, 'xgroup-setid', target.stream.key);
  })();
}

function xgroupDestroyCommand(ctx: CommandContext, argv: Buffer[]): Promise<void> {
  return (async () => {
    const target = await xgroupTarget(ctx, argv, false, false);
    if (target === undefined || target.stream === null) return;
    if (target.group === undefined) return ctx.reply.integer(0);
    const stream = target.stream;
    const batch = ctx.server.keyspace.batch();
    destroyGroup(stream, batch, target.group);
    stageMeta(stream, batch);
    await batch.commit();
    ctx.server.keyspace.sweeper.noteGarbage();
    ctx.reply.integer(1);
    notifyStream(ctx, 'xgroup-destroy', stream.key);
    // XREADGROUPs blocked on the group get their -NOGROUP (Redis' signalKeyAsReady).
    ctx.server.blocking.keyWritten(ctx.client.db, stream.key);
  })();
}

function xgroupCreateConsumerCommand(ctx: CommandContext, argv: Buffer[]): Promise<void> {
  return (async () => {
    const target = await xgroupTarget(ctx, argv, false, true);
    if (target === undefined || target.stream === null || target.group === undefined) return;
    const batch = ctx.server.keyspace.batch();
    const edit = new GroupEdit(target.stream, target.group, batch);
    const created = await edit.createConsumer(binaryKey(argv[4]), Date.now());
    if (created === undefined) return ctx.reply.integer(0);
    edit.finish();
    await batch.commit();
    notifyStream(ctx, 'xgroup-createconsumer', target.stream.key);
    ctx.reply.integer(1);
  })();
}

function xgroupDelConsumerCommand(ctx: CommandContext, argv: Buffer[]): Promise<void> {
  return (async () => {
    const target = await xgroupTarget(ctx, argv, false, true);
    if (target === undefined || target.stream === null || target.group === undefined) return;
    const batch = ctx.server.keyspace.batch();
    const edit = new GroupEdit(target.stream, target.group, batch);
    const pending = await edit.deleteConsumer(binaryKey(argv[4]));
    if (pending === undefined) return ctx.reply.integer(0);
    edit.finish();
    await batch.commit();
    ctx.reply.integer(pending);
    // Redis 7.0.15 signals only a consumer that existed.
    notifyStream(ctx, 'xgroup-delconsumer', target.stream.key);
  })();
}

// ---------------------------------------------------------------- XREADGROUP

interface XreadgroupArgs extends XreadArgs {
  group: Buffer;
  consumer: Buffer;
}

/** XREADGROUP GROUP group consumer [COUNT n] [BLOCK ms] [NOACK] STREAMS key... id..., as xreadCommand parses it. */
function parseXreadgroup(argv: readonly Buffer[]): XreadgroupArgs | string {
  const args = parseXread(argv, true);
  if (typeof args === 'string') return args;
  const { group, consumer } = args;
  if (group === null || consumer === null) return 'ERR Missing GROUP option for XREADGROUP';
  return { ...args, group, consumer };
}

const NEW_ENTRIES = '>';

/** One stream's part of a reply: its key index, and entries (a null body: a pending entry no longer in the stream). */
type Served = readonly [index: number, entries: ReadonlyArray<StreamEntry | { readonly id: StreamKeyId; readonly pairs: null }>];

function xreadgroupCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const blocking = ctx.server.blocking;
  if (blocking.isGone(ctx.client)) return ctx.reply.nullArray();
  const args = parseXreadgroup(argv);
  if (typeof args === 'string') return ctx.reply.error(args);
  const opened: Opened[] = [];
  for (let i = 0; i < args.streams; i++) {
    const found = open(ctx, argv[args.keysAt + i], false);
    if (found instanceof Promise) return retryAfter(found, xreadgroupCommand, ctx, argv);
    opened.push(found);
  }
  const block = blocking.blockOf(ctx.client);
  if (block !== undefined) return serveBlockedGroup(ctx, argv, args, opened);
  return (async () => {
    // Per stream, in order: its type, its group, its ID (Redis' order of errors).
    const groups: Group[] = [];
    const history: Array<StreamKeyId | null> = [];
    for (let i = 0; i < args.streams; i++) {
      const stream = opened[i];
      const key = argv[args.keysAt + i];
      if (stream === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
      const group = stream === null ? undefined : await readGroup(stream, binaryKey(args.group));
      if (group === undefined) return ctx.reply.error(`NOGROUP No such key '${cString(key)}' or consumer group '${cString(args.group)}' in XREADGROUP with GROUP option`);
      groups.push(group);
      const idArg = argv[args.keysAt + args.streams + i];
      if (idArg.length === 1 && idArg[0] === 0x24) {
        return ctx.reply.error('ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.');
      }
      if (idArg.toString('latin1') === NEW_ENTRIES) {
        history.push(null);
        continue;
      }
      const parsed = parseStreamId(idArg, true, 0n);
      if (parsed === undefined) return ctx.reply.error(ERR_INVALID_ID);
      history.push(parsed.id);
    }
    for (const s of opened) if (!(await unchanged(s as Collection))) return xreadgroupCommand(ctx, argv);
    const now = Date.now();
    const batch = ctx.server.keyspace.batch();
    const served: Served[] = [];
    const created: BinaryKey[] = [];
    let wrote = false;
    // A stream named twice is one group: the second read starts where the first left it.
    const edits = new Map<BinaryKey, GroupEdit>();
    for (let i = 0; i < args.streams; i++) {
      const stream = opened[i] as Collection;
      const edit = edits.get(stream.key) ?? new GroupEdit(stream, groups[i], batch);
      edits.set(stream.key, edit);
      const from = history[i];
      // Redis looks the consumer up (creating it) only for a stream it serves: history, or new entries.
      const entries = from === null ? await newEntries(edit, args.count) : [];
      if (from === null && entries.length === 0) continue;
      const { consumer, created: isNew } = await edit.lookupOrCreate(binaryKey(args.consumer), now);
      if (isNew) created.push(stream.key);
      if (from !== null) served.push([i, await readHistory(edit, consumer, from, args.count, now)]);
      else {
        await deliver(edit, consumer, entries, args.noack, now);
        served.push([i, entries]);
      }
      wrote = true;
    }
    for (const edit of edits.values()) edit.finish();
    if (wrote) await batch.commit();
    for (const key of created) notifyStream(ctx, 'xgroup-createconsumer', key);
    if (served.length > 0) return replyServed(ctx, argv, args.keysAt, served);
    if (args.blockMs === -1 || !blocking.mayBlock(ctx.client)) return ctx.reply.nullArray();
    const keys = Array.from({ length: args.streams }, (_, i) => binaryKey(argv[args.keysAt + i]));
    blocking.block(ctx.client, keys, args.blockMs === 0 ? 0 : Date.now() + args.blockMs);
  })();
}

/** The consumer's pending entries after `after` (XREADGROUP with an ID): each delivered again (time, count), or with a null body when gone from the stream. */
async function readHistory(edit: GroupEdit, consumer: Consumer, after: StreamKeyId, count: number, now: number): Promise<Served[1]> {
  const start = nextId(after);
  if (start === undefined) return [];
  const items = await edit.pendingOf(consumer.name, start, STREAM_ID_MAX, count);
  const out: Array<StreamEntry | { id: StreamKeyId; pairs: null }> = [];
  for (const item of items) {
    const [entry] = await readRange(edit.stream, item.id, item.id, 1);
    if (entry === undefined) {
      out.push({ id: item.id, pairs: null });
      continue;
    }
    edit.redeliver(item.id, item.entry, now);
    out.push(entry);
  }
  return out;
}

/** Entries after the group's last-delivered-id (XREADGROUP `>`), at most `count` (0: all). */
async function newEntries(edit: GroupEdit, count: number): Promise<StreamEntry[]> {
  const from = nextId(edit.group.lastId);
  if (from === undefined) return [];
  return readRange(edit.stream, from, STREAM_ID_MAX, count);
}

/** Delivers `entries` to `consumer`: the group advances, the PELs take them unless NOACK. */
async function deliver(edit: GroupEdit, consumer: Consumer, entries: readonly StreamEntry[], noack: boolean, now: number): Promise<void> {
  for (const e of entries) {
    advanceGroup(edit.stream, edit.group, e.id);
    edit.touchGroup();
    if (!noack) {
      await edit.assign(e.id, consumer, now, () => 1n);
      consumer.activeTime = now;
    }
  }
}

function replyServed(ctx: CommandContext, argv: readonly Buffer[], keysAt: number, served: readonly Served[]): void {
  const r = ctx.reply;
  const resp3 = ctx.client.resp === 3;
  if (resp3) r.mapHeader(served.length);
  else r.arrayHeader(served.length);
  for (const [i, entries] of served) {
    if (!resp3) r.arrayHeader(2);
    r.bulk(argv[keysAt + i]);
    r.arrayHeader(entries.length);
    for (const e of entries) {
      if (e.pairs !== null) {
        replyEntry(ctx, e as StreamEntry);
        continue;
      }
      r.arrayHeader(2);
      r.bulkText(idText(e.id));
      r.nullArray();
    }
  }
}

/**
 * A blocked XREADGROUP running again (Redis' serveClientsBlockedOnStreamKey): an error when a
 * stream is gone or its group destroyed; else served from the first stream (the woken one first)
 * whose group has entries past its last-delivered-id; else it waits on.
 */
function serveBlockedGroup(ctx: CommandContext, argv: Buffer[], args: XreadgroupArgs, opened: readonly Opened[]): Promise<void> {
  const blocking = ctx.server.blocking;
  const keys = Array.from({ length: args.streams }, (_, i) => binaryKey(argv[args.keysAt + i]));
  const ready = blocking.readyKeyOf(ctx.client);
  const order = keys.map((_, i) => i);
  const at = ready === null ? -1 : keys.indexOf(ready);
  if (at > 0) order.unshift(...order.splice(at, 1));
  return (async () => {
    for (const i of order) {
      const stream = opened[i];
      if (stream === null || stream === WRONG_TYPE) {
        blocking.release(ctx.client);
        return ctx.reply.error('UNBLOCKED the stream key no longer exists');
      }
      const group = await readGroup(stream, binaryKey(args.group));
      if (group === undefined) {
        blocking.release(ctx.client);
        return ctx.reply.error('NOGROUP the consumer group this client was blocked on no longer exists');
      }
      if (stream.meta.count === 0 || streamState(stream).lastId <= group.lastId) continue;
      const batch = ctx.server.keyspace.batch();
      const edit = new GroupEdit(stream, group, batch);
      const now = Date.now();
      const entries = await newEntries(edit, args.count === 0 ? BLOCKED_DEFAULT_COUNT : args.count);
      if (entries.length === 0) continue;
      const { consumer, created } = await edit.lookupOrCreate(binaryKey(args.consumer), now);
      await deliver(edit, consumer, entries, args.noack, now);
      edit.finish();
      await batch.commit();
      blocking.release(ctx.client);
      if (created) notifyStream(ctx, 'xgroup-createconsumer', stream.key);
      // The group moved on: other readers blocked on the stream look again (another group may have entries for them).
      blocking.keyWritten(ctx.client.db, keys[i]);
      return replyServed(ctx, argv, args.keysAt, [[i, entries]]);
    }
    if (ready !== null) blocking.passOn(ctx.client, ready);
  })();
}

// ---------------------------------------------------------------- XACK

/** XACK key group id...: no key or no group acknowledges nothing, whatever the IDs; then every ID is checked, then the PEL changes. */
function xackCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const stream = open(ctx, argv[1], false);
  if (stream instanceof Promise) return retryAfter(stream, xackCommand, ctx, argv);
  if (stream === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  if (stream === null) return ctx.reply.integer(0);
  return (async () => {
    const group = await readGroup(stream, binaryKey(argv[2]));
    if (!(await unchanged(stream))) return xackCommand(ctx, argv);
    if (group === undefined) return ctx.reply.integer(0);
    const ids: StreamKeyId[] = [];
    for (let i = 3; i < argv.length; i++) {
      const parsed = parseStreamId(argv[i], true, 0n);
      if (parsed === undefined) return ctx.reply.error(ERR_INVALID_ID);
      ids.push(parsed.id);
    }
    const batch = ctx.server.keyspace.batch();
    const edit = new GroupEdit(stream, group, batch);
    let acked = 0;
    for (const id of ids) if (await edit.remove(id)) acked++;
    if (acked > 0) {
      edit.finish();
      await batch.commit();
    }
    ctx.reply.integer(acked);
  })();
}

// ---------------------------------------------------------------- XPENDING

function xpendingCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const summary = argv.length === 3;
  if (argv.length !== 3 && (argv.length < 6 || argv.length > 9)) return ctx.reply.error(ERR_SYNTAX);
  let minIdle = 0;
  let count = 0;
  let start = STREAM_ID_ZERO;
  let end = STREAM_ID_MAX;
  let consumerName: Buffer | null = null;
  if (argv.length >= 6) {
    let at = 3;
    if (argIs(argv[3], 'idle')) {
      const n = parseIntegerArg(argv[4]);
      if (n === undefined) return ctx.reply.error(ERR_NOT_INTEGER);
      minIdle = Number(n);
      if (argv.length < 8) return ctx.reply.error(ERR_SYNTAX);
      at += 2;
    }
    const n = parseIntegerArg(argv[at + 2]);
    if (n === undefined) return ctx.reply.error(ERR_NOT_INTEGER);
    count = n < 0 ? 0 : Number(n);
    const s = parseInterval(argv[at], 0n);
    if (s === undefined) return ctx.reply.error(ERR_INVALID_ID);
    const from = s.exclusive ? nextId(s.id) : s.id;
    if (from === undefined) return ctx.reply.error('ERR invalid start ID for the interval');
    const e = parseInterval(argv[at + 1], 0xffff_ffff_ffff_ffffn);
    if (e === undefined) return ctx.reply.error(ERR_INVALID_ID);
    const to = e.exclusive ? previousId(e.id) : e.id;
    if (to === undefined) return ctx.reply.error('ERR invalid end ID for the interval');
    start = from;
    end = to;
    if (at + 3 < argv.length) consumerName = argv[at + 3];
  }
  const stream = open(ctx, argv[1], true);
  if (stream instanceof Promise) return retryAfter(stream, xpendingCommand, ctx, argv);
  if (stream === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  if (stream === null) return noGroup(ctx, argv[1], argv[2]);
  return (async () => {
    const group = await readGroup(stream, binaryKey(argv[2]));
    if (group === undefined) return noGroup(ctx, argv[1], argv[2]);
    const r = ctx.reply;
    if (summary) {
      r.arrayHeader(4);
      r.integer(group.pel);
      const bounds = group.pel === 0 ? undefined : await pelBounds(stream, group);
      if (bounds === undefined) {
        r.nullBulk();
        r.nullBulk();
        r.nullArray();
        return;
      }
      r.bulkText(idText(bounds[0]));
      r.bulkText(idText(bounds[1]));
      const owners = (await readConsumers(stream, group)).filter((c) => c.pending > 0);
      r.arrayHeader(owners.length);
      for (const c of owners) {
        r.arrayHeader(2);
        r.bulk(Buffer.from(c.name, 'latin1'));
        r.bulkText(String(c.pending));
      }
      return;
    }
    let owner: BinaryKey | null = null;
    if (consumerName !== null) {
      owner = binaryKey(consumerName);
      const batch = ctx.server.keyspace.batch();
      if ((await new GroupEdit(stream, group, batch).consumer(owner)) === undefined) return r.arrayHeader(0);
    }
    const now = Date.now();
    const items: PelItem[] = [];
    if (count > 0 && start <= end) {
      await walkPel(stream, group, owner, start, end, (item) => {
        if (minIdle !== 0 && now - item.entry.deliveryTime < minIdle) return;
        items.push(item);
        return items.length < count;
      });
    }
    r.arrayHeader(items.length);
    for (const { id, entry } of items) {
      r.arrayHeader(4);
      r.bulkText(idText(id));
      r.bulk(Buffer.from(entry.consumer, 'latin1'));
      r.integer(Math.max(0, now - entry.deliveryTime));
      r.integer(entry.deliveryCount);
    }
  })();
}

// ---------------------------------------------------------------- XCLAIM / XAUTOCLAIM

/** A claimed entry's reply: its ID (JUSTID) or the entry. */
async function replyClaimed(ctx: CommandContext, stream: Collection, ids: readonly StreamKeyId[], justid: boolean): Promise<void> {
  const r = ctx.reply;
  const entries: Array<StreamEntry | undefined> = [];
  if (!justid) for (const id of ids) entries.push((await readRange(stream, id, id, 1))[0]);
  r.arrayHeader(ids.length);
  ids.forEach((id, i) => {
    if (justid) r.bulkText(idText(id));
    else if (entries[i] === undefined) r.nullBulk();
    else replyEntry(ctx, entries[i] as StreamEntry);
  });
}

function xclaimCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const stream = open(ctx, argv[1], false);
  if (stream instanceof Promise) return retryAfter(stream, xclaimCommand, ctx, argv);
  if (stream === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  if (stream === null) return noGroup(ctx, argv[1], argv[2]);
  return (async () => {
    const group = await readGroup(stream, binaryKey(argv[2]));
    if (group === undefined) return noGroup(ctx, argv[1], argv[2]);
    if (!(await unchanged(stream))) return xclaimCommand(ctx, argv);
    const idleArg = parseIntegerArg(argv[4]);
    if (idleArg === undefined) return ctx.reply.error('ERR Invalid min-idle-time argument for XCLAIM');
    const minIdle = idleArg < 0 ? 0 : Number(idleArg);
    const ids: StreamKeyId[] = [];
    let j = 5;
    for (; j < argv.length; j++) {
      const parsed = parseStreamId(argv[j], true, 0n);
      if (parsed === undefined) break;
      ids.push(parsed.id);
    }
    const now = Date.now();
    let force = false;
    let justid = false;
    let retryCount = -1n;
    let deliveryTime: number | null = null;
    let lastId = STREAM_ID_ZERO;
    for (; j < argv.length; j++) {
      const more = argv.length - 1 - j;
      const opt = argv[j];
      if (argIs(opt, 'force')) force = true;
      else if (argIs(opt, 'justid')) justid = true;
      else if (more > 0 && (argIs(opt, 'idle') || argIs(opt, 'time') || argIs(opt, 'retrycount'))) {
        const word = opt.toString('latin1').toUpperCase();
        const n = parseIntegerArg(argv[++j]);
        if (n === undefined) return ctx.reply.error(`ERR Invalid ${word} option argument for XCLAIM`);
        if (word === 'IDLE') deliveryTime = now - Number(n);
        else if (word === 'TIME') deliveryTime = Number(n);
        else retryCount = BigInt(n);
      } else if (more > 0 && argIs(opt, 'lastid')) {
        const parsed = parseStreamId(argv[++j], true, 0n);
        if (parsed === undefined) return ctx.reply.error(ERR_INVALID_ID);
        lastId = parsed.id;
      } else {
        return ctx.reply.error(`ERR Unrecognized XCLAIM option '${cString(opt)}'`);
      }
    }
    const batch = ctx.server.keyspace.batch();
    const edit = new GroupEdit(stream, group, batch);
    if (lastId > group.lastId) {
      group.lastId = lastId;
      edit.touchGroup();
    }
    // A bogus time (negative, in the future) is now, as Redis takes it.
    const time = deliveryTime === null || deliveryTime < 0 || deliveryTime > now ? now : deliveryTime;
    const name = binaryKey(argv[3]);
    let consumer: Consumer | undefined;
    let created = false;
    const claimed: StreamKeyId[] = [];
    for (const id of ids) {
      let entry = await edit.pending(id);
      if (!(await entryExists(stream, id))) {
        // Gone from the stream: its PEL entry goes too.
        if (entry !== undefined) await edit.remove(id);
        continue;
      }
      const forced = force && entry === undefined;
      if (entry === undefined && !forced) continue;
      if (!forced && entry !== undefined && minIdle !== 0 && now - entry.deliveryTime < minIdle) continue;
      if (consumer === undefined) {
        const got = await edit.lookupOrCreate(name, now);
        consumer = got.consumer;
        created = got.created;
      }
      const target = consumer;
      await edit.assign(id, target, time, (previous) => {
        if (retryCount >= 0n) return retryCount;
        // A FORCE-created entry starts at Redis' 1 and counts this delivery unless JUSTID.
        const base = previous ?? 1n;
        return justid ? base : base + 1n;
      });
      target.activeTime = now;
      claimed.push(id);
      entry = undefined;
    }
    if (edit.dirty || claimed.length > 0) {
      edit.finish();
      await batch.commit();
    } else if (!batch.empty) {
      await batch.commit();
    }
    if (created) notifyStream(ctx, 'xgroup-createconsumer', stream.key);
    await replyClaimed(ctx, stream, claimed, justid);
  })();
}

/** XAUTOCLAIM's largest COUNT (7.0.15: LONG_MAX / attempts factor 10). */
const AUTOCLAIM_MAX_COUNT = 922_337_203_685_477_580n;

function xautoclaimCommand(ctx: CommandContext, argv: Buffer[]): void | Promise<void> {
  const idleArg = parseIntegerArg(argv[4]);
  if (idleArg === undefined) return ctx.reply.error('ERR Invalid min-idle-time argument for XAUTOCLAIM');
  const minIdle = idleArg < 0 ? 0 : Number(idleArg);
  const s = parseInterval(argv[5], 0n);
  if (s === undefined) return ctx.reply.error(ERR_INVALID_ID);
  const start = s.exclusive ? nextId(s.id) : s.id;
  if (start === undefined) return ctx.reply.error('ERR invalid start ID for the interval');
  let count = 100;
  let justid = false;
  for (let j = 6; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (argIs(argv[j], 'count') && more > 0) {
      const n = parseIntegerArg(argv[j + 1]);
      if (n === undefined || n < 1 || BigInt(n) > AUTOCLAIM_MAX_COUNT) return ctx.reply.error('ERR COUNT must be > 0');
      count = Number(n);
      j++;
    } else if (argIs(argv[j], 'justid')) {
      justid = true;
    } else {
      return ctx.reply.error(ERR_SYNTAX);
    }
  }
  const stream = open(ctx, argv[1], false);
  if (stream instanceof Promise) return retryAfter(stream, xautoclaimCommand, ctx, argv);
  if (stream === WRONG_TYPE) return ctx.reply.error(ERR_WRONGTYPE);
  if (stream === null) return noGroup(ctx, argv[1], argv[2]);
  return (async () => {
    const group = await readGroup(stream, binaryKey(argv[2]));
    if (group === undefined) return noGroup(ctx, argv[1], argv[2]);
    if (!(await unchanged(stream))) return xautoclaimCommand(ctx, argv);
    const now = Date.now();
    // Redis looks at most count * 10 PEL entries, and stops after count claims or deletions.
    // What it will look at is collected first (a deletion or claim of each is known only after
    // a read); idle entries are counted as it goes, which stops no earlier than the real loop.
    let attempts = count * 10;
    let left = count;
    const seen: PelItem[] = [];
    await walkPel(stream, group, null, start, STREAM_ID_MAX, (item) => {
      if (attempts === 0 || left === 0) return false;
      attempts--;
      seen.push(item);
      if (minIdle === 0 || now - item.entry.deliveryTime >= minIdle) left--;
      return true;
    });
    const batch = ctx.server.keyspace.batch();
    const edit = new GroupEdit(stream, group, batch);
    const name = binaryKey(argv[3]);
    let consumer: Consumer | undefined;
    let created = false;
    const claimed: StreamKeyId[] = [];
    const deleted: StreamKeyId[] = [];
    left = count;
    attempts = count * 10;
    let stoppedAt: number = seen.length;
    for (let k = 0; k < seen.length; k++) {
      if (attempts === 0 || left === 0) {
        stoppedAt = k;
        break;
      }
      attempts--;
      const { id, entry } = seen[k];
      if (!(await entryExists(stream, id))) {
        await edit.remove(id);
        deleted.push(id);
        left--;
        continue;
      }
      if (minIdle !== 0 && now - entry.deliveryTime < minIdle) continue;
      if (consumer === undefined) {
        const got = await edit.lookupOrCreate(name, now);
        consumer = got.consumer;
        created = got.created;
      }
      const target = consumer;
      await edit.assign(id, target, now, (previous) => (justid ? previous ?? 1n : (previous ?? 1n) + 1n));
      target.activeTime = now;
      claimed.push(id);
      left--;
    }
    // The cursor: the PEL entry after the last one looked at (0-0 at the end).
    let cursor = STREAM_ID_ZERO;
    if (stoppedAt < seen.length) cursor = seen[stoppedAt].id;
    else if (seen.length > 0) cursor = await nextPelId(stream, group, seen[seen.length - 1].id);
    if (edit.dirty || !batch.empty) {
      edit.finish();
      await batch.commit();
    }
    if (created) notifyStream(ctx, 'xgroup-createconsumer', stream.key);
    const r = ctx.reply;
    r.arrayHeader(3);
    r.bulkText(idText(cursor));
    await replyClaimed(ctx, stream, claimed, justid);
    r.arrayHeader(deleted.length);
    for (const id of deleted) r.bulkText(idText(id));
  })();
}

/** The first ID of the group's PEL after `after` as the engine has it now (0-0: none). */
async function nextPelId(stream: Collection, group: Group, after: StreamKeyId): Promise<StreamKeyId> {
  const from = nextId(after);
  if (from === undefined) return STREAM_ID_ZERO;
  let found = STREAM_ID_ZERO;
  await walkPel(stream, group, null, from, STREAM_ID_MAX, (item) => {
    found = item.id;
    return false;
  });
  return found;
}

/** Handlers by command name; the metadata is in ../command-table/streams.ts. */
export const streamGroupHandlers: CommandHandlers = {
  'xgroup|create': xgroupCreateCommand,
  'xgroup|setid': xgroupSetidCommand,
  'xgroup|destroy': xgroupDestroyCommand,
  'xgroup|createconsumer': xgroupCreateConsumerCommand,
  'xgroup|delconsumer': xgroupDelConsumerCommand,
  'xgroup|help': (ctx) => replyHelp(ctx, XGROUP_HELP),
  xreadgroup: xreadgroupCommand,
  xack: xackCommand,
  xpending: xpendingCommand,
  xclaim: xclaimCommand,
  xautoclaim: xautoclaimCommand,
};
