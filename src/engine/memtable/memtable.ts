/**
 * The memtable: every write lands here first, so inserting and reading back must be cheap.
 *
 * The workload that shapes it is a Redis SET: read the key's old value, write the key, and
 * rewrite a per-database meta key (the key count) that is the same key on every SET. So most
 * operations touch a key that is already present, and one key is rewritten constantly. Three
 * structures share the work:
 *
 * 1. A hash index (key-index.ts) from each user key to its ordinal, and per ordinal the key's
 *    newest version. A point read or a write to a key already present is one hash lookup; it
 *    never searches the skip list.
 *
 * 2. A skip list that holds each user key ONCE, ordered by key, for seek and ordered iteration.
 *    Only a brand-new key pays its search. A search on a large list is bound by cache misses, so
 *    nodes are records in one Int32Array, `nodes`, laid out to touch few cache lines per step; a
 *    node's id is the offset of its record:
 *
 *      nodes[id + 0]          the key's ordinal (its index in the hash index's `keys`)
 *      nodes[id + 1]          the node's height h
 *      nodes[id + 2]          the key's length in bytes
 *      nodes[id + 3 + l]      the next node at level l < h (0 = none)
 *      nodes[id + 3 + h ..]   the key's bytes as big-endian words, zero-padded and sign-flipped
 *                             so that signed int comparison gives unsigned byte order; at most
 *                             MAX_INLINE_WORDS of them (the first 256 bytes)
 *
 *    Comparing a node with a search target compares those words, which sit right after the links
 *    just followed, and then the lengths (a key whose words all tie with a longer key's is its
 *    prefix); only two keys both longer than 256 bytes that tie on those bytes read the key
 *    strings. The whole key, not a fixed head: every key the keyspace writes starts with a 5-byte
 *    namespace prefix, typical keys share a long head ("user:0000..."), and the member keys of
 *    one collection share namespace, tag, user key and version (24 bytes and more for a short
 *    key name) before the member's own bytes. With only the first 32 bytes inline, nearly every
 *    step of a member insert tied and chased the key string (a cache miss and a string compare),
 *    and the skip list search was a fifth of a pipelined HSET's CPU time. The record at offset 0
 *    is the head; nothing links back to it, so 0 doubles as the null pointer and freshly grown
 *    (zero-filled) arrays mean "no successor". A record holds exactly its height in links (1.33
 *    on average with p = 1/4). Appending in key order skips the search: the last node of every
 *    level is tracked, and a key sorting after the last node is linked straight after those nodes.
 *
 * 3. Versions: each key's versions form a chain, newest (highest seq) first, in one buffer of
 *    24-byte records viewed as both Float64Array and Int32Array; version id v occupies
 *    bytes 24v .. 24v+23:
 *
 *      float64[3v]      sequence number (exact up to 2^53)
 *      int32[6v + 2]    the next older version of the same key (0 = none)
 *      int32[6v + 3]    value length, or DELETED (-1) for a tombstone
 *      int32[6v + 4/5]  value address in the arena: slab, offset
 *
 *    A new version of a present key is prepended to its chain in O(1). When the caller knows no
 *    reader can need older versions (no snapshot or iterator alive), `add(..., overwrite = true)`
 *    rewrites the newest version in place and drops the rest of the chain, so a hot key costs one
 *    version however often it is written. The overwritten value's bytes stay in the arena as
 *    garbage until the memtable is flushed, and they are counted in `approximateBytes`.
 *
 * Nothing here is a per-entry object besides the key string, so millions of entries cost the
 * garbage collector little to trace. Arrays grow by doubling;
 * ids stay valid because records never move within their array.
 *
 * Concurrency: JavaScript runs one thing at a time, so an iterator only ever observes the
 * memtable between inserts. It holds a node and a version id, which never change meaning; new
 * nodes are spliced in front of existing successors and new versions are linked in front of
 * older ones, so a live iterator simply may or may not see them. (In-place overwrites are the
 * caller's promise that no iterator is alive.)
 */
