/**
 * Sorted sets over the engine (docs/format.md, "Collections"): each member is two records written
 * in the same batch, `z` member -> score (f64 BE, the bits as stored) for point reads, and
 * `Z` sortableScore(8) member -> empty for everything ordered. The byte order of the `Z` keys is
 * Redis' order: by score, then by member bytes. The member count is in the metadata.
 *
 * What each kind of command costs here, where Redis' skiplist gives O(log N) for all of them:
 * - a member's score (ZSCORE, ZADD, ZREM, ZINCRBY): one point read of its `z` record;
 * - a range by score or by lex (ZRANGEBYSCORE, ZRANGEBYLEX, ZREMRANGEBY*): one seek into `Z`,
 *   then one step per member read: O(log N + M), as Redis;
 * - anything by rank (ZRANK, ZRANGE by index, ZREMRANGEBYRANK, ZPOP*): there is no rank index,
 *   so a rank r is reached by stepping from the nearer end of `Z`: O(min(r, N - r)). Ranks near
 *   either end of a huge set are cheap; a rank in the middle of a 1 M-member set reads ~500 000
 *   entries (sequentially, from cache or disk, without blocking other clients: ~0.5 s measured);
 * - counts (ZCOUNT, ZLEXCOUNT): the entries in the range or those outside it, whichever side
 *   ends first: O(min(M, N - M)).
 *
 * Reads that walk run asynchronously at one snapshot (ZSetReader); the dispatcher holds the key
 * meanwhile. Writes stage records into a KeyspaceBatch that Collection.commit writes with the
 * metadata.
 *
 * Negative zero. Redis keeps -0 in a skiplist-encoded set (ZSCORE says "-0") but a listpack stores
 * the text "-0" as the integer 0. So a score of -0 is written as 0 while the set is small, and as
 * -0 once it is big (MetaFlag.BigEncoding); the `Z` key cannot tell -0 from 0 (sortableScore maps
 * both to one key, as they are equal), so a `Z` record of a -0 score carries the 8 score bytes as
 * its value, and every other one stays empty.
 */
import type { BinaryKey } from '../engine/types.js';
import { countEntries, forEachEntry, type DbIterator, type Snapshot } from '../engine/db.js';
import type { KeyspaceBatch } from '../keyspace/keyspace.js';
import { ValueType, prefixEnd } from '../keyspace/encoding.js';
import { MemberTag, MetaFlag, scoreFromSortable, sortableScore } from '../keyspace/collection-encoding.js';
import type { Collection } from './collection.js';
import { noteAdded, noteRemoved, randomPicks } from './member-random.js';
import { RankReader, noteRankChange, rankIndexForRead, writeRankIndex } from './zset-rank.js';

/** Bytes of a sortable score at the head of a `Z` key's suffix. */
const SCORE_BYTES = 8;
const EMPTY = Buffer.alloc(0);
/** A lex range's start is sought with at most this many seeks, then walked to (ZSetReader.lexStart). */
const LEX_SEEKS = 16;

// ---------------------------------------------------------------- records

export function encodeScore(score: number): Buffer {
  const out = Buffer.allocUnsafe(8);
  out.writeDoubleBE(score, 0);
  return out;
}

export function decodeScore(value: Buffer): number {
  return value.readDoubleBE(0);
}

const NEGATIVE_ZERO = encodeScore(-0);

/** The value of a `Z` record: empty, except for -0 (see the top of this file). */
function byScoreValue(score: number): Buffer {
  return Object.is(score, -0) ? NEGATIVE_ZERO : EMPTY;
}

/** Whether the set's OBJECT ENCODING is skiplist (it passed a listpack threshold once). */
export function isBig(z: Collection): boolean {
  return (z.meta.flags & MetaFlag.BigEncoding) !== 0;
}

/** The score a set stores: a listpack has no negative zero. */
export function storedScore(score: number, big: boolean): number {
  return score === 0 && !big ? 0 : score;
}

/**
 * The scores of `members` (null: not a member), or a Promise when any must come from the disk
 * (await it and run the command again; the values read are kept for that run). A set that does
 * not exist has no members.
 */
