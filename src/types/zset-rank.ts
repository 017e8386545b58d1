/**
 * The rank index of a sorted set: counted buckets over the `Z` order (docs/format.md, "Rank
 * index of sorted sets"). One `r` record per bucket, keyed by the bucket's fence (the `Z` suffix
 * where it starts, '' for the first), holding the exact number of members in it. A rank is then
 * the counts of the buckets before a member's bucket plus its place in that bucket, so ZRANK and
 * friends read at most a bucket whatever the set's size.
 *
 * Three parts:
 * - RankIndex: the fences and counts of one set version, in memory. Read from the records once
 *   and cached per version (IndexCache, bounded), kept exact by the writes afterwards: every
 *   command works under its key's lock, so the cache and the records cannot drift apart between
 *   two commands.
 * - Writing: a write command calls prepareRankIndex before it stages anything (it may need to
 *   read the index, build it, or split a full bucket first: a Promise, after which the command
 *   runs again); then zset.ts reports each `Z` key added and removed (noteRankChange), and the
 *   counts are staged into the command's batch, with merges of small buckets, when the
 *   collection commits (Collection.stageHook).
 * - Reading: RankReader answers "how many `Z` keys are below this key" and "which key has this
 *   rank" at a snapshot, by the counts and a walk inside one bucket.
 */
import type { BinaryKey } from '../engine/types.js';
import { countEntries, type DbIterator, type Snapshot } from '../engine/db.js';
import type { Keyspace, KeyspaceBatch } from '../keyspace/keyspace.js';
import { prefixEnd } from '../keyspace/encoding.js';
import { MemberTag, MetaFlag, encodeMeta } from '../keyspace/collection-encoding.js';
import { readVarint, varintLength, writeVarint } from '../util/varint.js';
import type { Collection } from './collection.js';

/** Fences kept in memory over all cached indexes (an index bigger than this alone is still kept, alone). */
const MAX_CACHED_FENCES = 1 << 18;
/** Keys read per engine batch while walking inside a bucket: the first small (a rank near a bucket's end costs a few keys), then doubling. */
const FIRST_STEP = 16;
const MAX_STEP = 1024;

// ---------------------------------------------------------------- sizes

/** A full bucket holds `maxBucket` members: splits cut runs of half that, which is also the size from which a set gets an index. */
export function halfBucket(maxBucket: number): number {
  return Math.max(2, Math.floor(maxBucket / 2));
}

/** Below a quarter of the maximum a bucket is merged with a neighbour, when the two hold at most three quarters. */
function mergeBelow(maxBucket: number): number {
  return Math.floor(maxBucket / 4);
}

function mergedAtMost(maxBucket: number): number {
  return Math.floor((maxBucket * 3) / 4);
}

export function hasRankIndex(z: Collection): boolean {
  return (z.meta.flags & MetaFlag.RankIndex) !== 0;
}

function encodeCount(n: number): Buffer {
  const out = Buffer.allocUnsafe(varintLength(n));
  writeVarint(out, 0, n);
  return out;
}

function decodeCount(value: Buffer): number {
  const cursor = { value: 0, offset: 0 };
  readVarint(value, cursor);
  return cursor.value;
}

// ---------------------------------------------------------------- the index in memory

/** The buckets of one set version: fences ascending (the first is ''), and the members in each. */
export class RankIndex {
  /** Members in the buckets before each bucket (and the total last), or null after a change. */
  private sums: number[] | null = null;

  constructor(
    readonly fences: BinaryKey[],
    readonly counts: number[],
  ) {}

  get buckets(): number {
    return this.fences.length;
  }

  /** The bucket holding the `Z` suffix `suffix`: the greatest fence not above it. */
  bucketOf(suffix: BinaryKey): number {
    let lo = 0;
    let hi = this.fences.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.fences[mid] <= suffix) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Members in the buckets before bucket `i` (i = buckets: all of them). */
  before(i: number): number {
    return this.prefixSums()[i];
  }

