/**
 * The memtable: every write lands here first, so inserting must be cheap.
 *
 * It is a skip list (ordered by user key ascending, then sequence number descending) whose nodes
 * are not objects but indices into parallel typed arrays:
 *
 *   keys[n]         user key (the only per-entry heap object, and it is the caller's string)
 *   seqs[n]         sequence number (Float64Array: exact up to 2^53)
 *   kinds[n]        EntryKind
 *   valueSlab/valueOffset/valueLength[n]   where the value bytes live in the ValueArena
 *   linkBase[n]     where node n's forward pointers start in `links`;
 *   links[linkBase[n] + level]   the next node at that level (0 = none)
 *
 * Node 0 is the head; since nothing links back to the head, index 0 doubles as the null pointer,
 * which lets freshly grown (zero-filled) link arrays mean "no successor". A node's links take
 * exactly its height in slots (1.33 on average with p = 1/4), so the tower costs ~5 bytes, not a
 * fixed-size array. Growing the arrays copies them, which is amortized O(1) per insert.
 *
 * Appending in order (sequential keys, bulk loads) skips the search: the last node of every level
 * is tracked, and an entry sorting after the last node is linked straight after those nodes.
 *
 * Concurrency: JavaScript runs one thing at a time, so an iterator only ever observes the list
 * between inserts. It holds a node index, and node indices never change meaning; new nodes are
 * spliced in front of existing successors, so a live iterator simply may or may not see them.
 */
import { EntryKind, type BinaryKey, type FoundEntry, type SequenceNumber } from '../types.js';
import type { InternalIterator } from '../iterator/internal-iterator.js';
import { ValueArena } from './value-arena.js';

/** With p = 1/4, 12 levels index ~16 M entries at full efficiency, far beyond a 64 MiB memtable. */
const MAX_HEIGHT = 12;
const HEAD = 0;
const NONE = 0;
const INITIAL_NODE_CAPACITY = 1024;
/** Sorts before every real version of a key, so seek(key) lands on the key's newest version. */
const NEWEST_SEQ = Number.MAX_SAFE_INTEGER;

/**
 * Fixed bytes added per entry to `approximateBytes`, on top of key and value length. It covers
 * what an entry really costs besides its bytes: the key string's header (~16), the array slot for
 * it (4-8), seq (8), kind (1), value address (12), link base and ~1.33 links (~9), plus headroom
 * for the typed arrays' doubling slack and the arena's unused slab tails. Measured total heap
 * growth for 1 M entries with 16-byte keys and 100-byte values is within this budget.
 */
export const MEMTABLE_ENTRY_OVERHEAD = 64;

const EMPTY_VALUE = Buffer.alloc(0);

export class Memtable {
  private keys: BinaryKey[] = [''];
  private seqs = new Float64Array(INITIAL_NODE_CAPACITY);
  private kinds = new Uint8Array(INITIAL_NODE_CAPACITY);
  private valueSlab = new Int32Array(INITIAL_NODE_CAPACITY);
  private valueOffset = new Int32Array(INITIAL_NODE_CAPACITY);
  private valueLength = new Int32Array(INITIAL_NODE_CAPACITY);
  private linkBase = new Int32Array(INITIAL_NODE_CAPACITY);
  private links = new Int32Array(INITIAL_NODE_CAPACITY * 2);
  private linksUsed = MAX_HEIGHT;
  /** Number of nodes including the head, i.e. the next node index. */
  private nodeCount = 1;
  private height = 1;
  private readonly arena = new ValueArena();
  /** Scratch for insert: the node after which the new node is linked, per level. */
  private readonly splice = new Int32Array(MAX_HEIGHT);
  /** The last node at each level (HEAD when the level is empty), for the in-order append path. */
  private readonly lastAtLevel = new Int32Array(MAX_HEIGHT);
  /** xorshift32 state; a fixed seed keeps runs reproducible, and keys cannot influence it. */
  private random = 0x2545f491;
  private bytes = 0;
  private minSeq = 0;
  private maxSeq = 0;

  /** Key bytes + value bytes + MEMTABLE_ENTRY_OVERHEAD per entry. */
  get approximateBytes(): number {
    return this.bytes;
  }

  get entries(): number {
    return this.nodeCount - 1;
  }

  /** Smallest sequence number inserted; 0 while empty. */
  get smallestSeq(): SequenceNumber {
    return this.minSeq;
  }

  /** Largest sequence number inserted; 0 while empty. */
  get largestSeq(): SequenceNumber {
    return this.maxSeq;
  }

  /** Insert one version. (key, seq) pairs are unique; order: key asc, seq desc. */
  add(key: BinaryKey, seq: SequenceNumber, kind: EntryKind, value: Buffer): void {
    const height = this.randomHeight();
    const node = this.allocateNode(height);
    this.keys.push(key);
    this.seqs[node] = seq;
    this.kinds[node] = kind;
    const valueLength = kind === EntryKind.Put ? value.length : 0;
    if (valueLength > 0) {
      this.valueOffset[node] = this.arena.append(value);
      this.valueSlab[node] = this.arena.lastSlab;
    }
    this.valueLength[node] = valueLength;

    const splice = this.splice;
    const lastAtLevel = this.lastAtLevel;
    const last = lastAtLevel[0];
    if (last !== HEAD && this.isBefore(last, key, seq)) {
      for (let level = 0; level < height; level++) splice[level] = lastAtLevel[level];
    } else {
      this.findSplice(key, seq);
      for (let level = this.height; level < height; level++) splice[level] = HEAD;
    }
    if (height > this.height) this.height = height;

    const links = this.links;
    const linkBase = this.linkBase;
    const own = linkBase[node];
    for (let level = 0; level < height; level++) {
      const at = linkBase[splice[level]] + level;
      const successor = links[at];
      links[own + level] = successor;
      links[at] = node;
      if (successor === NONE) lastAtLevel[level] = node;
    }

    this.bytes += key.length + valueLength + MEMTABLE_ENTRY_OVERHEAD;
    if (node === 1) {
      this.minSeq = seq;
      this.maxSeq = seq;
    } else if (seq < this.minSeq) {
      this.minSeq = seq;
    } else if (seq > this.maxSeq) {
      this.maxSeq = seq;
    }
  }