export function readScores(z: Collection, members: readonly BinaryKey[]): (number | null)[] | Promise<unknown> {
  if (!z.exists) return members.map(() => null);
  const prefix = z.prefix(MemberTag.ZSetByMember);
  const found = z.ks.readMembers(members.map((m) => prefix + m));
  if (found instanceof Promise) return found;
  return found.map((value) => (value === null ? null : decodeScore(value)));
}

/** The `Z` key suffix (after the set's prefix) of `member` at `score`: what the rank index orders. */
export function rankSuffix(member: BinaryKey, score: number): BinaryKey {
  return sortableScore(score) + member;
}

/** Redis' listpack thresholds (CONFIG zset-max-listpack-entries / -value), and the rank index's bucket size (zset-rank-bucket-size). */
export interface ZSetLimits {
  maxEntries: number;
  maxValue: number;
  rankBucket: number;
}

/**
 * Sets `member` to `score` in the batch; `previous` is its current score (null: a new member).
 * A new member that takes the set past a threshold makes it skiplist-encoded for good (Redis
 * converts before inserting, so that member already keeps a -0). Callers skip updates to an equal
 * score, as Redis does (so -0 never replaces 0 or the reverse). Callers of this and of
 * removeMember/removeEntries have called prepareRankIndex (zset-rank.ts) for the write.
 */
export function putMember(z: Collection, batch: KeyspaceBatch, member: BinaryKey, score: number, previous: number | null, limits: ZSetLimits): void {
  const meta = z.meta;
  const byScore = z.prefix(MemberTag.ZSetByScore);
  if (previous === null) {
    meta.count++;
    if (meta.count > limits.maxEntries || member.length > limits.maxValue) meta.flags |= MetaFlag.BigEncoding;
  }
  const stored = storedScore(score, (meta.flags & MetaFlag.BigEncoding) !== 0);
  const suffix = sortableScore(stored) + member;
  const key = byScore + suffix;
  if (previous === null) noteRankChange(z, null, suffix);
  else {
    const old = sortableScore(previous) + member;
    if (old !== suffix) {
      batch.deleteMember(byScore + old);
      noteRankChange(z, old, suffix);
    }
  }
  const byMember = z.prefix(MemberTag.ZSetByMember);
  batch.putMember(byMember + member, encodeScore(stored));
  batch.putMember(key, byScoreValue(stored));
  if (previous === null) noteAdded(z.ks, byMember, byMember + member);
}

/** Deletes `member`, whose stored score is `score`, in the batch. */
export function removeMember(z: Collection, batch: KeyspaceBatch, member: BinaryKey, score: number): void {
  const byMember = z.prefix(MemberTag.ZSetByMember);
  batch.deleteMember(byMember + member);
  noteRemoved(z.ks, byMember, byMember + member);
  const suffix = sortableScore(score) + member;
  batch.deleteMember(z.prefix(MemberTag.ZSetByScore) + suffix);
  noteRankChange(z, suffix, null);
  z.meta.count--;
}

/** A member and its score, as ranges return them. */
export interface ScoredMember {
  member: BinaryKey;
  score: number;
}

/**
 * Deletes `entries` (members read from `z`) in the batch. Removing every member is only the
 * metadata's deletion: the version dies and the sweep takes its records (Collection.commit).
 */
export function removeEntries(z: Collection, batch: KeyspaceBatch, entries: readonly ScoredMember[]): void {
  if (entries.length >= z.meta.count) {
    z.meta.count = 0;
    return;
  }
  for (const e of entries) removeMember(z, batch, e.member, e.score);
}

/**
 * ZRANDMEMBER's picks: `count` members of `z` with their scores, distinct (fewer than the set's
 * size) or with repeats, in random order, each member equally likely, without reading the set
 * (member-random.ts, over the `z` member -> score records; putMember and removeMember keep its pick
 * tree exact). Synchronous when the set's pick tree holds what the picks need, else a Promise
 * (the key must stay held until it settles).
 */