  /** The bucket holding ascending rank `rank` (0 <= rank < total). */
  bucketAtRank(rank: number): number {
    const sums = this.prefixSums();
    let lo = 0;
    let hi = this.fences.length - 1;
    // The last bucket whose members start at or before `rank`, skipping empty ones.
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (sums[mid] <= rank) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The fences or counts changed. */
  changed(): void {
    this.sums = null;
  }

  private prefixSums(): number[] {
    if (this.sums !== null) return this.sums;
    const sums = new Array<number>(this.counts.length + 1);
    let total = 0;
    for (let i = 0; i < this.counts.length; i++) {
      sums[i] = total;
      total += this.counts[i];
    }
    sums[this.counts.length] = total;
    this.sums = sums;
    return sums;
  }
}

// ---------------------------------------------------------------- the cache

/** The cached indexes of one keyspace by `r` prefix (a set version), least recently used first. */
interface IndexCache {
  indexes: Map<BinaryKey, RankIndex>;
}

const caches = new WeakMap<Keyspace, IndexCache>();

function cacheOf(ks: Keyspace): IndexCache {
  let cache = caches.get(ks);
  if (cache === undefined) {
    cache = { indexes: new Map() };
    caches.set(ks, cache);
  }
  return cache;
}

function cached(ks: Keyspace, prefix: BinaryKey): RankIndex | undefined {
  const cache = caches.get(ks);
  const index = cache?.indexes.get(prefix);
  if (cache === undefined || index === undefined) return undefined;
  cache.indexes.delete(prefix);
  cache.indexes.set(prefix, index);
  return index;
}

function remember(ks: Keyspace, prefix: BinaryKey, index: RankIndex): void {
  const cache = cacheOf(ks);
  cache.indexes.delete(prefix);
  cache.indexes.set(prefix, index);
  let fences = 0;
  for (const kept of cache.indexes.values()) fences += kept.buckets;
  for (const [oldest, old] of cache.indexes) {
    if (fences <= MAX_CACHED_FENCES || oldest === prefix) break;
    fences -= old.buckets;
    cache.indexes.delete(oldest);
  }
}

function forget(ks: Keyspace, prefix: BinaryKey): void {
  caches.get(ks)?.indexes.delete(prefix);
}

/** Drops every cached index of `ks` (tests: the next command reads the records again). */
export function forgetRankIndexes(ks: Keyspace): void {
  caches.delete(ks);
}

// ---------------------------------------------------------------- reading the records

interface ReadIndex {
  index: RankIndex;
  /** The counts add up to the set's count and the first fence is '': the index can be used. */
  consistent: boolean;
}

/** Every `r` record of `z` at `snapshot`. */
async function readRecords(z: Collection, snapshot: Snapshot | undefined): Promise<ReadIndex> {
  const prefix = z.prefix(MemberTag.ZSetRank);
  const fences: BinaryKey[] = [];
  const counts: number[] = [];
  let total = 0;
  const it = z.ks.db.iterator({ start: prefix, end: prefixEnd(prefix), snapshot });
  try {
    for (;;) {
      const batch = await it.nextBatch(MAX_STEP);
      for (const e of batch) {
        fences.push(e.key.slice(prefix.length));
        const n = decodeCount(e.value);
        counts.push(n);
        total += n;
      }
      if (batch.length < MAX_STEP) break;
    }
  } finally {
    it.close();
  }
  return { index: new RankIndex(fences, counts), consistent: fences.length > 0 && fences[0] === '' && total === z.meta.count };
}

/**
 * The index of an indexed set for a read at `snapshot` (the caller holds the key): the cached one,
 * or the records read (and cached); null when the set has no index, or one that does not add up
 * (the read then walks, and the next write rebuilds it).
 */
export async function rankIndexForRead(z: Collection, snapshot: Snapshot): Promise<RankIndex | null> {
  if (!hasRankIndex(z)) return null;
  const prefix = z.prefix(MemberTag.ZSetRank);
  const known = cached(z.ks, prefix);
  if (known !== undefined) return known;
  const read = await readRecords(z, snapshot);
  if (!read.consistent) return null;
  remember(z.ks, prefix, read.index);
  return read.index;
}

// ---------------------------------------------------------------- writing

/** The counts one command changes, staged when its collection commits. */
class RankEdit {
  /** Bucket -> change of its count. */
  private readonly deltas = new Map<number, number>();