import { EntryKind, type BinaryKey, type FoundEntry, type SequenceNumber } from '../types.js';
import type { InternalIterator } from '../iterator/internal-iterator.js';
import { ValueArena } from './value-arena.js';
import { KeyIndex, hashKey } from './key-index.js';

/** With p = 1/4, 12 levels index ~16 M keys at full efficiency, far beyond a 64 MiB memtable. */
const MAX_HEIGHT = 12;
const HEAD = 0;
const NONE = 0;

// Node record fields.
const KEY_ORDINAL = 0;
const HEIGHT = 1;
const LENGTH_BYTES = 2;
const LINKS = 3;
/**
 * Key words a node holds inline: keys up to 256 bytes (nearly all) are compared without reading
 * their strings, and a huge key costs the node array no more than this.
 */
const MAX_INLINE_WORDS = 64;
const MAX_INLINE_BYTES = 4 * MAX_INLINE_WORDS;

// Version record fields, as Int32Array offsets within the 6-int record (the seq is float64 slot 0).
const VERSION_INTS = 6;
const VERSION_FLOATS = 3;
const OLDER = 2;
const LENGTH = 3;
const SLAB = 4;
const OFFSET = 5;
/** LENGTH of a tombstone: tells Delete from an empty Put without a separate kind field. */
const DELETED = -1;

const INITIAL_CAPACITY = 1024;

/** Memtable.nodesBefore hands out the level-0 nodes after the last level-2 node before a key... */
const STRETCH_LEVEL = 2;
/** ...~16 of them; a reverse iterator keeps room for this many (a longer stretch keeps its end). */
const BACK_NODES = 64;

/**
 * Bytes counted in `approximateBytes` for a new key, on top of its key bytes (counted twice: the
 * key string and the node's inline words) and its value bytes: its node record's header and
 * links (3 ints + 1.33 links, ~17), the key string's header and padding (~16), its `keys` slot
 * (8), its hash-index slots (8 B each, 2 to 4 per key), `newest` (4) and its first version record
 * (24), plus the typed arrays' doubling slack. Measured for 1 M keys of 16 bytes with 100-byte
 * values (node --expose-gc dist/test/memtable/memtable.bench.js): 239.5 B of heap + arena per
 * entry, i.e. 16 + 16 + 100 + 107.5 (the same total as with a fixed 32-byte head inline).
 */
const MEMTABLE_ENTRY_OVERHEAD = 104;

/** Bytes counted in `approximateBytes` for a new key of `keyLength` bytes, besides its first value. */
export function memtableKeyBytes(keyLength: number): number {
  return keyLength + 4 * inlineWords(keyLength) + MEMTABLE_ENTRY_OVERHEAD;
}
/** Bytes counted for an extra version of a key already present: its version record and slack. */
export const MEMTABLE_VERSION_OVERHEAD = 32;

const EMPTY_VALUE = Buffer.alloc(0);

export class Memtable {
  private nodes = new Int32Array(INITIAL_CAPACITY * 12);
  private nodesUsed = LINKS + MAX_HEIGHT;
  private readonly index = new KeyIndex();
  /** keys[ordinal], shared with the index. */
  private readonly keys = this.index.keys;
  /** newest[ordinal]: the key's newest version. */
  private newest = new Int32Array(INITIAL_CAPACITY);
  private versionFloats = new Float64Array(INITIAL_CAPACITY * VERSION_FLOATS);
  private versionInts = new Int32Array(this.versionFloats.buffer);
  /** Version id 0 is NONE. */
  private versionsUsed = 1;
  private liveVersions = 0;
  private height = 1;
  private readonly arena = new ValueArena();
  /** Scratch: the inline words of the key being searched for or inserted, and its length. */
  private readonly target = new Int32Array(MAX_INLINE_WORDS);
  private targetLength = 0;
  /** Scratch for insert: the node after which the new node is linked, per level. */
  private readonly splice = new Int32Array(MAX_HEIGHT);
  /** The last node at each level (HEAD when the level is empty), for the in-order append path. */
  private readonly lastAtLevel = new Int32Array(MAX_HEIGHT);
  /** xorshift32 state; a fixed seed keeps runs reproducible, and keys cannot influence it. */
  private random = 0x2545f491;
  private bytes = 0;
  private minSeq = 0;
  private maxSeq = 0;