export function randomScored(z: Collection, count: number, distinct: boolean): ScoredMember[] | Promise<ScoredMember[]> {
  const picked = randomPicks(z, MemberTag.ZSetByMember, count, distinct);
  return picked instanceof Promise ? picked.then(scoredOf) : scoredOf(picked);
}

function scoredOf(picks: ReadonlyArray<{ readonly member: BinaryKey; readonly value: Buffer }>): ScoredMember[] {
  return picks.map((p) => ({ member: p.member, score: decodeScore(p.value) }));
}

/**
 * Writes `entries` as the members of `z`, a collection created for a *STORE destination, and
 * decides its encoding as Redis decides a built result's: `listpackFirst` false (ZUNIONSTORE and
 * friends, and ZRANGESTORE by rank with more results than the entry limit) builds a skiplist and
 * turns it into a listpack at the end if it is small enough; true (ZRANGESTORE otherwise) starts a
 * listpack and converts it when a member crosses a threshold, so members stored before that keep
 * no -0.
 */
export function writeResult(z: Collection, batch: KeyspaceBatch, entries: readonly ScoredMember[], limits: ZSetLimits, listpackFirst: boolean): void {
  let big: boolean;
  let smallUntil: number;
  if (listpackFirst) {
    smallUntil = entries.length;
    for (let i = 0; i < entries.length; i++) {
      if (i + 1 > limits.maxEntries || entries[i].member.length > limits.maxValue) {
        smallUntil = i;
        break;
      }
    }
    big = smallUntil < entries.length;
  } else {
    let longest = 0;
    for (const e of entries) if (e.member.length > longest) longest = e.member.length;
    big = entries.length > limits.maxEntries || longest > limits.maxValue;
    smallUntil = big ? 0 : entries.length;
  }
  if (big) z.meta.flags |= MetaFlag.BigEncoding;
  const byMember = z.prefix(MemberTag.ZSetByMember);
  const byScore = z.prefix(MemberTag.ZSetByScore);
  const suffixes: BinaryKey[] = [];
  for (let i = 0; i < entries.length; i++) {
    const { member } = entries[i];
    const score = storedScore(entries[i].score, i >= smallUntil);
    const suffix = sortableScore(score) + member;
    batch.putMember(byMember + member, encodeScore(score));
    batch.putMember(byScore + suffix, byScoreValue(score));
    suffixes.push(suffix);
  }
  writeRankIndex(z, batch, suffixes, limits.rankBucket);
  z.meta.count = entries.length;
}

// ---------------------------------------------------------------- ranges

/** A score interval (zrangespec): bounds as parsed, each open or closed. */
export interface ScoreRange {
  min: number;
  max: number;
  minExclusive: boolean;
  maxExclusive: boolean;
}

/** Whether no score can be in the range (Redis tests this before looking at the set). */
export function scoreRangeEmpty(r: ScoreRange): boolean {
  return r.min > r.max || (r.min === r.max && (r.minExclusive || r.maxExclusive));
}

/** One end of a lex range: '-' (before everything), '+' (after everything), or a member bound. */
export type LexBound = { readonly kind: 'minus' } | { readonly kind: 'plus' } | { readonly kind: 'value'; readonly value: BinaryKey; readonly exclusive: boolean };

export interface LexRange {
  min: LexBound;
  max: LexBound;
}

/** Redis' sdscmplex between two bounds: '-' below and '+' above every member, and each equal to itself. */
function compareBounds(a: LexBound, b: LexBound): number {
  if (a.kind === b.kind && a.kind !== 'value') return 0;
  if (a.kind === 'minus' || b.kind === 'plus') return -1;
  if (a.kind === 'plus' || b.kind === 'minus') return 1;
  const x = (a as { value: BinaryKey }).value;
  const y = (b as { value: BinaryKey }).value;
  return x < y ? -1 : x > y ? 1 : 0;
}

const exclusiveOf = (b: LexBound): boolean => b.kind !== 'value' || b.exclusive;

/** Whether no member can be in the range (zslIsInLexRange's first test). */
export function lexRangeEmpty(r: LexRange): boolean {
  const cmp = compareBounds(r.min, r.max);
  return cmp > 0 || (cmp === 0 && (exclusiveOf(r.min) || exclusiveOf(r.max)));
}

