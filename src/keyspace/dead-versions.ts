/**
 * Dead collection versions: recording them and sweeping their members away (docs/format.md,
 * "Cleaning up dead versions").
 *
 * A collection dies in one small write (its metadata is deleted, replaced by another value, or
 * given a new version), and its members become invisible at once. So that their disk space comes
 * back without waiting for compaction to reach them, the same write records a *garbage record*
 * `0(4) 'G' memberPrefix` per kind of member; the sweeper deletes those members in bounded batches
 * on the serving thread and deletes the record in the batch that finds none left. A crash leaves
 * the record behind, and the sweep resumes at the next open.
 */
import { EntryKind, type BatchOp, type BinaryKey } from '../engine/types.js';
import type { Db } from '../engine/db.js';
import { META_GARBAGE_PREFIX, META_RESERVED_PREFIX, NAMESPACE_BYTES, ValueType, prefixEnd, readNamespace, valueType } from './encoding.js';
import { MemberTag, MetaFlag, decodeMeta, isCollectionType, memberPrefix, sameVersion } from './collection-encoding.js';
import { readVarint, writeVarint, varintLength } from '../util/varint.js';

/** The kinds of member records a collection type has, each its own prefix. */
export function memberTagsOf(type: ValueType): readonly MemberTag[] {
  switch (type) {
    case ValueType.Hash:
      return [MemberTag.HashField, MemberTag.HashFieldExpiry];
    case ValueType.Set:
      return [MemberTag.SetMember];
    case ValueType.ZSet:
      return [MemberTag.ZSetByMember, MemberTag.ZSetByScore, MemberTag.ZSetRank];
    case ValueType.List:
      return [MemberTag.ListElement];
    case ValueType.Stream:
      return [MemberTag.StreamEntry, MemberTag.StreamGroup, MemberTag.StreamConsumer, MemberTag.StreamPending, MemberTag.StreamConsumerPending];
    default:
      return [];
  }
}

/**
 * When a write replaces `previous` by `next` (null: deletes the key), pushes the garbage records
 * of the collection version that dies with it, if any: `previous` is a collection with members
 * and `next` is not the same version of it. True when it pushed some.
 */
export function pushGarbageRecords(ops: BatchOp[], nsPrefix: BinaryKey, key: BinaryKey, previous: Buffer | null, next: Buffer | null): boolean {
  if (previous === null || !isCollectionType(valueType(previous))) return false;
  if (next !== null && isCollectionType(valueType(next)) && sameVersion(next, previous)) return false;
  const meta = decodeMeta(previous);
  // A stream may have groups (and their PELs) without entries.
  const groups = meta.stream?.groups ?? 0;
  if (meta.count === 0 && groups === 0) return false;
  const count = varintValue(meta.count);
  for (const tag of memberTagsOf(meta.type)) {
    if (tag === MemberTag.ZSetRank && (meta.flags & MetaFlag.RankIndex) === 0) continue;
    if (tag === MemberTag.StreamEntry && meta.count === 0) continue;
    if (tag !== MemberTag.StreamEntry && meta.type === ValueType.Stream && groups === 0) continue;
    // A rank index has a record per bucket, not per member: about count / 256 at most at the
    // default bucket size (what decides between a sweep and a drop).
    const value = tag === MemberTag.ZSetRank ? varintValue(Math.ceil(meta.count / RANK_RECORD_MEMBERS)) : count;
    ops.push({ kind: EntryKind.Put, key: META_GARBAGE_PREFIX + memberPrefix(nsPrefix, tag, key, meta.version), value });
  }
  return true;
}

/** Members per rank index record, at most (a quarter of the default bucket size), for the `r` garbage record's count. */
const RANK_RECORD_MEMBERS = 256;

function varintValue(n: number): Buffer {
  const out = Buffer.allocUnsafe(varintLength(n));
  writeVarint(out, 0, n);
  return out;
}