  /**
   * Bytes this memtable holds, approximately: per key, its bytes + MEMTABLE_ENTRY_OVERHEAD; per
   * extra version, MEMTABLE_VERSION_OVERHEAD; and every value byte ever stored, including values
   * since overwritten in place.
   */
  get approximateBytes(): number {
    return this.bytes;
  }

  /** Versions an iterator would yield (versions dropped by an overwrite are not counted). */
  get entries(): number {
    return this.liveVersions;
  }

  /** Distinct user keys. */
  get keyCount(): number {
    return this.keys.length;
  }

  /** Smallest sequence number inserted (a lower bound once overwrites dropped versions); 0 while empty. */
  get smallestSeq(): SequenceNumber {
    return this.minSeq;
  }

  /** Largest sequence number inserted; 0 while empty. */
  get largestSeq(): SequenceNumber {
    return this.maxSeq;
  }

  /**
   * Inserts one version. (key, seq) pairs are unique; order: key asc, seq desc. The value is
   * copied (the caller may reuse its buffer) and ignored for Delete.
   *
   * With `overwrite`, the caller promises that no snapshot or iterator is alive, so no reader
   * can need the key's older versions: if `seq` is newer than the key's newest version, that
   * version is rewritten in place and the older ones are dropped. Otherwise it is ignored.
   */
  add(key: BinaryKey, seq: SequenceNumber, kind: EntryKind, value: Buffer, overwrite = false): void {
    if (this.versionsUsed === 1) {
      this.minSeq = seq;
      this.maxSeq = seq;
    } else if (seq < this.minSeq) {
      this.minSeq = seq;
    } else if (seq > this.maxSeq) {
      this.maxSeq = seq;
    }
    const hash = hashKey(key);
    const ordinal = this.index.find(key, hash);
    if (ordinal < 0) {
      this.addKey(key, hash, seq, kind, value);
    } else if (overwrite && seq > this.versionFloats[this.newest[ordinal] * VERSION_FLOATS]) {
      this.overwriteNewest(ordinal, seq, kind, value);
    } else {
      this.addVersion(ordinal, seq, kind, value);
    }
  }

  /** Newest version of key with seq <= snapshot, or undefined. */
  get(key: BinaryKey, snapshot: SequenceNumber): FoundEntry | undefined {
    const ordinal = this.index.find(key, hashKey(key));
    if (ordinal < 0) return undefined;
    const floats = this.versionFloats;
    const ints = this.versionInts;
    let version = this.newest[ordinal];
    while (floats[version * VERSION_FLOATS] > snapshot) {
      version = ints[version * VERSION_INTS + OLDER];
      if (version === NONE) return undefined;
    }
    const length = ints[version * VERSION_INTS + LENGTH];
    return {
      kind: length === DELETED ? EntryKind.Delete : EntryKind.Put,
      seq: floats[version * VERSION_FLOATS],
      value: this.valueOf(version),
    };
  }

  iterator(): MemtableIterator {
    return new MemtableIterator(this);
  }

  // ---- Node and version access for MemtableIterator (ids are not part of the public contract) ----

  /** The node of the first key >= `key`, or NONE. */
  firstNodeAtOrAfter(key: BinaryKey): number {
    this.loadTarget(key);
    return this.nodes[this.search(key, false) + LINKS];
  }

