/**
 * Dropped key ranges: parts of the key space a caller has given up for good (the keyspace's
 * flushed namespaces). Flushes and compactions leave every entry inside them out of the tables
 * they write, which is how Db.dropRanges empties the tables that hold such keys next to live ones.
 *
 * The set only grows while the Db is open and is not persisted: the caller asks again after a
 * restart for whatever it has not seen finished (the keyspace keeps its flushed namespaces in its
 * layout record until Db.dropRanges resolved for them). Ranges are merged as they are added, so
 * namespaces dropped one after another stay one range.
 */
import type { BinaryKey } from './types.js';

/** The user keys k with start <= k < end. */
export interface KeyRange {
  readonly start: BinaryKey;
  readonly end: BinaryKey;
}

/** Whether [smallest, largest] (a table's bounds) lies entirely inside the range. */
export function rangeHolds(range: KeyRange, smallest: BinaryKey, largest: BinaryKey): boolean {
  return smallest >= range.start && largest < range.end;
}

/** Whether [smallest, largest] and the range share some key. */
export function rangeOverlaps(range: KeyRange, smallest: BinaryKey, largest: BinaryKey): boolean {
  return largest >= range.start && smallest < range.end;
}

export class KeyRangeSet {
  /** Sorted by start, disjoint and never touching (touching ranges are merged). */
  private ranges: KeyRange[] = [];

  get size(): number {
    return this.ranges.length;
  }

  add(range: KeyRange): void {
    if (!(range.start < range.end)) throw new RangeError(`empty key range [${JSON.stringify(range.start)}, ${JSON.stringify(range.end)})`);
    let start = range.start;
    let end = range.end;
    const kept: KeyRange[] = [];
    for (const r of this.ranges) {
      if (r.end < start || r.start > end) kept.push(r);
      else {
        if (r.start < start) start = r.start;
        if (r.end > end) end = r.end;
      }
    }
    kept.push({ start, end });
    kept.sort((a, b) => (a.start < b.start ? -1 : 1));
    this.ranges = kept;
  }

  /** A copy, safe to hand to a compaction plan (it is structured-cloned into the worker). */
  list(): KeyRange[] {
    return this.ranges.slice();
  }

  /** A cursor for keys visited in ascending order, or null when nothing is dropped (the common case). */
  cursor(): RangeCursor | null {
    return this.ranges.length === 0 ? null : new RangeCursor(this.ranges.slice());
  }
}

/**
 * Membership test for keys that arrive in ascending order (a flush or a merge): the cursor only
 * moves forward, so checking every entry of a table costs one or two string comparisons each.
 */
export class RangeCursor {
  private index = 0;

  /** `ranges` sorted by start and disjoint, as KeyRangeSet keeps them. */
  constructor(private readonly ranges: readonly KeyRange[]) {}

  /** Whether `key` is inside a range. Keys must not decrease between calls. */
  covers(key: BinaryKey): boolean {
    const ranges = this.ranges;
    while (this.index < ranges.length && key >= ranges[this.index].end) this.index++;
    return this.index < ranges.length && key >= ranges[this.index].start;
  }
}
