/**
 * Sets over the engine: one engine key per member (docs/format.md, "Collections": tag 's', empty
 * value), the exact member count in the metadata. Commands (commands/sets.ts) open a set with
 * openCollection/openOrCreate and use the operations here. Those that name members (SADD, SREM,
 * SISMEMBER, SMOVE) read just those members' keys; random picks (./member-random.ts) seek instead of
 * reading the set, and hear of every member added or removed here; walks over whole sets read a
 * snapshot without blocking.
 *
 * Encoding (OBJECT ENCODING). Redis 7.0 keeps a set as an intset while every member is a 64-bit
 * integer in canonical form and there are at most set-max-intset-entries of them; the add that
 * breaks either rule converts it to a hashtable, and nothing converts it back, except where Redis
 * builds a new set: the *STORE results and what SPOP leaves when it takes most of a set, whose
 * encoding follows the rules from scratch (freshFlags). The metadata flags record the conversions:
 * NotIntset (a non-integer was added), BigEncoding (the count passed the limit).
 *
 * Order. Members are stored, and walked, in byte order; Redis' order is undefined for hashtables,
 * but an intset is a sorted array, so whatever Redis answers from an intset comes in numeric
 * order. Replies that Redis takes from an intset are therefore sorted numerically here too
 * (sortNumerically), which costs little: an intset has at most set-max-intset-entries members.
 */
import type { BinaryKey } from '../engine/types.js';
import { forEachEntry } from '../engine/db-iterator.js';
import type { Keyspace, KeyspaceBatch } from '../keyspace/keyspace.js';
import { ValueType, binaryKey, prefixEnd } from '../keyspace/encoding.js';
import { MemberTag, MetaFlag, encodeMeta, newMeta, type CollectionMeta } from '../keyspace/collection-encoding.js';
import { compareInt64, normalizeInt64, type Int64 } from '../keyspace/numbers.js';
import { globMatch } from '../util/glob.js';
import { MemberStream, VersionBuilder, scanFilter, scanMemberPage, type Collection, type ScanPageEnd } from './collection.js';
import { noteAdded, noteRemoved, randomMembers } from './member-random.js';

/** A member's engine value: everything is in the key. */
const EMPTY = Buffer.alloc(0);

/** The engine key of a member (given as bytes, or as a binary string). */
export function memberKey(set: Collection, member: Buffer | BinaryKey): BinaryKey {
  return set.prefix(MemberTag.SetMember) + (typeof member === 'string' ? member : binaryKey(member));
}

/**
 * Whether each of `members` is in the set, or a Promise when any key must come from the disk
 * (await it and run the command again). A set that does not exist has no members.
 */
export function readMembership(set: Collection, members: readonly Buffer[]): boolean[] | Promise<unknown> {
  if (!set.exists) return members.map(() => false);
  const found = set.ks.readMembers(members.map((m) => memberKey(set, m)));
  if (found instanceof Promise) return found;
  return found.map((value) => value !== null);
}

// ---------------------------------------------------------------- encoding

/**
 * The value of a member as Redis' intset would hold it (string2ll: optional '-', no leading zeros
 * or '+', within 64 bits), or undefined when the member is not such an integer.
 */
export function integerValue(member: BinaryKey): Int64 | undefined {
  const n = member.length;
  if (n === 0 || n > 20) return undefined;
  if (n === 1 && member === '0') return 0;
  const negative = member.charCodeAt(0) === 0x2d;
  const start = negative ? 1 : 0;
  if (start === n) return undefined;
  const first = member.charCodeAt(start);
  if (first < 0x31 || first > 0x39) return undefined;
  for (let i = start + 1; i < n; i++) {
    const c = member.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return undefined;
  }
  if (n - start <= 15) return Number(member);
  const value = BigInt(member);
  if (value > 0x7fff_ffff_ffff_ffffn || value < -0x8000_0000_0000_0000n) return undefined;
  return normalizeInt64(value);
}

