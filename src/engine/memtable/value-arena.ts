/**
 * Append-only storage for memtable values.
 *
 * Values are copied into large slabs instead of being kept as the caller's Buffers, for two
 * reasons. First, a caller's Buffer is often a view into a much larger chunk (a socket read parsed
 * by redis-parser is a slice of a 64 KiB chunk); keeping such views alive would pin whole chunks
 * and make memory accounting meaningless. Second, the memtable then holds no per-entry objects
 * besides the key string, so millions of entries cost the garbage collector nothing to trace.
 *
 * A value is addressed by (slab index, offset, length); the arena never moves bytes once written,
 * so those addresses stay valid for the arena's lifetime.
 */

/** The first slab is small so that short-lived or mostly-empty memtables stay cheap. */
const FIRST_SLAB_BYTES = 64 * 1024;
/** Slabs double up to this size; 1 MiB keeps the unused tail of a slab a negligible fraction. */
const MAX_SLAB_BYTES = 1024 * 1024;
/** Values at least this large get a slab of their own, so they never waste a shared slab's tail. */
const DEDICATED_SLAB_THRESHOLD = MAX_SLAB_BYTES / 4;

const EMPTY = Buffer.alloc(0);

export class ValueArena {
  private readonly slabs: Buffer[] = [];
  private current: Buffer = EMPTY;
  private currentIndex = -1;
  private used = 0;
  private nextSlabBytes = FIRST_SLAB_BYTES;
  private allocated = 0;

  /** Slab index of the value stored by the last `append` (read it right after the call). */
  lastSlab = 0;

  /** Bytes held by slabs, including their not yet used tails. */
  get allocatedBytes(): number {
    return this.allocated;
  }

  /** Copies `value` into the arena; returns its offset and sets `lastSlab`. Empty values take no space. */
  append(value: Uint8Array): number {
    const length = value.length;
    if (length === 0) {
      this.lastSlab = 0;
      return 0;
    }
    if (length >= DEDICATED_SLAB_THRESHOLD) {
      const own = Buffer.allocUnsafeSlow(length);
      own.set(value, 0);
      this.slabs.push(own);
      this.allocated += length;
      this.lastSlab = this.slabs.length - 1;
      return 0;
    }
    if (this.used + length > this.current.length) this.startSlab(length);
    const offset = this.used;
    this.current.set(value, offset);
    this.used = offset + length;
    this.lastSlab = this.currentIndex;
    return offset;
  }

  /** A view of a stored value (no copy). */
  view(slab: number, offset: number, length: number): Buffer {
    if (length === 0) return EMPTY;
    return this.slabs[slab].subarray(offset, offset + length);
  }

  private startSlab(minBytes: number): void {
    const bytes = Math.max(this.nextSlabBytes, minBytes);
    this.nextSlabBytes = Math.min(this.nextSlabBytes * 2, MAX_SLAB_BYTES);
    this.current = Buffer.allocUnsafeSlow(bytes);
    this.slabs.push(this.current);
    this.currentIndex = this.slabs.length - 1;
    this.used = 0;
    this.allocated += bytes;
  }
}
