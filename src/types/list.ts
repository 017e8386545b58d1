/**
 * Lists over the engine: one engine key per element at `memberPrefix + position` (docs/format.md,
 * "Lists": tag 'l', value the element's bytes), the elements of a list of n at the positions
 * [head, head + n) kept in the metadata with the exact count. The element at index i (0-based from
 * the head) is at position head + i, so LINDEX, LSET and both ends are one engine key away, and a
 * range is one seek and a walk.
 *
 * Commands (commands/lists.ts) open a list with openCollection/openOrCreate and use what is here:
 * point reads (readAt) that answer synchronously when the keys are in memory, walks (readWindow,
 * scan) that read a snapshot asynchronously (the dispatcher holds the key meanwhile), and staging
 * functions that put their changes into a batch the caller commits with the metadata. Middle edits
 * move the shorter side only (insertAt, removeAt); what each costs is in docs/format.md.
 */
import { EntryKind, type BatchOp, type BinaryKey } from '../engine/types.js';
import { forEachEntry } from '../engine/db-iterator.js';
import type { Keyspace, KeyspaceBatch } from '../keyspace/keyspace.js';
import { MemberTag, encodePosition, type CollectionMeta } from '../keyspace/collection-encoding.js';
import { VersionBuilder, type Collection } from './collection.js';

/** Which end of a list: LEFT (the head, index 0) or RIGHT (the tail). */
export const enum End {
  Head,
  Tail,
}

/** The engine key of the element at `index` (0-based from the head). */
export function elementKey(list: Collection, index: number): BinaryKey {
  return list.prefix(MemberTag.ListElement) + encodePosition(list.meta.head + index);
}

/**
 * An index as Redis takes it (negative counts from the tail) made absolute; undefined when it is
 * outside the list. `index` may be a bigint (beyond 2^53): always outside.
 */
export function absoluteIndex(length: number, index: number | bigint): number | undefined {
  if (typeof index === 'bigint') return undefined;
  const i = index < 0 ? length + index : index;
  return i >= 0 && i < length ? i : undefined;
}

// ---------------------------------------------------------------- reads

/**
 * The elements at `indexes` (null: none there), or a Promise when any must come from the disk
 * (await it and run the command again; the values read are kept for that run).
 */
export function readAt(list: Collection, indexes: readonly number[]): (Buffer | null)[] | Promise<unknown> {
  return list.ks.readMembers(indexes.map((i) => elementKey(list, i)));
}

/** Elements read per step of a walk: what LRANGE 0 99 needs in one, small enough for a scan that stops early. */
const WALK_BATCH = 128;

/**
 * The elements at indexes [from, to), in index order (reversed with `reverse`: from to - 1 down to
 * from), read at a snapshot without blocking: one seek and a range walk, nothing outside the window.
 */
export async function readWindow(list: Collection, from: number, to: number, reverse = false): Promise<Buffer[]> {
  const out: Buffer[] = [];
  if (to <= from) return out;
  const prefix = list.prefix(MemberTag.ListElement);
  const it = list.ks.db.iterator({ start: prefix + encodePosition(list.meta.head + from), end: prefix + encodePosition(list.meta.head + to), reverse });
  await forEachEntry(
    it,
    (entry) => {
      out.push(entry.value);
    },
    Math.min(to - from + 1, 1024),
  );
  return out;
}

/**
 * Walks the elements from one end (Head: index 0 up; Tail: index n - 1 down) at a snapshot,
 * `visit` seeing each with its index, until it returns false or the list ends.
 */
export async function scan(list: Collection, from: End, visit: (value: Buffer, index: number) => boolean | void): Promise<void> {
  const prefix = list.prefix(MemberTag.ListElement);
  const { head, tail } = list.meta;
  const it = list.ks.db.iterator({ start: prefix + encodePosition(head), end: prefix + encodePosition(tail), reverse: from === End.Tail });
  let index = from === End.Head ? 0 : list.meta.count - 1;
  const step = from === End.Head ? 1 : -1;
  await forEachEntry(
    it,
    (entry) => {
      const go = visit(entry.value, index);
      index += step;
      return go;
    },
    WALK_BATCH,
  );
}

// ---------------------------------------------------------------- writes

/**
 * Pushes `value` at one end in the batch (a copy: argv may be a view of the connection's buffer).
 * LPUSH takes head - 1, RPUSH takes tail.
 */
export function push(list: Collection, batch: KeyspaceBatch, end: End, value: Buffer): void {
  const meta = list.meta;
  const position = end === End.Head ? --meta.head : meta.tail++;
  batch.putMember(list.prefix(MemberTag.ListElement) + encodePosition(position), Buffer.from(value));
  meta.count++;
}