  /**
   * The nodes of the last keys < `key`, ascending, into `out`; returns how many (0: none).
   *
   * Nodes have no backward links (they would cost every insert a store and every node 4 bytes),
   * so stepping back is a search from the top, as in LevelDB. One search yields more than one
   * step, though: it passes the last node < key on level 2 before it finds the last one on level
   * 0, and every node between the two on level 0 (~16 with p = 1/4) precedes the target, in order.
   * Handing them all out lets a reverse scan search once per ~16 keys instead of once per key
   * (300 k random 16-byte keys, best of 25: a backward walk of the memtable alone took 10 ms
   * this way, 12 ms searching per key, 7 ms forward). A stretch longer than `out` keeps its last
   * nodes.
   */
  nodesBefore(key: BinaryKey, out: Int32Array): number {
    this.loadTarget(key);
    const last = this.search(key, true);
    if (last === HEAD) return 0;
    const nodes = this.nodes;
    // search left splice[level] at the last node < key on each level it walked.
    let node = this.height > STRETCH_LEVEL ? this.splice[STRETCH_LEVEL] : HEAD;
    if (node === HEAD) node = nodes[HEAD + LINKS];
    let count = 0;
    for (;;) {
      if (count === out.length) {
        const dropped = (count + 1) >> 1;
        out.copyWithin(0, dropped, count);
        count -= dropped;
      }
      out[count++] = node;
      if (node === last) return count;
      node = nodes[node + LINKS];
    }
  }

  firstNode(): number {
    return this.nodes[HEAD + LINKS];
  }

  /** The node of the largest key, or NONE: the insert path already tracks it. */
  lastNode(): number {
    return this.lastAtLevel[0]; // HEAD doubles as NONE
  }

  nextNode(node: number): number {
    return this.nodes[node + LINKS];
  }

  newestVersion(node: number): number {
    return this.newest[this.nodes[node + KEY_ORDINAL]];
  }

  olderVersion(version: number): number {
    return this.versionInts[version * VERSION_INTS + OLDER];
  }

  keyAt(node: number): BinaryKey {
    return this.keys[this.nodes[node + KEY_ORDINAL]];
  }

  seqAt(version: number): SequenceNumber {
    return this.versionFloats[version * VERSION_FLOATS];
  }

  kindAt(version: number): EntryKind {
    return this.versionInts[version * VERSION_INTS + LENGTH] === DELETED ? EntryKind.Delete : EntryKind.Put;
  }

  valueAt(version: number): Buffer {
    return this.valueOf(version);
  }

  // ---- internals ----

  /** A brand-new key: one version, one node spliced into the skip list, one index entry. */
  private addKey(key: BinaryKey, hash: number, seq: SequenceNumber, kind: EntryKind, value: Buffer): void {
    const version = this.allocateVersion();
    const valueBytes = this.writeVersion(version, seq, kind, value);
    this.versionInts[version * VERSION_INTS + OLDER] = NONE;

    const ordinal = this.index.insert(key, hash);
    if (ordinal === this.newest.length) this.newest = grow(this.newest, ordinal * 2);
    this.newest[ordinal] = version;
    const height = this.randomHeight();
    const words = inlineWords(key.length);
    while (this.nodesUsed + LINKS + height + words > this.nodes.length) this.growNodes();
    const nodes = this.nodes;
    const node = this.nodesUsed;
    this.nodesUsed = node + LINKS + height + words;
    this.loadTarget(key);
    const target = this.target;
    nodes[node + KEY_ORDINAL] = ordinal;
    nodes[node + HEIGHT] = height;
    nodes[node + LENGTH_BYTES] = key.length;
    const wordsAt = node + LINKS + height;
    for (let i = 0; i < words; i++) nodes[wordsAt + i] = target[i];

    const splice = this.splice;
    const lastAtLevel = this.lastAtLevel;
    const last = lastAtLevel[0];
    if (last !== HEAD && this.isBefore(last, key)) {
      for (let level = 0; level < height; level++) splice[level] = lastAtLevel[level];
    } else {
      this.search(key, true);
      for (let level = this.height; level < height; level++) splice[level] = HEAD;
    }
    if (height > this.height) this.height = height;

    for (let level = 0; level < height; level++) {
      const at = splice[level] + LINKS + level;
      const successor = nodes[at];
      nodes[node + LINKS + level] = successor;
      nodes[at] = node;
      if (successor === NONE) lastAtLevel[level] = node;
    }

    this.bytes += memtableKeyBytes(key.length) + valueBytes;
  }

