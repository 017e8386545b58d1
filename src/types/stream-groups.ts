/**
 * Consumer groups of streams over the engine (docs/format.md, "Consumer groups"): a group, each
 * of its consumers and each pending entry are records of their own under the stream's version,
 *
 *   'g' groupName                      -> group: id, last-delivered-id, entries-read, counts
 *   'c' groupId consumerName           -> consumer: seen-time, active-time, pending count
 *   'p' groupId entryId                -> pending entry: delivery time and count, owner's name
 *   'q' groupId nameLen name entryId   -> (empty) the owner's PEL in ID order
 *
 * so a PEL of millions of entries is seeked by ID (p) or by consumer (q) and never loaded whole.
 * The group id (a collection version handed out at XGROUP CREATE) in the c/p/q keys is what makes
 * XGROUP DESTROY one small write: the group's records go to the dead-version sweep.
 *
 * A command changes a group through one GroupEdit: it reads records as it needs them (at the
 * engine's latest state, with the stream's key held by the dispatcher), keeps what it changed in
 * memory so a later step of the same command sees it (XCLAIM of one ID twice), stages the PEL
 * records into the command's batch as it goes, and the group and consumer records at finish().
 */
import type { BinaryKey } from '../engine/types.js';
import type { KeyspaceBatch } from '../keyspace/keyspace.js';
import { META_GARBAGE_PREFIX, binaryKey, prefixEnd } from '../keyspace/encoding.js';
import { MemberTag, type StreamKeyId } from '../keyspace/collection-encoding.js';
import { readVarint, varintLength, writeVarint, type VarintCursor } from '../util/varint.js';
import type { Collection } from './collection.js';
import { entryPrefix, streamState } from './stream.js';

/** Redis' SCG_INVALID_ENTRIES_READ: the group's entries-read is not known. */
export const ENTRIES_READ_INVALID = -1n;

export interface Group {
  /** The name as a binary string (the `g` key's suffix). */
  readonly name: BinaryKey;
  /** 8 bytes, unique for the life of the database: the c/p/q records of this incarnation. */
  readonly id: BinaryKey;
  lastId: StreamKeyId;
  entriesRead: bigint;
  /** Entries in the group's PEL. */
  pel: number;
  consumers: number;
}

export interface Consumer {
  readonly name: BinaryKey;
  seenTime: number;
  /** -1: never got or claimed an entry (Redis 7.2's active-time; 7.0.15 does not report it). */
  activeTime: number;
  pending: number;
}

/** One entry of a group's PEL. */
export interface PendingEntry {
  deliveryTime: number;
  deliveryCount: bigint;
  /** The owner's name (binary string). */
  consumer: BinaryKey;
}

// ---------------------------------------------------------------- keys and values