/** set-max-intset-entries as Redis applies it: capped at 2^30 (intset internals). */
export function intsetLimit(configured: number): number {
  return Math.min(configured, 1 << 30);
}

/** Whether OBJECT ENCODING says intset for this metadata. */
export function isIntset(meta: CollectionMeta): boolean {
  return (meta.flags & (MetaFlag.BigEncoding | MetaFlag.NotIntset)) === 0;
}

/** The flags of a set Redis builds afresh from `count` members, `allIntegers` telling whether each is an integer. */
export function freshFlags(allIntegers: boolean, count: number, maxIntset: number): number {
  return (allIntegers ? 0 : MetaFlag.NotIntset) | (count > maxIntset ? MetaFlag.BigEncoding : 0);
}

/**
 * Adds `member`, which readMembership found absent, in the batch, and converts the encoding as
 * Redis' setTypeAdd does: an intset turns hashtable when the member is not an integer, or when
 * the count passes the limit.
 */
export function addMember(set: Collection, batch: KeyspaceBatch, member: Buffer, maxIntset: number): void {
  const key = memberKey(set, member);
  batch.putMember(key, EMPTY);
  noteAdded(set.ks, set.prefix(MemberTag.SetMember), key);
  const meta = set.meta;
  meta.count++;
  if (!isIntset(meta)) return;
  if (integerValue(binaryKey(member)) === undefined) meta.flags |= MetaFlag.NotIntset;
  else if (meta.count > maxIntset) meta.flags |= MetaFlag.BigEncoding;
}

/** Deletes `member`, which readMembership found, in the batch. The encoding stays (Redis never converts back). */
export function removeMember(set: Collection, batch: KeyspaceBatch, member: Buffer | BinaryKey): void {
  const key = memberKey(set, member);
  batch.deleteMember(key);
  noteRemoved(set.ks, set.prefix(MemberTag.SetMember), key);
  set.meta.count--;
}

/**
 * `count` random members (binary strings): distinct (fewer than the set's size) or with repeats,
 * in random order; synchronously when the set's pick tree knows enough (member-random.ts).
 */
export function randomSetMembers(set: Collection, count: number, distinct: boolean): BinaryKey[] | Promise<BinaryKey[]> {
  return randomMembers(set, MemberTag.SetMember, count, distinct);
}

/** Integer members in numeric order (the order of Redis' intset); `members` is sorted in place and returned. */
export function sortNumerically(members: BinaryKey[]): BinaryKey[] {
  const keyed = members.map((member) => ({ member, value: integerValue(member) ?? 0 }));
  keyed.sort((a, b) => compareInt64(a.value, b.value));
  for (let i = 0; i < keyed.length; i++) members[i] = keyed[i].member;
  return members;
}

/** Whether every member is an integer. */
export function allIntegers(members: readonly BinaryKey[]): boolean {
  for (const m of members) if (integerValue(m) === undefined) return false;
  return true;
}

// ---------------------------------------------------------------- whole-set reads

/** Every member in byte order, read at a snapshot without blocking (none when the set does not exist). */
export async function readAll(set: Collection): Promise<BinaryKey[]> {
  const out: BinaryKey[] = [];
  if (!set.exists) return out;
  // The engine's iterator directly: a MemberStream would add an await per member.
  const prefix = set.prefix(MemberTag.SetMember);
  await forEachEntry(set.ks.db.iterator({ start: prefix, end: prefixEnd(prefix) }), (entry) => {
    out.push(entry.key.slice(prefix.length));
  });
  return out;
}

/** Every member in the order Redis iterates the set: numeric for an intset, ours (byte order) otherwise. */
export async function membersInSetOrder(set: Collection): Promise<BinaryKey[]> {
  const members = await readAll(set);
  return isIntset(set.meta) ? sortNumerically(members) : members;
}

// ---------------------------------------------------------------- several sets

/** Members probed per readMembers call while a walk checks them against other sets. */
const PROBE_CHUNK = 256;