/** zslLexValueGteMin: the member is not below the range's start. */
export function lexGteMin(member: BinaryKey, min: LexBound): boolean {
  if (min.kind === 'minus') return true;
  if (min.kind === 'plus') return false;
  return min.exclusive ? member > min.value : member >= min.value;
}

/** zslLexValueLteMax: the member is not beyond the range's end. */
export function lexLteMax(member: BinaryKey, max: LexBound): boolean {
  if (max.kind === 'plus') return true;
  if (max.kind === 'minus') return false;
  return max.exclusive ? member < max.value : member <= max.value;
}

/** How many entries a walk skips first and returns at most (limit < 0: no limit). */
export interface Window {
  offset: number;
  limit: number;
}

const ALL: Window = { offset: 0, limit: -1 };

// ---------------------------------------------------------------- reads at a snapshot

/**
 * Counting walks (ranks, counts) take entries from the engine in steps: the first small, so an
 * answer near an end of the set costs a few keys, then doubling up to the largest step, so a long
 * walk pays one promise per thousand keys rather than one per key.
 */
const FIRST_COUNT_STEP = 16;
const MAX_COUNT_STEP = 1024;

/**
 * The reads of one command over one sorted set, all at one snapshot so that several iterators
 * agree. Close it when done (it pins the snapshot).
 */
export class ZSetReader {
  private readonly byScore: BinaryKey;
  private readonly byScoreEnd: BinaryKey | undefined;
  private readonly byMember: BinaryKey;
  private readonly snapshot: Snapshot;
  private readonly ownSnapshot: boolean;
  /** The set's rank index at this snapshot: undefined until looked at, null when it has none. */
  private ranks: RankReader | null | undefined;

  constructor(
    readonly z: Collection,
    snapshot?: Snapshot,
  ) {
    this.byScore = z.prefix(MemberTag.ZSetByScore);
    this.byScoreEnd = prefixEnd(this.byScore);
    this.byMember = z.prefix(MemberTag.ZSetByMember);
    this.ownSnapshot = snapshot === undefined;
    this.snapshot = snapshot ?? z.ks.db.snapshot();
  }

  close(): void {
    if (this.ownSnapshot) this.snapshot.release();
  }

  get count(): number {
    return this.z.meta.count;
  }

  private iterator(start: BinaryKey, end: BinaryKey | undefined, reverse: boolean): DbIterator {
    return this.z.ks.db.iterator({ start, end, snapshot: this.snapshot, reverse });
  }

  /** The rank index's reader, or null when the set has no (usable) index. */
  private async rankReader(): Promise<RankReader | null> {
    if (this.ranks === undefined) {
      const index = await rankIndexForRead(this.z, this.snapshot);
      this.ranks = index === null ? null : new RankReader(this.z, index, this.snapshot);
    }
    return this.ranks;
  }

  /**
   * Where a walk over [start, end) that skips `offset` entries can start instead, by the rank
   * index: the range narrowed to begin (end, with `reverse`) at the first entry not skipped, null
   * when every entry would be skipped, undefined when the set has no index or the skip is short
   * (about a bucket: walking it costs what finding the rank would).
   */
  private async skipByRank(start: BinaryKey, end: BinaryKey | undefined, reverse: boolean, offset: number): Promise<{ start: BinaryKey; end: BinaryKey | undefined } | null | undefined> {
    const ranks = await this.rankReader();
    if (ranks === null || offset <= ranks.averageBucket) return undefined;
    if (!reverse) {
      const rank = (await ranks.below(start)) + offset;
      const key = rank < this.count ? await ranks.keyAtRank(rank) : undefined;
      return key === undefined ? null : { start: key, end };
    }
    const rank = (end === undefined ? this.count : await ranks.below(end)) - 1 - offset;
    const key = rank >= 0 ? await ranks.keyAtRank(rank) : undefined;
    return key === undefined ? null : { start, end: key + '\0' };
  }