/**
 * Element deletions one batch carries at most. A pop or trim of more leaves the rest to
 * deleteDead, after the batch that moved head or tail past them: from then on they lie outside
 * [head, tail), so nobody reads them, and the batch stays bounded however many go.
 */
export const INLINE_DELETES = 10_000;

/** Positions [from, to) under `prefix` that are outside their list but still hold elements (popEnd). */
export interface DeadRange {
  readonly prefix: BinaryKey;
  readonly from: number;
  readonly to: number;
}

/**
 * Removes `k` elements (k at most the count) at one end in the batch. Their keys are deleted in
 * the batch, up to INLINE_DELETES of them; the rest are returned for deleteDead. Popping a whole
 * list of more than that deletes nothing here: the key goes, and its elements with their version
 * (garbage record: swept, or dropped as a range).
 */
export function popEnd(list: Collection, batch: KeyspaceBatch, end: End, k: number): DeadRange | undefined {
  const meta = list.meta;
  if (k === 0) return undefined;
  if (k === meta.count && k > INLINE_DELETES) {
    meta.count = 0;
    return undefined;
  }
  const from = end === End.Head ? meta.head : meta.tail - k;
  if (end === End.Head) meta.head += k;
  else meta.tail -= k;
  meta.count -= k;
  noteEmptied(list);
  return deletePositions(list, batch, from, from + k);
}

/** Stages the deletion of the elements at positions [from, to), up to INLINE_DELETES; returns the rest. */
function deletePositions(list: Collection, batch: KeyspaceBatch, from: number, to: number): DeadRange | undefined {
  const prefix = list.prefix(MemberTag.ListElement);
  const inline = Math.min(to, from + INLINE_DELETES);
  for (let p = from; p < inline; p++) batch.deleteMember(prefix + encodePosition(p));
  return inline < to ? { prefix, from: inline, to } : undefined;
}

/**
 * Deletes the elements popEnd left, INLINE_DELETES per batch, waiting for room as any writer. Run
 * it after the command's batch and before its reply (the dispatcher holds the key meanwhile, so no
 * push reuses those positions before they are deleted). A crash midway leaves elements outside the
 * list: invisible, overwritten by a later push at their position, or gone with the list's version.
 */
export async function deleteDead(ks: Keyspace, range: DeadRange | undefined): Promise<void> {
  if (range === undefined) return;
  for (let p = range.from; p < range.to; p += INLINE_DELETES) {
    const ops: BatchOp[] = [];
    const end = Math.min(range.to, p + INLINE_DELETES);
    for (let q = p; q < end; q++) ops.push({ kind: EntryKind.Delete, key: range.prefix + encodePosition(q) });
    const delay = ks.db.writeDelay();
    if (delay !== undefined) await delay;
    await ks.db.write(ops);
  }
}

/** Replaces the element at `index` (inside the list) in the batch. */
export function setAt(list: Collection, batch: KeyspaceBatch, index: number, value: Buffer): void {
  batch.putMember(elementKey(list, index), Buffer.from(value));
}

/**
 * Whether an insertion at `index` (the new element's index, 0..n) shifts the elements before it
 * toward the head (true) or those from it on toward the tail (false): the fewer.
 */
export function insertShiftsHead(length: number, index: number): boolean {
  return index < length - index;
}

/**
 * Inserts `value` so that it gets index `index`, in the batch. `moved` are the elements that
 * shift, in index order: with insertShiftsHead, those at [0, index), which each move one position
 * toward the head; otherwise those at [index, n), which each move one toward the tail.
 */
export function insertAt(list: Collection, batch: KeyspaceBatch, index: number, value: Buffer, moved: readonly Buffer[]): void {
  const meta = list.meta;
  const prefix = list.prefix(MemberTag.ListElement);
  if (insertShiftsHead(meta.count, index)) {
    const head = meta.head - 1;
    for (let i = 0; i < moved.length; i++) batch.putMember(prefix + encodePosition(head + i), moved[i]);
    batch.putMember(prefix + encodePosition(head + index), Buffer.from(value));
    meta.head = head;
  } else {
    for (let i = 0; i < moved.length; i++) batch.putMember(prefix + encodePosition(meta.head + index + 1 + i), moved[i]);
    batch.putMember(prefix + encodePosition(meta.head + index), Buffer.from(value));
    meta.tail++;
  }
  meta.count++;
}

/**
 * How LREM closes the gaps of removals at `removed` (ascending indexes): the first `split`
 * removals are filled by shifting the kept elements before removed[split - 1] toward the tail, the
 * others by shifting the kept elements after removed[split] toward the head. `before` and `after`
 * are the index windows whose elements must be read: [0, before) and [after, n).
 */
export interface RemovalPlan {
  split: number;
  before: number;
  after: number;
}