  constructor(
    private readonly z: Collection,
    private readonly index: RankIndex,
    private readonly prefix: BinaryKey,
    private readonly maxBucket: number,
  ) {}

  change(suffix: BinaryKey, by: number): void {
    const i = this.index.bucketOf(suffix);
    this.deltas.set(i, (this.deltas.get(i) ?? 0) + by);
  }

  /** Applies the changes to the index and stages its records into the collection's batch. */
  stage(batch: KeyspaceBatch): void {
    edits.delete(this.z);
    this.z.stageHook = null;
    const ks = this.z.ks;
    // The set is going: its records go with its version.
    if (this.z.meta.count === 0) return forget(ks, this.prefix);
    const { fences, counts } = this.index;
    const touched = [...this.deltas.keys()].sort((a, b) => b - a);
    for (const i of touched) {
      if (counts[i] + (this.deltas.get(i) as number) < 0) {
        forget(ks, this.prefix);
        throw new Error('sorted set rank index out of step with its members');
      }
    }
    const dirty = new Set<BinaryKey>();
    const removed: BinaryKey[] = [];
    // From the last bucket down, so that a merge never moves a bucket still to be looked at.
    for (const i of touched) {
      counts[i] += this.deltas.get(i) as number;
      dirty.add(fences[i]);
      if (counts[i] >= mergeBelow(this.maxBucket)) continue;
      const join = this.mergeTarget(i);
      if (join === -1) continue;
      // Bucket join + 1 ends: join takes its members.
      counts[join] += counts[join + 1];
      dirty.add(fences[join]);
      removed.push(fences[join + 1]);
      dirty.delete(fences[join + 1]);
      fences.splice(join + 1, 1);
      counts.splice(join + 1, 1);
    }
    this.index.changed();
    for (const fence of dirty) batch.putMember(this.prefix + fence, encodeCount(counts[this.index.bucketOf(fence)]));
    for (const fence of removed) batch.deleteMember(this.prefix + fence);
  }