  /** Links a new version into the key's chain at its place by seq (in front, for in-order writes). */
  private addVersion(ordinal: number, seq: SequenceNumber, kind: EntryKind, value: Buffer): void {
    const version = this.allocateVersion();
    const valueBytes = this.writeVersion(version, seq, kind, value);
    const floats = this.versionFloats;
    const ints = this.versionInts;
    let newer = this.newest[ordinal];
    if (seq > floats[newer * VERSION_FLOATS]) {
      ints[version * VERSION_INTS + OLDER] = newer;
      this.newest[ordinal] = version;
    } else {
      // Out of order (only tests and hand-built memtables do this): walk to the version's place.
      let older = ints[newer * VERSION_INTS + OLDER];
      while (older !== NONE && floats[older * VERSION_FLOATS] > seq) {
        newer = older;
        older = ints[newer * VERSION_INTS + OLDER];
      }
      ints[version * VERSION_INTS + OLDER] = older;
      ints[newer * VERSION_INTS + OLDER] = version;
    }
    this.bytes += valueBytes + MEMTABLE_VERSION_OVERHEAD;
  }

  /** Rewrites the key's newest version with (seq, kind, value) and drops its older versions. */
  private overwriteNewest(ordinal: number, seq: SequenceNumber, kind: EntryKind, value: Buffer): void {
    const version = this.newest[ordinal];
    this.bytes += this.writeVersion(version, seq, kind, value);
    const ints = this.versionInts;
    const olderAt = version * VERSION_INTS + OLDER;
    let older = ints[olderAt];
    if (older === NONE) return;
    ints[olderAt] = NONE;
    // Their records stay allocated (and counted); only the count of iterable versions drops.
    for (; older !== NONE; older = ints[older * VERSION_INTS + OLDER]) this.liveVersions--;
  }

  /** Fills every field of `version` but its link; returns the value bytes appended to the arena. */
  private writeVersion(version: number, seq: SequenceNumber, kind: EntryKind, value: Buffer): number {
    const ints = this.versionInts;
    const at = version * VERSION_INTS;
    this.versionFloats[version * VERSION_FLOATS] = seq;
    if (kind !== EntryKind.Put) {
      ints[at + LENGTH] = DELETED;
      return 0;
    }
    const length = value.length;
    ints[at + LENGTH] = length;
    if (length > 0) {
      ints[at + OFFSET] = this.arena.append(value);
      ints[at + SLAB] = this.arena.lastSlab;
    }
    return length;
  }

  private allocateVersion(): number {
    const version = this.versionsUsed;
    if (version * VERSION_FLOATS === this.versionFloats.length) this.growVersions();
    this.versionsUsed = version + 1;
    this.liveVersions++;
    return version;
  }

  private valueOf(version: number): Buffer {
    const at = version * VERSION_INTS;
    const length = this.versionInts[at + LENGTH];
    if (length <= 0) return EMPTY_VALUE;
    return this.arena.view(this.versionInts[at + SLAB], this.versionInts[at + OFFSET], length);
  }

  /** Fills `target` with the inline words of `key`, the search target of isBefore. */
  private loadTarget(key: BinaryKey): void {
    const target = this.target;
    const words = inlineWords(key.length);
    for (let i = 0; i < words; i++) target[i] = keyWord(key, 4 * i);
    this.targetLength = key.length;
  }

  /** True if `node`'s key sorts strictly before `key`, whose words are in `target` (see loadTarget). */
  private isBefore(node: number, key: BinaryKey): boolean {
    const nodes = this.nodes;
    const target = this.target;
    const length = nodes[node + LENGTH_BYTES];
    const targetLength = this.targetLength;
    const words = node + LINKS + nodes[node + HEIGHT];
    const count = inlineWords(length < targetLength ? length : targetLength);
    for (let i = 0; i < count; i++) {
      const word = nodes[words + i];
      const wanted = target[i];
      if (word !== wanted) return word < wanted;
    }
    // The shorter key's words all tie: it is a prefix of the other, unless both run past the
    // inline bytes, where only the strings can tell.
    if (length > MAX_INLINE_BYTES && targetLength > MAX_INLINE_BYTES) return this.keys[nodes[node + KEY_ORDINAL]] < key;
    return length < targetLength;
  }