/** The split that moves the fewest elements (each side moves its kept elements beyond its outermost removal). */
export function planRemoval(length: number, removed: readonly number[]): RemovalPlan {
  const k = removed.length;
  let best: RemovalPlan = { split: 0, before: 0, after: removed[0] + 1 };
  let bestCost = Infinity;
  for (let split = 0; split <= k; split++) {
    // Kept elements before the last left-side removal, and after the first right-side one.
    const left = split === 0 ? 0 : removed[split - 1] - (split - 1);
    const right = split === k ? 0 : length - 1 - removed[split] - (k - split - 1);
    if (left + right < bestCost) {
      bestCost = left + right;
      best = { split, before: split === 0 ? 0 : removed[split - 1], after: split === k ? length : removed[split] + 1 };
    }
  }
  return best;
}

/**
 * Removes the elements at `removed` (ascending indexes) in the batch, as `plan` says. `front` are
 * the elements at [0, plan.before), `back` those at [plan.after, n), in index order. Kept elements
 * move toward the middle by the number of removals between them and it; the freed end positions
 * are deleted (beyond INLINE_DELETES a side: the ranges returned, for deleteDead). Removing every
 * element of a big list deletes the key instead, as popEnd does.
 */
export function removeAt(list: Collection, batch: KeyspaceBatch, removed: readonly number[], plan: RemovalPlan, front: readonly Buffer[], back: readonly Buffer[]): Array<DeadRange | undefined> {
  const meta = list.meta;
  if (removed.length === meta.count && removed.length > INLINE_DELETES) {
    meta.count = 0;
    return [];
  }
  const prefix = list.prefix(MemberTag.ListElement);
  const gone = new Set(removed);
  const { split } = plan;
  const k = removed.length;
  // Left side: the kept elements before the last left-side removal end up at [split, before],
  // packed toward the tail; walk them from the tail end.
  let write = plan.before;
  for (let i = plan.before - 1; i >= 0; i--) {
    if (gone.has(i)) continue;
    if (write !== i) batch.putMember(prefix + encodePosition(meta.head + write), front[i]);
    write--;
  }
  // Right side: the kept elements after the first right-side removal move up to start at its slot.
  let at = plan.after - 1;
  for (let i = plan.after; i < meta.count; i++) {
    if (gone.has(i)) continue;
    batch.putMember(prefix + encodePosition(meta.head + at), back[i - plan.after]);
    at++;
  }
  const dead = [deletePositions(list, batch, meta.head, meta.head + split), deletePositions(list, batch, meta.tail - (k - split), meta.tail)];
  meta.head += split;
  meta.tail -= k - split;
  meta.count -= k;
  noteEmptied(list);
  return dead;
}

/** Every element went with explicit deletions: the key's deletion needs no garbage record. */
function noteEmptied(list: Collection): void {
  if (list.meta.count === 0) list.membersDeleted = true;
}

/**
 * LTRIM: the trimmed ends are deleted with tombstones when they are small or fewer than what
 * stays; otherwise (few kept of many) rebuildKept copies what stays under a new version.
 */
export const TRIM_REBUILD_MIN = 1000;

export function trimRebuilds(kept: number, trimmed: number): boolean {
  return trimmed >= TRIM_REBUILD_MIN && kept < trimmed;
}

/** Deletes `left` elements at the head and `right` at the tail in the batch (beyond INLINE_DELETES: the ranges returned, for deleteDead). */
export function trimEnds(list: Collection, batch: KeyspaceBatch, left: number, right: number): Array<DeadRange | undefined> {
  return [popEnd(list, batch, End.Head, left), popEnd(list, batch, End.Tail, right)];
}

/**
 * The elements at [from, to) copied under a new version in bounded batches (VersionBuilder); the
 * caller's final batch writes the returned builder's metadata over the old one (whose version then
 * dies whole: garbage record, swept or dropped) and finish()es it.
 */
export async function rebuildKept(list: Collection, from: number, to: number): Promise<VersionBuilder> {
  const meta: CollectionMeta = { ...list.meta, version: list.ks.versions.next(), head: 0, tail: to - from, count: to - from };
  const builder = new VersionBuilder(list.ks, list.db, list.key, meta);
  const target = builder.target.prefix(MemberTag.ListElement);
  const source = list.prefix(MemberTag.ListElement);
  const it = list.ks.db.iterator({ start: source + encodePosition(list.meta.head + from), end: source + encodePosition(list.meta.head + to) });
  let position = 0;
  try {
    for (;;) {
      const entries = await it.nextBatch(1024);
      for (const entry of entries) {
        const wait = builder.put(target + encodePosition(position++), entry.value);
        if (wait !== undefined) await wait;
      }
      if (entries.length < 1024) break;
    }
  } catch (err) {
    await builder.abandon().catch(() => undefined);
    throw err;
  } finally {
    it.close();
  }
  return builder;
}