  /** The bucket that absorbs the next one to merge small bucket `i` away, or -1 to keep it. */
  private mergeTarget(i: number): number {
    const { counts } = this.index;
    const most = mergedAtMost(this.maxBucket);
    if (i > 0 && (counts[i] === 0 || counts[i - 1] + counts[i] <= most)) return i - 1;
    if (i + 1 < counts.length && counts[i] + counts[i + 1] <= most) return i;
    return -1;
  }
}

const edits = new WeakMap<Collection, RankEdit>();

/**
 * Before a write to `z` that adds the `Z` suffixes `adding` (and may remove members): makes its
 * index ready to be kept, or says there is none to keep. Null when the write may go ahead
 * (synchronously); a Promise when something must be read or written first (read the index,
 * build it for a set that is reaching half a bucket, split a full bucket the write adds to):
 * await it and run the command again. Call it in the command's last synchronous run, before
 * staging members.
 */
export function prepareRankIndex(z: Collection, maxBucket: number, adding: readonly BinaryKey[]): Promise<unknown> | null {
  const prefix = z.prefix(MemberTag.ZSetRank);
  if (!hasRankIndex(z)) {
    if (z.meta.count + adding.length < halfBucket(maxBucket)) return null;
    if (z.exists) return rebuildRankIndex(z, maxBucket);
    // A new set written big at once starts with its index: one empty bucket, then its members.
    z.meta.flags |= MetaFlag.RankIndex;
    const fresh = new RankIndex([''], [0]);
    remember(z.ks, prefix, fresh);
    attach(z, fresh, prefix, maxBucket);
    return null;
  }
  const index = cached(z.ks, prefix);
  if (index === undefined) return loadRankIndex(z, maxBucket);
  const full = new Set<number>();
  for (const suffix of adding) {
    const i = index.bucketOf(suffix);
    if (index.counts[i] >= maxBucket) full.add(i);
  }
  if (full.size > 0) return splitBuckets(z, index, [...full], maxBucket);
  attach(z, index, prefix, maxBucket);
  return null;
}

function attach(z: Collection, index: RankIndex, prefix: BinaryKey, maxBucket: number): void {
  const edit = new RankEdit(z, index, prefix, maxBucket);
  edits.set(z, edit);
  z.stageHook = (batch) => edit.stage(batch);
}

/**
 * zset.ts: the `Z` key with suffix `removed` is deleted and/or the one with suffix `added` is
 * written (a score change does both), in the batch `z` will commit.
 */
export function noteRankChange(z: Collection, removed: BinaryKey | null, added: BinaryKey | null): void {
  if (!hasRankIndex(z)) return;
  const edit = edits.get(z);
  // A write path that forgot prepareRankIndex would leave the counts wrong: refuse it.
  if (edit === undefined) throw new Error('sorted set rank index not prepared for this write');
  if (removed !== null) edit.change(removed, -1);
  if (added !== null) edit.change(added, 1);
}

/** Reads an indexed set's records into the cache; one that does not add up is rebuilt. */
async function loadRankIndex(z: Collection, maxBucket: number): Promise<void> {
  const read = await readRecords(z, undefined);
  if (!read.consistent) return rebuildRankIndex(z, maxBucket);
  remember(z.ks, z.prefix(MemberTag.ZSetRank), read.index);
}

/**
 * Whether `z`'s metadata is still what the command opened (an expiry may have removed the key
 * while a walk ran: the expiry cycle does not wait for key locks). A value that must come from the
 * disk counts as changed: the command runs again anyway.
 */
function stillThere(z: Collection): boolean {
  const now = z.ks.lookupWrite(z.db, z.key);
  return !(now instanceof Promise) && now !== null && z.previous !== null && now.equals(z.previous);
}

/** Walks the `Z` keys in [start, end) at `snapshot`, cutting them into runs of `half`: their first suffixes and sizes. */
async function cutRuns(z: Collection, snapshot: Snapshot, start: BinaryKey, end: BinaryKey | undefined, half: number): Promise<{ fences: BinaryKey[]; counts: number[] }> {
  const byScore = z.prefix(MemberTag.ZSetByScore);
  const fences: BinaryKey[] = [];
  const counts: number[] = [];
  const it = z.ks.db.iterator({ start, end, snapshot });
  try {
    for (;;) {
      const batch = await it.nextBatch(MAX_STEP);
      for (const e of batch) {
        if (counts.length === 0 || counts[counts.length - 1] === half) {
          fences.push(e.key.slice(byScore.length));
          counts.push(0);
        }
        counts[counts.length - 1]++;
      }
      if (batch.length < MAX_STEP) break;
    }
  } finally {
    it.close();
  }
  return { fences, counts };
}

/**
 * Builds `z`'s index from its members (a set reaching half a bucket, one written before indexes
 * existed, or one whose index does not add up): one walk of the set, then one batch that deletes
 * the old records, writes the new ones and sets the metadata's flag (no WATCH touch: the members
 * do not change).
 */
async function rebuildRankIndex(z: Collection, maxBucket: number): Promise<void> {
  const snapshot = z.ks.db.snapshot();
  let runs: { fences: BinaryKey[]; counts: number[] };
  let old: ReadIndex;
  const byScore = z.prefix(MemberTag.ZSetByScore);
  try {
    old = await readRecords(z, snapshot);
    runs = await cutRuns(z, snapshot, byScore, prefixEnd(byScore), halfBucket(maxBucket));
  } finally {
    snapshot.release();
  }
  if (!stillThere(z)) return;
  const prefix = z.prefix(MemberTag.ZSetRank);
  // The first bucket starts at '' whatever its first member.
  if (runs.fences.length === 0) {
    runs.fences.push('');
    runs.counts.push(0);
  }
  runs.fences[0] = '';
  const batch = z.ks.batch();
  for (const fence of old.index.fences) batch.deleteMember(prefix + fence);
  for (let i = 0; i < runs.fences.length; i++) batch.putMember(prefix + runs.fences[i], encodeCount(runs.counts[i]));
  batch.putUnwatched(z.db, z.key, encodeMeta({ ...z.meta, flags: z.meta.flags | MetaFlag.RankIndex }), z.previous);
  const write = batch.commit();
  remember(z.ks, prefix, new RankIndex(runs.fences, runs.counts));
  await write;
}

/**
 * Cuts each full bucket of `buckets` into runs of half a bucket (one walk of it), in one batch of
 * `r` records only: the counts of the new buckets add up to the old one's, no member moves.
 */
async function splitBuckets(z: Collection, index: RankIndex, buckets: number[], maxBucket: number): Promise<void> {
  const byScore = z.prefix(MemberTag.ZSetByScore);
  const end = prefixEnd(byScore);
  const snapshot = z.ks.db.snapshot();
  const cuts: Array<{ bucket: number; fences: BinaryKey[]; counts: number[] }> = [];
  let consistent = true;
  try {
    for (const i of buckets) {
      const to = i + 1 < index.buckets ? byScore + index.fences[i + 1] : end;
      const runs = await cutRuns(z, snapshot, byScore + index.fences[i], to, halfBucket(maxBucket));
      let walked = 0;
      for (const n of runs.counts) walked += n;
      consistent = walked === index.counts[i];
      if (!consistent) break;
      runs.fences[0] = index.fences[i];
      cuts.push({ bucket: i, ...runs });
    }
  } finally {
    snapshot.release();
  }
  if (!consistent) return rebuildRankIndex(z, maxBucket);
  if (!stillThere(z)) return;
  const prefix = z.prefix(MemberTag.ZSetRank);
  const batch = z.ks.batch();
  for (const cut of cuts) {
    for (let j = 0; j < cut.fences.length; j++) batch.putMember(prefix + cut.fences[j], encodeCount(cut.counts[j]));
  }
  const write = batch.commit();
  // From the last bucket down, so that each splice leaves the buckets still to be cut in place.
  cuts.sort((a, b) => b.bucket - a.bucket);
  for (const cut of cuts) {
    index.fences.splice(cut.bucket, 1, ...cut.fences);
    index.counts.splice(cut.bucket, 1, ...cut.counts);
  }
  index.changed();
  await write;
}

/**
 * A *STORE result or other set written whole (`suffixes`: the `Z` suffixes of all its members, in
 * any order) with an index when it is big enough: stages its records into `batch`, sets the flag
 * in `z.meta` and caches the index. The caller writes the members and the metadata in that batch.
 */
export function writeRankIndex(z: Collection, batch: KeyspaceBatch, suffixes: BinaryKey[], maxBucket: number): void {
  const half = halfBucket(maxBucket);
  if (suffixes.length < half) return;
  suffixes.sort();
  const fences: BinaryKey[] = [];
  const counts: number[] = [];
  for (let at = 0; at < suffixes.length; at += half) {
    fences.push(at === 0 ? '' : suffixes[at]);
    counts.push(Math.min(half, suffixes.length - at));
  }
  const prefix = z.prefix(MemberTag.ZSetRank);
  for (let i = 0; i < fences.length; i++) batch.putMember(prefix + fences[i], encodeCount(counts[i]));
  z.meta.flags |= MetaFlag.RankIndex;
  remember(z.ks, prefix, new RankIndex(fences, counts));
}

// ---------------------------------------------------------------- reading by rank

/**
 * Ranks over one set's `Z` keys at a snapshot, by its index: how many keys lie below a key (a
 * walk of at most about half a bucket, from the nearer end of the member's bucket), and which key
 * has a rank (a walk from the start of its bucket).
 */
export class RankReader {
  private readonly byScore: BinaryKey;
  private readonly byScoreEnd: BinaryKey | undefined;