  /** Newest version of key with seq <= snapshot, or undefined. */
  get(key: BinaryKey, snapshot: SequenceNumber): FoundEntry | undefined {
    const node = this.firstAtOrAfter(key, snapshot);
    if (node === NONE || this.keys[node] !== key) return undefined;
    return { kind: this.kinds[node] as EntryKind, seq: this.seqs[node], value: this.valueAt(node) };
  }

  iterator(): MemtableIterator {
    return new MemtableIterator(this);
  }

  // ---- Node access for MemtableIterator (node indices are not part of the public contract) ----

  /** The first node at or after (key, seq) in internal order, or NONE. */
  firstAtOrAfter(key: BinaryKey, seq: SequenceNumber): number {
    const links = this.links;
    const linkBase = this.linkBase;
    let node = HEAD;
    // A node found not-before the target at one level is often the successor one level down too;
    // remembering it saves repeating that string comparison.
    let knownNotBefore = NONE;
    for (let level = this.height - 1; level >= 0; level--) {
      for (;;) {
        const next = links[linkBase[node] + level];
        if (next === NONE || next === knownNotBefore || !this.isBefore(next, key, seq)) {
          knownNotBefore = next;
          break;
        }
        node = next;
      }
    }
    return links[linkBase[node]];
  }

  firstNode(): number {
    return this.links[this.linkBase[HEAD]];
  }

  nextNode(node: number): number {
    return this.links[this.linkBase[node]];
  }

  keyAt(node: number): BinaryKey {
    return this.keys[node];
  }

  seqAt(node: number): SequenceNumber {
    return this.seqs[node];
  }

  kindAt(node: number): EntryKind {
    return this.kinds[node] as EntryKind;
  }

  valueAt(node: number): Buffer {
    const length = this.valueLength[node];
    if (length === 0) return EMPTY_VALUE;
    return this.arena.view(this.valueSlab[node], this.valueOffset[node], length);
  }

  // ---- internals ----

  /** True if node sorts strictly before (key, seq). */
  private isBefore(node: number, key: BinaryKey, seq: SequenceNumber): boolean {
    const nodeKey = this.keys[node];
    return nodeKey < key || (nodeKey === key && this.seqs[node] > seq);
  }

  /** Fills `splice[level]` with the last node before (key, seq) for every level below `height`. */
  private findSplice(key: BinaryKey, seq: SequenceNumber): void {
    const links = this.links;
    const linkBase = this.linkBase;
    const splice = this.splice;
    let node = HEAD;
    let knownNotBefore = NONE;
    for (let level = this.height - 1; level >= 0; level--) {
      for (;;) {
        const next = links[linkBase[node] + level];
        if (next === NONE || next === knownNotBefore || !this.isBefore(next, key, seq)) {
          knownNotBefore = next;
          break;
        }
        node = next;
      }
      splice[level] = node;
    }
  }

  private allocateNode(height: number): number {
    const node = this.nodeCount;
    if (node === this.seqs.length) this.growNodes(node * 2);
    if (this.linksUsed + height > this.links.length) this.links = grow(this.links, this.links.length * 2);
    this.linkBase[node] = this.linksUsed;
    this.linksUsed += height;
    this.nodeCount = node + 1;
    return node;
  }

  private growNodes(capacity: number): void {
    const seqs = new Float64Array(capacity);
    seqs.set(this.seqs);
    this.seqs = seqs;
    const kinds = new Uint8Array(capacity);
    kinds.set(this.kinds);
    this.kinds = kinds;
    this.valueSlab = grow(this.valueSlab, capacity);
    this.valueOffset = grow(this.valueOffset, capacity);
    this.valueLength = grow(this.valueLength, capacity);
    this.linkBase = grow(this.linkBase, capacity);
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

function grow(array: Int32Array, capacity: number): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(capacity);
  grown.set(array);
  return grown;
}

/**
 * Walks a memtable in internal order. All methods are synchronous. Stays valid while inserts
 * continue: entries added after it was created may or may not be seen (callers filter by seq).
 */
export class MemtableIterator implements InternalIterator {
  private node = NONE;

  constructor(private readonly memtable: Memtable) {}

  get valid(): boolean {
    return this.node !== NONE;
  }

  get key(): BinaryKey {
    return this.memtable.keyAt(this.node);
  }

  get seq(): SequenceNumber {
    return this.memtable.seqAt(this.node);
  }

  get kind(): EntryKind {
    return this.memtable.kindAt(this.node);
  }

  get value(): Buffer {
    return this.memtable.valueAt(this.node);
  }

  seekToFirst(): void {
    this.node = this.memtable.firstNode();
  }

  seek(key: BinaryKey): void {
    this.node = this.memtable.firstAtOrAfter(key, NEWEST_SEQ);
  }

  next(): void {
    this.node = this.memtable.nextNode(this.node);
  }
}