/**
 * The ops that turn reservations (collection versions being built, see copyCollection in
 * src/types/collection.ts) into garbage records: the copy was abandoned or cut short by a crash.
 */
export function reservationsToGarbage(prefixes: readonly BinaryKey[]): BatchOp[] {
  const ops: BatchOp[] = [];
  for (const prefix of prefixes) {
    ops.push({ kind: EntryKind.Delete, key: META_RESERVED_PREFIX + prefix });
    ops.push({ kind: EntryKind.Put, key: META_GARBAGE_PREFIX + prefix, value: UNKNOWN_COUNT });
  }
  return ops;
}

/** The member count of a garbage record made from a reservation: not known. */
const UNKNOWN_COUNT = Buffer.from([0]);

/** Members deleted per write batch: big enough to be cheap per member, small enough not to hold up commands. */
const SWEEP_BATCH = 1000;

/**
 * Members from which a dead range is dropped from the tables (Db.dropRanges: tables wholly inside
 * it deleted in one manifest edit, the few around its ends rewritten without it) instead of
 * deleted member by member. A member's tombstone gives back no space until compaction carries it
 * down to the data it hides, which an LSM does only under size pressure: after DEL of a 10 M-field
 * hash the sweep wrote 10 M tombstones in seconds, and 5 minutes later the tables still held 225 of
 * their 344 MiB. A member prefix holds one collection version, which is never reused, so the range
 * stays dead for good.
 */
const DROP_RANGE_MIN_MEMBERS = 100_000;

/** After a failed drop, the record is swept member by member instead. */
const DROP_FAILED = 'failed';

export interface SweepStats {
  /** Garbage records still waiting (as of the last pass that looked). */
  pending: number;
  /** Members deleted since start. */
  membersDeleted: number;
  /** Garbage records handled (every member under them deleted, then the record), since start. */
  rangesFreed: number;
  /** Of those, records whose range was dropped from the tables whole (big collections). */
  rangesDropped: number;
}

export class DeadVersionSweeper {
  readonly stats: SweepStats = { pending: 0, membersDeleted: 0, rangesFreed: 0, rangesDropped: 0 };
  /** False once a sweep found nothing, until noteGarbage(): an idle server does not scan every tick. */
  private mayHaveWork = true;
  /** Garbage record -> where its sweep stopped (lost at a restart: the sweep then walks its tombstones once). */
  private readonly resumeAt = new Map<BinaryKey, BinaryKey>();
  /** Garbage records whose range is being dropped (or whose drop failed). */
  private readonly dropping = new Map<BinaryKey, Promise<void> | typeof DROP_FAILED>();
  /** Members from which a record's range is dropped rather than swept (tests lower it). */
  dropRangeMinMembers = DROP_RANGE_MIN_MEMBERS;

  /**
   * `namespaceLive(ns)` says whether a namespace still holds a database: records of flushed
   * namespaces are simply deleted, since the namespace's whole range is dropped anyway.
   */
  constructor(
    private readonly db: Db,
    private readonly namespaceLive: (ns: number) => boolean,
  ) {}

  /** A write just recorded garbage. */
  noteGarbage(): void {
    this.mayHaveWork = true;
  }

  /**
   * Sweeps until every garbage record is handled or `deadline` (performance.now()) passes; the
   * next call starts over from the first record left, skipping what is already deleted.
   * Resolves true when nothing is left.
   */
  async sweep(deadline: number): Promise<boolean> {
    if (!this.mayHaveWork) return true;
    // Cleared before looking: a record written while this pass runs sets it again.
    this.mayHaveWork = false;
    const records = this.db.iterator({ start: META_GARBAGE_PREFIX, end: prefixEnd(META_GARBAGE_PREFIX) });
    let pending = 0;
    try {
      for (let record = await records.next(); record !== undefined; record = await records.next()) {
        pending++;
        if (performance.now() > deadline) {
          this.stats.pending = pending;
          this.mayHaveWork = true;
          return false;
        }
        if (this.dropRange(record.key, record.value)) {
          this.mayHaveWork = true;
        } else if (await this.sweepRecord(record.key, deadline)) {
          pending--;
          this.stats.rangesFreed++;
        } else {
          this.mayHaveWork = true;
        }
      }
    } finally {
      records.close();
    }
    this.stats.pending = pending;
    return pending === 0;
  }