  /**
   * Returns the last node whose key is < `key` (HEAD if none). With `recordSplice`, also fills
   * `splice[level]` with the last such node on every level below `height`.
   */
  private search(key: BinaryKey, recordSplice: boolean): number {
    const nodes = this.nodes;
    const splice = this.splice;
    let node = HEAD;
    // A node found not-before the target on one level is often the successor one level down too;
    // remembering it saves repeating that comparison.
    let knownNotBefore = NONE;
    for (let level = this.height - 1; level >= 0; level--) {
      for (;;) {
        const next = nodes[node + LINKS + level];
        if (next === NONE || next === knownNotBefore || !this.isBefore(next, key)) {
          knownNotBefore = next;
          break;
        }
        node = next;
      }
      if (recordSplice) splice[level] = node;
    }
    return node;
  }

  private growNodes(): void {
    const grown = new Int32Array(this.nodes.length * 2);
    grown.set(this.nodes);
    this.nodes = grown;
  }

  private growVersions(): void {
    const grown = new Float64Array(this.versionFloats.length * 2);
    grown.set(this.versionFloats);
    this.versionFloats = grown;
    this.versionInts = new Int32Array(grown.buffer);
  }

  /** Height with P(h >= k) = 4^-(k-1): two random bits per extra level. */
  private randomHeight(): number {
    let x = this.random;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.random = x;
    let height = 1;
    while (height < MAX_HEIGHT && (x & 3) === 0) {
      height++;
      x >>>= 2;
    }
    return height;
  }
}

/** How many words of a key of `length` bytes a node holds inline. */
function inlineWords(length: number): number {
  const words = (length + 3) >>> 2;
  return words < MAX_INLINE_WORDS ? words : MAX_INLINE_WORDS;
}

/**
 * Bytes at..at+3 of the key as a big-endian word (missing bytes count as 0), with the sign bit
 * flipped so that comparing words as signed ints orders them like unsigned bytes. Zero padding
 * keeps the order consistent: a key's words are never greater than those of a key sorting after it.
 */
function keyWord(key: BinaryKey, at: number): number {
  const length = key.length;
  if (at + 4 <= length) {
    return ((key.charCodeAt(at) << 24) | (key.charCodeAt(at + 1) << 16) | (key.charCodeAt(at + 2) << 8) | key.charCodeAt(at + 3)) ^ 0x80000000;
  }
  let word = 0;
  for (let i = 0; i < 4; i++) word = (word << 8) | (at + i < length ? key.charCodeAt(at + i) : 0);
  return word ^ 0x80000000;
}

function grow(array: Int32Array, capacity: number): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(capacity);
  grown.set(array);
  return grown;
}

/**
 * Walks a memtable in internal order: keys ascending, each key's versions newest first; or
 * backwards. All methods are synchronous. Stays valid while inserts continue: entries added after
 * it was created may or may not be seen (callers filter by seq).
 *
 * A key's versions are a chain linked from newest to oldest, so walking them backwards (oldest
 * first) copies the chain into `chain` once per key and steps down that copy: O(versions) per key
 * however long the chain (a hot key under a long-lived snapshot has thousands). Versions linked in
 * later are newer than every reader's snapshot, so a stale copy misses nothing a reader needs.
 */
export class MemtableIterator implements InternalIterator {
  private node = NONE;
  private version = NONE;
  /** Versions of `chainNode`, newest first, as copied by loadChain; `chain[chainPos]` is the current one. */
  private chain: Int32Array | null = null;
  private chainLength = 0;
  private chainPos = 0;
  private chainNode = NONE;
  /** back[0..backCount): nodes before `backAnchor`, ascending, from Memtable.nodesBefore. */
  private back: Int32Array | null = null;
  private backCount = 0;
  private backAnchor = NONE;

