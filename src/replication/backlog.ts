/**
 * The replication backlog: the last `size` bytes of the replication stream, kept in memory so a
 * replica that lost its link for a while catches up with PSYNC (+CONTINUE) instead of a full sync.
 *
 * Offsets are Redis': the first byte of the stream is offset 1, and `offset` (master_repl_offset)
 * is the offset of the last byte appended. The backlog holds bytes [firstByte, offset].
 *
 * Kept as a list of chunks (one per append) trimmed from the front once the total passes `size`:
 * appending never copies the stream, and a chunk is dropped only when all of it is older than the
 * `size` newest bytes (so the backlog may hold up to one chunk more than `size`, never less).
 * A backlog in files beside the WAL, so that replicas down for minutes under heavy writes still
 * continue, is a later step (docs/replication.md).
 */
export class Backlog {
  private chunks: Buffer[] = [];
  private head = 0;
  /** Bytes held in chunks[head..]. */
  private held = 0;

  /** `offset`: the stream offset the backlog starts after (its first byte will be offset + 1). */
  constructor(public size: number, private end: number) {}

  /** master_repl_offset: the offset of the last byte appended. */
  get offset(): number {
    return this.end;
  }

  /** repl_backlog_first_byte_offset */
  get firstByte(): number {
    return this.end - this.held + 1;
  }

  /** repl_backlog_histlen */
  get histlen(): number {
    return this.held;
  }

  append(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.chunks.push(bytes);
    this.held += bytes.length;
    this.end += bytes.length;
    while (this.held - this.chunks[this.head].length >= this.size) {
      this.held -= this.chunks[this.head].length;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }

  /**
   * The bytes after `offset` (a replica's processed offset, PSYNC's argument minus one), or null
   * when the backlog does not reach back that far (or `offset` is past the end).
   */
  since(offset: number): Buffer[] | null {
    if (offset > this.end || offset < this.firstByte - 1) return null;
    const out: Buffer[] = [];
    let at = this.firstByte;
    for (let i = this.head; i < this.chunks.length; i++) {
      const chunk = this.chunks[i];
      const chunkEnd = at + chunk.length - 1;
      if (chunkEnd > offset) out.push(at > offset ? chunk : chunk.subarray(offset + 1 - at));
      at = chunkEnd + 1;
    }
    return out;
  }
}
