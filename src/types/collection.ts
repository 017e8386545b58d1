/**
 * What every collection type (hash, set, sorted set, list) does the same way over the keyspace:
 * find a key's metadata and check its type, read members, walk members in order, and write
 * member changes together with the metadata in one batch. Byte layouts: collection-encoding.ts
 * and docs/format.md ("Collections").
 *
 * Commands follow the keyspace's pattern (keyspace.ts): every step that may need the disk returns
 * a Promise instead of a value; the command then returns `retryAfter(promise, ...)` having written
 * nothing, and its run again finds what it needs in memory (member reads are staged for it, see
 * Keyspace.readMembers). Walks over many members (HGETALL, SMEMBERS, ZRANGE) read a snapshot
 * asynchronously instead: the dispatcher holds the key's lock while they run, so no write to the
 * key gets in between, and the snapshot keeps what they read consistent anyway.
 */
import { EntryKind, type BatchOp, type BinaryKey, type SequenceNumber } from '../engine/types.js';
import { globLiteralPrefix, globMatch, globMatchesAll } from '../util/glob.js';
import { forEachEntry, type DbIterator } from '../engine/db-iterator.js';
import type { Keyspace, KeyspaceBatch } from '../keyspace/keyspace.js';
import { META_RESERVED_PREFIX, ValueType, namespacePrefix, prefixEnd, valueType } from '../keyspace/encoding.js';
import { memberTagsOf } from '../keyspace/dead-versions.js';
import { decodeMeta, encodeMeta, isCollectionType, memberPrefix, newMeta, type CollectionMeta, type MemberTag } from '../keyspace/collection-encoding.js';

/** A lookup found a key of another type: the command answers WRONGTYPE. */
export const WRONG_TYPE = Symbol('wrong type');
export type WrongType = typeof WRONG_TYPE;

/** One collection key as a command sees it: where it lives, its metadata, and the value it was read from. */
export class Collection {
  /** The metadata value as read (null: the key did not exist and this handle creates it). */
  readonly previous: Buffer | null;
  readonly meta: CollectionMeta;
  /**
   * The batch that empties the collection deletes every member itself (a list popped empty), so
   * the key's deletion records no garbage for the sweep.
   */
  membersDeleted = false;
  /**
   * Staged into the batch first when the collection commits: what a type keeps beside its
   * members and counts only once the command's changes are all known (a sorted set's rank index,
   * zset-rank.ts).
   */
  stageHook: ((batch: KeyspaceBatch) => void) | null = null;
  private readonly nsPrefix: BinaryKey;

  constructor(
    readonly ks: Keyspace,
    readonly db: number,
    readonly key: BinaryKey,
    previous: Buffer | null,
    meta: CollectionMeta,
  ) {
    this.previous = previous;
    this.meta = meta;
    this.nsPrefix = namespacePrefix(ks.namespaceOf(db));
  }

  get exists(): boolean {
    return this.previous !== null;
  }

  /** The prefix of this version's members of one kind. */
  prefix(tag: MemberTag): BinaryKey {
    return memberPrefix(this.nsPrefix, tag, this.key, this.meta.version);
  }

  /**
   * Stages the metadata (or the key's deletion, once no member is left: Redis never keeps an empty
   * collection) into `batch`, with a WATCH touch, and commits it with the member changes the
   * caller staged. Returns the durability promise.
   */
  commit(batch: KeyspaceBatch): Promise<SequenceNumber> {
    this.stage(batch);
    return batch.commit();
  }

  /** commit() without the commit: for a batch that changes two collections at once (SMOVE). */
  stage(batch: KeyspaceBatch): void {
    this.stageHook?.(batch);
    // Redis never keeps an empty collection, except a stream (its IDs and counters outlive its entries).
    if (this.meta.count > 0 || this.meta.type === ValueType.Stream) batch.put(this.db, this.key, encodeMeta(this.meta), this.previous);
    else if (this.previous !== null) batch.delete(this.db, this.key, this.membersDeleted ? withoutMembers(this.previous) : this.previous);
    batch.touch(this.db, this.key);
  }
}

/** A metadata value as it would be with no member (the same expire time): its deletion leaves no garbage record. */
function withoutMembers(value: Buffer): Buffer {
  return encodeMeta({ ...decodeMeta(value), count: 0 });
}

/**
 * The collection at `key` if it is of `type`; null when the key does not exist; WRONG_TYPE when
 * it holds another type; a Promise when its metadata must be read from the disk first.
 * `forRead` counts keyspace hits and misses, as read commands do.
 */
export function openCollection(ks: Keyspace, db: number, key: BinaryKey, type: ValueType, forRead: boolean): Collection | null | WrongType | Promise<unknown> {
  const value = forRead ? ks.lookupRead(db, key) : ks.lookupWrite(db, key);
  if (value === null || value instanceof Promise) return value;
  if (valueType(value) !== type) return WRONG_TYPE;
  return new Collection(ks, db, key, value, decodeMeta(value));
}