  /** A `Z` entry as a member and its score. */
  private scored(key: BinaryKey, value: Buffer): ScoredMember {
    const at = this.byScore.length;
    return { member: key.slice(at + SCORE_BYTES), score: value.length === 8 ? decodeScore(value) : scoreFromSortable(key, at) };
  }

  /** The first `Z` key in [start, end) (the last one with `reverse`), or undefined. */
  private async edge(start: BinaryKey, end: BinaryKey | undefined, reverse: boolean): Promise<{ key: BinaryKey; value: Buffer } | undefined> {
    const it = this.iterator(start, end, reverse);
    try {
      return await it.next();
    } finally {
      it.close();
    }
  }

  /**
   * Walks `Z` keys in [start, end) (descending with `reverse`), skipping window.offset entries
   * and collecting up to window.limit, while `keep` accepts the member (the first refusal ends
   * the walk). A negative offset skips everything, as Redis' `while (offset--)` does.
   */
  private async collect(start: BinaryKey, end: BinaryKey | undefined, reverse: boolean, window: Window, keep?: (member: BinaryKey) => boolean): Promise<ScoredMember[]> {
    const out: ScoredMember[] = [];
    if (window.offset < 0 || window.limit === 0 || (end !== undefined && start >= end)) return out;
    let skip = window.offset;
    if (skip > 0) {
      const narrowed = await this.skipByRank(start, end, reverse, skip);
      if (narrowed === null) return out;
      if (narrowed !== undefined) {
        ({ start, end } = narrowed);
        skip = 0;
        if (end !== undefined && start >= end) return out;
      }
    }
    // Entries a window needs at most; batches no larger, so ZRANGE key 0 9 reads ten.
    const wanted = window.limit < 0 ? Infinity : skip + window.limit;
    await forEachEntry(
      this.iterator(start, end, reverse),
      (e) => {
        if (skip > 0) {
          skip--;
          return true;
        }
        const entry = this.scored(e.key, e.value);
        if (keep !== undefined && !keep(entry.member)) return false;
        out.push(entry);
        return out.length !== window.limit;
      },
      Math.min(wanted, MAX_COUNT_STEP),
    );
    return out;
  }

  /** Every member in score order (or reverse), with a window. */
  all(reverse = false, window: Window = ALL): Promise<ScoredMember[]> {
    return this.collect(this.byScore, this.byScoreEnd, reverse, window);
  }

  // ------------------------------------------------------------ by score

  /** Where scores not below the range's min start (undefined: nowhere, past the key space). */
  private scoreStart(r: ScoreRange): BinaryKey | undefined {
    const at = this.byScore + sortableScore(r.min);
    return r.minExclusive ? prefixEnd(at) : at;
  }

  private scoreEnd(r: ScoreRange): BinaryKey | undefined {
    const at = this.byScore + sortableScore(r.max);
    return r.maxExclusive ? at : prefixEnd(at);
  }

  /** Members with scores in `r`, ascending (descending with `reverse`), within the window. */
  byScoreRange(r: ScoreRange, reverse: boolean, window: Window = ALL): Promise<ScoredMember[]> {
    const start = this.scoreStart(r);
    if (scoreRangeEmpty(r) || start === undefined) return Promise.resolve([]);
    return this.collect(start, this.scoreEnd(r), reverse, window);
  }

  /**
   * Visits the members with scores in `r` in ascending order, one seek then one step each, until
   * `visit` returns false (a GEO search reads its cells this way, stopping once it has enough).
   */
  async visitByScore(r: ScoreRange, visit: (entry: ScoredMember) => boolean): Promise<void> {
    const start = this.scoreStart(r);
    if (scoreRangeEmpty(r) || start === undefined) return;
    const end = this.scoreEnd(r);
    if (end !== undefined && start >= end) return;
    await forEachEntry(this.iterator(start, end, false), (e) => visit(this.scored(e.key, e.value)));
  }

  /** ZCOUNT. */
  countByScore(r: ScoreRange): Promise<number> {
    const start = this.scoreStart(r);
    if (scoreRangeEmpty(r) || start === undefined) return Promise.resolve(0);
    return this.countBetween(start, this.scoreEnd(r));
  }