  /**
   * For a record of a big collection: starts dropping its range in the background (once), and
   * deletes the record when that is done; true while that is under way. False for a small one,
   * or one whose drop failed: those are swept member by member.
   */
  private dropRange(recordKey: BinaryKey, value: Buffer): boolean {
    const under = this.dropping.get(recordKey);
    if (under !== undefined) return under !== DROP_FAILED;
    const cursor = { value: 0, offset: 0 };
    readVarint(value, cursor);
    const members = cursor.value;
    if (members < this.dropRangeMinMembers) return false;
    const prefix = recordKey.slice(META_GARBAGE_PREFIX.length);
    const end = prefixEnd(prefix);
    // A flushed namespace's records are only deleted (its whole range goes anyway): sweepRecord.
    if (end === undefined || prefix.length < NAMESPACE_BYTES || !this.namespaceLive(readNamespace(prefix))) return false;
    const job = this.db
      .dropRanges([{ start: prefix, end }])
      .then(() => this.db.write([{ kind: EntryKind.Delete, key: recordKey }]))
      .then(
        () => {
          this.dropping.delete(recordKey);
          this.stats.rangesFreed++;
          this.stats.rangesDropped++;
        },
        () => {
          // A close cuts the drop short (the record stays, and the next open drops again);
          // any other failure leaves the record to the member-by-member sweep.
          this.dropping.set(recordKey, DROP_FAILED);
          this.mayHaveWork = true;
        },
      );
    this.dropping.set(recordKey, job);
    return true;
  }

  /**
   * Deletes the members under one record, a batch at a time; true once the record itself is gone.
   * One iterator walks the prefix (it reads a snapshot, so its own deletions do not get in its
   * way); where a call stops for the deadline, the next one resumes, instead of walking over the
   * tombstones it left.
   */
  private async sweepRecord(recordKey: BinaryKey, deadline: number): Promise<boolean> {
    const prefix = recordKey.slice(META_GARBAGE_PREFIX.length);
    if (prefix.length < NAMESPACE_BYTES || !this.namespaceLive(readNamespace(prefix))) {
      await this.db.write([{ kind: EntryKind.Delete, key: recordKey }]);
      return true;
    }
    const members = this.db.iterator({ start: this.resumeAt.get(recordKey) ?? prefix, end: prefixEnd(prefix) });
    try {
      for (;;) {
        const ops: BatchOp[] = [];
        let last: BinaryKey | undefined;
        for (let entry = await members.next(); entry !== undefined; entry = ops.length < SWEEP_BATCH ? await members.next() : undefined) {
          ops.push({ kind: EntryKind.Delete, key: entry.key });
          last = entry.key;
        }
        const done = ops.length < SWEEP_BATCH;
        const deleted = ops.length;
        if (done) ops.push({ kind: EntryKind.Delete, key: recordKey });
        // Wait for room like any writer, so a sweep never pushes the engine into a write stall.
        const delay = this.db.writeDelay();
        if (delay !== undefined) await delay;
        await this.db.write(ops);
        this.stats.membersDeleted += deleted;
        if (done) {
          this.resumeAt.delete(recordKey);
          return true;
        }
        // The next batch starts after the last key deleted (a key plus "\0" is the next possible one).
        if (last !== undefined) this.resumeAt.set(recordKey, last + '\0');
        if (performance.now() > deadline) return false;
      }
    } finally {
      members.close();
    }
  }
}