/** Members found (true) or not, as readMembers finds them, waiting for the disk as often as needed. */
async function probe(set: Collection, members: readonly BinaryKey[]): Promise<boolean[]> {
  const prefix = set.prefix(MemberTag.SetMember);
  const keys = members.map((m) => prefix + m);
  for (;;) {
    const found = set.ks.readMembers(keys);
    if (!(found instanceof Promise)) return found.map((value) => value !== null);
    await found;
  }
}

/** What a multi-set walk does with each member of its result; may return a Promise (a write) to wait for. */
export type MemberSink = (member: BinaryKey) => Promise<unknown> | void;

/**
 * Walks `first` in byte order, PROBE_CHUNK members at a time, and passes on those that every one
 * of `others` holds (keepFound) or none does (!keepFound), probing each other set in turn for
 * the members still in question (one readMembers per set and chunk), until `limit` members
 * passed (0: no limit). `inspect` sees every member walked. Returns how many passed.
 */
async function filterWalk(first: Collection, others: readonly Collection[], keepFound: boolean, sink: MemberSink, limit: number, inspect?: (member: BinaryKey) => void): Promise<number> {
  const stream = new MemberStream(first.ks, first.prefix(MemberTag.SetMember));
  let passed = 0;
  try {
    for (;;) {
      const chunk: BinaryKey[] = [];
      while (chunk.length < PROBE_CHUNK) {
        const m = await stream.next();
        if (m === undefined) break;
        inspect?.(m);
        chunk.push(m);
      }
      let candidates = chunk;
      for (const other of others) {
        if (candidates.length === 0) break;
        const found = await probe(other, candidates);
        candidates = candidates.filter((_, i) => found[i] === keepFound);
      }
      for (const m of candidates) {
        const wait = sink(m);
        if (wait !== undefined) await wait;
        if (++passed === limit) return passed;
      }
      if (chunk.length < PROBE_CHUNK) return passed;
    }
  } finally {
    stream.close();
  }
}

/** The sets without repeats of one key (the same set named twice). */
function distinctSets(sets: readonly Collection[]): Collection[] {
  const seen = new Set<BinaryKey>();
  const out: Collection[] = [];
  for (const s of sets) {
    if (seen.has(s.key)) continue;
    seen.add(s.key);
    out.push(s);
  }
  return out;
}

/**
 * SINTER and friends: the members of `sets[0]` (the smallest, as Redis iterates) that every other
 * set holds, in byte order, up to `limit` (0: all). Every set exists; the others are probed in
 * the order given (smallest first rules out most). Returns the count.
 */
export function intersect(sets: readonly Collection[], sink: MemberSink, limit = 0): Promise<number> {
  const others = distinctSets(sets).filter((s) => s.key !== sets[0].key);
  return filterWalk(sets[0], others, true, sink, limit);
}

/**
 * SDIFF and SDIFFSTORE: the members of `first` that none of `others` holds, in byte order (as
 * Redis' first algorithm: walk the first set, probe the others). Sets that do not exist are left
 * out by the caller; `first` named again among the others leaves nothing. `inspect` sees every
 * member of `first`.
 */
export async function subtract(first: Collection, others: readonly Collection[], sink: MemberSink, inspect?: (member: BinaryKey) => void): Promise<number> {
  if (others.some((s) => s.key === first.key)) return 0;
  // The biggest first, as Redis orders them: they are likeliest to rule a member out.
  const bySizeDown = distinctSets(others).sort((a, b) => b.meta.count - a.meta.count);
  return filterWalk(first, bySizeDown, false, sink, 0, inspect);
}

/**
 * SUNION and SUNIONSTORE: every member of any of `sets` once, in byte order, merged from one
 * ordered walk per set (no member needs remembering). Sets that do not exist are left out by the caller.
 */