  /**
   * How many `Z` keys lie in [start, end). With a rank index: the range's first few keys (a
   * short range ends there), else the difference of the ranks of its ends. Without: steps through the
   * range and, in turn, through the keys before and after it; whichever side is exhausted first
   * answers (the inside directly, the outside as count minus itself). O(min(M, N - M)) steps, a
   * third of them per side.
   */
  private async countBetween(start: BinaryKey, end: BinaryKey | undefined): Promise<number> {
    if (end !== undefined && start >= end) return 0;
    const ranks = await this.rankReader();
    if (ranks !== null) {
      const probe = this.iterator(start, end, false);
      let few: number;
      try {
        few = await countEntries(probe, FIRST_COUNT_STEP + 1);
      } finally {
        probe.close();
      }
      if (few <= FIRST_COUNT_STEP) return few;
      return (end === undefined ? this.count : await ranks.below(end)) - (await ranks.below(start));
    }
    const inside = this.iterator(start, end, false);
    const before = this.iterator(this.byScore, start, true);
    const after = end === undefined ? null : this.iterator(end, this.byScoreEnd, false);
    let counted = 0;
    let outside = 0;
    let beforeDone = false;
    let afterDone = after === null;
    try {
      for (let step = FIRST_COUNT_STEP; ; step = Math.min(step * 2, MAX_COUNT_STEP)) {
        const inRange = await countEntries(inside, step);
        counted += inRange;
        if (inRange < step) return counted;
        if (!beforeDone) {
          const n = await countEntries(before, step);
          outside += n;
          beforeDone = n < step;
        }
        if (!afterDone) {
          const n = await countEntries(after as DbIterator, step);
          outside += n;
          afterDone = n < step;
        }
        if (beforeDone && afterDone) return this.count - outside;
      }
    } finally {
      inside.close();
      before.close();
      after?.close();
    }
  }

  // ------------------------------------------------------------ by rank

  /**
   * Members of ranks start..end (0-based, ascending, 0 <= start <= end < count), in ascending
   * order. With a rank index, from the member at `start` (collect finds it); without, reached
   * from the nearer end: reading backwards from the last member costs the ranks after `end`
   * instead of those before `start`.
   */
  async byRank(start: number, end: number): Promise<ScoredMember[]> {
    const length = end - start + 1;
    const fromEnd = this.count - 1 - end;
    if (start <= fromEnd || (await this.rankReader()) !== null) return this.collect(this.byScore, this.byScoreEnd, false, { offset: start, limit: length });
    const out = await this.collect(this.byScore, this.byScoreEnd, true, { offset: fromEnd, limit: length });
    return out.reverse();
  }

  /**
   * The 0-based rank of `member`, whose score is `score`. With a rank index, the keys below it
   * by the index (about half a bucket read). Without: counts the keys before it and, in turn,
   * the keys after it; the side that ends first gives the rank. O(min(r, N - r)), in steps that
   * start small (a rank near either end costs a few keys) and double.
   */
  async rankOf(member: BinaryKey, score: number): Promise<number> {
    const key = this.byScore + sortableScore(score) + member;
    const ranks = await this.rankReader();
    if (ranks !== null) return ranks.below(key);
    const before = this.iterator(this.byScore, key, false);
    const after = this.iterator(key + '\0', this.byScoreEnd, true);
    let below = 0;
    let above = 0;
    try {
      for (let step = FIRST_COUNT_STEP; ; step = Math.min(step * 2, MAX_COUNT_STEP)) {
        const n = await countEntries(before, step);
        below += n;
        if (n < step) return below;
        const m = await countEntries(after, step);
        above += m;
        if (m < step) return this.count - 1 - above;
      }
    } finally {
      before.close();
      after.close();
    }
  }

  // ------------------------------------------------------------ by lex