/** Like openCollection, but a missing key gives a new, empty collection with a fresh version (for writes). */
export function openOrCreate(ks: Keyspace, db: number, key: BinaryKey, type: ValueType): Collection | WrongType | Promise<unknown> {
  const found = openCollection(ks, db, key, type, false);
  if (found !== null) return found;
  return new Collection(ks, db, key, null, newMeta(type, ks.versions.next()));
}

/** One member as a walk yields it: its bytes (after the prefix) and its engine value. */
export interface MemberEntry {
  member: Buffer;
  value: Buffer;
}

/**
 * Walks the members under `prefix` in key order, at a snapshot taken now, `from` (a member, inclusive)
 * on; stops when `visit` returns false. Reads without blocking the event loop.
 */
export async function walkMembers(ks: Keyspace, prefix: BinaryKey, visit: (entry: MemberEntry) => boolean | void, from?: BinaryKey): Promise<void> {
  const it = ks.db.iterator({ start: from === undefined ? prefix : prefix + from, end: prefixEnd(prefix) });
  await forEachEntry(it, (entry) => visit({ member: Buffer.from(entry.key.slice(prefix.length), 'latin1'), value: entry.value }));
}

/**
 * The members under `prefix` one at a time, in key order, at a snapshot taken when the stream is
 * opened, `from` (a member, inclusive) on. For readers that wait for something else between
 * members (probing other sets, writing a result): the snapshot keeps the walk consistent however
 * long that takes. Close it when done early.
 */
export class MemberStream {
  private readonly it: DbIterator;
  private done = false;

  constructor(ks: Keyspace, private readonly prefix: BinaryKey, from?: BinaryKey) {
    this.it = ks.db.iterator({ start: from === undefined ? prefix : prefix + from, end: prefixEnd(prefix) });
  }

  /** The next member's bytes (as a binary string), or undefined at the end (the stream is then closed). */
  async next(): Promise<BinaryKey | undefined> {
    if (this.done) return undefined;
    const entry = await this.it.next();
    if (entry === undefined) {
      this.close();
      return undefined;
    }
    return entry.key.slice(this.prefix.length);
  }

  close(): void {
    this.done = true;
    this.it.close();
  }
}

/** A MATCH pattern as member scans use it: null when there is none or it matches everything. */
export function scanFilter(pattern: BinaryKey | null): BinaryKey | null {
  return pattern !== null && !globMatchesAll(pattern) ? pattern : null;
}

/** Where a member scan page ends: '0' when the scan is complete, and the new cursor's durability when one was handed out. */
export interface ScanPageEnd {
  cursor: string;
  durable?: Promise<unknown>;
}

/**
 * One SSCAN/HSCAN page over the members under `prefix` (a collection too big to come whole):
 * `count` members at a time in byte order, `visit` seeing those `filter` (scanFilter) matches.
 * The cursor names the last member examined (stored as SCAN's cursors are, Keyspace.cursors), and
 * the next page starts after it, so every member present for the whole scan comes exactly once.
 * A cursor we did not hand out starts over. A pattern with a literal start narrows the walk to
 * that range.
 */
export async function scanMemberPage(
  ks: Keyspace,
  prefix: BinaryKey,
  cursor: string,
  count: number,
  filter: BinaryKey | null,
  visit: (member: BinaryKey, value: Buffer) => void,
): Promise<ScanPageEnd> {
  const literal = filter === null ? '' : globLiteralPrefix(filter);
  const resume = cursor === '0' ? undefined : ks.cursors.resumeKey(cursor);
  const from = resume !== undefined && resume + '\0' > literal ? resume + '\0' : literal;
  const it = ks.db.iterator({ start: prefix + from, end: prefixEnd(prefix + literal) });
  let examined = 0;
  let last: BinaryKey | undefined;
  let more = false;
  // One entry past `count` tells whether more remain.
  await forEachEntry(
    it,
    (entry) => {
      if (examined === count) {
        more = true;
        return false;
      }
      examined++;
      last = entry.key.slice(prefix.length);
      if (filter === null || globMatch(filter, last)) visit(last, entry.value);
    },
    Math.min(count + 1, 1024),
  );
  if (!more || last === undefined) return { cursor: '0' };
  const ops: BatchOp[] = [];
  const next = ks.cursors.create(last, ops);
  return { cursor: next, durable: ks.db.write(ops) };
}

/** Members written per batch while a new version is built (VersionBuilder). */
const BUILD_BATCH = 1000;
const EMPTY = Buffer.alloc(0);

/**
 * A new version of a collection whose members are written before any metadata names it: a
 * *STORE result, or the copy RENAME, COPY and MOVE make (members are stored under their key's
 * name). Members are staged, and every BUILD_BATCH of them written at once, so memory and batch
 * size stay bounded however big the collection. Until the caller's final batch writes the
 * metadata, nothing names the version and its members are invisible; the first early write also
 * writes a *reservation* record per member prefix, which keeps the compaction filter from
 * dropping them meanwhile, and finish() deletes it in the final batch. A collection of fewer
 * members goes out whole in that final batch, with no reservation. A crash midway leaves the
 * reservations, which the next open turns into garbage records (Keyspace.open), so the sweep
 * removes the members written.
 */