function u32(n: number): BinaryKey {
  return String.fromCharCode((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

export function groupKey(stream: Collection, name: BinaryKey): BinaryKey {
  return stream.prefix(MemberTag.StreamGroup) + name;
}

function consumersPrefix(stream: Collection, group: Group): BinaryKey {
  return stream.prefix(MemberTag.StreamConsumer) + group.id;
}

function pelPrefix(stream: Collection, group: Group): BinaryKey {
  return stream.prefix(MemberTag.StreamPending) + group.id;
}

function consumerPelPrefix(stream: Collection, group: Group, consumer: BinaryKey): BinaryKey {
  return stream.prefix(MemberTag.StreamConsumerPending) + group.id + u32(consumer.length) + consumer;
}

const cursor: VarintCursor = { value: 0, offset: 0 };

function encodeGroup(g: Group): Buffer {
  const out = Buffer.allocUnsafe(8 + 16 + 8 + varintLength(g.pel) + varintLength(g.consumers));
  out.latin1Write(g.id + g.lastId, 0);
  out.writeBigInt64BE(g.entriesRead, 24);
  writeVarint(out, writeVarint(out, 32, g.pel), g.consumers);
  return out;
}

function decodeGroup(name: BinaryKey, value: Buffer): Group {
  cursor.offset = 32;
  readVarint(value, cursor);
  const pel = cursor.value;
  readVarint(value, cursor);
  return { name, id: binaryKey(value, 0, 8), lastId: binaryKey(value, 8, 24), entriesRead: value.readBigInt64BE(24), pel, consumers: cursor.value };
}

function encodeConsumer(c: Consumer): Buffer {
  const out = Buffer.allocUnsafe(16 + varintLength(c.pending));
  out.writeBigUInt64BE(BigInt(c.seenTime), 0);
  out.writeBigInt64BE(BigInt(c.activeTime), 8);
  writeVarint(out, 16, c.pending);
  return out;
}

function decodeConsumer(name: BinaryKey, value: Buffer): Consumer {
  cursor.offset = 16;
  readVarint(value, cursor);
  return { name, seenTime: Number(value.readBigUInt64BE(0)), activeTime: Number(value.readBigInt64BE(8)), pending: cursor.value };
}

function encodePending(p: PendingEntry): Buffer {
  const out = Buffer.allocUnsafe(16 + p.consumer.length);
  out.writeBigUInt64BE(BigInt(p.deliveryTime), 0);
  out.writeBigUInt64BE(BigInt.asUintN(64, p.deliveryCount), 8);
  out.latin1Write(p.consumer, 16);
  return out;
}

function decodePending(value: Buffer): PendingEntry {
  return { deliveryTime: Number(value.readBigUInt64BE(0)), deliveryCount: value.readBigUInt64BE(8), consumer: binaryKey(value, 16, value.length) };
}

// ---------------------------------------------------------------- reads

export async function readGroup(stream: Collection, name: BinaryKey): Promise<Group | undefined> {
  if (!stream.exists || streamState(stream).groups === 0) return undefined;
  const value = await stream.ks.db.get(groupKey(stream, name));
  return value === undefined ? undefined : decodeGroup(name, value);
}

/** Every group of the stream, in name order (Redis' rax order: bytes, shorter first). */
export async function readGroups(stream: Collection): Promise<Group[]> {
  const out: Group[] = [];
  if (!stream.exists || streamState(stream).groups === 0) return out;
  const prefix = stream.prefix(MemberTag.StreamGroup);
  await walk(stream, prefix, prefixEnd(prefix), (key, value) => {
    out.push(decodeGroup(key.slice(prefix.length), value));
  });
  return out;
}

/** Every consumer of the group, in name order. */
export async function readConsumers(stream: Collection, group: Group): Promise<Consumer[]> {
  const out: Consumer[] = [];
  const prefix = consumersPrefix(stream, group);
  await walk(stream, prefix, prefixEnd(prefix), (key, value) => {
    out.push(decodeConsumer(key.slice(prefix.length), value));
  });
  return out;
}

/** A PEL entry in a range: its ID and record. */
export interface PelItem {
  readonly id: StreamKeyId;
  readonly entry: PendingEntry;
}

/**
 * The group's PEL (or one consumer's) from `start` to `end` (IDs, inclusive) in ID order; `visit`
 * returns false to stop. A consumer's walk reads each entry's `p` record (delivery data).
 */
export async function walkPel(stream: Collection, group: Group, consumer: BinaryKey | null, start: StreamKeyId, end: StreamKeyId, visit: (item: PelItem) => boolean | void): Promise<void> {
  if (consumer === null) {
    const prefix = pelPrefix(stream, group);
    await walk(stream, prefix + start, prefix + end + '\0', (key, value) => visit({ id: key.slice(prefix.length), entry: decodePending(value) }));
    return;
  }
  const prefix = consumerPelPrefix(stream, group, consumer);
  const ids: StreamKeyId[] = [];
  // Collected a page at a time, so the `p` reads do not keep an iterator open.
  let from = start;
  for (;;) {
    ids.length = 0;
    await walk(stream, prefix + from, prefix + end + '\0', (key) => {
      ids.push(key.slice(prefix.length));
      return ids.length < 256;
    });
    for (const id of ids) {
      const value = await stream.ks.db.get(pelPrefix(stream, group) + id);
      if (value === undefined) continue;
      if (visit({ id, entry: decodePending(value) }) === false) return;
    }
    if (ids.length < 256) return;
    from = ids[ids.length - 1] + '\0';
  }
}

/** The first and last IDs of the group's PEL (XPENDING's summary); undefined when empty. */
export async function pelBounds(stream: Collection, group: Group): Promise<[StreamKeyId, StreamKeyId] | undefined> {
  const prefix = pelPrefix(stream, group);
  const ends: StreamKeyId[] = [];
  for (const reverse of [false, true]) {
    await walk(stream, prefix, prefixEnd(prefix), (key) => {
      ends.push(key.slice(prefix.length));
      return false;
    }, reverse);
  }
  return ends.length === 2 ? [ends[0], ends[1]] : undefined;
}

async function walk(stream: Collection, start: BinaryKey, end: BinaryKey | undefined, visit: (key: BinaryKey, value: Buffer) => boolean | void, reverse = false): Promise<void> {
  const it = stream.ks.db.iterator({ start, end, reverse });
  try {
    for (let entry = await it.next(); entry !== undefined; entry = await it.next()) {
      if (visit(entry.key, entry.value) === false) break;
    }
  } finally {
    it.close();
  }
}

/** Whether the stream has the entry `id` (live: entries below firstId are dead even if still on disk). */
export async function entryExists(stream: Collection, id: StreamKeyId): Promise<boolean> {
  if (stream.meta.count === 0 || id < streamState(stream).firstId) return false;
  return (await stream.ks.db.get(entryPrefix(stream) + id)) !== undefined;
}

// ---------------------------------------------------------------- group lifecycle

/** XGROUP CREATE: stages the new group (the caller stages the metadata, whose group count this raises). */
export function createGroup(stream: Collection, batch: KeyspaceBatch, name: BinaryKey, lastId: StreamKeyId, entriesRead: bigint): void {
  const group: Group = { name, id: stream.ks.versions.next(), lastId, entriesRead, pel: 0, consumers: 0 };
  batch.putMember(groupKey(stream, name), encodeGroup(group));
  streamState(stream).groups++;
}

/**
 * XGROUP DESTROY: the group record goes, and its consumers and PEL go to the dead-version sweep
 * (garbage records of their prefixes, written in the same batch); O(1) however long the PEL.
 */
export function destroyGroup(stream: Collection, batch: KeyspaceBatch, group: Group): void {
  batch.deleteMember(groupKey(stream, group.name));
  const count = Buffer.allocUnsafe(varintLength(group.pel));
  writeVarint(count, 0, group.pel);
  if (group.consumers > 0) batch.putMember(META_GARBAGE_PREFIX + consumersPrefix(stream, group), count);
  if (group.pel > 0) {
    batch.putMember(META_GARBAGE_PREFIX + pelPrefix(stream, group), count);
    batch.putMember(META_GARBAGE_PREFIX + stream.prefix(MemberTag.StreamConsumerPending) + group.id, count);
  }
  streamState(stream).groups--;
}

// ---------------------------------------------------------------- edits

/** One command's changes to one group (see the top of this file). */
export class GroupEdit {
  private readonly consumers = new Map<BinaryKey, Consumer | null>();
  private readonly dirtyConsumers = new Set<BinaryKey>();
  private readonly deletedConsumers = new Set<BinaryKey>();
  private readonly pel = new Map<StreamKeyId, PendingEntry | null>();
  private groupDirty = false;

  constructor(
    readonly stream: Collection,
    readonly group: Group,
    readonly batch: KeyspaceBatch,
  ) {}

  /** The group record is rewritten at finish() (last-delivered-id, entries-read). */
  touchGroup(): void {
    this.groupDirty = true;
  }

  async consumer(name: BinaryKey): Promise<Consumer | undefined> {
    const known = this.consumers.get(name);
    if (known !== undefined) return known ?? undefined;
    const value = await this.stream.ks.db.get(consumersPrefix(this.stream, this.group) + name);
    const found = value === undefined ? null : decodeConsumer(name, value);
    this.consumers.set(name, found);
    return found ?? undefined;
  }

  /** Redis' streamCreateConsumer: undefined when it exists already. */
  async createConsumer(name: BinaryKey, now: number): Promise<Consumer | undefined> {
    if ((await this.consumer(name)) !== undefined) return undefined;
    const created: Consumer = { name, seenTime: now, activeTime: -1, pending: 0 };
    this.consumers.set(name, created);
    this.dirtyConsumers.add(name);
    this.deletedConsumers.delete(name);
    this.group.consumers++;
    this.groupDirty = true;
    return created;
  }

  /** The consumer, created if missing; `created` says which. Its seen-time becomes `now`. */
  async lookupOrCreate(name: BinaryKey, now: number): Promise<{ consumer: Consumer; created: boolean }> {
    const found = await this.consumer(name);
    if (found !== undefined) {
      found.seenTime = now;
      this.dirtyConsumers.add(name);
      return { consumer: found, created: false };
    }
    return { consumer: (await this.createConsumer(name, now)) as Consumer, created: true };
  }

  noteConsumer(c: Consumer): void {
    this.dirtyConsumers.add(c.name);
  }

  async pending(id: StreamKeyId): Promise<PendingEntry | undefined> {
    const known = this.pel.get(id);
    if (known !== undefined) return known ?? undefined;
    if (this.pel.has(id)) return undefined;
    const value = await this.stream.ks.db.get(pelPrefix(this.stream, this.group) + id);
    const found = value === undefined ? null : decodePending(value);
    this.pel.set(id, found);
    return found ?? undefined;
  }

  /**
   * The consumer's pending entries from `start` on, at most `count` (0: all), as this edit leaves
   * them: a stream named twice in one XREADGROUP reads in its history what the `>` before it
   * delivered, as in Redis. Staged changes can hide at most `pel.size` stored entries, so reading
   * that many more than `count` from the store is enough to know the first `count`.
   */
  async pendingOf(consumer: BinaryKey, start: StreamKeyId, end: StreamKeyId, count: number): Promise<PelItem[]> {
    const limit = count === 0 ? 0 : count + this.pel.size;
    const byId = new Map<StreamKeyId, PendingEntry>();
    await walkPel(this.stream, this.group, consumer, start, end, (item) => {
      byId.set(item.id, item.entry);
      return limit === 0 || byId.size < limit;
    });
    for (const [id, entry] of this.pel) {
      if (id < start || id > end) continue;
      if (entry === null || entry.consumer !== consumer) byId.delete(id);
      else byId.set(id, entry);
    }
    const items = [...byId].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, entry]) => ({ id, entry }));
    return count === 0 ? items : items.slice(0, count);
  }

  /** Removes `id` from the PELs (XACK, and XCLAIM/XAUTOCLAIM for an entry no longer in the stream); false when not pending. */
  async remove(id: StreamKeyId): Promise<boolean> {
    const entry = await this.pending(id);
    if (entry === undefined) return false;
    this.batch.deleteMember(pelPrefix(this.stream, this.group) + id);
    await this.leaveOwner(entry, id);
    this.pel.set(id, null);
    this.group.pel--;
    this.groupDirty = true;
    return true;
  }

  /**
   * Makes `consumer` own the pending entry `id` with the delivery time and count given, creating
   * the entry when it is not pending (XREADGROUP's delivery, XCLAIM FORCE).
   */
  async assign(id: StreamKeyId, consumer: Consumer, deliveryTime: number, deliveryCount: (previous: bigint | undefined) => bigint): Promise<void> {
    const entry = await this.pending(id);
    if (entry === undefined) {
      this.group.pel++;
      this.groupDirty = true;
    } else if (entry.consumer !== consumer.name) {
      await this.leaveOwner(entry, id);
    }
    if (entry === undefined || entry.consumer !== consumer.name) {
      this.batch.putMember(consumerPelPrefix(this.stream, this.group, consumer.name) + id, EMPTY);
      consumer.pending++;
      this.dirtyConsumers.add(consumer.name);
    }
    const next: PendingEntry = { deliveryTime, deliveryCount: deliveryCount(entry?.deliveryCount), consumer: consumer.name };
    this.pel.set(id, next);
    this.batch.putMember(pelPrefix(this.stream, this.group) + id, encodePending(next));
  }

  /** Rewrites a pending entry's delivery data (XREADGROUP's history read). */
  redeliver(id: StreamKeyId, entry: PendingEntry, deliveryTime: number): void {
    const next: PendingEntry = { ...entry, deliveryTime, deliveryCount: entry.deliveryCount + 1n };
    this.pel.set(id, next);
    this.batch.putMember(pelPrefix(this.stream, this.group) + id, encodePending(next));
  }

  private async leaveOwner(entry: PendingEntry, id: StreamKeyId): Promise<void> {
    this.batch.deleteMember(consumerPelPrefix(this.stream, this.group, entry.consumer) + id);
    const owner = await this.consumer(entry.consumer);
    if (owner !== undefined) {
      owner.pending--;
      this.dirtyConsumers.add(owner.name);
    }
  }

  /**
   * XGROUP DELCONSUMER: the consumer and its pending entries (both records of each) go; returns
   * how many were pending (undefined: no such consumer). O(its PEL), staged in the command's batch.
   */
  async deleteConsumer(name: BinaryKey): Promise<number | undefined> {
    const c = await this.consumer(name);
    if (c === undefined) return undefined;
    const prefix = consumerPelPrefix(this.stream, this.group, name);
    const pel = pelPrefix(this.stream, this.group);
    let n = 0;
    await walk(this.stream, prefix, prefixEnd(prefix), (key) => {
      const id = key.slice(prefix.length);
      this.batch.deleteMember(key);
      this.batch.deleteMember(pel + id);
      this.pel.set(id, null);
      n++;
    });
    this.group.pel -= n;
    this.group.consumers--;
    this.consumers.set(name, null);
    this.dirtyConsumers.delete(name);
    this.deletedConsumers.add(name);
    this.groupDirty = true;
    return n;
  }

  /** Stages the group and consumer records changed. */
  finish(): void {
    if (this.groupDirty) this.batch.putMember(groupKey(this.stream, this.group.name), encodeGroup(this.group));
    const prefix = consumersPrefix(this.stream, this.group);
    for (const name of this.deletedConsumers) this.batch.deleteMember(prefix + name);
    for (const name of this.dirtyConsumers) {
      const c = this.consumers.get(name);
      if (c !== undefined && c !== null) this.batch.putMember(prefix + name, encodeConsumer(c));
    }
  }

  /** Whether finish() has anything to write besides the PEL records already staged. */
  get dirty(): boolean {
    return this.groupDirty || this.dirtyConsumers.size > 0 || this.deletedConsumers.size > 0;
  }
}