  /**
   * Members in a lex range, as Redis' listpack code finds them (which is also what the skiplist
   * does when every score is equal, the only case Redis defines): in score order, the first
   * member not below `min` starts the range, or, with `reverse`, the last member not above `max`;
   * then window.offset members are skipped without looking at them, and members are taken while
   * they are not beyond the other end. Within one score the members are sorted, so finding the
   * start is a seek per distinct score passed over (one or two for the usual single-score set).
   */
  async byLex(r: LexRange, reverse: boolean, window: Window = ALL): Promise<ScoredMember[]> {
    const start = await this.lexStart(r, reverse);
    if (start === undefined) return [];
    if (!reverse) return this.collect(start, this.byScoreEnd, false, window, (m) => lexLteMax(m, r.max));
    return this.collect(this.byScore, start + '\0', true, window, (m) => lexGteMin(m, r.min));
  }

  /** ZLEXCOUNT: with a single score, a count of one key range; otherwise the walk Redis does. */
  async countByLex(r: LexRange): Promise<number> {
    if (lexRangeEmpty(r)) return 0;
    const first = await this.edge(this.byScore, this.byScoreEnd, false);
    const last = await this.edge(this.byScore, this.byScoreEnd, true);
    if (first === undefined || last === undefined) return 0;
    const group = first.key.slice(0, this.byScore.length + SCORE_BYTES);
    if (last.key.startsWith(group)) {
      const start = lexLowKey(group, r.min);
      const end = lexHighKey(group, r.max);
      if (start === undefined || end === undefined) return 0;
      return this.countBetween(start, end);
    }
    return (await this.byLex(r, false)).length;
  }

  /**
   * The `Z` key where a lex range starts (zzlFirstInLexRange, or zzlLastInLexRange with
   * `reverse`), or undefined when it is empty.
   */
  private async lexStart(r: LexRange, reverse: boolean): Promise<BinaryKey | undefined> {
    if (lexRangeEmpty(r)) return undefined;
    // zzlIsInLexRange: the last member must not be below min, nor the first beyond max.
    const first = await this.edge(this.byScore, this.byScoreEnd, false);
    const last = await this.edge(this.byScore, this.byScoreEnd, true);
    if (first === undefined || last === undefined) return undefined;
    if (!lexGteMin(this.memberOf(last.key), r.min) || !lexLteMax(this.memberOf(first.key), r.max)) return undefined;
    // Walking forwards the start is the first member not below min; backwards, the first not
    // above max. It starts the range only if it also fits the other end.
    const reached = (m: BinaryKey): boolean => (reverse ? lexLteMax(m, r.max) : lexGteMin(m, r.min));
    const fits = (m: BinaryKey): boolean => (reverse ? lexGteMin(m, r.min) : lexLteMax(m, r.max));
    const groupLength = this.byScore.length + SCORE_BYTES;
    // Where the search goes on from: a start key forwards, an end key (exclusive) backwards.
    let bound = reverse ? this.byScoreEnd : this.byScore;
    for (let seeks = 0; seeks < LEX_SEEKS; seeks++) {
      const e = reverse ? await this.edge(this.byScore, bound, true) : await this.edge(bound as BinaryKey, this.byScoreEnd, false);
      if (e === undefined) return undefined;
      const member = this.memberOf(e.key);
      if (reached(member)) return fits(member) ? e.key : undefined;
      // Not reached yet: within this score the members are sorted, so the rest of this score up
      // to the bound is skipped by one seek.
      const group = e.key.slice(0, groupLength);
      const next = reverse ? (lexHighKey(group, r.max) ?? group) : (lexLowKey(group, r.min) ?? prefixEnd(group));
      if (next === undefined || (reverse ? next > e.key : next <= e.key)) return undefined;
      bound = next;
    }
    // A seek per distinct score passed costs an iterator each: past LEX_SEEKS of them (a set of
    // mostly different scores, where lex ranges mean little), one walk through the rest is cheaper.
    const it = reverse ? this.iterator(this.byScore, bound, true) : this.iterator(bound as BinaryKey, this.byScoreEnd, false);
    try {
      for (let e = await it.next(); e !== undefined; e = await it.next()) {
        const member = this.memberOf(e.key);
        if (reached(member)) return fits(member) ? e.key : undefined;
      }
    } finally {
      it.close();
    }
    return undefined;
  }

  private memberOf(key: BinaryKey): BinaryKey {
    return key.slice(this.byScore.length + SCORE_BYTES);
  }