export async function unite(sets: readonly Collection[], sink: MemberSink): Promise<number> {
  const streams = distinctSets(sets).map((s) => new MemberStream(s.ks, s.prefix(MemberTag.SetMember)));
  const heads: Array<BinaryKey | undefined> = [];
  let count = 0;
  try {
    for (const stream of streams) heads.push(await stream.next());
    for (;;) {
      let smallest: BinaryKey | undefined;
      for (const head of heads) if (head !== undefined && (smallest === undefined || head < smallest)) smallest = head;
      if (smallest === undefined) return count;
      for (let i = 0; i < streams.length; i++) if (heads[i] === smallest) heads[i] = await streams[i].next();
      count++;
      const wait = sink(smallest);
      if (wait !== undefined) await wait;
    }
  } finally {
    for (const stream of streams) stream.close();
  }
}

/**
 * Redis' choice of SDIFF algorithm (sunionDiffGenericCommand), which decides the result's
 * encoding: the second one adds the whole first set to the result before removing the others'
 * members, so the result converts as the first set would. `sizes` are those of the sets that
 * exist, the first set's first.
 */
export function diffAddsFirstSetWhole(sizes: readonly number[]): boolean {
  let oneWork = 0;
  let twoWork = 0;
  for (const size of sizes) {
    oneWork += sizes[0];
    twoWork += size;
  }
  return Math.floor(oneWork / 2) > twoWork;
}

// ---------------------------------------------------------------- *STORE results

/**
 * A new set being written at `key`, replacing whatever the key holds (a *STORE destination):
 * members go out in bounded batches under a new version (VersionBuilder); commit() writes the
 * metadata over the destination's value in the last batch, or deletes the destination when the
 * result is empty.
 */
export class NewSet {
  private readonly builder: VersionBuilder;
  private readonly prefix: BinaryKey;
  count = 0;
  /** Whether every member added is an integer (what decides intset, with the count). */
  integers = true;

  constructor(ks: Keyspace, db: number, key: BinaryKey) {
    this.builder = new VersionBuilder(ks, db, key, newMeta(ValueType.Set, ks.versions.next()));
    this.prefix = this.builder.target.prefix(MemberTag.SetMember);
  }

  /** A MemberSink: adds a member not added before. */
  readonly add = (member: BinaryKey): Promise<unknown> | undefined => {
    this.count++;
    if (this.integers && integerValue(member) === undefined) this.integers = false;
    return this.builder.put(this.prefix + member, EMPTY);
  };

  /**
   * Stages the result over `previous` (the destination's value, null when absent), with `flags`
   * for its encoding, and commits (nothing to write: an empty result and no destination). Call
   * in the same synchronous step as the lookup of `previous`.
   */
  commit(batch: KeyspaceBatch, previous: Buffer | null, flags: number): Promise<unknown> | undefined {
    if (this.count === 0 && previous === null) return undefined;
    const target = this.builder.target;
    const meta = target.meta;
    meta.count = this.count;
    meta.flags = flags;
    this.builder.finish(batch);
    const { db, key } = target;
    if (this.count > 0) batch.put(db, key, encodeMeta(meta), previous);
    else if (previous !== null) batch.delete(db, key, previous);
    batch.touch(db, key);
    return batch.commit();
  }

  /** The result will not be written: members already out go to the sweep. */
  abandon(): Promise<unknown> {
    return this.builder.abandon();
  }
}

// ---------------------------------------------------------------- SSCAN

export interface MemberScanPage extends ScanPageEnd {
  members: BinaryKey[];
}

/**
 * One SSCAN page. An intset-encoded set comes whole with cursor 0, in numeric order, as Redis
 * answers for it. A bigger set comes `count` members at a time in byte order (scanMemberPage).
 */
export async function scanMembers(set: Collection, cursor: string, count: number, pattern: BinaryKey | null): Promise<MemberScanPage> {
  const filter = scanFilter(pattern);
  if (isIntset(set.meta)) {
    const members = sortNumerically(await readAll(set));
    return { cursor: '0', members: filter === null ? members : members.filter((m) => globMatch(filter, m)) };
  }
  const members: BinaryKey[] = [];
  const end = await scanMemberPage(set.ks, set.prefix(MemberTag.SetMember), cursor, count, filter, (member) => {
    members.push(member);
  });
  return { ...end, members };
}