const EMPTY = Buffer.alloc(0);

/** Stages a group record as it is now (XGROUP SETID). */
export function putGroup(stream: Collection, batch: KeyspaceBatch, group: Group): void {
  batch.putMember(groupKey(stream, group.name), encodeGroup(group));
}

// ---------------------------------------------------------------- entries-read and lag (Redis 7.0)

/** Redis' streamRangeHasTombstones(s, start, NULL). */
export function rangeHasTombstones(stream: Collection, start: StreamKeyId): boolean {
  const s = streamState(stream);
  const zero = '\0'.repeat(16);
  if (stream.meta.count === 0 || s.maxDeletedId === zero) return false;
  if (s.firstId > s.maxDeletedId) return false;
  return start <= s.maxDeletedId;
}

/** Redis 7.0's streamEstimateDistanceFromFirstEverEntry: the entries-read counter of `id`, or -1 when it cannot tell. */
export function estimateEntriesRead(stream: Collection, id: StreamKeyId): bigint {
  const s = streamState(stream);
  if (s.entriesAdded === 0n) return 0n;
  const length = BigInt(stream.meta.count);
  // An emptied stream: any ID up to the last one has read everything.
  if (length === 0n && id <= s.lastId) return s.entriesAdded;
  if (id === s.lastId) return s.entriesAdded;
  if (id > s.lastId) return ENTRIES_READ_INVALID;
  const zero = '\0'.repeat(16);
  if (s.maxDeletedId === zero || s.maxDeletedId < s.firstId) {
    if (id < s.firstId) return s.entriesAdded - length;
    if (id === s.firstId) return s.entriesAdded - length + 1n;
  }
  return ENTRIES_READ_INVALID;
}