  constructor(private readonly memtable: Memtable) {}

  get valid(): boolean {
    return this.version !== NONE;
  }

  get key(): BinaryKey {
    return this.memtable.keyAt(this.node);
  }

  get seq(): SequenceNumber {
    return this.memtable.seqAt(this.version);
  }

  get kind(): EntryKind {
    return this.memtable.kindAt(this.version);
  }

  get value(): Buffer {
    return this.memtable.valueAt(this.version);
  }

  seekToFirst(): void {
    this.enter(this.memtable.firstNode());
  }

  seek(key: BinaryKey, seq?: SequenceNumber): void {
    const memtable = this.memtable;
    const node = memtable.firstNodeAtOrAfter(key);
    if (seq === undefined || node === NONE || memtable.keyAt(node) !== key) {
      this.enter(node);
      return;
    }
    let version = memtable.newestVersion(node);
    while (version !== NONE && memtable.seqAt(version) > seq) version = memtable.olderVersion(version);
    if (version === NONE) {
      this.enter(memtable.nextNode(node));
      return;
    }
    this.node = node;
    this.version = version;
  }

  next(): void {
    const older = this.memtable.olderVersion(this.version);
    if (older !== NONE) this.version = older;
    else this.enter(this.memtable.nextNode(this.node));
  }

  seekToLast(): void {
    this.enterFromBack(this.memtable.lastNode());
  }

  seekBefore(key: BinaryKey): void {
    this.backCount = this.memtable.nodesBefore(key, (this.back ??= new Int32Array(BACK_NODES)));
    this.stepBack();
  }

  prev(): void {
    if (this.version === NONE) return;
    // The copy is stale if forward moves or a seek happened since it was made.
    if (this.chainNode !== this.node || (this.chain as Int32Array)[this.chainPos] !== this.version) {
      this.loadChain(this.node);
      this.chainPos = (this.chain as Int32Array).lastIndexOf(this.version, this.chainLength - 1);
    }
    if (this.chainPos > 0) {
      this.chainPos--;
      this.version = (this.chain as Int32Array)[this.chainPos];
      return;
    }
    // The nodes found before the current one are still its predecessors, whatever moves happened
    // since (nodes are never removed); only when they run out, or belong to another node, search.
    if (this.backAnchor !== this.node || this.backCount === 0) {
      this.backCount = this.memtable.nodesBefore(this.memtable.keyAt(this.node), (this.back ??= new Int32Array(BACK_NODES)));
    }
    this.stepBack();
  }

  /** Moves to the oldest version of the last node in `back`, or becomes invalid if it is empty. */
  private stepBack(): void {
    if (this.backCount === 0) {
      this.backAnchor = NONE;
      this.enterFromBack(NONE);
      return;
    }
    const node = (this.back as Int32Array)[--this.backCount];
    this.backAnchor = node;
    this.enterFromBack(node);
  }

  /** Positions at `node`'s newest version (every node has at least one). */
  private enter(node: number): void {
    this.node = node;
    this.version = node === NONE ? NONE : this.memtable.newestVersion(node);
  }

  /** Positions at `node`'s oldest version. */
  private enterFromBack(node: number): void {
    this.node = node;
    if (node === NONE) {
      this.version = NONE;
      return;
    }
    this.loadChain(node);
    this.chainPos = this.chainLength - 1;
    this.version = (this.chain as Int32Array)[this.chainPos];
  }

  /** Copies `node`'s version chain, newest first, into `chain`. */
  private loadChain(node: number): void {
    const memtable = this.memtable;
    let chain = this.chain ?? new Int32Array(8);
    let length = 0;
    for (let version = memtable.newestVersion(node); version !== NONE; version = memtable.olderVersion(version)) {
      if (length === chain.length) chain = grow(chain, length * 2);
      chain[length++] = version;
    }
    this.chain = chain;
    this.chainLength = length;
    this.chainNode = node;
  }
}
