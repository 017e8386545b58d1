/**
 * Streams over the engine: one engine key per entry at `memberPrefix + id` (docs/format.md,
 * "Streams": tag 't', the ID as 16 bytes ms u64 BE + seq u64 BE, so byte order is ID order;
 * value: the entry's node number and its field/value pairs), and the stream's IDs and counters in
 * the metadata (StreamState). An XRANGE is one seek and a walk, XADD one put, DEL one small write
 * through the version, however long the stream.
 *
 * Redis keeps a stream as listpack nodes of at most stream-node-max-entries (100) entries each,
 * and XTRIM/XADD with `~` remove only whole nodes, so their counts depend on where nodes begin.
 * Entries here carry the number of the node Redis would have put them in (a new node every 100
 * entries appended, counting deleted ones, as Redis does; the 4096-byte limit is not modelled),
 * which is what trims group by and XINFO's radix-tree-keys counts.
 *
 * Trims remove a prefix of the stream (in ID order). The metadata's firstId says where the live
 * entries begin: entries below it are dead, so a trim too big for one batch commits the new
 * firstId with its first deletions and deletes the rest in further batches (deleteBelow).
 */
import { EntryKind, type BatchOp, type BinaryKey } from '../engine/types.js';
import type { Keyspace, KeyspaceBatch } from '../keyspace/keyspace.js';
import { binaryKey, prefixEnd } from '../keyspace/encoding.js';
import { MemberTag, STREAM_ID_ZERO, type StreamKeyId, type StreamState } from '../keyspace/collection-encoding.js';
import { readVarint, varintLength, writeVarint, type VarintCursor } from '../util/varint.js';
import type { Collection } from './collection.js';

// ---------------------------------------------------------------- IDs

const U64_MAX = 0xffff_ffff_ffff_ffffn;
const idBuffer = Buffer.alloc(16);

/** The 16 key bytes of ms-seq. */
export function streamId(ms: bigint, seq: bigint): StreamKeyId {
  idBuffer.writeBigUInt64BE(ms, 0);
  idBuffer.writeBigUInt64BE(seq, 8);
  return binaryKey(idBuffer, 0, 16);
}

export const STREAM_ID_MAX: StreamKeyId = '\xff'.repeat(16);
export { STREAM_ID_ZERO };

export function idParts(id: StreamKeyId): [ms: bigint, seq: bigint] {
  idBuffer.latin1Write(id, 0);
  return [idBuffer.readBigUInt64BE(0), idBuffer.readBigUInt64BE(8)];
}

/** "ms-seq", as replies print IDs. */
export function idText(id: StreamKeyId): string {
  const [ms, seq] = idParts(id);
  return `${ms}-${seq}`;
}

/** The next ID (undefined past the last possible one), as Redis' streamIncrID. */
export function nextId(id: StreamKeyId): StreamKeyId | undefined {
  const [ms, seq] = idParts(id);
  if (seq !== U64_MAX) return streamId(ms, seq + 1n);
  if (ms === U64_MAX) return undefined;
  return streamId(ms + 1n, 0n);
}

/** The previous ID (undefined before 0-0), as Redis' streamDecrID. */
export function previousId(id: StreamKeyId): StreamKeyId | undefined {
  const [ms, seq] = idParts(id);
  if (seq !== 0n) return streamId(ms, seq - 1n);
  if (ms === 0n) return undefined;
  return streamId(ms - 1n, U64_MAX);
}

/** A parsed ID argument: its ID, and whether the sequence was given (false for `ms-*`, and for `ms` alone where that means a default). */
export interface ParsedId {
  id: StreamKeyId;
  ms: bigint;
  seqGiven: boolean;
}

const ID_TEXT_MAX = 127;

/**
 * Redis' streamGenericParseIDOrReply: `-` and `+` (unless strict), `ms-seq`, `ms` (seq from
 * `missingSeq`), and with `allowAutoSeq` `ms-*`. Numbers as Redis' string2ull reads them: a
 * canonical integer, else whatever strtoull takes whole (leading spaces, a sign, leading zeros;
 * a minus wraps around). The text stops at a NUL byte, as C's string functions do. undefined
 * when invalid.
 */
