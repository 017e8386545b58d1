/**
 * Merges several internal iterators into one stream in internal order (key ascending, sequence
 * number descending), keeping duplicates: deciding which versions matter is the reader's or the
 * compaction's job, not the merge's. It walks either way, and may change direction mid-stream.
 *
 * Children are kept in a binary heap of child indices: a min-heap walking forward, a max-heap
 * walking backward (the same array, sifted with the mirrored comparison). Each child's current key
 * and sequence number are cached next to the heap, so sifting compares plain array slots instead
 * of calling the children's accessors. Ties on (key, seq), which should not happen, go to the
 * earlier child, i.e. the newer source, walking forward, and to the later one walking backward, so
 * that the backward stream is exactly the forward one reversed.
 *
 * Changing direction (as LevelDB's MergingIterator does): walking forward, every child but the
 * current one sits at its first entry after the current entry; walking backward, at its last entry
 * before it. So a switch repositions every other child around the current entry — a seek to it
 * and one step — before the current child steps. Switches cost a seek per child; scans that keep
 * one direction never pay it.
 *
 * Synchronous when the children are: a method returns a Promise only if some child returned one
 * (a table iterator waiting for a block read), and then the heap is fixed up once it settles.
 * The continuations are bound once in the constructor so the hot `next` and `prev` paths allocate
 * nothing.
 */
import type { BinaryKey, EntryKind, SequenceNumber } from '../types.js';
import type { InternalIterator } from './internal-iterator.js';

export class MergingIterator implements InternalIterator {
  private readonly children: InternalIterator[];
  /** heap[0..size) are indices of valid children; heap[0] is the child holding the current entry. */
  private readonly heap: Int32Array;
  private size = 0;
  /** Walking backward: the heap is a max-heap and children sit at or before the current entry. */
  private reverse = false;
  private readonly childKeys: BinaryKey[];
  private readonly childSeqs: Float64Array;
  private readonly rebuildBound: () => void;
  private readonly afterAdvanceBound: () => void;
  private readonly afterRetreatBound: () => void;

  /** Children given newest source first. */
  constructor(children: InternalIterator[]) {
    this.children = children.slice();
    this.heap = new Int32Array(children.length);
    this.childKeys = new Array<BinaryKey>(children.length).fill('');
    this.childSeqs = new Float64Array(children.length);
    this.rebuildBound = () => this.rebuild();
    this.afterAdvanceBound = () => this.afterAdvance();
    this.afterRetreatBound = () => this.afterRetreat();
  }

  get valid(): boolean {
    return this.size > 0;
  }

  get key(): BinaryKey {
    return this.childKeys[this.heap[0]];
  }

  get seq(): SequenceNumber {
    return this.childSeqs[this.heap[0]];
  }

  get kind(): EntryKind {
    return this.children[this.heap[0]].kind;
  }

  get value(): Buffer {
    return this.children[this.heap[0]].value;
  }

  seekToFirst(): void | Promise<void> {
    this.reverse = false;
    let pending: Promise<void>[] | null = null;
    for (const child of this.children) {
      const wait = child.seekToFirst();
      if (wait !== undefined) (pending ??= []).push(wait);
    }
    return this.rebuildWhenSettled(pending);
  }

  seek(key: BinaryKey, seq?: SequenceNumber): void | Promise<void> {
    this.reverse = false;
    let pending: Promise<void>[] | null = null;
    for (const child of this.children) {
      const wait = child.seek(key, seq);
      if (wait !== undefined) (pending ??= []).push(wait);
    }
    return this.rebuildWhenSettled(pending);
  }

  next(): void | Promise<void> {
    if (this.reverse) return this.switchDirection(false);
    const wait = this.children[this.heap[0]].next();
    if (wait !== undefined) return wait.then(this.afterAdvanceBound);
    this.afterAdvance();
  }

  seekToLast(): void | Promise<void> {
    this.reverse = true;
    let pending: Promise<void>[] | null = null;
    for (const child of this.children) {
      const wait = child.seekToLast();
      if (wait !== undefined) (pending ??= []).push(wait);
    }
    return this.rebuildWhenSettled(pending);
  }

  seekBefore(key: BinaryKey): void | Promise<void> {
    this.reverse = true;
    let pending: Promise<void>[] | null = null;
    for (const child of this.children) {
      const wait = child.seekBefore(key);
      if (wait !== undefined) (pending ??= []).push(wait);
    }
    return this.rebuildWhenSettled(pending);
  }

  prev(): void | Promise<void> {
    if (!this.reverse) return this.switchDirection(true);
    const wait = this.children[this.heap[0]].prev();
    if (wait !== undefined) return wait.then(this.afterRetreatBound);
    this.afterRetreat();
  }

