/**
 * One ~4 KiB partition of a table's bloom filter as the block cache holds it (table-meta.ts reads
 * them; cache/block-cache.ts keeps them beside data blocks and indexes).
 */
export class FilterPartition {
  constructor(readonly data: Buffer) {}

  get byteSize(): number {
    return this.data.length;
  }
}