/** Redis 7.0's streamReplyWithCGLag: the group's lag, or null when it cannot tell. */
export function groupLag(stream: Collection, group: Group): bigint | null {
  const s = streamState(stream);
  if (s.entriesAdded === 0n) return 0n;
  if (group.entriesRead !== ENTRIES_READ_INVALID && !rangeHasTombstones(stream, group.lastId)) return s.entriesAdded - group.entriesRead;
  const read = estimateEntriesRead(stream, group.lastId);
  return read === ENTRIES_READ_INVALID ? null : s.entriesAdded - read;
}

/** What XREADGROUP's delivery of `id` (above the group's last ID) does to the group, as Redis' streamReplyWithRange. */
export function advanceGroup(stream: Collection, group: Group, id: StreamKeyId): void {
  if (id <= group.lastId) return;
  if (group.entriesRead !== ENTRIES_READ_INVALID && !rangeHasTombstones(stream, id)) group.entriesRead++;
  else if (streamState(stream).entriesAdded !== 0n) group.entriesRead = estimateEntriesRead(stream, id);
  group.lastId = id;
}

// ---------------------------------------------------------------- RESTORE

/** A consumer group as a DUMP payload carries it: consumers, and the PEL with each entry's owner. */
export interface GroupImage {
  name: BinaryKey;
  lastId: StreamKeyId;
  entriesRead: bigint;
  consumers: Consumer[];
  pel: Array<{ id: StreamKeyId; entry: PendingEntry }>;
}

/**
 * RESTORE: stages a whole group (its record, consumers and both PEL records of each pending
 * entry) into the batch that writes the new stream; the caller counts it in the metadata.
 */
export function putGroupImage(stream: Collection, batch: KeyspaceBatch, image: GroupImage): void {
  const group: Group = { name: image.name, id: stream.ks.versions.next(), lastId: image.lastId, entriesRead: image.entriesRead, pel: image.pel.length, consumers: image.consumers.length };
  batch.putMember(groupKey(stream, group.name), encodeGroup(group));
  const consumers = consumersPrefix(stream, group);
  for (const c of image.consumers) batch.putMember(consumers + c.name, encodeConsumer(c));
  const pel = pelPrefix(stream, group);
  for (const { id, entry } of image.pel) {
    batch.putMember(pel + id, encodePending(entry));
    batch.putMember(consumerPelPrefix(stream, group, entry.consumer) + id, EMPTY);
  }
}