  /**
   * Turns around at the current entry and takes one step the new way: every other child is placed
   * just past the current entry on the side being walked to, then the current child steps.
   */
  private switchDirection(toReverse: boolean): void | Promise<void> {
    if (this.size === 0) return;
    const current = this.heap[0];
    const key = this.childKeys[current];
    const seq = this.childSeqs[current];
    this.reverse = toReverse;
    let pending: Promise<void>[] | null = null;
    const children = this.children;
    for (let i = 0; i < children.length; i++) {
      if (i === current) continue;
      const child = children[i];
      // The first entry >= (key, seq); a tie with the current entry counts as before it for an
      // earlier child (it came first forward), as after it for a later one.
      const seeking = child.seek(key, seq);
      const earlier = i < current;
      const wait =
        seeking === undefined
          ? placeAround(child, key, seq, earlier, toReverse)
          : seeking.then(() => placeAround(child, key, seq, earlier, toReverse));
      if (wait !== undefined) (pending ??= []).push(wait);
    }
    const step = toReverse ? children[current].prev() : children[current].next();
    if (step !== undefined) (pending ??= []).push(step);
    return this.rebuildWhenSettled(pending);
  }

  private rebuildWhenSettled(pending: Promise<void>[] | null): void | Promise<void> {
    if (pending === null) {
      this.rebuild();
      return;
    }
    return Promise.all(pending).then(this.rebuildBound);
  }

  /** Re-reads every child's position and heapifies for the current direction. */
  private rebuild(): void {
    const children = this.children;
    let size = 0;
    for (let i = 0; i < children.length; i++) {
      const child = children[i];
      if (!child.valid) continue;
      this.childKeys[i] = child.key;
      this.childSeqs[i] = child.seq;
      this.heap[size++] = i;
    }
    this.size = size;
    if (this.reverse) {
      for (let i = (size >> 1) - 1; i >= 0; i--) this.siftDownReverse(i);
    } else {
      for (let i = (size >> 1) - 1; i >= 0; i--) this.siftDown(i);
    }
  }

  /** The top child has moved forward: refresh its cached position and restore the heap. */
  private afterAdvance(): void {
    if (this.refreshTop() > 1) this.siftDown(0);
  }

  /** The top child has moved backward: refresh its cached position and restore the heap. */
  private afterRetreat(): void {
    if (this.refreshTop() > 1) this.siftDownReverse(0);
  }

  /** Re-reads the top child's position, dropping it from the heap if it ran out; returns the size. */
  private refreshTop(): number {
    const top = this.heap[0];
    const child = this.children[top];
    if (child.valid) {
      this.childKeys[top] = child.key;
      this.childSeqs[top] = child.seq;
    } else {
      this.size--;
      this.heap[0] = this.heap[this.size];
    }
    return this.size;
  }

  /** True if child a's entry sorts before child b's (ties: the earlier, newer child first). */
  private isBefore(a: number, b: number): boolean {
    const keyA = this.childKeys[a];
    const keyB = this.childKeys[b];
    if (keyA !== keyB) return keyA < keyB;
    const seqA = this.childSeqs[a];
    const seqB = this.childSeqs[b];
    if (seqA !== seqB) return seqA > seqB;
    return a < b;
  }

  private siftDown(position: number): void {
    const heap = this.heap;
    const size = this.size;
    const moving = heap[position];
    for (;;) {
      let smallest = 2 * position + 1;
      if (smallest >= size) break;
      const right = smallest + 1;
      if (right < size && this.isBefore(heap[right], heap[smallest])) smallest = right;
      if (!this.isBefore(heap[smallest], moving)) break;
      heap[position] = heap[smallest];
      position = smallest;
    }
    heap[position] = moving;
  }

  /** siftDown for the max-heap of a backward walk: the entry sorting last rises to the top. */
  private siftDownReverse(position: number): void {
    const heap = this.heap;
    const size = this.size;
    const moving = heap[position];
    for (;;) {
      let largest = 2 * position + 1;
      if (largest >= size) break;
      const right = largest + 1;
      if (right < size && this.isBefore(heap[largest], heap[right])) largest = right;
      if (!this.isBefore(moving, heap[largest])) break;
      heap[position] = heap[largest];
      position = largest;
    }
    heap[position] = moving;
  }
}

/**
 * Finishes a direction switch for one child that a seek left at its first entry >= (key, seq):
 * walking forward it must sit at its first entry after the current one, walking backward at its
 * last entry before it. `earlier` says the child comes before the current one in the merge, which
 * only matters for an entry equal to the current one (see the tie rule above).
 */
function placeAround(child: InternalIterator, key: BinaryKey, seq: SequenceNumber, earlier: boolean, toReverse: boolean): void | Promise<void> {
  if (!child.valid) return toReverse ? child.seekToLast() : undefined;
  const tie = earlier && child.key === key && child.seq === seq;
  if (toReverse) return tie ? undefined : child.prev();
  return tie ? child.next() : undefined;
}