export function parseStreamId(arg: Buffer, strict: boolean, missingSeq: bigint, allowAutoSeq = false): ParsedId | undefined {
  if (arg.length > ID_TEXT_MAX) return undefined;
  const nul = arg.indexOf(0);
  const text = arg.toString('latin1', 0, nul === -1 ? arg.length : nul);
  if (text === '-' || text === '+') {
    if (strict) return undefined;
    return text === '-' ? { id: STREAM_ID_ZERO, ms: 0n, seqGiven: true } : { id: STREAM_ID_MAX, ms: U64_MAX, seqGiven: true };
  }
  const dash = text.indexOf('-');
  const ms = string2ull(dash === -1 ? text : text.slice(0, dash));
  if (ms === undefined) return undefined;
  if (dash === -1) return { id: streamId(ms, missingSeq), ms, seqGiven: true };
  const rest = text.slice(dash + 1);
  if (allowAutoSeq && rest === '*') return { id: streamId(ms, 0n), ms, seqGiven: false };
  const seq = string2ull(rest);
  if (seq === undefined) return undefined;
  return { id: streamId(ms, seq), ms, seqGiven: true };
}

const CANONICAL_INT = /^(0|-?[1-9][0-9]*)$/;
const STRTOULL = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)$/;

/** Redis' string2ull: string2ll first (a negative value is refused), then strtoull in base 10. */
function string2ull(text: string): bigint | undefined {
  if (CANONICAL_INT.test(text) && text.length <= 20) {
    const v = BigInt(text);
    if (v >= -(2n ** 63n) && v < 2n ** 63n) return v < 0n ? undefined : v;
  }
  const m = STRTOULL.exec(text);
  if (m === null) return undefined;
  const v = BigInt(m[2]);
  if (v > U64_MAX) return undefined;
  return m[1] === '-' ? (U64_MAX + 1n - v) & U64_MAX : v;
}

// ---------------------------------------------------------------- entries

/** One entry as read: its ID, its node, and its field/value pairs (field, value, field, value...). */
export interface StreamEntry {
  readonly id: StreamKeyId;
  readonly node: number;
  readonly pairs: readonly Buffer[];
}

export function entryPrefix(stream: Collection): BinaryKey {
  return stream.prefix(MemberTag.StreamEntry);
}