  // ------------------------------------------------------------ members

  /** A member's score at the snapshot, or null. */
  async scoreOf(member: BinaryKey): Promise<number | null> {
    const value = await this.z.ks.db.get(this.byMember + member, this.snapshot);
    return value === undefined ? null : decodeScore(value);
  }

  /**
   * Up to `count` members after `after` (all from the start when undefined) in member byte
   * order, as ZSCAN pages them; `more` tells whether members remain past the last one read.
   */
  async membersAfter(after: BinaryKey | undefined, count: number): Promise<{ entries: ScoredMember[]; more: boolean }> {
    const entries: ScoredMember[] = [];
    const start = after === undefined ? this.byMember : this.byMember + after + '\0';
    let more = false;
    // One entry past `count` tells whether more remain.
    await forEachEntry(
      this.iterator(start, prefixEnd(this.byMember), false),
      (e) => {
        if (entries.length === count) {
          more = true;
          return false;
        }
        entries.push({ member: e.key.slice(this.byMember.length), score: decodeScore(e.value) });
      },
      Math.min(count + 1, MAX_COUNT_STEP),
    );
    return { entries, more };
  }

  /** Every member with its score, in member byte order (for the set operations, which only look members up). */
  async allByMember(visit: (member: BinaryKey, score: number) => void): Promise<void> {
    await forEachEntry(this.iterator(this.byMember, prefixEnd(this.byMember), false), (e) => {
      visit(e.key.slice(this.byMember.length), decodeScore(e.value));
    });
  }
}

/** The `Z` key where members not below `min` start within one score's keys, or undefined for '+'. */
function lexLowKey(group: BinaryKey, min: LexBound): BinaryKey | undefined {
  if (min.kind === 'minus') return group;
  if (min.kind === 'plus') return undefined;
  return group + min.value + (min.exclusive ? '\0' : '');
}

/** The `Z` key where members beyond `max` start within one score's keys, or undefined for '-'. */
function lexHighKey(group: BinaryKey, max: LexBound): BinaryKey | undefined {
  if (max.kind === 'plus') return prefixEnd(group);
  if (max.kind === 'minus') return undefined;
  return group + max.value + (max.exclusive ? '' : '\0');
}

// ---------------------------------------------------------------- set operations' inputs

/**
 * An input of ZUNION, ZINTER, ZDIFF and their *STORE forms: a sorted set, or a plain set whose
 * members all count with score 1 (Redis accepts both; sets are read as docs/format.md lays them
 * out: tag 's', member bytes, empty value), or a missing key (empty).
 */
export class SetOpInput {
  private readonly reader: ZSetReader | null;
  private readonly setPrefix: BinaryKey | null;

  constructor(
    readonly collection: Collection | null,
    private readonly snapshot: Snapshot,
  ) {
    const type = collection?.meta.type;
    this.reader = collection !== null && type === ValueType.ZSet ? new ZSetReader(collection, snapshot) : null;
    this.setPrefix = collection !== null && type === ValueType.Set ? collection.prefix(MemberTag.SetMember) : null;
  }

  get size(): number {
    return this.collection === null ? 0 : this.collection.meta.count;
  }

  /** Visits every member with its score. */
  async forEach(visit: (member: BinaryKey, score: number) => void): Promise<void> {
    if (this.reader !== null) return this.reader.allByMember(visit);
    if (this.setPrefix === null || this.collection === null) return;
    const prefix = this.setPrefix;
    await forEachEntry(this.collection.ks.db.iterator({ start: prefix, end: prefixEnd(prefix), snapshot: this.snapshot }), (e) => {
      visit(e.key.slice(prefix.length), 1);
    });
  }

  /** A member's score, or null when it is not in this input. */
  async scoreOf(member: BinaryKey): Promise<number | null> {
    if (this.reader !== null) return this.reader.scoreOf(member);
    if (this.setPrefix === null || this.collection === null) return null;
    const value = await this.collection.ks.db.get(this.setPrefix + member, this.snapshot);
    return value === undefined ? null : 1;
  }
}