  constructor(
    private readonly z: Collection,
    private readonly index: RankIndex,
    private readonly snapshot: Snapshot,
  ) {
    this.byScore = z.prefix(MemberTag.ZSetByScore);
    this.byScoreEnd = prefixEnd(this.byScore);
  }

  /** Members per bucket on average: about what one walk inside a bucket costs twice over. */
  get averageBucket(): number {
    return Math.ceil(this.index.before(this.index.buckets) / this.index.buckets);
  }

  private iterator(start: BinaryKey, end: BinaryKey | undefined, reverse: boolean): DbIterator {
    return this.z.ks.db.iterator({ start, end, snapshot: this.snapshot, reverse });
  }

  /** Where bucket `i`'s keys end (exclusive). */
  private bucketEnd(i: number): BinaryKey | undefined {
    return i + 1 < this.index.buckets ? this.byScore + this.index.fences[i + 1] : this.byScoreEnd;
  }

  /** How many `Z` keys are below the engine key `key` (any key: before, inside or after the set's range). */
  async below(key: BinaryKey): Promise<number> {
    if (key <= this.byScore) return 0;
    if (this.byScoreEnd === undefined || key >= this.byScoreEnd) return this.index.before(this.index.buckets);
    const i = this.index.bucketOf(key.slice(this.byScore.length));
    const start = this.byScore + this.index.fences[i];
    const end = this.bucketEnd(i);
    const total = this.index.counts[i];
    // Steps through the bucket's keys below `key` and, in turn, those from `key` on; the side
    // that ends first gives the answer. Both forwards: a reverse step in the memtable's skip list
    // is a search from its head.
    const lower = this.iterator(start, key, false);
    const upper = this.iterator(key, end, false);
    let under = 0;
    let over = 0;
    try {
      for (let step = FIRST_STEP; ; step = Math.min(step * 2, MAX_STEP)) {
        const n = await countEntries(lower, step);
        under += n;
        if (n < step) return this.index.before(i) + under;
        const m = await countEntries(upper, step);
        over += m;
        if (m < step) return this.index.before(i) + total - over;
      }
    } finally {
      lower.close();
      upper.close();
    }
  }

