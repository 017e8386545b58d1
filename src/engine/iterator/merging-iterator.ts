/**
 * Merges several internal iterators into one stream in internal order (key ascending, sequence
 * number descending), keeping duplicates: deciding which versions matter is the reader's or the
 * compaction's job, not the merge's.
 *
 * Children are kept in a binary min-heap of child indices. Each child's current key and sequence
 * number are cached next to the heap, so sifting compares plain array slots instead of calling
 * the children's accessors. Ties on (key, seq), which should not happen, go to the earlier child,
 * i.e. the newer source.
 *
 * Synchronous when the children are: a method returns a Promise only if some child returned one
 * (a table iterator waiting for a block read), and then the heap is fixed up once it settles.
 * The continuations are bound once in the constructor so the hot `next` path allocates nothing.
 */
import type { BinaryKey, EntryKind, SequenceNumber } from '../types.js';
import type { InternalIterator } from './internal-iterator.js';

export class MergingIterator implements InternalIterator {
  private readonly children: InternalIterator[];
  /** heap[0..size) are indices of valid children; heap[0] is the child holding the smallest entry. */
  private readonly heap: Int32Array;
  private size = 0;
  private readonly childKeys: BinaryKey[];
  private readonly childSeqs: Float64Array;
  private readonly rebuildBound: () => void;
  private readonly afterAdvanceBound: () => void;

  /** Children given newest source first. */
  constructor(children: InternalIterator[]) {
    this.children = children.slice();
    this.heap = new Int32Array(children.length);
    this.childKeys = new Array<BinaryKey>(children.length).fill('');
    this.childSeqs = new Float64Array(children.length);
    this.rebuildBound = () => this.rebuild();
    this.afterAdvanceBound = () => this.afterAdvance();
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
    let pending: Promise<void>[] | null = null;
    for (const child of this.children) {
      const wait = child.seekToFirst();
      if (wait !== undefined) (pending ??= []).push(wait);
    }
    return this.rebuildWhenSettled(pending);
  }

  seek(key: BinaryKey): void | Promise<void> {
    let pending: Promise<void>[] | null = null;
    for (const child of this.children) {
      const wait = child.seek(key);
      if (wait !== undefined) (pending ??= []).push(wait);
    }
    return this.rebuildWhenSettled(pending);
  }

  next(): void | Promise<void> {
    const wait = this.children[this.heap[0]].next();
    if (wait !== undefined) return wait.then(this.afterAdvanceBound);
    this.afterAdvance();
  }

  private rebuildWhenSettled(pending: Promise<void>[] | null): void | Promise<void> {
    if (pending === null) {
      this.rebuild();
      return;
    }
    return Promise.all(pending).then(this.rebuildBound);
  }

  /** Re-reads every child's position and heapifies. */
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
    for (let i = (size >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  /** The top child has moved: refresh its cached position and restore the heap. */
  private afterAdvance(): void {
    const top = this.heap[0];
    const child = this.children[top];
    if (child.valid) {
      this.childKeys[top] = child.key;
      this.childSeqs[top] = child.seq;
    } else {
      this.size--;
      this.heap[0] = this.heap[this.size];
    }
    if (this.size > 1) this.siftDown(0);
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
}