/** An entry's engine value: node varint, pair count varint, then each field and value as length varint + bytes. */
export function encodeEntry(node: number, pairs: readonly Buffer[]): Buffer {
  let size = varintLength(node) + varintLength(pairs.length / 2);
  for (const p of pairs) size += varintLength(p.length) + p.length;
  const out = Buffer.allocUnsafe(size);
  let at = writeVarint(out, 0, node);
  at = writeVarint(out, at, pairs.length / 2);
  for (const p of pairs) {
    at = writeVarint(out, at, p.length);
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const cursor: VarintCursor = { value: 0, offset: 0 };

export function entryNode(value: Buffer): number {
  cursor.offset = 0;
  readVarint(value, cursor);
  return cursor.value;
}

export function decodeEntry(id: StreamKeyId, value: Buffer): StreamEntry {
  cursor.offset = 0;
  readVarint(value, cursor);
  const node = cursor.value;
  readVarint(value, cursor);
  const n = cursor.value * 2;
  const pairs: Buffer[] = new Array<Buffer>(n);
  for (let i = 0; i < n; i++) {
    readVarint(value, cursor);
    const start = cursor.offset;
    pairs[i] = value.subarray(start, start + cursor.value);
    cursor.offset = start + cursor.value;
  }
  return { id, node, pairs };
}

/** Redis' stream-node-max-entries default: a node takes this many entries (live and deleted) before the next begins. */
export const NODE_MAX_ENTRIES = 100;

/**
 * Counts in an entry with `id` (above lastId) that XADD appends: the metadata takes it (count,
 * IDs, entries-added, its node); returns its node. putEntry then stages it, unless a trim in the
 * same command removed it again.
 */
export function noteAppend(stream: Collection, id: StreamKeyId): number {
  const s = streamState(stream);
  const node = claimNodeSlot(s);
  if (stream.meta.count === 0) s.firstId = id;
  stream.meta.count++;
  s.lastId = id;
  s.entriesAdded++;
  return node;
}

/** Stages the entry `id` of `node` with the pairs argv[from..] (copied). */
export function putEntry(stream: Collection, batch: KeyspaceBatch, id: StreamKeyId, node: number, argv: readonly Buffer[], from: number): void {
  batch.putMember(entryPrefix(stream) + id, encodeEntry(node, argv.slice(from)));
}

/** The node the next appended entry goes to (a new one when the tail node is full or gone), counted in. */
function claimNodeSlot(s: StreamState): number {
  if (s.tailNode < 0 || s.tailLive === 0 || s.tailAppended >= NODE_MAX_ENTRIES) {
    s.tailNode++;
    s.tailAppended = 0;
    s.tailLive = 0;
    s.nodes++;
  }
  s.tailAppended++;
  s.tailLive++;
  return s.tailNode;
}

export function streamState(stream: Collection): StreamState {
  const s = stream.meta.stream;
  if (s === null) throw new Error('stream metadata without stream fields');
  return s;
}

// ---------------------------------------------------------------- reads

/**
 * Entries with IDs in [start, end] in ID order (reversed with `reverse`), at most `count` (0: no
 * limit), read at a snapshot without blocking. Entries below firstId (dead, not yet deleted) are
 * never read.
 */
export async function readRange(stream: Collection, start: StreamKeyId, end: StreamKeyId, count: number, reverse = false): Promise<StreamEntry[]> {
  const out: StreamEntry[] = [];
  if (!stream.exists || stream.meta.count === 0) return out;
  const first = streamState(stream).firstId;
  const from = start < first ? first : start;
  if (from > end) return out;
  const prefix = entryPrefix(stream);
  const it = stream.ks.db.iterator({ start: prefix + from, end: prefix + end + '\0', reverse });
  try {
    for (let entry = await it.next(); entry !== undefined; entry = await it.next()) {
      out.push(decodeEntry(entry.key.slice(prefix.length), entry.value));
      if (out.length === count) break;
    }
  } finally {
    it.close();
  }
  return out;
}

// ---------------------------------------------------------------- deletes

/**
 * XDEL: deletes the entries with `ids` that exist, in the batch, and keeps the metadata as Redis
 * does: max-deleted-entry-id, the first ID when the first entry goes, and the node counts (a node
 * whose last live entry goes is removed). Reads at a snapshot; returns how many were deleted.
 */
export async function deleteEntries(stream: Collection, batch: KeyspaceBatch, ids: readonly StreamKeyId[]): Promise<number> {
  const s = streamState(stream);
  const prefix = entryPrefix(stream);
  const gone = new Map<StreamKeyId, number>();
  for (const id of ids) {
    if (gone.has(id) || id < s.firstId) continue;
    const value = await stream.ks.db.get(prefix + id);
    if (value === undefined) continue;
    gone.set(id, entryNode(value));
  }
  if (gone.size === 0) return 0;
  const touchedNodes = new Map<number, StreamKeyId>();
  for (const [id, node] of gone) {
    batch.deleteMember(prefix + id);
    if (id > s.maxDeletedId) s.maxDeletedId = id;
    if (node === s.tailNode) {
      s.tailLive--;
      if (s.tailLive === 0) s.nodes--;
    } else if (!touchedNodes.has(node)) touchedNodes.set(node, id);
  }
  for (const [node, id] of touchedNodes) if (!(await nodeHasLiveEntry(stream, node, id, gone))) s.nodes--;
  stream.meta.count -= gone.size;
  if (stream.meta.count === 0) s.firstId = STREAM_ID_ZERO;
  else if (gone.has(s.firstId)) s.firstId = (await firstLiveFrom(stream, s.firstId, gone)) ?? STREAM_ID_ZERO;
  return gone.size;
}

/** Whether `node` (which holds `near`) keeps an entry not in `gone`: its entries are contiguous in ID order, so look both ways from `near`. */
async function nodeHasLiveEntry(stream: Collection, node: number, near: StreamKeyId, gone: ReadonlyMap<StreamKeyId, number>): Promise<boolean> {
  const prefix = entryPrefix(stream);
  for (const reverse of [false, true]) {
    const it = stream.ks.db.iterator(reverse ? { start: prefix, end: prefix + near, reverse } : { start: prefix + near, end: prefixEnd(prefix) });
    try {
      for (let entry = await it.next(); entry !== undefined; entry = await it.next()) {
        if (entryNode(entry.value) !== node) break;
        if (!gone.has(entry.key.slice(prefix.length))) return true;
      }
    } finally {
      it.close();
    }
  }
  return false;
}

/** The first entry at or after `from` that is not in `gone`. */
async function firstLiveFrom(stream: Collection, from: StreamKeyId, gone: ReadonlyMap<StreamKeyId, number>): Promise<StreamKeyId | undefined> {
  const prefix = entryPrefix(stream);
  const it = stream.ks.db.iterator({ start: prefix + from, end: prefixEnd(prefix) });
  try {
    for (let entry = await it.next(); entry !== undefined; entry = await it.next()) {
      const id = entry.key.slice(prefix.length);
      if (!gone.has(id)) return id;
    }
  } finally {
    it.close();
  }
  return undefined;
}

// ---------------------------------------------------------------- trims

/** What to trim (XTRIM and XADD's MAXLEN / MINID), as Redis' streamAddTrimArgs. */
export interface TrimRequest {
  strategy: 'maxlen' | 'minid';
  /** MAXLEN threshold (a bigint beyond 2^53: nothing is ever trimmed). */
  maxlen: number;
  minid: StreamKeyId;
  approx: boolean;
  /** Most entries removed; 0: no limit. */
  limit: number;
}

/** Whether a trim could remove anything, from the metadata alone (most XADDs with MAXLEN need no read). */
export function trimMayRemove(stream: Collection, request: TrimRequest): boolean {
  const count = stream.meta.count;
  if (count === 0) return false;
  if (request.strategy === 'maxlen') return count > request.maxlen;
  return streamState(stream).firstId < request.minid;
}

/** Deletions a trim stages in its own batch; the rest go after it (deleteBelow). */
export const INLINE_DELETES = 10_000;

/** A planned trim: how many go, and what the metadata becomes. */
export interface TrimResult {
  deleted: number;
  /** Dead entries left to delete after the batch: [from, to) of IDs, or undefined. */
  deadRange?: { readonly prefix: BinaryKey; readonly from: StreamKeyId; readonly to: StreamKeyId };
  /** Every entry went (the caller gives the stream a new version instead of deleting entries). */
  emptied: boolean;
}

/** Above every 16-byte ID: the end of a range that takes every entry after its start. */
const PAST_EVERY_ID: StreamKeyId = '\xff'.repeat(17);

/** A light entry for trims: ID and node. */
interface TrimEntry {
  readonly id: StreamKeyId;
  readonly node: number;
}

/**
 * Trims the stream in the batch as Redis' streamTrim does, node by node from the head: a node
 * goes whole while the threshold allows (MAXLEN: what remains is still at least maxlen; MINID: its
 * last entry is below minid) and the limit is not passed; then, unless `~`, entries of the next
 * node go one by one while the threshold allows. `pending` is an entry XADD appends in the same
 * batch (not in the engine yet): it is the last entry the trim sees. Updates count, firstId and
 * the node counts; the deleted entries' keys are staged (up to INLINE_DELETES; the rest are
 * returned as deadRange).
 */
export async function trim(stream: Collection, batch: KeyspaceBatch, request: TrimRequest, pending?: TrimEntry): Promise<TrimResult> {
  const s = streamState(stream);
  const prefix = entryPrefix(stream);
  let length = stream.meta.count;
  let deleted = 0;
  const removed: StreamKeyId[] = [];
  let nextFirst: StreamKeyId | undefined;
  const entries = walkFrom(stream, s.firstId, pending);
  let lookahead = await entries.next();
  const remove = (e: TrimEntry): void => {
    if (removed.length < INLINE_DELETES && e !== pending) removed.push(e.id);
    length--;
    deleted++;
    if (e.node === s.tailNode) s.tailLive--;
  };
  for (;;) {
    if (lookahead.done === true) break;
    // One node: its entries are consecutive.
    const node: TrimEntry[] = [lookahead.value];
    for (;;) {
      lookahead = await entries.next();
      if (lookahead.done === true || lookahead.value.node !== node[0].node) break;
      node.push(lookahead.value);
    }
    if (request.strategy === 'maxlen' && length <= request.maxlen) {
      nextFirst = node[0].id;
      break;
    }
    if (request.limit !== 0 && deleted + node.length > request.limit) {
      nextFirst = node[0].id;
      break;
    }
    const whole = request.strategy === 'maxlen' ? length - node.length >= request.maxlen : node[node.length - 1].id < request.minid;
    if (whole) {
      for (const e of node) remove(e);
      s.nodes--;
      continue;
    }
    let i = 0;
    if (!request.approx) {
      for (; i < node.length; i++) {
        const stop = request.strategy === 'maxlen' ? length <= request.maxlen : node[i].id >= request.minid;
        if (stop) break;
        remove(node[i]);
      }
    }
    nextFirst = node[i].id;
    break;
  }
  await entries.return(undefined);
  stream.meta.count = length;
  // Emptied, the stream gets a new version (the caller's), unless it has consumer groups: they
  // are members of this version, so its entries are deleted one by one instead.
  if (length === 0 && s.groups === 0) {
    s.firstId = STREAM_ID_ZERO;
    return { deleted, emptied: true };
  }
  for (const id of removed) batch.deleteMember(prefix + id);
  if (length === 0) {
    s.firstId = STREAM_ID_ZERO;
    const rest = deleted > removed.length && removed.length > 0 ? nextId(removed[removed.length - 1]) : undefined;
    if (rest !== undefined) return { deleted, emptied: false, deadRange: { prefix, from: rest, to: PAST_EVERY_ID } };
    return { deleted, emptied: false };
  }
  s.firstId = nextFirst ?? s.firstId;
  // Past INLINE_DELETES, the rest (below the new first ID, so already dead) go after the batch.
  const after = deleted > removed.length && removed.length > 0 ? nextId(removed[removed.length - 1]) : undefined;
  if (after !== undefined) return { deleted, emptied: false, deadRange: { prefix, from: after, to: s.firstId } };
  return { deleted, emptied: false };
}

/** The live entries from `from` in ID order (ID and node only), then `pending`. */
async function* walkFrom(stream: Collection, from: StreamKeyId, pending: TrimEntry | undefined): AsyncGenerator<TrimEntry, void, undefined> {
  if (stream.exists) {
    const prefix = entryPrefix(stream);
    const it = stream.ks.db.iterator({ start: prefix + from, end: prefixEnd(prefix) });
    try {
      for (let entry = await it.next(); entry !== undefined; entry = await it.next()) {
        yield { id: entry.key.slice(prefix.length), node: entryNode(entry.value) };
      }
    } finally {
      it.close();
    }
  }
  if (pending !== undefined) yield pending;
}

/** Deletes the dead entries a trim left (TrimResult.deadRange) in bounded batches, after the trim's batch. */
export async function deleteBelow(ks: Keyspace, range: TrimResult['deadRange']): Promise<void> {
  if (range === undefined) return;
  const it = ks.db.iterator({ start: range.prefix + range.from, end: range.prefix + range.to });
  try {
    let ops: BatchOp[] = [];
    for (let entry = await it.next(); entry !== undefined; entry = await it.next()) {
      ops.push({ kind: EntryKind.Delete, key: entry.key });
      if (ops.length === INLINE_DELETES) {
        const delay = ks.db.writeDelay();
        if (delay !== undefined) await delay;
        await ks.db.write(ops);
        ops = [];
      }
    }
    if (ops.length > 0) await ks.db.write(ops);
  } finally {
    it.close();
  }
}