  /** The `Z` key (engine key) of ascending rank `rank`, 0 <= rank < count. */
  async keyAtRank(rank: number): Promise<BinaryKey | undefined> {
    const i = this.index.bucketAtRank(rank);
    // Forwards from the bucket's start (see below()).
    const it = this.iterator(this.byScore + this.index.fences[i], this.bucketEnd(i), false);
    let skip = rank - this.index.before(i);
    try {
      for (let step = FIRST_STEP; ; step = Math.min(step * 2, MAX_STEP)) {
        const wanted = Math.min(step, skip + 1);
        const batch = await it.nextBatch(wanted);
        if (batch.length > skip) return batch[skip].key;
        if (batch.length < wanted) return undefined;
        skip -= batch.length;
      }
    } finally {
      it.close();
    }
  }
}

// ---------------------------------------------------------------- checking

/**
 * What is wrong with `z`'s rank index, by walking both its records and its `Z` keys (tests and
 * crash checks): each bucket's count against the members actually in it, the counts' sum against
 * the metadata's count, the first fence. A set without the flag must have no records. Empty when
 * all is well.
 */
export async function checkRankIndex(z: Collection): Promise<string[]> {
  const problems: string[] = [];
  const snapshot = z.ks.db.snapshot();
  try {
    const { index } = await readRecords(z, snapshot);
    if (!hasRankIndex(z)) {
      if (index.buckets > 0) problems.push(`no rank index flag, but ${index.buckets} index records`);
      return problems;
    }
    if (index.buckets === 0 || index.fences[0] !== '') problems.push(`the first fence is not '' (${index.buckets} records)`);
    const byScore = z.prefix(MemberTag.ZSetByScore);
    let total = 0;
    for (let i = 0; i < index.buckets; i++) {
      const start = i === 0 ? byScore : byScore + index.fences[i];
      const end = i + 1 < index.buckets ? byScore + index.fences[i + 1] : prefixEnd(byScore);
      const it = z.ks.db.iterator({ start, end, snapshot });
      let actual = 0;
      try {
        for (let n = await countEntries(it, MAX_STEP); ; n = await countEntries(it, MAX_STEP)) {
          actual += n;
          if (n < MAX_STEP) break;
        }
      } finally {
        it.close();
      }
      total += index.counts[i];
      if (actual !== index.counts[i]) problems.push(`bucket ${i} (fence ${JSON.stringify(index.fences[i])}) counts ${index.counts[i]}, holds ${actual}`);
    }
    if (total !== z.meta.count) problems.push(`the counts add up to ${total}, the set has ${z.meta.count}`);
  } finally {
    snapshot.release();
  }
  return problems;
}