export class VersionBuilder {
  /** The collection being built: its key, and its metadata with the new version (the caller sets count and flags). */
  readonly target: Collection;
  /** Members staged and not written yet: engine key and value. */
  private staged: Array<readonly [BinaryKey, Buffer]> = [];
  private reserved = false;

  constructor(ks: Keyspace, db: number, key: BinaryKey, meta: CollectionMeta) {
    this.target = new Collection(ks, db, key, null, meta);
  }

  /** Stages a member; returns the write's promise when a full batch went out (await it before staging more). */
  put(engineKey: BinaryKey, value: Buffer): Promise<SequenceNumber> | undefined {
    this.staged.push([engineKey, value]);
    if (this.staged.length < BUILD_BATCH) return undefined;
    const ops: BatchOp[] = this.staged.map(([key, v]) => ({ kind: EntryKind.Put, key, value: v }));
    this.staged = [];
    if (!this.reserved) {
      this.reserved = true;
      for (const prefix of this.prefixes()) ops.push({ kind: EntryKind.Put, key: META_RESERVED_PREFIX + prefix, value: EMPTY });
    }
    return this.target.ks.db.write(ops);
  }

  /** Stages the members not written yet, and the end of the reservations, into the batch that writes the metadata. */
  finish(batch: KeyspaceBatch): void {
    for (const [key, value] of this.staged) batch.putMember(key, value);
    this.staged = [];
    if (this.reserved) for (const prefix of this.prefixes()) batch.deleteMember(META_RESERVED_PREFIX + prefix);
  }

  /** The version will not be used: the members already written go to the sweep. */
  abandon(): Promise<unknown> {
    this.staged = [];
    return this.reserved ? this.target.ks.releaseReservations(this.prefixes()) : Promise.resolve();
  }

  private prefixes(): BinaryKey[] {
    return memberTagsOf(this.target.meta.type).map((tag) => this.target.prefix(tag));
  }
}

/** What copyCollection prepared: the destination's metadata, and how to end the copy. */
export interface PreparedCopy {
  /** The metadata value for the destination key: the source's, with the new version. */
  readonly meta: Buffer;
  /** Stages the end of the copy into the batch that writes `meta`: the last members, the reservations' end. */
  finish(batch: KeyspaceBatch): void;
  /** The copy will not be used: its members go to the sweep. */
  abandon(): Promise<unknown>;
}

/**
 * RENAME, COPY and MOVE of a collection: its members are copied under a new version to the
 * destination's prefixes (VersionBuilder). O(N) writes, where Redis' RENAME is O(1); the
 * dispatcher holds both keys meanwhile.
 */
export async function copyCollection(ks: Keyspace, source: Collection, dstDb: number, dstKey: BinaryKey): Promise<PreparedCopy> {
  const builder = new VersionBuilder(ks, dstDb, dstKey, { ...source.meta, version: ks.versions.next() });
  for (const tag of memberTagsOf(source.meta.type)) {
    const to = builder.target.prefix(tag);
    await walkRaw(ks, source.prefix(tag), (suffix, value) => builder.put(to + suffix, value));
  }
  return {
    meta: encodeMeta(builder.target.meta),
    finish: (batch) => builder.finish(batch),
    abandon: () => builder.abandon(),
  };
}

/** Walks raw member entries under `prefix` at a snapshot; `visit` may return a Promise to wait for. */
async function walkRaw(ks: Keyspace, prefix: BinaryKey, visit: (suffix: BinaryKey, value: Buffer) => Promise<unknown> | void): Promise<void> {
  const it = ks.db.iterator({ start: prefix, end: prefixEnd(prefix) });
  try {
    for (let entry = await it.next(); entry !== undefined; entry = await it.next()) {
      const wait = visit(entry.key.slice(prefix.length), entry.value);
      if (wait !== undefined) await wait;
    }
  } finally {
    it.close();
  }
}

/**
 * RENAME, RENAMENX, COPY and MOVE of a collection value `value` found at (srcDb, srcKey): copies
 * its members for (dstDb, dstKey) (copyCollection), then commits one batch in which `stage` puts
 * the copy's metadata (and deletes the source, for a move). Resolves once that batch is durable.
 */
export async function writeCollectionCopy(
  ks: Keyspace,
  value: Buffer,
  srcDb: number,
  srcKey: BinaryKey,
  dstDb: number,
  dstKey: BinaryKey,
  stage: (batch: KeyspaceBatch, meta: Buffer) => void,
): Promise<void> {
  const prepared = await copyCollection(ks, new Collection(ks, srcDb, srcKey, value, decodeMeta(value)), dstDb, dstKey);
  const batch = ks.batch();
  prepared.finish(batch);
  stage(batch, prepared.meta);
  await batch.commit();
}

/** Whether a top-level value is a collection's metadata (its members live elsewhere). */
export function isCollectionValue(value: Buffer): boolean {
  return isCollectionType(valueType(value));
}
